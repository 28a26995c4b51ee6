import type { AgentEvent, Issue, TokenCounts } from "@baton/domain";
import { normalizeState } from "@baton/domain";
import { type BudgetIneligibility, budgetIneligibility } from "./budget.ts";
import type { OrchestratorConfig } from "./ports.ts";
import type {
  Claim,
  CodexTotals,
  IssueVersion,
  OrchestratorState,
  RetryKind,
  SessionSummary,
  StopReason,
} from "./state.ts";
import { isClaimed } from "./state.ts";

/**
 * Pure scheduling decisions (SPEC 8, 16): functions of configuration, runtime state, a tracker
 * snapshot and the time. The shell in orchestrator.ts performs whatever they decide.
 */

/** What dispatch decisions read of the state: the claims and running counts taken once. */
export interface SchedulingView {
  claims: OrchestratorState["claims"];
  budget: OrchestratorState["budget"];
  /** When the view was taken: which budget period applies. */
  now_ms: number;
  running: number;
  /** Running claims per normalized tracked state: the count per-state limits are checked against. */
  runningByState: ReadonlyMap<string, number>;
}

/** Counts running claims once, so checking thousands of candidates does not recount them each time. */
export function schedulingView(
  state: Pick<OrchestratorState, "claims" | "budget">,
  nowMs: number,
): SchedulingView {
  const byState = new Map<string, number>();
  let running = 0;
  for (const id in state.claims) {
    const claim = state.claims[id]!;
    if (claim.status !== "running") continue;
    running += 1;
    const key = normalizeState(claim.issue.state);
    byState.set(key, (byState.get(key) ?? 0) + 1);
  }
  return { claims: state.claims, budget: state.budget, now_ms: nowMs, running, runningByState: byState };
}

export const CONTINUATION_RETRY_DELAY_MS = 1000;
export const FAILURE_RETRY_BASE_MS = 10_000;
/** 2^20 * 10 s is far past any sensible cap; stopping there keeps the arithmetic finite. */
const MAX_BACKOFF_EXPONENT = 20;

/** Config lists normalized once per config object: ticks consult them for every candidate. */
interface CompiledRules {
  active: ReadonlySet<string>;
  terminal: ReadonlySet<string>;
  limitsByState: ReadonlyMap<string, number>;
}

// Keyed by the config object itself: a reload brings a new object, so entries never go stale.
const compiledRules = new WeakMap<OrchestratorConfig, CompiledRules>();

function rulesOf(config: OrchestratorConfig): CompiledRules {
  let rules = compiledRules.get(config);
  if (!rules) {
    rules = {
      active: new Set(config.tracker.active_states.map(normalizeState)),
      terminal: new Set(config.tracker.terminal_states.map(normalizeState)),
      limitsByState: new Map(
        Object.entries(config.agent.max_concurrent_agents_by_state).map(([key, limit]) => [
          normalizeState(key),
          limit,
        ]),
      ),
    };
    compiledRules.set(config, rules);
  }
  return rules;
}

export function isTerminalState(state: string, config: OrchestratorConfig): boolean {
  return rulesOf(config).terminal.has(normalizeState(state));
}

/**
 * The one definition of "active" (the orchestrator and the worker's turn loop both use it): listed
 * in the active states and not in the terminal ones; a state listed in both is treated as terminal.
 */
export function isActiveState(state: string, config: OrchestratorConfig): boolean {
  const normalized = normalizeState(state);
  const rules = rulesOf(config);
  return rules.active.has(normalized) && !rules.terminal.has(normalized);
}

/** `isActiveState` for callers holding the two state lists rather than a config. */
export function isActiveStateIn(
  state: string,
  activeStates: readonly string[],
  terminalStates: readonly string[],
): boolean {
  const normalized = normalizeState(state);
  const listed = (states: readonly string[]) => states.some((entry) => normalizeState(entry) === normalized);
  return listed(activeStates) && !listed(terminalStates);
}

/**
 * SPEC 8.2 `issue_routable`: the adapter says it is dispatchable and it carries every required
 * label (case-insensitive). A blank required label matches nothing, so it makes every issue unroutable.
 */
export function issueRoutable(issue: Issue, requiredLabels: readonly string[]): boolean {
  if (issue.dispatchable !== true) return false;
  if (requiredLabels.length === 0) return true;
  const labels = new Set(issue.labels.map((label) => label.trim().toLowerCase()));
  return requiredLabels.every((required) => {
    const wanted = required.trim().toLowerCase();
    return wanted !== "" && labels.has(wanted);
  });
}

function nonBlank(value: unknown): boolean {
  return typeof value === "string" && value.trim() !== "";
}

function hasRequiredFields(issue: Issue): boolean {
  return nonBlank(issue.id) && nonBlank(issue.identifier) && nonBlank(issue.title) && nonBlank(issue.state);
}

/** Free global slots: `max(max_concurrent_agents - running, 0)` (SPEC 8.3). */
export function globalSlots(config: OrchestratorConfig, view: SchedulingView): number {
  return Math.max(config.agent.max_concurrent_agents - view.running, 0);
}

/**
 * Free slots for issues in `issueState`: the per-state limit when configured (keys compared
 * normalized), else the global limit, minus running claims whose current tracked state matches.
 */
export function stateSlots(config: OrchestratorConfig, view: SchedulingView, issueState: string): number {
  const normalized = normalizeState(issueState);
  const limit = rulesOf(config).limitsByState.get(normalized) ?? config.agent.max_concurrent_agents;
  return Math.max(limit - (view.runningByState.get(normalized) ?? 0), 0);
}

const NO_OPTIONS: { ownClaim?: string } = Object.freeze({});

export type Ineligibility =
  | "missing_required_fields"
  | "terminal_state"
  | "inactive_state"
  | "not_dispatchable"
  | "missing_required_labels"
  | "already_running"
  | "already_claimed"
  | "no_global_slots"
  | "no_state_slots"
  | BudgetIneligibility;

/**
 * Why an issue may not be dispatched now, or null when it may (SPEC 8.2). `ownClaim` lets the
 * retry path ignore the claim its own retry entry holds.
 */
export function dispatchIneligibility(
  issue: Issue,
  config: OrchestratorConfig,
  view: SchedulingView,
  options: { ownClaim?: string } = NO_OPTIONS,
): Ineligibility | null {
  if (!hasRequiredFields(issue)) return "missing_required_fields";
  // The same checks as isTerminalState, isActiveState and stateSlots, with the state normalized
  // once: a tick asks this of every candidate.
  const rules = rulesOf(config);
  const state = normalizeState(issue.state);
  if (rules.terminal.has(state)) return "terminal_state";
  if (!rules.active.has(state)) return "inactive_state";
  if (issue.dispatchable !== true) return "not_dispatchable";
  if (!issueRoutable(issue, config.tracker.required_labels)) return "missing_required_labels";
  // Most candidates have no claim, and reading a missing key walks the prototype chain, which cost
  // more than every other check here together: ask `isClaimed` (own keys only) first.
  if (isClaimed(view, issue.id)) {
    if (view.claims[issue.id]!.status === "running") return "already_running";
    if (options.ownClaim !== issue.id) return "already_claimed";
  }
  if (globalSlots(config, view) <= 0) return "no_global_slots";
  const stateLimit = rules.limitsByState.get(state) ?? config.agent.max_concurrent_agents;
  if (stateLimit - (view.runningByState.get(state) ?? 0) <= 0) return "no_state_slots";
  return budgetIneligibility(view.budget, config, issue.id, view.now_ms);
}

function priorityBucket(priority: number | null): number {
  return priority !== null && Number.isInteger(priority) && priority >= 1 && priority <= 4 ? priority : 5;
}

function createdAtMs(issue: Issue): number {
  const ms = issue.created_at === null ? Number.NaN : parseTimestamp(issue.created_at);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/**
 * `Date.parse`, with a fast path for the form trackers give (`Date#toISOString`:
 * `YYYY-MM-DDTHH:mm:ss.sssZ`): parsing every candidate's `created_at` was a fifth of a tick.
 * Anything else, or any field out of its usual range, goes to `Date.parse`.
 */
export function parseTimestamp(text: string): number {
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    text.charCodeAt(10) !== LETTER_T ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON ||
    text.charCodeAt(19) !== DOT ||
    text.charCodeAt(23) !== LETTER_Z
  )
    return Date.parse(text);
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  const millis = digits(text, 20, 23);
  if (
    year < 1000 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return Date.parse(text);
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const LETTER_T = 0x54;
const LETTER_Z = 0x5a;

/** The decimal number in text[start, end), or -1 when a character is not a digit. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

interface DispatchKey {
  issue: Issue;
  bucket: number;
  createdMs: number;
}

function compareDispatchKeys(a: DispatchKey, b: DispatchKey): number {
  if (a.bucket !== b.bucket) return a.bucket - b.bucket;
  if (a.createdMs !== b.createdMs) return a.createdMs < b.createdMs ? -1 : 1;
  if (a.issue.identifier === b.issue.identifier) return 0;
  return a.issue.identifier < b.issue.identifier ? -1 : 1;
}

/**
 * Dispatch order (SPEC 8.2): priority 1..4 ascending then the rest, oldest first (null last),
 * identifier. Keys are computed once per issue: parsing `created_at` inside the comparator made
 * sorting most of a tick's cost with thousands of candidates.
 */
export function sortForDispatch(issues: readonly Issue[]): Issue[] {
  return issues
    .map(
      (issue): DispatchKey => ({
        issue,
        bucket: priorityBucket(issue.priority),
        createdMs: createdAtMs(issue),
      }),
    )
    .sort(compareDispatchKeys)
    .map((key) => key.issue);
}

/**
 * SPEC 8.4: 1 s after a clean exit; failures back off `10 s * 2^(attempt-1)` up to
 * `max_retry_backoff_ms`.
 */
export function retryDelayMs(kind: RetryKind, attempt: number, maxRetryBackoffMs: number): number {
  if (kind === "continuation") return CONTINUATION_RETRY_DELAY_MS;
  const exponent = Math.min(Math.max(attempt - 1, 0), MAX_BACKOFF_EXPONENT);
  return Math.min(FAILURE_RETRY_BASE_MS * 2 ** exponent, maxRetryBackoffMs);
}

/** The attempt number of the retry after a failed run: 1 after a first run, else one more. */
export function nextFailureAttempt(attempt: number | null): number {
  return attempt === null ? 1 : attempt + 1;
}

export type ReconcileAction =
  | { kind: "update"; issue: Issue }
  | { kind: "stop"; reason: StopReason; cleanup: boolean };

/** What to do with a running attempt given its refreshed issue (undefined when the tracker no longer returns it). */
export function reconcileRunning(refreshed: Issue | undefined, config: OrchestratorConfig): ReconcileAction {
  if (refreshed === undefined) return { kind: "stop", reason: "missing", cleanup: false };
  if (isTerminalState(refreshed.state, config))
    return { kind: "stop", reason: "terminal_state", cleanup: true };
  if (!isActiveState(refreshed.state, config))
    return { kind: "stop", reason: "inactive_state", cleanup: false };
  if (!issueRoutable(refreshed, config.tracker.required_labels)) {
    return { kind: "stop", reason: "unroutable", cleanup: false };
  }
  return { kind: "update", issue: refreshed };
}

export type RunningReconcileAction =
  | ReconcileAction
  /** The run's own tool call handed the ticket off: its turn may finish (bounded by the turn timeout). */
  | { kind: "finish_handoff"; issue: Issue }
  /** A tool call of the run is executing and may be the one that changed the state: look again once it ends. */
  | { kind: "await_tool_call"; issue: Issue };

/**
 * Reconciliation of one running attempt (SPEC 8.5) that tells the agent's own hand-off apart from
 * a change made by anyone else. A state left by the run's own tracker tool call lets the turn
 * finish for up to `codex.turn_timeout_ms` after the hand-off; a different state, or the grace
 * running out, stops the run as usual.
 */
export function reconcileRunningAttempt(
  refreshed: Issue | undefined,
  config: OrchestratorConfig,
  run: Pick<Claim, "handoff" | "tool_calls_in_flight">,
  nowMs: number,
): RunningReconcileAction {
  const action = reconcileRunning(refreshed, config);
  if (action.kind === "update" || refreshed === undefined) return action;
  const { handoff } = run;
  if (handoff === null) {
    return run.tool_calls_in_flight > 0 ? { kind: "await_tool_call", issue: refreshed } : action;
  }
  const sameState = normalizeState(refreshed.state) === handoff.state;
  const withinGrace = nowMs - handoff.at_ms < config.codex.turn_timeout_ms;
  return sameState && withinGrace ? { kind: "finish_handoff", issue: refreshed } : action;
}

/**
 * Milliseconds of silence when a run counts as stalled (SPEC 8.5), else null. Silence is measured
 * from the latest agent event, or from the start when there was none; `stall_timeout_ms <= 0` disables it.
 */
export function stalledForMs(
  run: { started_at_ms: number; session: Pick<SessionSummary, "last_event_at_ms"> },
  nowMs: number,
  stallTimeoutMs: number,
): number | null {
  if (stallTimeoutMs <= 0) return null;
  const elapsed = nowMs - (run.session.last_event_at_ms ?? run.started_at_ms);
  return elapsed > stallTimeoutMs ? elapsed : null;
}

/** Why a claim ends without a new dispatch. */
export type ReleaseReason = StopReason | Ineligibility;

export type RetryTimerAction =
  | { kind: "release"; reason: ReleaseReason; cleanup: boolean }
  | { kind: "dispatch"; issue: Issue }
  | { kind: "requeue" };

/** What a firing retry timer does with its freshly fetched issue (SPEC 8.4, 16.6). */
export function retryTimerAction(
  issueId: string,
  refreshed: Issue | undefined,
  config: OrchestratorConfig,
  view: SchedulingView,
): RetryTimerAction {
  if (refreshed === undefined) return { kind: "release", reason: "missing", cleanup: false };
  const problem = dispatchIneligibility(refreshed, config, view, { ownClaim: issueId });
  if (problem === null) return { kind: "dispatch", issue: refreshed };
  // An exhausted period budget only delays: the retry fires again once the period rolls over or a reload raises it.
  if (problem === "no_global_slots" || problem === "no_state_slots" || problem === "period_budget_exhausted")
    return { kind: "requeue" };
  return { kind: "release", reason: problem, cleanup: problem === "terminal_state" };
}

export type BlockedAction =
  | { kind: "stay"; issue: Issue }
  | { kind: "release"; reason: ReleaseReason; cleanup: boolean };

/** Each tick a blocked issue is looked up again: it stays held only while active and routable. */
export function recheckBlocked(refreshed: Issue | undefined, config: OrchestratorConfig): BlockedAction {
  const action = reconcileRunning(refreshed, config);
  if (action.kind === "update") return { kind: "stay", issue: action.issue };
  return { kind: "release", reason: action.reason, cleanup: action.cleanup };
}

function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

/**
 * Folds one agent event into the attempt's live session (SPEC 4.1.6), in place: `session` is the
 * current step's own copy (see `Transition` in core.ts), so a burst of events allocates nothing
 * per event. The client already turned absolute thread totals into non-negative deltas, so deltas
 * are summed. Returns true when the event started a new turn (a session id not seen before).
 */
export function foldAgentEvent(session: SessionSummary, event: AgentEvent, receivedAtMs: number): boolean {
  const newTurn = event.session_id !== undefined && event.session_id !== session.session_id;
  if (event.session_id !== undefined) session.session_id = event.session_id;
  if (event.thread_id !== undefined) session.thread_id = event.thread_id;
  if (event.codex_app_server_pid !== null) session.codex_app_server_pid = event.codex_app_server_pid;
  session.last_event = event.event;
  session.last_message = event.summary;
  session.last_event_at_ms = receivedAtMs;
  if (newTurn) session.turn_count += 1;
  if (event.usage_delta) session.tokens = addTokens(session.tokens, event.usage_delta);
  return newTurn;
}

/** Adds an event's usage delta to the service totals (SPEC 13.5), in place (the step's own copy). */
export function addUsage(totals: CodexTotals, delta: TokenCounts): void {
  totals.input_tokens += delta.input_tokens;
  totals.output_tokens += delta.output_tokens;
  totals.total_tokens += delta.total_tokens;
}

// ---- operator actions (B.operator) --------------------------------------------------------------

export type OperatorStopAction =
  /** Cancel the running attempt; the issue is held as stopped once it exits. */
  | { kind: "cancel_run" }
  /** Drop the queued retry or the block and hold the issue as stopped. */
  | { kind: "hold"; from: "retrying" | "blocked" | "awaiting_approval" }
  | { kind: "refuse"; code: "not_claimed" | "already_stopped" };

/** What an operator's stop of issue `id` does in the current state. */
export function operatorStopAction(state: Pick<OrchestratorState, "claims">, id: string): OperatorStopAction {
  const claim = state.claims[id];
  switch (claim?.status) {
    case undefined:
      return { kind: "refuse", code: "not_claimed" };
    case "running":
      return claim.stop_request === null
        ? { kind: "cancel_run" }
        : { kind: "refuse", code: "already_stopped" };
    case "retry_queued":
      return { kind: "hold", from: "retrying" };
    case "blocked":
      return { kind: "hold", from: "blocked" };
    case "awaiting_approval":
      return { kind: "hold", from: "awaiting_approval" };
    case "stopped":
      return { kind: "refuse", code: "already_stopped" };
  }
}

export type OperatorRetryAction =
  /** Fire the queued retry (or re-check a held issue) now, with this attempt number. */
  | { kind: "retry_now"; attempt: number; from: "retrying" | "blocked" | "stopped" }
  | { kind: "refuse"; code: "not_claimed" | "running" | "awaiting_approval" };

/** What an operator's "retry now" of issue `id` does: the issue is re-read and dispatched if still eligible. */
export function operatorRetryAction(
  state: Pick<OrchestratorState, "claims">,
  id: string,
): OperatorRetryAction {
  const claim = state.claims[id];
  switch (claim?.status) {
    case undefined:
      return { kind: "refuse", code: "not_claimed" };
    case "running":
      return { kind: "refuse", code: "running" };
    case "awaiting_approval":
      return { kind: "refuse", code: "awaiting_approval" };
    case "retry_queued":
      return { kind: "retry_now", attempt: claim.attempt ?? 1, from: "retrying" };
    case "blocked":
      return { kind: "retry_now", attempt: 1, from: "blocked" };
    case "stopped":
      return { kind: "retry_now", attempt: nextFailureAttempt(claim.attempt), from: "stopped" };
  }
}

export function issueVersion(issue: Issue): IssueVersion {
  return { state: normalizeState(issue.state), updated_at: issue.updated_at };
}

export type StoppedAction =
  | { kind: "stay"; issue: Issue; baseline: IssueVersion }
  | { kind: "release"; reason: ReleaseReason | "ticket_changed"; cleanup: boolean };

/**
 * Each tick a stopped issue is read again: it is released when it left the active states (as a
 * blocked one would be) or when the ticket changed since the stop took effect, so the next
 * dispatch can pick it up. The first read after the stop only records the baseline.
 */
export function recheckStopped(
  entry: Pick<Claim, "baseline">,
  refreshed: Issue | undefined,
  config: OrchestratorConfig,
): StoppedAction {
  const action = recheckBlocked(refreshed, config);
  if (action.kind === "release") return action;
  const now = issueVersion(action.issue);
  const { baseline } = entry;
  if (baseline !== null && (baseline.state !== now.state || baseline.updated_at !== now.updated_at)) {
    return { kind: "release", reason: "ticket_changed", cleanup: false };
  }
  return { kind: "stay", issue: action.issue, baseline: baseline ?? now };
}
