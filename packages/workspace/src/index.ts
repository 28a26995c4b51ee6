export { HOOK_OUTPUT_LIMIT_BYTES, type HookName, type HookResult, type WorkspaceHooks } from "./hooks.ts";
export { workspaceKey } from "./key.ts";
export * from "./launcher.ts";
export * from "./leftovers.ts";
export { type PreparedWorkspace, WorkspaceManager, type WorkspaceSettings } from "./manager.ts";
