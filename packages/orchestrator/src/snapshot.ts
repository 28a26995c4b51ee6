import type { TokenCounts } from "@baton/domain";
import type {
  BlockedEntry,
  LiveSession,
  RetryEntry,
  RunningEntry,
  RuntimeState,
  StoppedEntry,
} from "./state.ts";
import { RECENT_EVENTS_LIMIT } from "./state.ts";

/** The latest operator-visible problem of the poll loop (preflight or tracker), with when it happened. */
export interface LoopError {
  category: string;
  message: string;
  at: string;
}

export interface RunningRow {
  issue_id: string;
  issue_identifier: string;
  title: string;
  issue_url: string | null;
  state: string;
  session_id: string | null;
  turn_count: number;
  last_event: string | null;
  last_message: string | null;
  started_at: string;
  last_event_at: string | null;
  tokens: TokenCounts;
  workspace_path: string | null;
  attempt: number | null;
}

export interface RetryRow {
  issue_id: string;
  issue_identifier: string;
  title: string;
  issue_url: string | null;
  attempt: number;
  due_at: string;
  error: string | null;
  workspace_path: string | null;
}

export interface BlockedRow {
  issue_id: string;
  issue_identifier: string;
  title: string;
  issue_url: string | null;
  state: string;
  error: string;
  session_id: string | null;
  blocked_at: string;
  workspace_path: string | null;
  last_event: string | null;
  last_message: string | null;
  last_event_at: string | null;
}

/** An issue an operator stopped: held, not retried, until the ticket changes or a retry is asked. */
export interface StoppedRow {
  issue_id: string;
  issue_identifier: string;
  title: string;
  issue_url: string | null;
  state: string | null;
  reason: string;
  stopped_at: string;
  attempt: number | null;
  workspace_path: string | null;
  session_id: string | null;
  last_event: string | null;
  last_message: string | null;
  last_event_at: string | null;
}

/** JSON-safe runtime view, shaped for `GET /api/v1/state` (SPEC 13.3, 13.7.2) plus blocked rows. */
export interface OrchestratorSnapshot {
  generated_at: string;
  counts: { running: number; retrying: number; blocked: number; stopped: number; completed: number };
  running: RunningRow[];
  retrying: RetryRow[];
  blocked: BlockedRow[];
  stopped: StoppedRow[];
  codex_totals: TokenCounts & { seconds_running: number };
  rate_limits: unknown;
  last_error: LoopError | null;
  polling: { checking: boolean; next_tick_at: string | null };
}

/** Per-issue debug view for `GET /api/v1/<identifier>`. */
export interface IssueDetail {
  issue_identifier: string;
  issue_id: string;
  status: "running" | "retrying" | "blocked" | "stopped";
  workspace: { path: string | null };
  attempts: { restart_count: number; current_retry_attempt: number | null };
  running: RunningRow | null;
  retry: RetryRow | null;
  blocked: BlockedRow | null;
  stopped: StoppedRow | null;
  recent_events: { at: string; event: string; message: string }[];
  last_error: string | null;
}

export interface PollingView {
  checking: boolean;
  next_tick_at_ms: number | null;
}

let lastIsoMs = Number.NaN;
let lastIso = "";

/** RFC 3339 form of a clock time; remembers the last one, since bursts of events share a millisecond. */
export function isoAt(ms: number): string {
  if (ms !== lastIsoMs) {
    lastIso = new Date(ms).toISOString();
    lastIsoMs = ms;
  }
  return lastIso;
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : isoAt(ms);
}

function sessionFields(session: LiveSession) {
  return {
    session_id: session.session_id,
    last_event: session.last_event,
    last_message: session.last_message,
    last_event_at: isoOrNull(session.last_event_at_ms),
  };
}

function runningRow(id: string, entry: RunningEntry): RunningRow {
  const { session_id, last_event, last_message, last_event_at } = sessionFields(entry.session);
  return {
    issue_id: id,
    issue_identifier: entry.issue.identifier,
    title: entry.issue.title,
    issue_url: entry.issue.url,
    state: entry.issue.state,
    session_id,
    turn_count: entry.session.turn_count,
    last_event,
    last_message,
    started_at: isoAt(entry.started_at_ms),
    last_event_at,
    tokens: { ...entry.session.tokens },
    workspace_path: entry.workspace_path,
    attempt: entry.attempt,
  };
}

function retryRow(entry: RetryEntry): RetryRow {
  return {
    issue_id: entry.issue_id,
    issue_identifier: entry.identifier,
    title: entry.title,
    issue_url: entry.issue_url,
    attempt: entry.attempt,
    due_at: isoAt(entry.due_at_ms),
    error: entry.error,
    workspace_path: entry.workspace_path,
  };
}

function blockedRow(id: string, entry: BlockedEntry): BlockedRow {
  return {
    issue_id: id,
    issue_identifier: entry.issue.identifier,
    title: entry.issue.title,
    issue_url: entry.issue.url,
    state: entry.issue.state,
    error: entry.error,
    blocked_at: isoAt(entry.blocked_at_ms),
    workspace_path: entry.workspace_path,
    ...sessionFields(entry.session),
  };
}

const NO_SESSION = { session_id: null, last_event: null, last_message: null, last_event_at: null };

function stoppedRow(id: string, entry: StoppedEntry): StoppedRow {
  return {
    issue_id: id,
    issue_identifier: entry.identifier,
    title: entry.title,
    issue_url: entry.issue_url,
    state: entry.state,
    reason: entry.reason,
    stopped_at: isoAt(entry.stopped_at_ms),
    attempt: entry.attempt,
    workspace_path: entry.workspace_path,
    ...(entry.session === null ? NO_SESSION : sessionFields(entry.session)),
  };
}

function byIdentifier<T extends { issue_identifier: string }>(rows: T[]): T[] {
  return rows.sort((a, b) =>
    a.issue_identifier < b.issue_identifier ? -1 : a.issue_identifier > b.issue_identifier ? 1 : 0,
  );
}

/** Runtime seconds: ended attempts plus the elapsed time of the ones still running (SPEC 13.5). */
export function secondsRunning(state: RuntimeState, nowMs: number): number {
  let live = 0;
  for (const entry of state.running.values()) live += Math.max(nowMs - entry.started_at_ms, 0);
  return state.totals.ended_seconds + live / 1000;
}

export function buildSnapshot(
  state: RuntimeState,
  nowMs: number,
  polling: PollingView,
  lastError: LoopError | null,
): OrchestratorSnapshot {
  return {
    generated_at: isoAt(nowMs),
    counts: {
      running: state.running.size,
      retrying: state.retrying.size,
      blocked: state.blocked.size,
      stopped: state.stopped.size,
      completed: state.completed.size,
    },
    running: byIdentifier([...state.running].map(([id, entry]) => runningRow(id, entry))),
    retrying: [...state.retrying.values()].map(retryRow).sort((a, b) => a.due_at.localeCompare(b.due_at)),
    blocked: byIdentifier([...state.blocked].map(([id, entry]) => blockedRow(id, entry))),
    stopped: byIdentifier([...state.stopped].map(([id, entry]) => stoppedRow(id, entry))),
    codex_totals: {
      input_tokens: state.totals.input_tokens,
      output_tokens: state.totals.output_tokens,
      total_tokens: state.totals.total_tokens,
      seconds_running: secondsRunning(state, nowMs),
    },
    rate_limits: state.rate_limits ?? null,
    last_error: lastError,
    polling: { checking: polling.checking, next_tick_at: isoOrNull(polling.next_tick_at_ms) },
  };
}

/** The detail view of the claimed issue with this identifier, or null when none is claimed. */
export function buildIssueDetail(state: RuntimeState, identifier: string): IssueDetail | null {
  const running = [...state.running].find(([, entry]) => entry.issue.identifier === identifier);
  const retry = [...state.retrying.values()].find((entry) => entry.identifier === identifier);
  const blocked = [...state.blocked].find(([, entry]) => entry.issue.identifier === identifier);
  const stopped = [...state.stopped].find(([, entry]) => entry.identifier === identifier);
  const issueId = running?.[0] ?? retry?.issue_id ?? blocked?.[0] ?? stopped?.[0];
  if (issueId === undefined) return null;

  const runningView = running ? runningRow(running[0], running[1]) : null;
  const retryView = retry ? retryRow(retry) : null;
  const blockedView = blocked ? blockedRow(blocked[0], blocked[1]) : null;
  const stoppedView = stopped ? stoppedRow(stopped[0], stopped[1]) : null;
  const currentAttempt = runningView ? runningView.attempt : (retryView?.attempt ?? null);
  return {
    issue_identifier: identifier,
    issue_id: issueId,
    status: runningView ? "running" : retryView ? "retrying" : blockedView ? "blocked" : "stopped",
    workspace: {
      path:
        runningView?.workspace_path ??
        retryView?.workspace_path ??
        blockedView?.workspace_path ??
        stoppedView?.workspace_path ??
        null,
    },
    attempts: {
      restart_count: Math.max((currentAttempt ?? 0) - 1, 0),
      current_retry_attempt: currentAttempt,
    },
    running: runningView,
    retry: retryView,
    blocked: blockedView,
    stopped: stoppedView,
    recent_events: (state.recent_events.get(issueId) ?? []).slice(-RECENT_EVENTS_LIMIT).map((event) => ({
      at: isoAt(event.at_ms),
      event: event.event,
      message: event.message,
    })),
    last_error: retryView?.error ?? blockedView?.error ?? stoppedView?.reason ?? null,
  };
}
