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
 */
export class LocalLauncher implements Launcher {
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
    return new LocalProcess(child);
  }
}

/**
 * Launched processes run in their own process groups, so they would outlive Baton if it exits
 * abruptly (a forced second signal, a crash). On exit, whatever is still running is killed.
 */
const liveProcesses = new Set<LocalProcess>();
let exitGuardInstalled = false;

function guardAgainstOrphans(): void {
  if (exitGuardInstalled) return;
  exitGuardInstalled = true;
  process.once("exit", () => {
    for (const launched of liveProcesses) launched.kill("SIGKILL");
  });
}

class LocalProcess implements LaunchedProcess {
  readonly exited: Promise<ExitStatus>;
  /** Set once the group has been reaped; later kills must not signal a recycled process group id. */
  private reaped = false;

  constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      // 'close' waits for stdio to drain; 'error' covers spawn failures (e.g. cwd missing).
      child.once("close", (code, signal) => resolve({ code, signal }));
      child.once("error", () => resolve({ code: null, signal: null }));
    });
    liveProcesses.add(this);
    guardAgainstOrphans();
    child.once("exit", () => {
      this.kill("SIGKILL");
      this.reaped = true;
      liveProcesses.delete(this);
    });
    child.once("error", () => liveProcesses.delete(this));
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
