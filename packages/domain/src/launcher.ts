import type { Readable, Writable } from "node:stream";
import type { BatonError } from "./errors.ts";

/** How to start a command inside a workspace. */
export interface LaunchSpec {
  /** Shell command string, run as `bash -lc <command>` (SPEC 10.1, 9.4). */
  command: string;
  /** Working directory on the host: the issue workspace. */
  cwd: string;
  /**
   * The child's environment, already reduced to its allowlist (`processEnvironment`); the parent's
   * when absent (tests). A local launcher passes it as it is; a container keeps only what makes sense
   * inside (`CONTAINER_PORTABLE_ENV`, `sandbox.env`, `declaredEnv`).
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Names in `env` that WORKFLOW.md declared (`agent.env`, `hooks.env`): they enter a container too. */
  declaredEnv?: readonly string[];
  /**
   * Variable names the child must not see (tracker secrets, SPEC 15.3). They are removed from the
   * environment and also unset inside the login shell before the command runs, so a profile
   * script cannot export them again.
   */
  unsetEnv?: readonly string[];
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /**
   * Why the launcher ended the process, when it knows better than the exit code: a sandbox
   * container killed for memory (`sandbox_oom`), an image or daemon that was not there.
   */
  error?: BatonError;
}

export interface LaunchedProcess {
  readonly pid: number | null;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves once the process has exited and its stdio is closed. */
  readonly exited: Promise<ExitStatus>;
  /** Signals the whole process group (the shell and everything it started). */
  kill(signal?: NodeJS.Signals): void;
}

/**
 * The seam where agents and hooks are started: local processes, containers. Agent clients depend
 * on this contract only, never on the workspace package.
 */
export interface Launcher {
  launch(spec: LaunchSpec): LaunchedProcess;
  /**
   * Ends everything this launcher started that is still running and resolves once it is gone
   * (Baton stopping). Each launcher owns its processes: closing one leaves another's alone.
   */
  close(): Promise<void>;
  /**
   * The path the launched process sees for `hostPath` (a container mounts the workspace elsewhere;
   * identity for local processes). Agent clients send this as the agent's cwd and writable root.
   */
  visiblePath(hostPath: string): string;
  /**
   * True when the launcher itself confines what the process can write and reach (a sandbox
   * container). Codex's own sandbox cannot nest inside one (it needs user namespaces), so the agent
   * client then leaves confinement to the launcher instead of asking Codex for a workspaceWrite policy.
   */
  readonly confines?: boolean;
}
