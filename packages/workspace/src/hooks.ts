import type { Launcher } from "./launcher.ts";

export type HookName = "after_create" | "before_run" | "after_run" | "before_remove";

/** Hook scripts from `hooks.*` in WORKFLOW.md; null or blank means not configured. */
export type WorkspaceHooks = Record<HookName, string | null>;

/** Hooks whose failure or timeout fails the operation that ran them (SPEC 9.4). */
export const FATAL_HOOKS: ReadonlySet<HookName> = new Set<HookName>(["after_create", "before_run"]);

export interface HookResult {
  name: HookRun["name"];
  /** Exit status; null when the hook was killed (timeout) or could not start. */
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** stdout and stderr interleaved, shortened to HOOK_OUTPUT_LIMIT_BYTES (see HookOutput). */
  output: string;
}

/** Hook output kept for logs and errors: the first and last KiB, which hold the command and the error. */
export const HOOK_OUTPUT_LIMIT_BYTES = 2048;

/** Keeps the head and tail of a stream of output and counts what was dropped in between. */
export class HookOutput {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private totalBytes = 0;
  private readonly half: number;

  constructor(limitBytes = HOOK_OUTPUT_LIMIT_BYTES) {
    this.half = Math.floor(limitBytes / 2);
  }

  append(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    let rest = chunk;
    if (this.head.length < this.half) {
      const taken = rest.subarray(0, this.half - this.head.length);
      this.head = Buffer.concat([this.head, taken]);
      rest = rest.subarray(taken.length);
    }
    if (rest.length > 0) {
      const joined = Buffer.concat([this.tail, rest]);
      this.tail = joined.subarray(Math.max(0, joined.length - this.half));
    }
  }

  text(): string {
    const omitted = this.totalBytes - this.head.length - this.tail.length;
    if (omitted === 0) return Buffer.concat([this.head, this.tail]).toString("utf8");
    return `${this.head.toString("utf8")}\n[... ${omitted} bytes of hook output omitted ...]\n${this.tail.toString("utf8")}`;
  }
}

export interface HookRun {
  /** A hook's name, or `phase:<name>` for a `phases:` run phase (same process handling). */
  name: HookName | `phase:${string}`;
  script: string;
  cwd: string;
  timeoutMs: number;
  /** The hook's exact environment (already allowlisted). */
  env: Readonly<Record<string, string>>;
  /** Names in `env` that `hooks.env` declared. */
  declaredEnv: readonly string[];
  /** How much output is kept (head and tail); HOOK_OUTPUT_LIMIT_BYTES when absent. */
  outputLimitBytes?: number;
}

/**
 * Runs one hook script with `bash -lc` in the workspace and waits for it. On timeout the whole
 * process group is killed, so background jobs the script started die with it. Never rejects:
 * the caller decides what a failure means for this hook.
 */
export async function executeHook(launcher: Launcher, run: HookRun): Promise<HookResult> {
  const startedAt = performance.now();
  const child = launcher.launch({
    command: run.script,
    cwd: run.cwd,
    env: run.env,
    declaredEnv: run.declaredEnv,
  });
  // Hooks run unattended: a script that reads stdin gets end-of-file instead of waiting forever.
  child.stdin.end();
  const output = new HookOutput(run.outputLimitBytes);
  child.stdout.on("data", (chunk: Buffer) => output.append(chunk));
  child.stderr.on("data", (chunk: Buffer) => output.append(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, run.timeoutMs);
  const status = await child.exited;
  clearTimeout(timer);
  return {
    name: run.name,
    exitCode: timedOut ? null : status.code,
    timedOut,
    durationMs: Math.round(performance.now() - startedAt),
    output: output.text(),
  };
}
