import { readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import pino from "pino";
import type { RollingStream } from "pino-roll";
import type { LogHealth } from "./log-health.ts";
import type { PinnedFooter } from "./terminal.ts";

export interface LoggingOptions {
  level?: string;
  /** Human-readable output (TTY) instead of JSON lines. */
  pretty: boolean;
  /** Console destination, stdout by default. */
  console?: NodeJS.WritableStream;
  /** On a TTY, log lines are written above this live status block. */
  footer?: PinnedFooter;
  /** Applied to every line before it is written anywhere (secret redaction). */
  redact?: (line: string) => string;
}

export interface LogFileOptions {
  /** The logs root: files are `<root>/baton.<n>.log`, the highest `n` being the active one. */
  root: string;
  maxFileBytes: number;
  /** Files kept, the active one included. */
  maxFiles: number;
  health: LogHealth;
}

export interface Logging {
  logger: pino.Logger;
  /**
   * Starts the JSON-lines file log, rolled over by size with pino-roll. Lines logged before are
   * written first. A file that cannot be written is reported through `health` and dropped.
   */
  openFile(options: LogFileOptions): Promise<void>;
  /** Flushes sinks. */
  close(): Promise<void>;
}

/**
 * Structured logs with pino (SPEC 13.1, 13.2): JSON on a pipe, readable lines on a TTY, and a
 * size-rotated file sink. A failing sink (disk full, unwritable root) is dropped with a warning
 * through the console sink; it never stops the service.
 */
export function createLogging(options: LoggingOptions): Logging {
  const consoleOut = options.console ?? process.stdout;
  const footer = options.footer;
  const redact = options.redact ?? ((line: string) => line);
  const write = footer ? (text: string) => footer.writeAbove(text) : (text: string) => consoleOut.write(text);
  const format = options.pretty ? terminalFormatter(Boolean((consoleOut as NodeJS.WriteStream).isTTY)) : null;
  const consoleSink: pino.DestinationStream = {
    write: (line: string) => write(format ? format(redact(line)) : redact(line)),
  };
  const fileSink = new RollingFileSink(redact);

  const logger = pino(
    { level: options.level ?? "info", base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream([
      { stream: consoleSink, level: "trace" },
      { stream: fileSink, level: "trace" },
    ]),
  );

  return {
    logger,
    openFile: (file) =>
      fileSink.start(file, (path, error) => {
        if (file.health.fail("baton_log", path, error)) {
          logger.warn({ sink: path, reason: error.message }, "action=log_sink outcome=disabled");
        }
      }),
    close: () => fileSink.close(),
  };
}

/**
 * Removes rolled `baton.<n>.log` files last written before `cutoffMs`; the active file (highest
 * `n`) always stays. pino-roll bounds their count, this bounds their age.
 */
export function removeExpiredServiceLogs(root: string, cutoffMs: number): void {
  let rolled: { name: string; n: number }[];
  try {
    rolled = readdirSync(root)
      .map((name) => ({ name, n: Number(/^baton\.(\d+)\.log$/.exec(name)?.[1] ?? Number.NaN) }))
      .filter((file) => Number.isInteger(file.n))
      .sort((a, b) => a.n - b.n)
      .slice(0, -1);
  } catch {
    return;
  }
  for (const { name } of rolled) {
    const path = join(root, name);
    try {
      if (statSync(path).mtimeMs < cutoffMs) rmSync(path, { force: true });
    } catch {
      // Removed meanwhile.
    }
  }
}

/** Lines kept while the file log is not open yet (startup); beyond this they are dropped. */
const MAX_EARLY_BYTES = 1024 * 1024;

/** The file sink: buffers until opened, then writes through pino-roll; turns itself off on the first error. */
class RollingFileSink implements pino.DestinationStream {
  private stream: RollingStream | null = null;
  private early: string[] | null = [];
  private earlyBytes = 0;
  private failed = false;

  constructor(private readonly redact: (line: string) => string) {}

  write(line: string): void {
    if (this.failed) return;
    if (this.stream) {
      try {
        this.stream.write(this.redact(line));
      } catch (error) {
        // Synchronous writes throw instead of emitting (ENOSPC, EIO).
        this.stream.emit("error", error);
      }
    } else if (this.early && this.earlyBytes < MAX_EARLY_BYTES) {
      this.early.push(line);
      this.earlyBytes += line.length;
    }
  }

  private opening: Promise<void> | null = null;

  start(options: LogFileOptions, onFailure: (path: string, error: Error) => void): Promise<void> {
    this.opening ??= this.open(options, onFailure);
    return this.opening;
  }

  private async open(
    options: LogFileOptions,
    onFailure: (path: string, error: Error) => void,
  ): Promise<void> {
    const base = join(options.root, "baton");
    let stream: RollingStream;
    try {
      // Loaded here, off the startup path (run.ts opens the file log after the first tick).
      const { default: pinoRoll } = await import("pino-roll");
      stream = await pinoRoll({
        file: base,
        extension: ".log",
        size: `${options.maxFileBytes}b`,
        limit: { count: options.maxFiles, removeOtherLogFiles: true },
        mkdir: true,
        // Synchronous writes (pino's own default for files): a file rolls over on the next tick
        // after it passed the limit, however busy the process is.
        sync: true,
      });
    } catch (error) {
      this.fail();
      onFailure(`${base}.log`, error as Error);
      return;
    }
    stream.on("error", (error: Error) => {
      if (this.failed) return;
      this.fail();
      stream.destroy();
      onFailure(stream.file, error);
    });
    this.stream = stream;
    const early = this.early ?? [];
    this.early = null;
    for (const line of early) this.write(line);
  }

  private fail(): void {
    this.failed = true;
    this.early = null;
    this.stream = null;
  }

  async close(): Promise<void> {
    await this.opening;
    const stream = this.stream;
    this.stream = null;
    this.early = null;
    if (!stream || this.failed) return;
    return new Promise((resolve) => {
      stream.once("close", () => resolve());
      stream.end();
    });
  }
}

/** Ids that the terminal shows once, as the line's prefix, instead of in the field dump. */
const PREFIX_FIELDS = new Set(["issue_id", "issue_identifier", "session_id"]);

/**
 * Human-readable console lines: `HH:MM:ss LEVEL ISSUE: message`, followed only by the fields the
 * message does not already spell out as `key=value` (the file sink keeps everything).
 */
function terminalFormatter(colorize: boolean): (line: string) => string {
  // Loaded only for a terminal: services under a supervisor (JSON lines) do not pay for it at startup.
  const { prettyFactory } = createRequire(import.meta.url)("pino-pretty") as typeof import("pino-pretty");
  const pretty = prettyFactory({
    colorize,
    translateTime: "HH:MM:ss",
    ignore: "pid,hostname,issue_identifier",
    singleLine: true,
    messageFormat: "{if issue_identifier}{issue_identifier}: {end}{msg}",
  });
  return (line) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      return line;
    }
    const msg = String(record.msg ?? "");
    const shown: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      const inMessage = msg.includes(`${key}=`);
      const keep =
        ["level", "time", "msg", "issue_identifier"].includes(key) || !(inMessage || PREFIX_FIELDS.has(key));
      if (keep) shown[key] = value;
    }
    return pretty(shown);
  };
}
