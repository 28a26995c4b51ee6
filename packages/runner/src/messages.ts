import type { AgentEvent, AgentRequest, ErrorRecord, Issue, ToolResult } from "@baton/domain";
import type {
  AgentDecision,
  PipelineEnd,
  PipelineProgress,
  RunProcess,
  WorkflowPhaseChange,
} from "@baton/orchestrator";
import type { RunSpec } from "./spec.ts";

/**
 * Everything that crosses between the orchestrator's host and a run is one of these plain JSON
 * messages, so a run can live in another process or on another host (a queue worker, a container)
 * and behave exactly as an in-process one.
 */

/** Start one attempt: its id, the issue as dispatched, the attempt number and the frozen spec. */
export interface RunStartMessage {
  run_id: string;
  issue: Issue;
  attempt: number | null;
  spec: RunSpec;
  /**
   * `phases:` workflows: the progress saved in the claim (the run resumes after its last completed
   * phase, on the definition inside it); null on a first run, which starts `spec.pipeline`.
   */
  pipeline: PipelineProgress | null;
  /** B.phases approvals: a decision on an earlier run's agent request; the first prompt tells the agent. */
  agent_decision?: AgentDecision | null;
}

/** What a running attempt reports back while it works (SPEC 10.4, 16.5). */
export type RunReport =
  | { type: "workspace_ready"; run_id: string; path: string }
  | { type: "agent_event"; run_id: string; event: AgentEvent }
  | { type: "process_started"; run_id: string; process: RunProcess }
  | { type: "tool_call_started"; run_id: string; tool: string }
  | { type: "tool_call_ended"; run_id: string; tool: string; handoff_state: string | null }
  /** `phases:` workflows: a phase started or ended, with the whole progress after it. */
  | { type: "workflow_phase"; run_id: string; progress: PipelineProgress; change: WorkflowPhaseChange }
  /** B.phases approvals: the agent started (`waiting`) or stopped waiting for a person's answer. */
  | { type: "agent_request"; run_id: string; request: AgentRequest; waiting: boolean };

/** How the attempt ended; errors are plain records, never class instances. */
export type RunOutcomeMessage =
  | { type: "outcome"; run_id: string; kind: "normal"; turns: number; reason: string }
  | { type: "outcome"; run_id: string; kind: "failed" | "blocked"; error: ErrorRecord }
  | { type: "outcome"; run_id: string; kind: "cancelled"; reason: string }
  | { type: "outcome"; run_id: string; kind: "awaiting_approval"; progress: PipelineProgress }
  | {
      type: "outcome";
      run_id: string;
      kind: "pipeline_ended";
      progress: PipelineProgress;
      outcome: PipelineEnd;
    };

/** A run asks the orchestrator's host to do something only the host can (it holds the credentials). */
export type ToolGatewayRequest =
  | { type: "execute_tool"; run_id: string; issue: Issue; tool: string; arguments: unknown }
  | { type: "fetch_issue"; run_id: string; issue_id: string };

export type ToolGatewayReply =
  | { type: "tool_result"; result: ToolResult }
  | { type: "issue"; issue: Issue | null }
  | { type: "error"; error: ErrorRecord };

/** The host's side of the gateway: one request, one reply. Never rejects. */
export type ToolGateway = (request: ToolGatewayRequest) => Promise<ToolGatewayReply>;
