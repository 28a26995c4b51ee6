import type {
  AgentEvent,
  AgentRequest,
  AgentToolSpec,
  ApprovalAnswer,
  Issue,
  ToolResult,
} from "@baton/domain";

/** The workspace operations one attempt needs (implemented by @baton/workspace's WorkspaceManager). */
export interface AttemptWorkspace {
  prepare(identifier: string): Promise<{ path: string; createdNow: boolean }>;
  /** before_run rejects on failure/timeout; after_run never rejects. */
  runHook(name: "before_run" | "after_run", path: string): Promise<unknown>;
  /** A `phases:` run phase: `bash -lc` in the workspace with a timeout; never rejects on a failing command. */
  runCommand(
    phase: string,
    command: string,
    path: string,
    timeoutMs: number,
  ): Promise<{ exitCode: number | null; timedOut: boolean; output: string }>;
}

/** A live coding-agent session (implemented by @baton/agent's Codex and Claude sessions). */
export interface AgentSession {
  /** The agent's process id, which leads its own process group; null when not known. */
  readonly pid?: number | null;
  runTurn(turn: { prompt: string; title: string }): Promise<unknown>;
  interrupt(): Promise<void>;
  stop(): Promise<void>;
  /** B.phases approvals: answers the agent's waiting request; false when it no longer waits. */
  answerRequest?(requestId: string, answer: ApprovalAnswer): boolean;
}

export interface AgentSessionRequest {
  workspacePath: string;
  issue: Issue;
  tools: AgentToolSpec[];
  executeTool(name: string, args: unknown): Promise<ToolResult>;
  onEvent(event: AgentEvent): void;
  /** B.phases approvals (`agent_requests: gate`): the agent started or stopped waiting for a person. */
  onAgentRequest?(request: AgentRequest, waiting: boolean): void;
  /** B.phases approvals: commands a person approved for an earlier run; asked again, they are accepted. */
  approvedCommands?: { command: string; cwd: string | null }[];
  /** `phases:` agent phases: this phase's overrides of the `codex:` settings (approval_policy, thread_sandbox, turn_sandbox_policy). */
  codex?: Record<string, unknown>;
  /** `phases:` workflows: the phase this session serves (the agent client's log lines carry it). */
  workflowPhase?: string;
}
