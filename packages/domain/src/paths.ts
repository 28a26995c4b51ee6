/** The one containment rule for workspaces, used by the workspace manager and the agent clients. */
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { BatonError } from "./errors.ts";

/** Why a path is not acceptable as a workspace; `null` when it is strictly inside the root. */
export type ContainmentProblem = "workspace_equals_root" | "outside_root";

/** Pure check on two canonical absolute paths: is `candidate` strictly inside `root`? */
export function containmentProblem(root: string, candidate: string): ContainmentProblem | null {
  const relative = path.relative(root, candidate);
  if (relative === "") return "workspace_equals_root";
  if (relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return "outside_root";
  }
  return null;
}

/**
 * The absolute path with every existing component's symlinks resolved; components that do not
 * exist yet are appended as written. Containment is judged on this form, so a symlink inside the
 * root cannot smuggle a path outside it.
 */
export async function canonicalPath(target: string): Promise<string> {
  const absolute = path.resolve(target);
  try {
    return await realpath(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
    const parent = path.dirname(absolute);
    if (parent === absolute) return absolute;
    return path.join(await canonicalPath(parent), path.basename(absolute));
  }
}

/** Why a directory may not be an agent's working directory. */
export type AgentCwdProblem = ContainmentProblem | "symlink_escape" | "not_a_directory" | "unresolvable";

const AGENT_CWD_PROBLEM_TEXT: Record<AgentCwdProblem, string> = {
  workspace_equals_root: "is the workspace root itself",
  outside_root: "is outside the workspace root",
  symlink_escape: "is a symbolic link that leads outside the workspace root",
  not_a_directory: "is not an existing directory",
  unresolvable: "cannot be resolved",
};

/**
 * The agent's working directory, proven to be a workspace (SPEC 9.5, 10.2): an existing directory
 * strictly inside the workspace root, judged on canonical paths so a symlink cannot point the
 * agent elsewhere. Resolves the canonical path; rejects with `invalid_workspace_cwd`, whose
 * `details.reason` is an `AgentCwdProblem`. `subject` names what is starting (`the agent for issue ABC-1`, `Codex`).
 * The workspace manager and every agent client check through this one function.
 */
export async function canonicalAgentCwd(
  workspacePath: string,
  workspaceRoot: string,
  subject: string,
): Promise<string> {
  const refuse = (reason: AgentCwdProblem, root: string, canonical?: string, cause?: unknown): BatonError =>
    new BatonError(
      "invalid_workspace_cwd",
      `refusing to start ${subject}: cwd ${workspacePath} ${AGENT_CWD_PROBLEM_TEXT[reason]} (root ${root})`,
      { path: workspacePath, root, reason, ...(canonical !== undefined && { canonical_path: canonical }) },
      cause === undefined ? undefined : { cause },
    );
  let root: string;
  let workspace: string;
  try {
    root = await canonicalPath(workspaceRoot);
    workspace = await canonicalPath(workspacePath);
  } catch (error) {
    throw refuse("unresolvable", workspaceRoot, undefined, error);
  }
  const problem = containmentProblem(root, workspace);
  if (problem !== null) {
    const written = path.resolve(workspacePath);
    const escaped =
      problem === "outside_root" &&
      (containmentProblem(root, written) === null ||
        containmentProblem(path.resolve(workspaceRoot), written) === null);
    throw refuse(escaped ? "symlink_escape" : problem, root, workspace);
  }
  const entry = await stat(workspace).catch(() => null);
  if (entry === null || !entry.isDirectory()) throw refuse("not_a_directory", root, workspace);
  return workspace;
}
