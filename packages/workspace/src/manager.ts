import type { Stats } from "node:fs";
import { lstat, mkdir, readlink, rm, stat } from "node:fs/promises";
import path from "node:path";
import {
  BatonError,
  type ContainmentProblem,
  canonicalAgentCwd,
  canonicalPath,
  containmentProblem,
  HOOK_ENV_ALLOWLIST,
  type Logger,
  processEnvironment,
  silentLogger,
} from "@baton/domain";
import { executeHook, FATAL_HOOKS, type HookName, type HookResult, type WorkspaceHooks } from "./hooks.ts";
import { workspaceKey } from "./key.ts";

/** Output of a run phase kept for later prompts: the first and last 8 KiB (test failures sit at the end). */
export const PHASE_OUTPUT_LIMIT_BYTES = 16_384;

import { type Launcher, LocalLauncher } from "./launcher.ts";

/** A snapshot of the workspace settings; the orchestrator builds a manager per attempt from current config. */
export interface WorkspaceSettings {
  /** `workspace.root`; resolved to an absolute path. */
  root: string;
  hooks: WorkspaceHooks;
  /** `hooks.timeout_ms`, applied to every hook. */
  hookTimeoutMs: number;
  launcher?: Launcher;
  logger?: Logger;
  /** Baton's environment; hooks get only their allowlist of it (`HOOK_ENV_ALLOWLIST`). Default: Baton's own. */
  env?: Readonly<Record<string, string | undefined>>;
  /** `hooks.env` of WORKFLOW.md: added on top of the allowlist (literal values or `$VAR` from `env`). */
  hookEnv?: Readonly<Record<string, string>>;
  /** Set on every hook process of a run (BATON_RUN_ID, BATON_STATE_DIR). */
  marks?: Readonly<Record<string, string>>;
}

export interface PreparedWorkspace {
  path: string;
  key: string;
  /** True only when this call created the directory (and so ran `after_create`). */
  createdNow: boolean;
}

type PathProblem = ContainmentProblem | "symlink_escape";

/**
 * Maps issue identifiers to directories strictly inside one root, creates and removes them, and
 * runs the lifecycle hooks (SPEC 9). Paths are checked on their canonical form every time they
 * are used, because the filesystem can change between calls (a hook may swap in a symlink).
 */
export class WorkspaceManager {
  private readonly root: string;
  private readonly launcher: Launcher;
  private readonly logger: Logger;
  /** What every hook process is given: its allowlist, `hooks.env`, the run's marks (docs/safety.md). */
  private readonly hookEnv: Record<string, string>;
  private readonly declaredEnv: string[];

  constructor(private readonly settings: WorkspaceSettings) {
    this.root = path.resolve(settings.root);
    this.launcher = settings.launcher ?? new LocalLauncher();
    this.logger = settings.logger ?? silentLogger;
    this.hookEnv = processEnvironment({
      source: settings.env ?? process.env,
      allowlist: HOOK_ENV_ALLOWLIST,
      declared: settings.hookEnv ?? {},
      marks: settings.marks ?? {},
    });
    this.declaredEnv = Object.keys(settings.hookEnv ?? {});
  }

  /**
   * `<canonical root>/<key>`. Rejects with `invalid_workspace_path` when an existing entry there
   * resolves (through a symlink) to the root itself or to anything outside it.
   */
  async pathFor(identifier: string): Promise<string> {
    const key = workspaceKey(identifier);
    const root = await this.canonicalRoot();
    const workspace = path.join(root, key);
    const entry = await lstatOrNull(workspace);
    const resolved = entry?.isSymbolicLink()
      ? await this.canonical(path.resolve(root, await readlink(workspace)))
      : workspace;
    const problem = containmentProblem(root, resolved);
    if (problem !== null) {
      const reason: PathProblem =
        entry?.isSymbolicLink() && problem === "outside_root" ? "symlink_escape" : problem;
      throw pathError(`workspace for issue ${identifier}`, workspace, root, reason);
    }
    return workspace;
  }

  /**
   * Ensures the issue's workspace directory exists (SPEC 9.2). A directory already there is reused
   * untouched; anything else at that path is a `workspace_path_conflict`, never deleted. A new
   * directory whose `after_create` hook fails is removed again so the next attempt starts clean.
   */
  async prepare(identifier: string): Promise<PreparedWorkspace> {
    const workspace = await this.pathFor(identifier);
    const key = path.basename(workspace);
    const entry = await lstatOrNull(workspace);
    if (entry !== null) {
      const kind = await describeNonDirectory(workspace, entry);
      if (kind !== null) throw conflictError(identifier, workspace, kind);
      return { path: workspace, key, createdNow: false };
    }
    try {
      await mkdir(path.dirname(workspace), { recursive: true });
      await mkdir(workspace);
    } catch (error) {
      throw new BatonError(
        "workspace_create_failed",
        `could not create workspace ${workspace} for issue ${identifier}: ${(error as Error).message}`,
        { identifier, path: workspace },
        { cause: error },
      );
    }
    try {
      await this.runHook("after_create", workspace);
    } catch (error) {
      await rm(workspace, { recursive: true, force: true });
      throw error;
    }
    return { path: workspace, key, createdNow: true };
  }

  /**
   * Runs one hook in a workspace (SPEC 9.4). Resolves null when the hook is not configured.
   * `after_create` / `before_run` reject with `workspace_hook_failed` / `workspace_hook_timeout`;
   * `after_run` / `before_remove` log the problem and resolve with the result.
   */
  async runHook(name: HookName, workspacePath: string): Promise<HookResult | null> {
    const script = this.settings.hooks[name];
    if (!script?.trim()) return null;
    const cwd = await this.assertInsideRoot(workspacePath);
    const timeoutMs = this.settings.hookTimeoutMs;
    const fatal = FATAL_HOOKS.has(name);
    const log = { hook: name, workspace_path: cwd };
    this.logger.info(log, `workspace hook ${name} started`);
    const result = await executeHook(this.launcher, {
      name,
      script,
      cwd,
      timeoutMs,
      env: this.hookEnv,
      declaredEnv: this.declaredEnv,
    });
    const consequence = fatal ? "the attempt fails" : "ignored";
    if (result.timedOut) {
      this.logger.warn(
        { ...log, timeout_ms: timeoutMs, output: result.output },
        `workspace hook ${name} timed out after ${timeoutMs} ms and was killed; ${consequence}`,
      );
      if (fatal) {
        throw new BatonError(
          "workspace_hook_timeout",
          `hook ${name} did not finish within hooks.timeout_ms (${timeoutMs} ms) in ${cwd} and was killed`,
          { hook: name, path: cwd, timeoutMs, output: result.output },
        );
      }
    } else if (result.exitCode !== 0) {
      this.logger.warn(
        { ...log, exit_code: result.exitCode, duration_ms: result.durationMs, output: result.output },
        `workspace hook ${name} failed with exit status ${result.exitCode}; ${consequence}`,
      );
      if (fatal) {
        throw new BatonError(
          "workspace_hook_failed",
          `hook ${name} exited with status ${result.exitCode} in ${cwd}`,
          { hook: name, path: cwd, exitCode: result.exitCode, output: result.output },
        );
      }
    } else {
      this.logger.info({ ...log, duration_ms: result.durationMs }, `workspace hook ${name} completed`);
    }
    return result;
  }

  /**
   * Runs a `phases:` run phase: `bash -lc command` in the workspace (through the hook launcher, so
   * a sandbox applies), killed with its process group after `timeoutMs`. Never rejects on a
   * failing command: the exit code (null on timeout) decides, and the output (head and tail,
   * PHASE_OUTPUT_LIMIT_BYTES) goes to later prompts.
   */
  async runCommand(
    phase: string,
    command: string,
    workspacePath: string,
    timeoutMs: number,
  ): Promise<HookResult> {
    const cwd = await this.assertInsideRoot(workspacePath);
    return executeHook(this.launcher, {
      name: `phase:${phase}`,
      script: command,
      cwd,
      timeoutMs,
      env: this.hookEnv,
      declaredEnv: this.declaredEnv,
      outputLimitBytes: PHASE_OUTPUT_LIMIT_BYTES,
    });
  }

  /**
   * Deletes a terminal issue's workspace after `before_remove` (whose failure is ignored). A
   * missing workspace is a no-op. Containment is checked again right before deleting, and a
   * symlink at the workspace path is unlinked, never followed.
   */
  async remove(identifier: string): Promise<void> {
    const workspace = await this.pathFor(identifier);
    const entry = await lstatOrNull(workspace);
    if (entry === null) return;
    const kind = await describeNonDirectory(workspace, entry);
    if (kind !== null) throw conflictError(identifier, workspace, kind);
    await this.runHook("before_remove", workspace);
    const target = await this.pathFor(identifier);
    try {
      await rm(target, { recursive: true, force: true });
    } catch (error) {
      throw new BatonError(
        "workspace_remove_failed",
        `could not remove workspace ${target} for issue ${identifier}: ${(error as Error).message}`,
        { identifier, path: target },
        { cause: error },
      );
    }
    this.logger.info({ issue_identifier: identifier, workspace_path: target }, "workspace removed");
  }

  /**
   * The check the agent runner makes before launching (SPEC 9.5 invariants 1 and 2): `cwd` must be
   * this issue's workspace, canonically, and strictly inside the root. Resolves the canonical cwd;
   * rejects with `invalid_workspace_cwd`.
   */
  async assertAgentCwd(cwd: string, identifier: string): Promise<string> {
    const actual = await canonicalAgentCwd(cwd, this.root, `the agent for issue ${identifier}`);
    const root = await this.canonicalRoot();
    let expected: string;
    try {
      expected = await this.canonical(await this.pathFor(identifier));
    } catch (error) {
      if (error instanceof BatonError) {
        throw cwdError(identifier, cwd, root, String(error.details.reason ?? "invalid_workspace_path"));
      }
      throw error;
    }
    if (actual !== expected) throw cwdError(identifier, cwd, root, "not_issue_workspace", expected);
    return actual;
  }

  private async canonicalRoot(): Promise<string> {
    return this.canonical(this.root);
  }

  private async canonical(target: string): Promise<string> {
    try {
      return await canonicalPath(target);
    } catch (error) {
      throw new BatonError(
        "invalid_workspace_path",
        `cannot resolve ${target}: ${(error as Error).message}`,
        { path: target, reason: "unresolvable" },
        { cause: error },
      );
    }
  }

  private async assertInsideRoot(workspacePath: string): Promise<string> {
    const root = await this.canonicalRoot();
    const actual = await this.canonical(workspacePath);
    const problem = containmentProblem(root, actual);
    if (problem !== null) throw pathError("hook working directory", workspacePath, root, problem);
    return actual;
  }
}

async function lstatOrNull(target: string): Promise<Stats | null> {
  try {
    return await lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Null for a directory (or a symlink to one); otherwise words for what occupies the path. */
async function describeNonDirectory(target: string, entry: Stats): Promise<string | null> {
  if (entry.isDirectory()) return null;
  if (entry.isSymbolicLink()) {
    const followed = await stat(target).catch(() => null);
    if (followed === null) return "a dangling symbolic link";
    return followed.isDirectory() ? null : `a symbolic link to a ${fileKind(followed)}`;
  }
  return `a ${fileKind(entry)}`;
}

function fileKind(entry: Stats): string {
  if (entry.isFile()) return "regular file";
  if (entry.isFIFO()) return "named pipe";
  if (entry.isSocket()) return "socket";
  return "special file";
}

function conflictError(identifier: string, workspace: string, kind: string): BatonError {
  return new BatonError(
    "workspace_path_conflict",
    `workspace path ${workspace} for issue ${identifier} is ${kind}, not a directory; Baton does not delete what it did not create, so move it away`,
    { identifier, path: workspace, found: kind },
  );
}

const REASON_TEXT: Record<string, string> = {
  workspace_equals_root: "is the workspace root itself",
  outside_root: "is outside the workspace root",
  symlink_escape: "is a symbolic link that leads outside the workspace root",
  not_issue_workspace: "is not this issue's workspace",
};

function pathError(what: string, target: string, root: string, reason: PathProblem): BatonError {
  return new BatonError("invalid_workspace_path", `${what} ${target} ${REASON_TEXT[reason]} (${root})`, {
    path: target,
    root,
    reason,
  });
}

function cwdError(
  identifier: string,
  cwd: string,
  root: string,
  reason: string,
  expected?: string,
): BatonError {
  const because = REASON_TEXT[reason] ?? `is not a valid workspace (${reason})`;
  return new BatonError(
    "invalid_workspace_cwd",
    `refusing to start the agent for issue ${identifier}: cwd ${cwd} ${because} (root ${root}${expected ? `, expected ${expected}` : ""})`,
    { identifier, path: cwd, root, reason, ...(expected ? { expected } : {}) },
  );
}
