/** Token counts (SPEC 4.1.6, 13.5). */
export interface TokenCounts {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

export const ZERO_TOKENS: Readonly<TokenCounts> = Object.freeze({
  input_tokens: 0,
  output_tokens: 0,
  total_tokens: 0,
});

/** Event names the Codex client emits upstream (SPEC 10.4 plus Baton's own). */
export type AgentEventName =
  | "session_started"
  | "startup_failed"
  | "turn_started"
  | "turn_completed"
  | "turn_failed"
  | "turn_cancelled"
  | "turn_ended_with_error"
  | "turn_input_required"
  | "approval_required"
  | "approval_auto_approved"
  | "tool_call_completed"
  | "tool_call_failed"
  | "unsupported_tool_call"
  | "notification"
  | "other_message"
  | "malformed"
  | "stderr";

/**
 * One update from a coding-agent session. Token figures are computed by the client from absolute
 * thread totals: `usage_totals` is the latest absolute total for the thread, `usage_delta` the
 * increase since the previous report (never negative), which is what consumers add up.
 */
export interface AgentEvent {
  event: AgentEventName;
  /** RFC 3339 UTC. */
  timestamp: string;
  codex_app_server_pid: number | null;
  session_id?: string;
  thread_id?: string;
  turn_id?: string;
  /** Protocol method that produced the event, when there is one (e.g. `item/completed`). */
  method?: string;
  usage_totals?: TokenCounts;
  usage_delta?: TokenCounts;
  /** Latest rate-limit snapshot when the event carried one. */
  rate_limits?: unknown;
  /** Short human summary for dashboards and logs; never used for decisions (SPEC 13.6). */
  summary: string;
  /** Raw params/payload for session logs. */
  payload?: unknown;
}

/**
 * A request of the coding agent that waits for a person (B.phases, `approvals.agent_requests: gate`):
 * a command or file change to approve, or questions to answer. Plain data: kept in the claim and
 * shown by the API and dashboard.
 */
export interface AgentRequest {
  /** Unique within the run (the protocol method and its request id). */
  id: string;
  kind: "command" | "file_change" | "user_input";
  /** The protocol method that asked, e.g. `item/commandExecution/requestApproval`. */
  method: string;
  /** One line for lists, logs and the ticket comment. */
  summary: string;
  command: string | null;
  cwd: string | null;
  /** Why the agent asks, when it says. */
  reason: string | null;
  /** file_change: the change as a unified diff, as far as the agent announced it. */
  diff: string | null;
  questions: AgentQuestion[];
  /** RFC 3339 UTC. */
  asked_at: string;
}

export interface AgentQuestion {
  id: string;
  header: string | null;
  question: string;
  options: string[];
}

/**
 * A person's answer to a waiting request or gate. For questions, an approval's `note` is the answer
 * (without one, each question's first option).
 */
export type ApprovalAnswer =
  | { decision: "approve"; note: string | null }
  | { decision: "reject"; reason: string };
