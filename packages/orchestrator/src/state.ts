import type { AgentEventName, Issue, Logger, TokenCounts } from "@baton/domain";
import { ZERO_TOKENS } from "@baton/domain";
import type { StopReason } from "./decisions.ts";
import type { RunHandle } from "./ports.ts";

/**
 * What the orchestrator knows about the coding-agent session of one attempt (SPEC 4.1.6).
 * Times are clock milliseconds; the snapshot renders them as RFC 3339.
 */
export interface LiveSession {
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
export type StopRequest =
  | { kind: "reconcile"; reason: StopReason; cleanup: boolean }
  | { kind: "stall"; elapsedMs: number }
  /** An operator asked for it; the issue is then held as `stopped` until the ticket changes or a retry is asked. */
  | { kind: "operator"; reason: string }
  | { kind: "shutdown" };

/** The run's own tracker tool call moved its ticket out of the active states (normalized state, when). */
export interface OwnHandoff {
  state: string;
  at_ms: number;
}

export interface RunningEntry {
  issue: Issue;
  /** The attempt number handed to the executor: null on a first run (SPEC 4.1.5). */
  attempt: number | null;
  /** Distinguishes this attempt from earlier ones of the same issue, so late reports are dropped. */
  runId: number;
  handle: RunHandle;
  started_at_ms: number;
  workspace_path: string | null;
  session: LiveSession;
  /** Set once the orchestrator cancelled the attempt; the entry stays (and keeps its slot) until it exits. */
  stopRequest: StopRequest | null;
  /** Set when the run's own tool call handed the ticket off: the turn may finish instead of being stopped. */
  handoff: OwnHandoff | null;
  /** Tracker tool calls of this run still executing: a state change seen meanwhile may be the run's own. */
  tool_calls_in_flight: number;
  log: Logger;
}

export interface RetryEntry {
  issue_id: string;
  identifier: string;
  title: string;
  issue_url: string | null;
  attempt: number;
  due_at_ms: number;
  error: string | null;
  workspace_path: string | null;
  /** Matches the timer that may act on this entry; a timer carrying another token is stale. */
  token: number;
  timer: unknown;
}

/** An issue whose agent needs an approval or operator input the policy does not grant: claimed, not retried. */
export interface BlockedEntry {
  issue: Issue;
  error: string;
  blocked_at_ms: number;
  workspace_path: string | null;
  session: LiveSession;
}

/** What identifies a ticket's version: a stopped issue is released when this changes. */
export interface IssueVersion {
  state: string;
  updated_at: string | null;
}

/**
 * An issue an operator stopped: claimed (never dispatched) until the ticket changes, leaves the
 * active states, or an operator asks for a retry.
 */
export interface StoppedEntry {
  identifier: string;
  title: string;
  issue_url: string | null;
  /** The ticket's tracked state as last read (null when it was only known from a retry entry). */
  state: string | null;
  reason: string;
  stopped_at_ms: number;
  /** The attempt that was stopped (null for a first run or when none was running). */
  attempt: number | null;
  workspace_path: string | null;
  session: LiveSession | null;
  /** The ticket as it was once the stop took effect; null until it is first read after the stop. */
  baseline: IssueVersion | null;
}

export interface CodexTotals extends TokenCounts {
  /** Runtime of attempts that already ended; live attempts are added at snapshot time. */
  ended_seconds: number;
}

/** How many recent events per issue the detail view shows. */
export const RECENT_EVENTS_LIMIT = 50;

export interface RecentEvent {
  at_ms: number;
  event: string;
  message: string;
}

/**
 * The single authoritative runtime state (SPEC 4.1.8). An issue is claimed exactly when it is
 * running, retry-queued, blocked or stopped by an operator, so the claim set is derived rather than stored separately.
 */
export interface RuntimeState {
  running: Map<string, RunningEntry>;
  retrying: Map<string, RetryEntry>;
  blocked: Map<string, BlockedEntry>;
  stopped: Map<string, StoppedEntry>;
  /** Issues whose last attempt exited normally: bookkeeping for status output, never dispatch gating. */
  completed: Set<string>;
  totals: CodexTotals;
  rate_limits: unknown;
  /** Bounded per-issue history for the issue detail view; dropped when the claim is released. */
  recent_events: Map<string, RecentEvent[]>;
}

export function emptyRuntimeState(): RuntimeState {
  return {
    running: new Map(),
    retrying: new Map(),
    blocked: new Map(),
    stopped: new Map(),
    completed: new Set(),
    totals: { ...ZERO_TOKENS, ended_seconds: 0 },
    rate_limits: null,
    recent_events: new Map(),
  };
}

export function newLiveSession(): LiveSession {
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

export function isClaimed(
  state: Pick<RuntimeState, "running" | "retrying" | "blocked" | "stopped">,
  id: string,
): boolean {
  return state.running.has(id) || state.retrying.has(id) || state.blocked.has(id) || state.stopped.has(id);
}
