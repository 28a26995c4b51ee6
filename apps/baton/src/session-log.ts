import {
  createWriteStream,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  type WriteStream,
} from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { AgentEvent, Logger } from "@baton/domain";
import { workspaceKey } from "@baton/workspace";
import type { LogHealth } from "./log-health.ts";

const FLUSH_INTERVAL_MS = 200;
/**
 * Files written per turn of the event loop when pending lines are flushed: with hundreds of
 * streaming sessions, writing every file at once held the loop for several milliseconds, which
 * the status API's answers and the agents' pipes then waited for.
 */
const FLUSH_SLICE_FILES = 16;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Bytes read per step when paging a session log; a longer line makes the read grow to fit it. */
const READ_CHUNK_BYTES = 256 * 1024;

/** A page of a session log: whole lines parsed, and the byte offset the next page starts at. */
export interface SessionLogPage {
  events: Record<string, unknown>[];
  next_cursor: number;
  has_more: boolean;
}

export interface SessionLogLimits {
  /** An issue's log rolls over at this size; its previous part is kept as `<key>.1.jsonl`. */
  maxFileBytes: number;
  /** All session logs together stay under 2 × maxFiles × maxFileBytes. */
  maxFiles: number;
  /** Logs not written for this many days are removed by `sweep()`. */
  retentionDays: number;
}

export interface SessionLogsOptions {
  logsRoot: string;
  logger: Logger;
  /** Read at every use, so WORKFLOW.md edits apply to the next write. */
  limits: () => SessionLogLimits;
  /** Applied to every line before it is written (secret redaction). */
  redact?: (text: string) => string;
  health?: LogHealth;
  now?: () => number;
}

/**
 * Per-issue session logs: every agent event of an issue appended as one JSON line to
 * `<logs-root>/sessions/<workspace key>.jsonl`. High-volume streaming deltas are kept without
 * their payload. Lines are batched per file and written every FLUSH_INTERVAL_MS (one write per
 * file instead of one per event: busy sessions emit thousands of events a second).
 *
 * Bounded: an issue's file rolls over at `maxFileBytes` (the previous part kept as `.1.jsonl`),
 * the least recently written logs go first when all of them pass their budget, and `sweep()`
 * removes logs older than the retention period. A failing file is dropped and reported once
 * through `health`; the service keeps running.
 */
export class SessionLogs {
  private readonly streams = new Map<string, WriteStream>();
  private readonly sizes = new Map<string, number>();
  /** Files whose closed stream is still writing: path → bytes handed to that stream. */
  private readonly settling = new Map<string, number>();
  private readonly pending = new Map<string, string[]>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** Issues still to be written by the flush under way, a slice per turn of the event loop. */
  private flushQueue: string[] = [];
  private flushSlice: NodeJS.Immediate | null = null;
  private readonly failed = new Set<string>();
  private readonly redact: (text: string) => string;
  private readonly now: () => number;
  readonly dir: string;

  constructor(private readonly options: SessionLogsOptions) {
    this.dir = join(options.logsRoot, "sessions");
    this.redact = options.redact ?? ((text) => text);
    this.now = options.now ?? Date.now;
  }

  pathFor(identifier: string): string {
    return join(this.dir, `${workspaceKey(identifier)}.jsonl`);
  }

  /** Where the part before the last roll-over is kept. */
  previousPathFor(identifier: string): string {
    return join(this.dir, `${workspaceKey(identifier)}.1.jsonl`);
  }

  /** `workflowPhase`: the `phases:` workflow phase the event belongs to, recorded on its line. */
  append(identifier: string, event: AgentEvent, workflowPhase?: string): void {
    if (this.failed.has(identifier)) return;
    const isDelta = event.method?.endsWith("Delta") || event.method?.endsWith("/delta");
    const base = isDelta ? { ...event, payload: undefined } : event;
    const record = workflowPhase === undefined ? base : { ...base, workflow_phase: workflowPhase };
    const lines = this.pending.get(identifier);
    if (lines) lines.push(`${JSON.stringify(record)}\n`);
    else this.pending.set(identifier, [`${JSON.stringify(record)}\n`]);
    if (this.flushTimer === null && this.flushSlice === null) {
      this.flushTimer = setTimeout(() => this.flushInSlices(), FLUSH_INTERVAL_MS);
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
      // A cursor past the end is from before the file rolled over: start again at its beginning
      // (the part before is kept as previousPathFor and listed by the API).
      let position = cursor > size ? 0 : cursor;
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
    this.closeStream(identifier);
  }

  /** Removes an issue's logs (its workspace is gone, so are they). */
  remove(identifier: string): void {
    this.pending.delete(identifier);
    this.closeStream(identifier);
    this.failed.delete(identifier);
    for (const path of [this.pathFor(identifier), this.previousPathFor(identifier)])
      rmSync(path, { force: true });
  }

  /**
   * Removes logs not written within the retention period, then the least recently written ones
   * while all of them together exceed their budget. Open files are left alone.
   */
  sweep(): void {
    const { retentionDays } = this.options.limits();
    const cutoff = this.now() - retentionDays * DAY_MS;
    for (const file of this.files()) {
      if (file.mtimeMs < cutoff && !file.open) rmSync(file.path, { force: true });
    }
    this.enforceBudget();
  }

  async close(): Promise<void> {
    this.flushAll();
    const ending = [...this.streams.values()].map((stream) => new Promise((resolve) => stream.end(resolve)));
    this.streams.clear();
    await Promise.all(ending);
  }

  /** Writes every file's pending lines now. */
  private flushAll(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.flushSlice !== null) clearImmediate(this.flushSlice);
    this.flushSlice = null;
    this.flushQueue = [];
    for (const identifier of [...this.pending.keys()]) this.flushOne(identifier);
  }

  /**
   * The periodic flush: FLUSH_SLICE_FILES files per turn of the event loop. Each file still gets
   * all its pending lines in one write, in order; lines appended meanwhile to a file not yet
   * written go out with this flush, the others with the next one.
   */
  private flushInSlices(): void {
    this.flushTimer = null;
    if (this.flushQueue.length === 0) this.flushQueue = [...this.pending.keys()];
    for (const identifier of this.flushQueue.splice(0, FLUSH_SLICE_FILES)) this.flushOne(identifier);
    this.flushSlice = null;
    if (this.flushQueue.length > 0) {
      this.flushSlice = setImmediate(() => this.flushInSlices());
      this.flushSlice.unref();
    } else if (this.pending.size > 0) {
      this.flushTimer = setTimeout(() => this.flushInSlices(), FLUSH_INTERVAL_MS);
      this.flushTimer.unref();
    }
  }

  /** Writes pending lines, rolling the file over whenever the next lines would pass the size limit. */
  private flushOne(identifier: string): void {
    const lines = this.pending.get(identifier);
    if (!lines) return;
    this.pending.delete(identifier);
    const limit = this.options.limits().maxFileBytes;
    let chunk = "";
    let chunkBytes = 0;
    for (const line of lines) {
      const redacted = this.redact(line);
      const bytes = Buffer.byteLength(redacted);
      const size = (this.sizes.get(identifier) ?? 0) + chunkBytes;
      if (size > 0 && size + bytes > limit) {
        this.write(identifier, chunk, chunkBytes);
        chunk = "";
        chunkBytes = 0;
        this.rollOver(identifier);
      }
      chunk += redacted;
      chunkBytes += bytes;
    }
    this.write(identifier, chunk, chunkBytes);
  }

  private write(identifier: string, text: string, bytes: number): void {
    if (text === "" || this.failed.has(identifier)) return;
    const stream = this.streamFor(identifier);
    if (!stream) return;
    stream.write(text);
    this.sizes.set(identifier, (this.sizes.get(identifier) ?? 0) + bytes);
  }

  private rollOver(identifier: string): void {
    if (this.failed.has(identifier)) return;
    const previous = this.previousPathFor(identifier);
    // Writes still queued on the closed stream land in the renamed file: same inode.
    this.closeStream(identifier, previous);
    try {
      renameSync(this.pathFor(identifier), previous);
    } catch (error) {
      this.fail(identifier, this.pathFor(identifier), error as Error);
      return;
    }
    this.enforceBudget();
  }

  private streamFor(identifier: string): WriteStream | null {
    const existing = this.streams.get(identifier);
    if (existing) return existing;
    const path = this.pathFor(identifier);
    try {
      mkdirSync(this.dir, { recursive: true });
      // Opened synchronously so the file exists at once: a roll-over may rename it right away.
      const stream = createWriteStream(path, { fd: openSync(path, "a") });
      stream.on("error", (error) => this.fail(identifier, path, error));
      this.streams.set(identifier, stream);
      // A stream closed a moment ago may still be writing to this file.
      this.sizes.set(identifier, Math.max(sizeOf(path), this.settling.get(path) ?? 0));
      this.enforceBudget();
      return stream;
    } catch (error) {
      this.fail(identifier, path, error as Error);
      return null;
    }
  }

  /**
   * Ends the issue's stream. Until it has written what it was handed, the file (at `path`, where
   * those bytes land) counts at that size rather than its size on disk.
   */
  private closeStream(identifier: string, path = this.pathFor(identifier)): void {
    const stream = this.streams.get(identifier);
    if (stream) {
      const handed = this.sizes.get(identifier) ?? 0;
      this.settling.set(path, handed);
      stream.end(() => {
        if (this.settling.get(path) === handed) this.settling.delete(path);
      });
    }
    this.streams.delete(identifier);
    this.sizes.delete(identifier);
  }

  /**
   * Least recently written first, until all session logs fit 2 × maxFiles × maxFileBytes. An open
   * file counts as full: it may grow to maxFileBytes before the next check.
   */
  private enforceBudget(): void {
    const { maxFiles, maxFileBytes } = this.options.limits();
    const budget = 2 * maxFiles * maxFileBytes;
    const files = this.files().sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = files.reduce(
      (sum, file) => sum + (file.open ? Math.max(file.size, maxFileBytes) : file.size),
      0,
    );
    for (const file of files) {
      if (total <= budget) return;
      if (file.open) continue;
      rmSync(file.path, { force: true });
      total -= file.size;
    }
  }

  private files(): { path: string; size: number; mtimeMs: number; open: boolean }[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((name) => name.endsWith(".jsonl"));
    } catch {
      return [];
    }
    // An open file's size on disk lags behind what was handed to its stream (so does a settling one's).
    const openSizes = new Map(
      [...this.streams.keys()].map((identifier) => [
        this.pathFor(identifier),
        this.sizes.get(identifier) ?? 0,
      ]),
    );
    const files = [];
    for (const name of names) {
      const path = join(this.dir, name);
      try {
        const stat = statSync(path);
        const open = openSizes.get(path);
        files.push({
          path,
          size: Math.max(stat.size, open ?? 0, this.settling.get(path) ?? 0),
          mtimeMs: stat.mtimeMs,
          open: open !== undefined,
        });
      } catch {
        // Removed meanwhile.
      }
    }
    return files;
  }

  private fail(identifier: string, path: string, error: Error): void {
    if (this.failed.has(identifier)) return;
    this.failed.add(identifier);
    this.streams.delete(identifier);
    this.pending.delete(identifier);
    if (this.options.health?.fail("session_logs", path, error) ?? true) {
      this.options.logger.warn(
        { issue_identifier: identifier, path, reason: error.message },
        "action=session_log outcome=disabled",
      );
    }
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
