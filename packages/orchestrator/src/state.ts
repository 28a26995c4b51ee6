import type {
  AgentEventName,
  AgentRequest,
  ApprovalAnswer,
  ErrorRecord,
  Issue,
  TokenCounts,
} from "@baton/domain";
import { ZERO_TOKENS } from "@baton/domain";
import type { BudgetBreach, BudgetLedger } from "./budget.ts";
import { emptyLedger } from "./budget.ts";
import type { PipelineProgress } from "./pipeline.ts";
import type { RunHandle } from "./ports.ts";

/**
 * The orchestrator's state as plain, JSON-serializable data (SPEC 4.1.8): what the durable store
 * saves and reloads. Live things (run handles, timers, loggers) sit in a side-table keyed by
 * `run_id` (see `LiveRun`), never in here. Times are wall-clock milliseconds.
 */

/** Bumped whenever the shape below changes incompatibly; an older Baton refuses a newer state. */
export const STATE_SCHEMA_VERSION = 1;

/**
 * SPEC 7.1 claim states as a type, plus `stopped` (held by an operator until the ticket changes
 * or a retry is asked) and `awaiting_approval` (a `phases:` run paused at an approval gate: no
 * agent, no slot, workspace kept, until someone approves or rejects). Released issues have no claim.
 */
export type ClaimStatus = "running" | "retry_queued" | "blocked" | "stopped" | "awaiting_approval";

/** What the orchestrator knows about the coding-agent session of one attempt (SPEC 4.1.6). */
export interface SessionSummary {
  session_id: string | null;
  thread_id: string | null;
  codex_app_server_pid: number | null;
  last_event: AgentEventName | null;
  last_message: string | null;
  /** When the orchestrator received the latest event; drives stall detection. */
  last_event_at_ms: number | null;
  tokens: TokenCounts;
  /** Turns started in this attempt: one per distinct session id (`<thread>-<turn>`). */
  turn_count: number;
}

/** Why the orchestrator asked a running attempt to stop; decides what happens when it exits. */
export type StopReason = "terminal_state" | "inactive_state" | "unroutable" | "missing";
export type StopRequest =
  | { kind: "reconcile"; reason: StopReason; cleanup: boolean }
  | { kind: "stall"; elapsedMs: number }
  /** An operator asked for it; the issue is then held as `stopped` until the ticket changes or a retry is asked. */
  | { kind: "operator"; reason: string }
  /** The run went past a token ceiling (B.budget): it ends as `budget_exceeded`, never retried. */
  | { kind: "budget"; breach: BudgetBreach }
  | { kind: "shutdown" };

/** The run's own tracker tool call moved its ticket out of the active states (normalized state, when). */
export interface OwnHandoff {
  state: string;
  at_ms: number;
}

/** What identifies a ticket's version: a stopped issue is released when this changes. */
export interface IssueVersion {
  state: string;
  updated_at: string | null;
}

export type RetryKind = "continuation" | "failure";
/** Why a retry was scheduled, for metrics and dashboards (never parse the error text for this). */
export type RetryCause =
  | "continuation"
  | "failure"
  | "stall"
  | "no_slots"
  | "operator"
  | "restart"
  | "shutdown"
  /** An approval gate was decided: the run continues (B.phases). */
  | "approval";

/** A process group an attempt started, recorded so a restarted Baton can make sure it is gone. */
export interface RunProcess {
  pid: number;
  /** The command line it was started with, for the operator; the kill check reads the process itself. */
  command: string;
}

/** The queue worker (B.queue) that holds a running attempt: shown by the API and dashboard. */
export interface RunWorker {
  id: string;
  host: string;
  pid: number;
}

export interface RecentEvent {
  /** When it last came. */
  at_ms: number;
  event: string;
  message: string;
  /**
   * How many times in a row the same event and message came (absent: once). A streaming agent sends
   * the same "agent message streaming" many times a second; kept one per entry, they would push
   * every other entry out of the history within seconds.
   */
  count?: number;
}

/** How many recent events per issue the detail view shows (and the state keeps). */
export const RECENT_EVENTS_LIMIT = 50;

/** One claimed issue. Fields that only apply to one status are null in the others. */
export interface Claim {
  status: ClaimStatus;
  /** The tracker's latest snapshot of the issue. */
  issue: Issue;
  /** UUID of the current (running) or last attempt; the live side-table is keyed by it. */
  run_id: string;
  /** The attempt number handed to the executor: null on a first run (SPEC 4.1.5). */
  attempt: number | null;
  /** running: when the attempt started. */
  started_at_ms: number | null;
  /** running: set once the orchestrator cancelled the attempt; the claim keeps its slot until it exits. */
  stop_request: StopRequest | null;
  /** running: process groups the attempt started (the agent), on the worker's host when `worker` is set. */
  processes: RunProcess[];
  /** running: the queue worker holding the attempt; null for runs in this process. */
  worker: RunWorker | null;
  /** running: set when the run's own tool call handed the ticket off (its turn may then finish). */
  handoff: OwnHandoff | null;
  /** running: tracker tool calls still executing (a state change seen meanwhile may be the run's own). */
  tool_calls_in_flight: number;
  /** retry_queued: when the retry fires, its kind and cause, and which timer may act on it. */
  due_at_ms: number | null;
  retry: { kind: RetryKind; cause: RetryCause; seq: number } | null;
  /** blocked: since when. */
  blocked_at_ms: number | null;
  /** stopped: the operator's reason, since when, and the ticket's version once the stop took effect. */
  stop_reason: string | null;
  stopped_at_ms: number | null;
  baseline: IssueVersion | null;
  last_error: ErrorRecord | null;
  workspace_path: string | null;
  session: SessionSummary;
  /** Bounded history for the issue detail view; goes with the claim when it is released. */
  recent_events: RecentEvent[];
  /**
   * `phases:` workflows only (null otherwise): the run's pipeline progress, with the definition it
   * started with, completed phases, the current phase, cycle counts and a waiting gate. Kept across
   * attempts, retries and restarts so a run resumes after its last completed phase; dropped on release.
   */
  pipeline: PipelineProgress | null;
  /** B.phases approvals (absent until the claim first needs it): agent requests and ticket-comment commands. */
  approval?: ClaimApproval;
}

/** What a claim remembers about approvals; survives retries and restarts, dropped on release. */
export interface ClaimApproval {
  /**
   * The agent's request waiting for a person (`approvals.agent_requests: gate`). While the claim is
   * `running` the live agent waits for it; once the run is gone the claim is `awaiting_approval`.
   */
  agent_request: AgentRequest | null;
  /** A decision on the agent's request that no live agent received: the next run's prompt carries it. */
  agent_decision: AgentDecision | null;
  /** Ids of ticket comments already read while a gate waited (newest last), so a command applies once. */
  comments_read: string[];
}

export interface AgentDecision {
  request: AgentRequest;
  answer: ApprovalAnswer;
  by: string | null;
}

export interface CodexTotals extends TokenCounts {
  /** Runtime of attempts that already ended; live attempts are added at snapshot time. */
  ended_seconds: number;
}

/** The single authoritative runtime state. An issue is claimed exactly when it has a claim. */
export interface OrchestratorState {
  schema_version: number;
  claims: Record<string, Claim>;
  /** Issues whose last attempt exited normally: bookkeeping for status output, never dispatch gating. */
  completed: Record<string, true>;
  totals: CodexTotals;
  rate_limits: unknown;
  /** Increases with every retry scheduled, so a timer of a replaced retry knows it is stale. */
  retry_seq: number;
  /** Token spend per issue and for the current budget period (B.budget); durable like the claims. */
  budget: BudgetLedger;
}

export function emptyState(): OrchestratorState {
  return {
    schema_version: STATE_SCHEMA_VERSION,
    claims: {},
    completed: {},
    totals: { ...ZERO_TOKENS, ended_seconds: 0 },
    rate_limits: null,
    retry_seq: 0,
    budget: emptyLedger(),
  };
}

export function newSession(): SessionSummary {
  return {
    session_id: null,
    thread_id: null,
    codex_app_server_pid: null,
    last_event: null,
    last_message: null,
    last_event_at_ms: null,
    tokens: { ...ZERO_TOKENS },
    turn_count: 0,
  };
}

/** Fields added after a claim was first saved get their empty values, so older saved claims load. */
export const CLAIM_DEFAULTS = {
  handoff: null,
  tool_calls_in_flight: 0,
  stop_reason: null,
  stopped_at_ms: null,
  baseline: null,
  worker: null,
} as const satisfies Partial<Claim>;

export function isClaimed(state: Pick<OrchestratorState, "claims">, id: string): boolean {
  return Object.hasOwn(state.claims, id);
}

export function claimsWithStatus(state: OrchestratorState, status: ClaimStatus): [string, Claim][] {
  return Object.entries(state.claims).filter(([, claim]) => claim.status === status);
}

/** The live side of a running attempt, keyed by `run_id`: what cannot be saved. */
export interface LiveRun {
  handle: RunHandle;
}
