import { realpath, stat } from "node:fs/promises";
import { BatonError, containmentProblem } from "@baton/domain";

/**
 * Resolves the agent's working directory and proves it is an issue workspace: an existing
 * directory strictly inside the workspace root, compared on canonical paths so a symlink cannot
 * point the agent elsewhere (SPEC 9.5, 10.2). Returns the canonical workspace path.
 */
export async function canonicalAgentCwd(workspacePath: string, workspaceRoot: string): Promise<string> {
  const root = await canonical(workspaceRoot, "workspace root");
  const workspace = await canonical(workspacePath, "workspace");
  if (containmentProblem(root, workspace) !== null) {
    throw new BatonError(
      "invalid_workspace_cwd",
      `Refusing to start Codex in ${workspacePath}: its real path ${workspace} is not inside the workspace root ${root}`,
      { workspace_path: workspacePath, canonical_path: workspace, workspace_root: root },
    );
  }
  if (!(await stat(workspace)).isDirectory()) {
    throw new BatonError(
      "invalid_workspace_cwd",
      `Refusing to start Codex in ${workspacePath}: not a directory`,
      {
        workspace_path: workspacePath,
      },
    );
  }
  return workspace;
}

async function canonical(target: string, label: string): Promise<string> {
  try {
    return await realpath(target);
  } catch (error) {
    throw new BatonError(
      "invalid_workspace_cwd",
      `Refusing to start Codex: the ${label} ${target} cannot be resolved (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      { path: target },
      { cause: error },
    );
  }
}
