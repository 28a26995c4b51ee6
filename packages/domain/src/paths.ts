/** The one containment rule for workspaces, used by the workspace manager and the agent clients. */
import { realpath } from "node:fs/promises";
import path from "node:path";

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
