import type { AgentEvent, ErrorRecord } from "@baton/domain";
import type { RecentEvent, RetryCause, RetryKind } from "./state.ts";

export interface IssueRef {
  issue_id: string;
  issue_identifier: string;
  /** `phases:` workflows: the workflow phase the issue is in when the event happens (logs and session logs carry it). */
  workflow_phase?: string;
}

/** How an attempt ended, as recorded: `lost` means the Baton that ran it died (see `restarted`). */
export type ExitKind = "normal" | "failed" | "blocked" | "cancelled" | "lost" | "budget_exceeded";

/**
 * Every transition of the orchestrator, one event each, in one vocabulary. The key=value log line,
 * the issue's recent events, session logs, the SSE stream and Prometheus metrics all subscribe to
 * this union; none of them is written anywhere else.
 */
export type OrchestratorEvent =
  | ({ type: "dispatched"; at: string; attempt: number | null; run_id: string; state: string } & IssueRef)
  | ({ type: "dispatch_skipped"; at: string; reason: string } & IssueRef)
  | ({ type: "dispatch_failed"; at: string; attempt: number | null; error: ErrorRecord } & IssueRef)
  | ({ type: "workspace_ready"; at: string; path: string } & IssueRef)
  | ({ type: "process_started"; at: string; pid: number; command: string } & IssueRef)
  /** A queue worker (B.queue) took the attempt. */
  | ({
      type: "worker_assigned";
      at: string;
      worker_host: string;
      worker_pid: number;
      worker_id: string;
    } & IssueRef)
  | ({
      type: "agent_event";
      at: string;
      event: AgentEvent;
      /** Set when the event started a new turn: the attempt's turn count after it. */
      turn_started?: number;
      session_id: string | null;
    } & IssueRef)
  | ({
      type: "retry_scheduled";
      at: string;
      attempt: number;
      kind: RetryKind;
      /** Why the retry exists, for metrics and dashboards (never parse `error` for this). */
      cause: RetryCause;
      delay_ms: number;
      due_at: string;
      error: string | null;
    } & IssueRef)
  | ({ type: "blocked"; at: string; error: string } & IssueRef)
  /** A run went past a token ceiling and was stopped (B.budget); `move_to_state` is where the ticket goes, if anywhere. */
  | ({
      type: "budget_exceeded";
      at: string;
      scope: "session" | "issue";
      limit: number;
      used: number;
      move_to_state: string | null;
    } & IssueRef)
  | ({ type: "tool_call"; at: string; phase: "started" | "ended"; in_flight: number } & IssueRef)
  /** The run's own tracker tool call moved the ticket out of the active states. */
  | ({ type: "handoff_recorded"; at: string; state: string; session_id: string | null } & IssueRef)
  /** Reconciliation left the run alone: its own hand-off, or a tool call that may be one. */
  | ({
      type: "reconcile_deferred";
      at: string;
      outcome: "finish_handoff" | "await_tool_call";
      state: string;
    } & IssueRef)
  /** An operator's stop took effect: the issue is held, not retried, until its ticket changes. */
  | ({ type: "operator_stopped"; at: string; reason: string } & IssueRef)
  | ({
      type: "operator_retry";
      at: string;
      from: "retrying" | "blocked" | "stopped";
      attempt: number;
    } & IssueRef)
  | ({ type: "released"; at: string; reason: string } & IssueRef)
  /** `phases:` workflows: a workflow phase started, passed, sent the work back or failed. */
  | ({
      type: "workflow_phase";
      at: string;
      phase: string;
      status: "started" | "passed" | "sent_back" | "failed";
      message: string;
      /** Cycles used so far by loops, summed (what the dashboard shows). */
      cycles: number;
    } & IssueRef)
  /** The run paused at an approval gate: no agent, no slot, workspace kept. */
  | ({ type: "gate_waiting"; at: string; gate_id: string; artifact: string | null } & IssueRef)
  /** Someone approved or rejected the waiting gate; `by` names who (the API caller, CLI, a ticket comment's author). */
  | ({
      type: "gate_decided";
      at: string;
      gate_id: string;
      decision: "approve" | "reject";
      reason: string | null;
      by: string | null;
    } & IssueRef)
  /** A `/baton approve|reject` ticket comment that was not applied (author not allowed, no reason, already decided). */
  | ({
      type: "approval_comment_ignored";
      at: string;
      comment_id: string;
      author: string;
      reason: string;
    } & IssueRef)
  /** The pipeline ended: every phase passed, a loop ran out of cycles, or a rejection had no attempts left. */
  | ({
      type: "pipeline_ended";
      at: string;
      outcome: "succeeded" | "exhausted" | "rejected";
      reason: string | null;
      move_to_state: string | null;
    } & IssueRef)
  | ({
      type: "stopped";
      at: string;
      reason: string;
      cleanup: boolean;
      elapsed_ms?: number;
      state: string;
    } & IssueRef)
  | ({
      type: "worker_exited";
      at: string;
      outcome: ExitKind;
      error: string | null;
      reason: string | null;
      turns: number | null;
      runtime_seconds: number;
      session_id: string | null;
    } & IssueRef)
  | ({
      type: "workspace_cleanup";
      at: string;
      ok: boolean;
      error: string | null;
      /** True when the removal was handed to the queue's workers, each removing its own copy. */
      requested: boolean;
    } & IssueRef)
  | {
      type: "state_restored";
      at: string;
      running_lost: number;
      /** Running claims whose runs the executor still runs (queue workers): re-attached, not lost. */
      running_reattached: number;
      retrying: number;
      blocked: number;
      stopped: number;
      awaiting_approval: number;
      warnings: string[];
    }
  | { type: "leftover_killed"; at: string; runs: number; pids: number[] }
  | { type: "state_store_failed"; at: string; error: ErrorRecord }
  | { type: "state_store_recovered"; at: string }
  | {
      type: "tick_completed";
      at: string;
      dispatched: number;
      running: number;
      retrying: number;
      blocked: number;
      stopped: number;
    }
  | { type: "preflight_failed"; at: string; error: { category: string; message: string } }
  | { type: "tracker_error"; at: string; operation: string; error: { category: string; message: string } }
  | { type: "startup_cleanup"; at: string; ok: boolean; terminal_issues: number; error: string | null }
  | { type: "shutdown"; at: string; timed_out: boolean; still_running: number };

export type OrchestratorListener = (event: OrchestratorEvent) => void;

function recent(at_ms: number, event: string, message: string): RecentEvent {
  return { at_ms, event, message };
}

/** The recent-events entry a transition leaves in its issue's history, or null when it leaves none. */
export function recentEntryOf(event: OrchestratorEvent, at_ms: number): RecentEvent | null {
  switch (event.type) {
    case "agent_event":
      return { at_ms, event: event.event.event, message: event.event.summary };
    case "dispatched":
      return recent(
        at_ms,
        "dispatched",
        event.attempt === null ? "first attempt" : `attempt ${event.attempt}`,
      );
    case "dispatch_failed":
      return recent(at_ms, "dispatch_failed", `${event.error.category}: ${event.error.message}`);
    case "worker_exited":
      return recent(at_ms, "worker_exited", `${event.outcome}: ${event.reason ?? event.error ?? ""}`);
    case "handoff_recorded":
      return recent(at_ms, "handoff", `agent moved the ticket to ${event.state}`);
    case "operator_stopped":
      return recent(at_ms, "stopped", event.reason);
    case "blocked":
      return recent(at_ms, "blocked", event.error);
    case "workflow_phase":
      return recent(at_ms, `workflow_phase_${event.status}`, `${event.phase}: ${event.message}`);
    case "gate_waiting":
      return recent(at_ms, "gate_waiting", `waiting for approval at ${event.gate_id}`);
    case "gate_decided":
      return recent(
        at_ms,
        "gate_decided",
        `${event.decision} at ${event.gate_id}${event.by ? ` by ${event.by}` : ""}${event.reason ? `: ${event.reason}` : ""}`,
      );
    case "approval_comment_ignored":
      return recent(at_ms, "approval_comment_ignored", `comment by ${event.author} ignored: ${event.reason}`);
    case "pipeline_ended":
      return recent(at_ms, "pipeline_ended", `${event.outcome}${event.reason ? `: ${event.reason}` : ""}`);
    case "budget_exceeded":
      return recent(at_ms, "budget_exceeded", `${event.used} tokens, ${event.scope} ceiling ${event.limit}`);
    case "stopped":
      return recent(at_ms, "stop_requested", event.reason);
    case "retry_scheduled":
      return recent(
        at_ms,
        "retry_scheduled",
        `attempt ${event.attempt} in ${event.delay_ms}ms${event.error ? `: ${event.error}` : ""}`,
      );
    default:
      return null;
  }
}
