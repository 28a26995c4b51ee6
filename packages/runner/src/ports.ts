import type { AgentEvent, AgentToolSpec, Issue, ToolResult } from "@baton/domain";

/** The workspace operations one attempt needs (implemented by @baton/workspace's WorkspaceManager). */
export interface AttemptWorkspace {
  prepare(identifier: string): Promise<{ path: string; createdNow: boolean }>;
  /** before_run rejects on failure/timeout; after_run never rejects. */
  runHook(name: "before_run" | "after_run", path: string): Promise<unknown>;
}

/** A live coding-agent session (implemented by @baton/agent's Codex and Claude sessions). */
export interface AgentSession {
  /** The agent's process id, which leads its own process group; null when not known. */
  readonly pid?: number | null;
  runTurn(turn: { prompt: string; title: string }): Promise<unknown>;
  interrupt(): Promise<void>;
  stop(): Promise<void>;
}

export interface AgentSessionRequest {
  workspacePath: string;
  issue: Issue;
  tools: AgentToolSpec[];
  executeTool(name: string, args: unknown): Promise<ToolResult>;
  onEvent(event: AgentEvent): void;
}
