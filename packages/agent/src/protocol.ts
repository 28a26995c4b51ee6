import type { AgentToolSpec } from "@baton/domain";

/**
 * Client-side payloads of the Codex app-server protocol as the targeted version (codex 0.169.0)
 * defines them; tests validate each against the schema that binary generates (SPEC 10).
 */

export interface ClientInfo {
  name: string;
  title?: string;
  version: string;
}

export const DEFAULT_CLIENT_INFO: ClientInfo = { name: "baton", title: "Baton", version: "0.1.0" };

export function initializeParams(clientInfo: ClientInfo) {
  // experimentalApi is what makes the server accept thread/start.dynamicTools.
  return { clientInfo, capabilities: { experimentalApi: true } };
}

export function threadStartParams(options: {
  cwd: string;
  approvalPolicy: unknown;
  threadSandbox: unknown;
  tools: readonly AgentToolSpec[];
}) {
  return {
    cwd: options.cwd,
    approvalPolicy: options.approvalPolicy,
    sandbox: options.threadSandbox,
    dynamicTools: options.tools.map((tool) => ({
      type: "function",
      name: tool.name,
      description: tool.description,
      inputSchema: tool.inputSchema,
    })),
  };
}

/** Baton's default turn sandbox: write access to the issue workspace only, no network. */
export function defaultTurnSandboxPolicy(canonicalWorkspace: string) {
  return { type: "workspaceWrite", writableRoots: [canonicalWorkspace], networkAccess: false };
}

/**
 * Inside a launcher that confines the process (a container with only the workspace writable and no
 * network but the model relay), Codex runs commands without a sandbox of its own: that one would
 * need user namespaces, which the container does not grant. The container is the wall.
 */
export const CONFINED_TURN_SANDBOX_POLICY = Object.freeze({ type: "dangerFullAccess" });

export function turnStartParams(options: {
  threadId: string;
  prompt: string;
  cwd: string;
  sandboxPolicy: unknown;
}) {
  return {
    threadId: options.threadId,
    input: [{ type: "text", text: options.prompt }],
    cwd: options.cwd,
    sandboxPolicy: options.sandboxPolicy,
  };
}
