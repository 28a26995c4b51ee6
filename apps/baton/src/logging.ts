import { createWriteStream, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import pino from "pino";
import type { PinnedFooter } from "./terminal.ts";

export interface LoggingOptions {
  level?: string;
  /** Human-readable output (TTY) instead of JSON lines. */
  pretty: boolean;
  /** Console destination, stdout by default. */
  console?: NodeJS.WritableStream;
  /** Also append JSON lines to this file. */
  file?: string;
  /** On a TTY, log lines are written above this live status block. */
  footer?: PinnedFooter;
}

export interface Logging {
  logger: pino.Logger;
  /** Flushes sinks. */
  close(): Promise<void>;
}

/**
 * Structured logs with pino (SPEC 13.1, 13.2): JSON on a pipe, readable lines on a TTY, and an
 * optional file sink. A failing sink (disk full, file removed, permission) is dropped with a
 * warning through the console sink; it never stops the service.
 */
export function createLogging(options: LoggingOptions): Logging {
  const consoleOut = options.console ?? process.stdout;
  const footer = options.footer;
  const write = footer ? (text: string) => footer.writeAbove(text) : (text: string) => consoleOut.write(text);
  const format = options.pretty ? terminalFormatter(Boolean((consoleOut as NodeJS.WriteStream).isTTY)) : null;
  const consoleSink: pino.DestinationStream = {
    write: (line: string) => write(format ? format(line) : line),
  };

  const streams: pino.StreamEntry[] = [{ stream: consoleSink, level: "trace" }];
  const fileSink = options.file ? new GuardedFileSink(options.file) : null;
  if (fileSink) streams.push({ stream: fileSink, level: "trace" });

  const logger = pino(
    { level: options.level ?? "info", base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams),
  );
  fileSink?.onFailure((error) =>
    logger.warn({ sink: options.file, reason: error.message }, "action=log_sink outcome=disabled"),
  );

  return {
    logger,
    close: () => fileSink?.close() ?? Promise.resolve(),
  };
}

/** A file sink that turns itself off on the first write error instead of throwing. */
class GuardedFileSink implements pino.DestinationStream {
  private stream: NodeJS.WritableStream | null;
  private failureListener: ((error: Error) => void) | null = null;
  private failed = false;

  constructor(path: string) {
    let stream: NodeJS.WritableStream | null = null;
    try {
      mkdirSync(dirname(path), { recursive: true });
      stream = createWriteStream(path, { flags: "a" });
      stream.on("error", (error: Error) => this.fail(error));
    } catch (error) {
      queueMicrotask(() => this.fail(error as Error));
    }
    this.stream = stream;
  }

  onFailure(listener: (error: Error) => void): void {
    this.failureListener = listener;
  }

  write(line: string): void {
    if (!this.failed) this.stream?.write(line);
  }

  close(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    if (!stream || this.failed) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.failureListener?.(error);
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
