import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { AgentEvent, Logger } from "@baton/domain";
import { workspaceKey } from "@baton/workspace";

const FLUSH_INTERVAL_MS = 200;
/** Bytes read per step when paging a session log; a longer line makes the read grow to fit it. */
const READ_CHUNK_BYTES = 256 * 1024;

/** A page of a session log: whole lines parsed, and the byte offset the next page starts at. */
export interface SessionLogPage {
  events: Record<string, unknown>[];
  next_cursor: number;
  has_more: boolean;
}

/**
 * Per-issue session logs: every agent event of an issue appended as one JSON line to
 * `<logs-root>/sessions/<workspace key>.jsonl`. High-volume streaming deltas are kept without
 * their payload. Lines are batched per file and written every FLUSH_INTERVAL_MS (one write per
 * file instead of one per event: busy sessions emit thousands of events a second). A failing file
 * is dropped with one warning; the service keeps running.
 */
export class SessionLogs {
  private readonly streams = new Map<string, WriteStream>();
  private readonly pending = new Map<string, string[]>();
  private flushTimer: NodeJS.Timeout | null = null;
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
    const isDelta = event.method?.endsWith("Delta") || event.method?.endsWith("/delta");
    const record = isDelta ? { ...event, payload: undefined } : event;
    const lines = this.pending.get(identifier);
    if (lines) lines.push(`${JSON.stringify(record)}\n`);
    else this.pending.set(identifier, [`${JSON.stringify(record)}\n`]);
    if (this.flushTimer === null) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
      this.flushTimer.unref();
    }
  }

  /**
   * Up to `limit` events logged for the issue from byte offset `cursor` (a previous page's
   * `next_cursor`); null when the issue has no session log. Pending lines are written first, so a
   * live session reads up to its latest event. The one reader of session log files.
   */
  async read(identifier: string, cursor: number, limit: number): Promise<SessionLogPage | null> {
    await this.flushAndDrain(identifier);
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(this.pathFor(identifier), "r");
    } catch {
      return null;
    }
    try {
      const { size } = await file.stat();
      const events: Record<string, unknown>[] = [];
      let position = Math.min(cursor, size);
      let chunk = READ_CHUNK_BYTES;
      while (events.length < limit && position < size) {
        const length = Math.min(chunk, size - position);
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await file.read(buffer, 0, length, position);
        const text = buffer.subarray(0, bytesRead);
        let start = 0;
        for (let end = text.indexOf(10); end !== -1 && events.length < limit; end = text.indexOf(10, start)) {
          const line = text.subarray(start, end).toString("utf8");
          start = end + 1;
          try {
            events.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            events.push({ event: "unreadable_log_line", line: line.slice(0, 200) });
          }
        }
        // A line longer than the chunk: read again with room for it (the partial tail is the next page's).
        if (start === 0) {
          if (length === size - position) break;
          chunk *= 2;
          continue;
        }
        position += start;
      }
      return { events, next_cursor: position, has_more: position < size };
    } finally {
      await file.close();
    }
  }

  private flushAndDrain(identifier: string): Promise<void> {
    this.flushOne(identifier);
    const stream = this.streams.get(identifier);
    if (!stream || stream.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => stream.write("", () => resolve()));
  }

  /** Writes an issue's pending lines and closes its file (the next event reopens it in append mode). */
  release(identifier: string): void {
    this.flushOne(identifier);
    this.streams.get(identifier)?.end();
    this.streams.delete(identifier);
  }

  async close(): Promise<void> {
    this.flush();
    const ending = [...this.streams.values()].map((stream) => new Promise((resolve) => stream.end(resolve)));
    this.streams.clear();
    await Promise.all(ending);
  }

  private flush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const identifier of [...this.pending.keys()]) this.flushOne(identifier);
  }

  private flushOne(identifier: string): void {
    const lines = this.pending.get(identifier);
    if (!lines) return;
    this.pending.delete(identifier);
    if (this.failed.has(identifier)) return;
    this.streamFor(identifier)?.write(lines.join(""));
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
    this.pending.delete(identifier);
    this.logger.warn(
      { issue_identifier: identifier, path, reason: error.message },
      "action=session_log outcome=disabled",
    );
  }
}
