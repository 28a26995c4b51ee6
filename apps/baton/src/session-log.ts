import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { AgentEvent, Logger } from "@baton/domain";
import { workspaceKey } from "@baton/workspace";

/**
 * Per-issue session logs: every agent event of an issue appended as one JSON line to
 * `<logs-root>/sessions/<workspace key>.jsonl`. High-volume streaming deltas are kept without
 * their payload. A failing file is dropped with one warning; the service keeps running.
 */
export class SessionLogs {
  private readonly streams = new Map<string, WriteStream>();
  private readonly failed = new Set<string>();
  readonly dir: string;

  constructor(
    logsRoot: string,
    private readonly logger: Logger,
  ) {
    this.dir = join(logsRoot, "sessions");
  }

  pathFor(identifier: string): string {
    return join(this.dir, `${workspaceKey(identifier)}.jsonl`);
  }

  append(identifier: string, event: AgentEvent): void {
    if (this.failed.has(identifier)) return;
    const stream = this.streamFor(identifier);
    if (!stream) return;
    const isDelta = event.method?.endsWith("Delta") || event.method?.endsWith("/delta");
    const record = isDelta ? { ...event, payload: undefined } : event;
    stream.write(`${JSON.stringify(record)}\n`);
  }

  /** Closes an issue's file (the next event reopens it in append mode). */
  release(identifier: string): void {
    this.streams.get(identifier)?.end();
    this.streams.delete(identifier);
  }

  async close(): Promise<void> {
    const ending = [...this.streams.values()].map((stream) => new Promise((resolve) => stream.end(resolve)));
    this.streams.clear();
    await Promise.all(ending);
  }

  private streamFor(identifier: string): WriteStream | null {
    const existing = this.streams.get(identifier);
    if (existing) return existing;
    const path = this.pathFor(identifier);
    try {
      mkdirSync(this.dir, { recursive: true });
      const stream = createWriteStream(path, { flags: "a" });
      stream.on("error", (error) => this.fail(identifier, path, error));
      this.streams.set(identifier, stream);
      return stream;
    } catch (error) {
      this.fail(identifier, path, error as Error);
      return null;
    }
  }

  private fail(identifier: string, path: string, error: Error): void {
    if (this.failed.has(identifier)) return;
    this.failed.add(identifier);
    this.streams.delete(identifier);
    this.logger.warn(
      { issue_identifier: identifier, path, reason: error.message },
      "action=session_log outcome=disabled",
    );
  }
}
