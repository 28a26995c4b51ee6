import { type ChildProcess, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { ExitStatus, LaunchedProcess, Launcher, LaunchSpec } from "@baton/domain";

export type { ExitStatus, LaunchedProcess, Launcher, LaunchSpec };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Builds the `bash -lc` script: unset secrets after the login profile ran, then run the command
 * as written. No `exec` prefix: it would break `VAR=value cmd`, `a && b` and multi-line scripts,
 * and bash already execs a final simple command, so the agent keeps the launched pid.
 */
export function loginShellScript(command: string, unsetEnv: readonly string[] = []): string {
  const names = unsetEnv.filter((name) => ENV_NAME.test(name));
  return names.length > 0 ? `unset ${names.join(" ")}; ${command}` : command;
}

/**
 * Starts commands as local child processes, each leading its own process group. When the leading
 * process exits, whatever it left running in that group is killed: a launch never leaves strays
 * behind, and a forgotten background job cannot hold the output pipes open.
 *
 * Process groups outlive Baton if it exits abruptly (a forced second signal, a crash), so each
 * launcher guards its own: while it has processes running, Baton's exit kills them, and `close()`
 * ends them when Baton stops. Agents and hooks have launchers of their own.
 */
export class LocalLauncher implements Launcher {
  private readonly live = new Set<LocalProcess>();
  private readonly killOnExit = () => {
    for (const launched of this.live) launched.kill("SIGKILL");
  };

  /** A local process sees the host's paths. */
  visiblePath(hostPath: string): string {
    return hostPath;
  }

  launch(spec: LaunchSpec): LaunchedProcess {
    const env: Record<string, string> = {};
    const unset = new Set(spec.unsetEnv ?? []);
    for (const [name, value] of Object.entries(spec.env ?? process.env)) {
      if (value !== undefined && !unset.has(name)) env[name] = value;
    }
    const child = spawn("bash", ["-lc", loginShellScript(spec.command, spec.unsetEnv)], {
      cwd: spec.cwd,
      env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const launched = new LocalProcess(child, () => this.forget(launched));
    // The exit listener is held only while something runs, so idle launchers cost nothing.
    if (this.live.size === 0) process.on("exit", this.killOnExit);
    this.live.add(launched);
    return launched;
  }

  /** Kills the process group of every launch still running and waits until they are gone. */
  async close(): Promise<void> {
    const running = [...this.live];
    for (const launched of running) launched.kill("SIGKILL");
    await Promise.all(running.map((launched) => launched.exited));
  }

  /** Pids of the launches still running. */
  get running(): number[] {
    return [...this.live].flatMap((launched) => (launched.pid === null ? [] : [launched.pid]));
  }

  private forget(launched: LocalProcess): void {
    if (this.live.delete(launched) && this.live.size === 0) process.off("exit", this.killOnExit);
  }
}

class LocalProcess implements LaunchedProcess {
  readonly exited: Promise<ExitStatus>;
  /** Set once the group has been reaped; later kills must not signal a recycled process group id. */
  private reaped = false;

  constructor(
    private readonly child: ChildProcess,
    /** Called once the process is gone (exited or never started). */
    ended: () => void,
  ) {
    this.exited = new Promise((resolve) => {
      // 'close' waits for stdio to drain; 'error' covers spawn failures (e.g. cwd missing).
      child.once("close", (code, signal) => resolve({ code, signal }));
      child.once("error", () => resolve({ code: null, signal: null }));
    });
    child.once("exit", () => {
      this.kill("SIGKILL");
      this.reaped = true;
      ended();
    });
    child.once("error", ended);
    // A child that exits early must not crash us with EPIPE on a late write.
    child.stdin?.on("error", () => {});
  }

  get pid(): number | null {
    return this.child.pid ?? null;
  }
  get stdin(): Writable {
    return this.child.stdin!;
  }
  get stdout(): Readable {
    return this.child.stdout!;
  }
  get stderr(): Readable {
    return this.child.stderr!;
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    const pid = this.child.pid;
    if (pid === undefined || this.reaped) return;
    try {
      // Negative pid: the whole group, so grandchildren left by the shell die too.
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }
}
