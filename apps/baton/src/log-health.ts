import type { LogsStatus } from "@baton/status";

/** Which of Baton's log files failed: the service log or the per-issue session logs. */
export type LogSink = "baton_log" | "session_logs";

/**
 * Health of the files under the logs root. An unwritable root or a full disk is reported once on
 * stderr (the console log may be a pipe nobody reads, the file log is the thing failing) and kept
 * in `status()` for `GET /api/v1/state`; scheduling never waits on a log file.
 */
export class LogHealth {
  private readonly problems: LogsStatus["problems"] = [];
  private reportedOnStderr = false;

  constructor(
    readonly root: string,
    private readonly stderr: NodeJS.WritableStream,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records a sink's failure; true only for that sink's first one (callers log it once). */
  fail(sink: LogSink, path: string, error: Error): boolean {
    if (this.problems.some((problem) => problem.sink === sink)) return false;
    const reason = (error as NodeJS.ErrnoException).code ?? error.message;
    this.problems.push({ sink, path, reason: error.message, at: this.now().toISOString() });
    if (!this.reportedOnStderr) {
      this.reportedOnStderr = true;
      this.stderr.write(
        `baton: cannot write logs under ${this.root} (${reason}: ${path}); ` +
          "continuing without them, scheduling goes on. See GET /api/v1/state (logs).\n",
      );
    }
    return true;
  }

  status(): LogsStatus {
    return {
      root: this.root,
      status: this.problems.length === 0 ? "ok" : "failing",
      problems: this.problems.map((problem) => ({ ...problem })),
    };
  }
}
