import type { AgentRequest, TokenCounts } from "@baton/domain";
import { errorRecordText } from "@baton/domain";
import { agentGateId, agentRequestText } from "./agent-approvals.ts";
import { type BudgetConfig, type BudgetView, budgetView } from "./budget.ts";
import type { PipelineProgress } from "./pipeline.ts";
import type { ConnectionHealth } from "./ports.ts";
import type { Claim, OrchestratorState, SessionSummary } from "./state.ts";

/** The latest operator-visible problem of the poll loop (preflight or tracker), with when it happened. */
export interface LoopError {
  category: string;
  message: string;
  at: string;
}

/** A `phases:` run's pipeline as the API and dashboard show it. */
export interface PipelineView {
  phases: { name: string; kind: "agent" | "run"; status: "completed" | "current" | "pending" }[];
  current: string | null;
  /** Cycles used by the loops so far (summed), and per looping phase. */
  cycles: number;
  cycles_by_phase: Record<string, number>;
  /** The gate the run waits at, with the artifact the approver sees. */
  waiting: { gate_id: string; artifact: string | null; since: string } | null;
  /** Approval gates in the pipeline and which were approved. */
  gates: { id: string; approved: boolean }[];
}

export function pipelineView(progress: PipelineProgress): PipelineView {
  return {
    phases: progress.pipeline.phases.map((phase) => ({
      name: phase.name,
      kind: phase.kind,
      status: progress.completed.includes(phase.name)
        ? "completed"
        : progress.current === phase.name
          ? "current"
          : "pending",
    })),
    current: progress.current,
    cycles: Object.values(progress.cycles).reduce((sum, used) => sum + used, 0),
    cycles_by_phase: { ...progress.cycles },
    waiting: progress.waiting
      ? {
          gate_id: progress.waiting.gate_id,
          artifact: progress.waiting.artifact,
          since: isoAt(progress.waiting.since_ms),
        }
      : null,
    gates: progress.pipeline.gates.map((gate) => ({
      id: gate.id,
      approved: progress.approved_gates.includes(gate.id),
    })),
  };
}

/** Present only for `phases:` runs, so rows of plain workflows keep the SPEC's shape. */
function pipelineField(entry: Claim): { pipeline?: PipelineView } {
  return entry.pipeline ? { pipeline: pipelineView(entry.pipeline) } : {};
}

/** An issue paused at an approval gate (B.phases): no agent, no slot, workspace kept. */
export interface AwaitingRow {
  issue_id: string;
  issue_identifier: string;
  title: string;
  issue_url: string | null;
  state: string;
  gate_id: string;
  artifact: string | null;
  since: string;
  workspace_path: string | null;
  /** null when the issue waits for an answer to its agent's request in a workflow without `phases:`. */
  pipeline: PipelineView | null;
  /** B.phases approvals: the agent's request the issue waits on (command, diff or questions). */
  agent_request?: AgentRequest;
}

/** Present only while something waits for a person's answer to the agent, so other rows keep their shape. */
function agentRequestField(entry: Claim): { agent_request?: AgentRequest } {
  const request = entry.approval?.agent_request;
  return request ? { agent_request: request } : {};
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
  /** The queue worker running the attempt; null when it runs in this process. */
  worker: { host: string; pid: number } | null;
  pipeline?: PipelineView;
  /** B.phases approvals: the request the live agent waits on for a person's answer. */
  agent_request?: AgentRequest;
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
  pipeline?: PipelineView;
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
  pipeline?: PipelineView;
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
  counts: {
    running: number;
    retrying: number;
    blocked: number;
    stopped: number;
    completed: number;
    awaiting_approval: number;
  };
  running: RunningRow[];
  retrying: RetryRow[];
  blocked: BlockedRow[];
  stopped: StoppedRow[];
  /** `phases:` runs paused at an approval gate (B.phases); counted in `counts.awaiting_approval`. */
  awaiting_approval: AwaitingRow[];
  codex_totals: TokenCounts & { seconds_running: number };
  rate_limits: unknown;
  last_error: LoopError | null;
  polling: { checking: boolean; next_tick_at: string | null };
  /** The durable state store: where it is and whether the last write failed (dispatch then stops). */
  state_store: StateStoreStatus;
  /**
   * The connections the state store and the executor depend on (Redis), empty when there are
   * none. While the store's is not `connected`, state writes fail and dispatch pauses.
   */
  connections: ConnectionHealth[];
  /** Token spend against the budgets (B.budget). */
  budget: BudgetView;
}

export interface StateStoreStatus {
  kind: "memory" | "sqlite" | "redis";
  path: string | null;
  /** Set while writes fail: no new run starts until one succeeds again. */
  error: LoopError | null;
}

/** Per-issue debug view for `GET /api/v1/<identifier>`. */
export interface IssueDetail {
  issue_identifier: string;
  issue_id: string;
  status: "running" | "retrying" | "blocked" | "stopped" | "awaiting_approval";
  workspace: { path: string | null };
  /** `phases:` runs: phases, the current one, cycles, a waiting gate with its artifact. */
  pipeline: PipelineView | null;
  /** B.phases approvals: the agent's request waiting for a person's answer (command, diff or questions). */
  agent_request: AgentRequest | null;
  attempts: { restart_count: number; current_retry_attempt: number | null };
  running: RunningRow | null;
  retry: RetryRow | null;
  blocked: BlockedRow | null;
  stopped: StoppedRow | null;
  recent_events: { at: string; event: string; message: string; count: number }[];
  last_error: string | null;
}

export interface PollingView {
  checking: boolean;
  next_tick_at_ms: number | null;
}

const isoCache = new Map<number, string>();
const ISO_CACHE_MAX = 4096;

/**
 * RFC 3339 form of a clock time, remembered: a state answer formats two times per running row (when
 * it started, its last event), most of them the same as in the answer before, and bursts of events
 * share a millisecond. With 200 sessions, formatting them afresh was a sixth of building the answer.
 */
export function isoAt(ms: number): string {
  let iso = isoCache.get(ms);
  if (iso === undefined) {
    if (isoCache.size >= ISO_CACHE_MAX) isoCache.clear();
    iso = new Date(ms).toISOString();
    isoCache.set(ms, iso);
  }
  return iso;
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : isoAt(ms);
}

function sessionFields(session: SessionSummary) {
  return {
    session_id: session.session_id,
    last_event: session.last_event,
    last_message: session.last_message,
    last_event_at: isoOrNull(session.last_event_at_ms),
  };
}

function runningRow(id: string, entry: Claim): RunningRow {
  const session = entry.session;
  // Built field by field (no spreads of optional parts): the state answer builds one per running
  // issue, up to a few hundred, many times a second.
  const row: RunningRow = {
    issue_id: id,
    issue_identifier: entry.issue.identifier,
    title: entry.issue.title,
    issue_url: entry.issue.url,
    state: entry.issue.state,
    session_id: session.session_id,
    turn_count: session.turn_count,
    last_event: session.last_event,
    last_message: session.last_message,
    started_at: isoAt(entry.started_at_ms ?? 0),
    last_event_at: isoOrNull(session.last_event_at_ms),
    tokens: { ...session.tokens },
    workspace_path: entry.workspace_path,
    attempt: entry.attempt,
    worker: entry.worker === null ? null : { host: entry.worker.host, pid: entry.worker.pid },
  };
  if (entry.pipeline) row.pipeline = pipelineView(entry.pipeline);
  const request = entry.approval?.agent_request;
  if (request) row.agent_request = request;
  return row;
}

function retryRow(id: string, entry: Claim): RetryRow {
  return {
    issue_id: id,
    issue_identifier: entry.issue.identifier,
    title: entry.issue.title,
    issue_url: entry.issue.url,
    attempt: entry.attempt ?? 1,
    due_at: isoAt(entry.due_at_ms ?? 0),
    error: entry.last_error === null ? null : errorRecordText(entry.last_error),
    workspace_path: entry.workspace_path,
    ...pipelineField(entry),
  };
}

function blockedRow(id: string, entry: Claim): BlockedRow {
  return {
    issue_id: id,
    issue_identifier: entry.issue.identifier,
    title: entry.issue.title,
    issue_url: entry.issue.url,
    state: entry.issue.state,
    error: entry.last_error === null ? "" : errorRecordText(entry.last_error),
    blocked_at: isoAt(entry.blocked_at_ms ?? 0),
    workspace_path: entry.workspace_path,
    ...sessionFields(entry.session),
    ...pipelineField(entry),
  };
}

function awaitingRow(id: string, entry: Claim): AwaitingRow {
  const pipeline = entry.pipeline ? pipelineView(entry.pipeline) : null;
  const request = entry.approval?.agent_request ?? null;
  return {
    issue_id: id,
    issue_identifier: entry.issue.identifier,
    title: entry.issue.title,
    issue_url: entry.issue.url,
    state: entry.issue.state,
    gate_id: request ? agentGateId(request) : (pipeline?.waiting?.gate_id ?? ""),
    artifact: request ? agentRequestText(request) : (pipeline?.waiting?.artifact ?? null),
    since: request ? request.asked_at : (pipeline?.waiting?.since ?? isoAt(0)),
    workspace_path: entry.workspace_path,
    pipeline,
    ...agentRequestField(entry),
  };
}

function stoppedRow(id: string, entry: Claim): StoppedRow {
  return {
    issue_id: id,
    issue_identifier: entry.issue.identifier,
    title: entry.issue.title,
    issue_url: entry.issue.url,
    state: entry.issue.state,
    reason: entry.stop_reason ?? "",
    stopped_at: isoAt(entry.stopped_at_ms ?? 0),
    attempt: entry.attempt,
    workspace_path: entry.workspace_path,
    ...sessionFields(entry.session),
    ...pipelineField(entry),
  };
}

function byIdentifier<T extends { issue_identifier: string }>(rows: T[]): T[] {
  return rows.sort((a, b) =>
    a.issue_identifier < b.issue_identifier ? -1 : a.issue_identifier > b.issue_identifier ? 1 : 0,
  );
}

/** Runtime seconds: ended attempts plus the elapsed time of the ones still running (SPEC 13.5). */
export function secondsRunning(state: OrchestratorState, nowMs: number): number {
  let live = 0;
  for (const id in state.claims) {
    const claim = state.claims[id]!;
    if (claim.status === "running") live += Math.max(nowMs - (claim.started_at_ms ?? nowMs), 0);
  }
  return state.totals.ended_seconds + live / 1000;
}

export function buildSnapshot(
  state: OrchestratorState,
  nowMs: number,
  polling: PollingView,
  lastError: LoopError | null,
  store: StateStoreStatus,
  connections: ConnectionHealth[],
  config: BudgetConfig,
): OrchestratorSnapshot {
  const running: RunningRow[] = [];
  const retrying: RetryRow[] = [];
  const blocked: BlockedRow[] = [];
  const stopped: StoppedRow[] = [];
  const awaiting: AwaitingRow[] = [];
  for (const id in state.claims) {
    const claim = state.claims[id]!;
    if (claim.status === "running") running.push(runningRow(id, claim));
    else if (claim.status === "retry_queued") retrying.push(retryRow(id, claim));
    else if (claim.status === "blocked") blocked.push(blockedRow(id, claim));
    else if (claim.status === "awaiting_approval") awaiting.push(awaitingRow(id, claim));
    else stopped.push(stoppedRow(id, claim));
  }
  return {
    generated_at: isoAt(nowMs),
    counts: {
      running: running.length,
      retrying: retrying.length,
      blocked: blocked.length,
      stopped: stopped.length,
      completed: Object.keys(state.completed).length,
      awaiting_approval: awaiting.length,
    },
    running: byIdentifier(running),
    retrying: retrying.sort((a, b) => a.due_at.localeCompare(b.due_at)),
    blocked: byIdentifier(blocked),
    stopped: byIdentifier(stopped),
    awaiting_approval: byIdentifier(awaiting),
    codex_totals: {
      input_tokens: state.totals.input_tokens,
      output_tokens: state.totals.output_tokens,
      total_tokens: state.totals.total_tokens,
      seconds_running: secondsRunning(state, nowMs),
    },
    rate_limits: state.rate_limits ?? null,
    last_error: lastError,
    polling: { checking: polling.checking, next_tick_at: isoOrNull(polling.next_tick_at_ms) },
    state_store: store,
    connections,
    budget: budgetView(state.budget, config, nowMs),
  };
}

/** The detail view of the claimed issue with this identifier, or null when none is claimed. */
export function buildIssueDetail(state: OrchestratorState, identifier: string): IssueDetail | null {
  const found = Object.entries(state.claims).find(([, claim]) => claim.issue.identifier === identifier);
  if (found === undefined) return null;
  const [issueId, claim] = found;
  const runningView = claim.status === "running" ? runningRow(issueId, claim) : null;
  const retryView = claim.status === "retry_queued" ? retryRow(issueId, claim) : null;
  const blockedView = claim.status === "blocked" ? blockedRow(issueId, claim) : null;
  const stoppedView = claim.status === "stopped" ? stoppedRow(issueId, claim) : null;
  const awaiting = claim.status === "awaiting_approval";
  const currentAttempt = runningView ? runningView.attempt : (retryView?.attempt ?? null);
  return {
    issue_identifier: identifier,
    issue_id: issueId,
    status: runningView
      ? "running"
      : retryView
        ? "retrying"
        : blockedView
          ? "blocked"
          : awaiting
            ? "awaiting_approval"
            : "stopped",
    workspace: { path: claim.workspace_path },
    pipeline: claim.pipeline ? pipelineView(claim.pipeline) : null,
    agent_request: claim.approval?.agent_request ?? null,
    attempts: {
      restart_count: Math.max((currentAttempt ?? 0) - 1, 0),
      current_retry_attempt: currentAttempt,
    },
    running: runningView,
    retry: retryView,
    blocked: blockedView,
    stopped: stoppedView,
    recent_events: claim.recent_events.map((event) => ({
      at: isoAt(event.at_ms),
      event: event.event,
      message: event.message,
      count: event.count ?? 1,
    })),
    last_error: retryView?.error ?? blockedView?.error ?? stoppedView?.reason ?? null,
  };
}
