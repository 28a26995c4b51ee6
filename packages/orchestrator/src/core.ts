import type { AgentEvent, AgentRequest, ApprovalAnswer, ErrorRecord, Issue } from "@baton/domain";
import { errorRecordText, normalizeState } from "@baton/domain";
import {
  agentAnswerDelivered,
  agentGateDecided,
  agentRequestReported,
  agentRunGone,
  approvalOf,
  commandDecision,
  commentsRead,
  takeAgentDecision,
} from "./agent-approvals.ts";
import type { CommentReading } from "./approval-comments.ts";
import type { BudgetBreach, SpendChange } from "./budget.ts";
import { budgetBreach, budgetExceededMessage, holdIssue, recordSpend } from "./budget.ts";
import {
  addUsage,
  dispatchIneligibility,
  foldAgentEvent,
  isActiveState,
  issueVersion,
  nextFailureAttempt,
  operatorRetryAction,
  operatorStopAction,
  recheckBlocked,
  recheckStopped,
  reconcileRunningAttempt,
  retryDelayMs,
  retryTimerAction,
  schedulingView,
  stalledForMs,
} from "./decisions.ts";
import type { ExitKind, IssueRef, OrchestratorEvent } from "./events.ts";
import { recentEntryOf } from "./events.ts";
import type { GateDecision, PipelineProgress } from "./pipeline.ts";
import type { OrchestratorConfig, PipelineEnd, WorkflowPhaseChange } from "./ports.ts";
import { isoAt } from "./snapshot.ts";
import type {
  AgentDecision,
  Claim,
  CodexTotals,
  OrchestratorState,
  RetryCause,
  RetryKind,
  RunProcess,
  RunWorker,
  SessionSummary,
  StopRequest,
} from "./state.ts";
import { CLAIM_DEFAULTS, newSession, RECENT_EVENTS_LIMIT } from "./state.ts";
import {
  awaitingRefreshed,
  gateDecided,
  inRunPhase,
  pausedAtGate,
  pipelineEnded,
  pipelineOfExit,
  workflowPhaseReported,
} from "./workflow-phases.ts";

/**
 * The pure core: `step(state, input, now, config) → { state, effects, events }`. Every decision
 * about claims lives here; the Orchestrator shell feeds it what happened (tracker answers, run
 * exits, timers), persists the new state, publishes the events and only then carries out the
 * effects. `now` is wall-clock milliseconds.
 */

/** How a run ended, with its error as data (what the executor's `RunOutcome` becomes). */
export type RunExit =
  | { kind: "normal"; turns: number; reason: string }
  | { kind: "failed"; error: ErrorRecord }
  | { kind: "blocked"; error: ErrorRecord }
  | { kind: "cancelled"; reason: string }
  | { kind: "awaiting_approval"; progress: PipelineProgress }
  | { kind: "pipeline_ended"; progress: PipelineProgress; outcome: PipelineEnd };

export type OrchestratorInput =
  /** A candidate, freshly re-read from the tracker, to dispatch as a first run if still eligible. */
  | { type: "dispatch"; issue: Issue; run_id: string }
  /** The executor refused to start the run `start_run` asked for. */
  | { type: "run_start_failed"; issue_id: string; run_id: string; error: ErrorRecord }
  | { type: "workspace_ready"; issue_id: string; run_id: string; path: string }
  | { type: "process_started"; issue_id: string; run_id: string; process: RunProcess }
  | { type: "worker_assigned"; issue_id: string; run_id: string; worker: RunWorker }
  | { type: "agent_event"; issue_id: string; run_id: string; event: AgentEvent }
  /** Several agent events in arrival order (the shell batches what arrives in one turn of the event loop). */
  | { type: "agent_events"; items: { issue_id: string; run_id: string; event: AgentEvent }[] }
  | { type: "tool_call_started"; issue_id: string; run_id: string }
  /** `handoff_state`: the state the call moved the ticket to, out of the active states (the agent's own hand-off). */
  | { type: "tool_call_ended"; issue_id: string; run_id: string; handoff_state: string | null }
  /** Operator actions (B.operator); the step's `reply` answers them. */
  | { type: "operator_stop"; issue_id: string; reason: string }
  | { type: "operator_retry"; issue_id: string }
  /** A stopped issue re-read: on the tick (`baseline_only` false) or right after the stop took effect. */
  | { type: "stopped_refreshed"; issue_id: string; issue: Issue | undefined; baseline_only: boolean }
  | { type: "run_exited"; issue_id: string; run_id: string; exit: RunExit }
  /** Reconciliation: the tracker's current view of a running issue (undefined: not returned). */
  | { type: "running_refreshed"; issue_id: string; issue: Issue | undefined }
  | { type: "stall_check" }
  | { type: "blocked_refreshed"; issue_id: string; issue: Issue | undefined }
  /** A retry timer fired and the issue was re-read (or the read failed); `run_id` is for a dispatch. */
  | {
      type: "retry_due";
      issue_id: string;
      seq: number;
      refreshed: { issue: Issue | undefined } | { error: ErrorRecord };
      run_id: string;
    }
  | {
      type: "workspace_removed";
      issue_id: string;
      identifier: string;
      error: ErrorRecord | null;
      /** Handed to the hosts that hold the workspace (queue workers) rather than removed here. */
      requested?: boolean;
    }
  /** `phases:` workflows: the run reports a phase change with its whole progress. */
  | {
      type: "workflow_phase";
      issue_id: string;
      run_id: string;
      progress: PipelineProgress;
      change: WorkflowPhaseChange;
    }
  /** An approval or rejection of the gate the issue waits at (API, CLI, dashboard, ticket comment). */
  | { type: "gate_decision"; issue_id: string; decision: GateDecision; by: string | null }
  /** The tracker's current view of an issue waiting at a gate (released when it leaves the active states). */
  | { type: "awaiting_refreshed"; issue_id: string; issue: Issue | undefined }
  /** B.phases approvals: the run's agent started (`waiting`) or stopped waiting for a person's answer. */
  | { type: "agent_request"; issue_id: string; run_id: string; request: AgentRequest; waiting: boolean }
  /** The live agent received the answer to its request (`answer_agent` was carried out). */
  | { type: "agent_answer_delivered"; issue_id: string; run_id: string; request_id: string }
  /** The ticket comments read for an issue with a waiting gate: processed ids, ignored and applied commands. */
  | { type: "approval_comments"; issue_id: string; reading: CommentReading }
  /** Graceful stop: running attempts are cancelled and will be retried by the next Baton. */
  | { type: "shutdown" }
  /** The state was just reloaded from the store by a new Baton: settle what the dead one left. */
  /** `reattached`: run ids of saved running claims the executor still runs (re-attached, not lost). */
  | { type: "restarted"; warnings: string[]; reattached?: readonly string[] };

export type Effect =
  | {
      kind: "start_run";
      issue_id: string;
      run_id: string;
      issue: Issue;
      attempt: number | null;
      /** `phases:` workflows: where the run resumes (absent: a first run, or no phases). */
      pipeline?: PipelineProgress;
      /** B.phases approvals: a decision on an earlier agent request that its prompt must tell the agent. */
      agent_decision?: AgentDecision;
    }
  /** Give the live agent of `run_id` the answer to its waiting request. */
  | { kind: "answer_agent"; issue_id: string; run_id: string; request_id: string; answer: ApprovalAnswer }
  | { kind: "cancel_run"; issue_id: string; run_id: string; reason: string }
  | { kind: "arm_retry"; issue_id: string; seq: number; due_at_ms: number }
  | { kind: "clear_retry"; issue_id: string }
  | { kind: "remove_workspace"; issue_id: string; identifier: string }
  /** Make sure no process of a run the dead Baton left behind is still alive (checked before killing). */
  | { kind: "kill_leftovers"; issue_id: string; identifier: string; run_id: string; processes: RunProcess[] }
  /** Read the stopped issue now, so an edit made after the stop releases it. */
  | { kind: "read_stop_baseline"; issue_id: string }
  /** Poll and reconcile at once (a deferred reconciliation is due). */
  | { kind: "request_refresh" }
  /** `phases:` workflows: comment on the ticket and/or move it (a gate waiting, the pipeline's end). */
  | {
      kind: "update_ticket";
      issue_id: string;
      identifier: string;
      /** What the update is for, in log lines (`gate_waiting`, `pipeline_succeeded`, ...). */
      purpose: string;
      comment: string | null;
      move_to_state: string | null;
    }
  /** Tell the ticket its run hit a token ceiling (a comment where supported) and move it to `move_to_state` if set. */
  | {
      kind: "report_budget_exceeded";
      issue_id: string;
      identifier: string;
      message: string;
      move_to_state: string | null;
    };

/** The answer to an operator action (a gate decision answers `resumed` or `rejected`). */
export type OperatorReply =
  | { ok: true; status: "stopping" | "stopped" | "retry_queued" | "resumed" | "rejected" }
  | { ok: false; code: "conflict"; message: string };

export interface StepResult {
  state: OrchestratorState;
  effects: Effect[];
  /** One per transition, in order. */
  events: OrchestratorEvent[];
  /** Claims written (or removed) by this step, for the store. */
  changed: string[];
  /** Issue ids that became `completed`. */
  completed: string[];
  /** Set for operator inputs. */
  reply?: OperatorReply;
}

/**
 * A copy of a record keyed by issue id (the claims, the budget's issue table), made by a loop over its
 * keys rather than `{ ...record }`: with ~200 keys V8 keeps such an object in dictionary mode and
 * spreads it through a slow path. Each paced agent-event step copies both, and with 200 streaming
 * sessions the loop took their share of Baton's CPU from ~12% to ~3.5% (docs/benchmarks.md).
 */
function copyRecord<T>(record: Record<string, T>): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const key of Object.keys(record)) copy[key] = record[key]!;
  return copy;
}

/**
 * Builds one step's result: claim updates, events (with their recent-events entry) and effects.
 * The input state is never written: the first write copies what it touches (the state, the
 * claims record, a claim, its history), and later writes in the same step reuse those copies, so
 * a batch of agent events costs one copy of the claims record, not one per event.
 */
export class Transition {
  readonly effects: Effect[] = [];
  readonly events: OrchestratorEvent[] = [];
  readonly changed = new Set<string>();
  readonly completed: string[] = [];
  reply: OperatorReply | undefined = undefined;
  private claims: Record<string, Claim> | null = null;
  // What this step created, and may therefore change in place: nobody else holds these objects yet.
  // Identity checks against plain fields and a map by issue id (this runs for every agent event).
  private ownedState: OrchestratorState | null = null;
  private ownedTotals: CodexTotals | null = null;
  private ownedBudget: OrchestratorState["budget"] | null = null;
  private readonly owned = new Map<string, OwnedParts>();
  /** The claim this step wrote last: a burst of agent events mostly concerns one issue after another. */
  private hotId: string | null = null;
  private hotParts: OwnedParts | null = null;
  state: OrchestratorState;

  constructor(
    base: OrchestratorState,
    readonly now: number,
    readonly config: OrchestratorConfig,
  ) {
    this.state = base;
  }

  get at(): string {
    return isoAt(this.now);
  }

  claim(id: string): Claim | undefined {
    if (id === this.hotId) return this.hotParts!.claim;
    return this.state.claims[id];
  }

  private writableState(): OrchestratorState {
    if (this.ownedState !== this.state) {
      this.state = { ...this.state };
      this.ownedState = this.state;
    }
    return this.state;
  }

  /** Copy-on-first-write of the claims record, so an untouched state is returned as is. */
  private writableClaims(): Record<string, Claim> {
    if (this.claims === null) {
      this.claims = copyRecord(this.state.claims);
      this.writableState().claims = this.claims;
    }
    return this.claims;
  }

  put(id: string, claim: Claim): void {
    this.writableClaims()[id] = claim;
    // A claim rebuilt from one this step owned (`{ ...claim, field }`) keeps the parts it copied.
    const before = this.owned.get(id);
    if (before !== undefined && before.recentEvents !== claim.recent_events) trimRecentEvents(before);
    const parts: OwnedParts = {
      claim,
      session: before?.session === claim.session ? before.session : null,
      recentEvents: before?.recentEvents === claim.recent_events ? before.recentEvents : null,
    };
    this.owned.set(id, parts);
    this.hotId = id;
    this.hotParts = parts;
    this.changed.add(id);
  }

  /** The claim as a copy this step owns (made on first use), for changes in place. */
  edit(id: string, claim: Claim): Claim {
    if (id === this.hotId && this.hotParts!.claim === claim) return claim;
    const parts = this.owned.get(id);
    if (parts?.claim === claim && this.claims?.[id] === claim) {
      this.hotId = id;
      this.hotParts = parts;
      return claim;
    }
    const copy = { ...claim };
    this.put(id, copy);
    return copy;
  }

  drop(id: string): void {
    delete this.writableClaims()[id];
    const parts = this.owned.get(id);
    if (parts !== undefined) trimRecentEvents(parts);
    this.owned.delete(id);
    if (id === this.hotId) {
      this.hotId = null;
      this.hotParts = null;
    }
    this.changed.add(id);
  }

  /** The running claim's session as a copy this step owns, for changes in place (the agent-event hot path). */
  session(id: string, claim: Claim): SessionSummary {
    const target = this.edit(id, claim);
    const parts = this.hotParts!;
    if (parts.session !== target.session) {
      target.session = { ...target.session };
      parts.session = target.session;
    }
    return target.session;
  }

  /** The service totals as a copy this step owns, for changes in place. */
  totals(): CodexTotals {
    const state = this.writableState();
    if (this.ownedTotals !== state.totals) {
      state.totals = { ...state.totals };
      this.ownedTotals = state.totals;
    }
    return state.totals;
  }

  /** Writes one event's spend into this step's copy of the ledger (its issue table is copied once per step). */
  spend(id: string, change: SpendChange): void {
    const state = this.writableState();
    if (this.ownedBudget !== state.budget) {
      state.budget = { issues: copyRecord(state.budget.issues), period: state.budget.period };
      this.ownedBudget = state.budget;
    }
    state.budget.issues[id] = change.issue;
    state.budget.period = change.period;
  }

  update(patch: Partial<OrchestratorState>): void {
    Object.assign(this.writableState(), patch);
  }

  effect(effect: Effect): void {
    this.effects.push(effect);
  }

  /** Publishes the transition's event and appends its recent-events entry to the claim, if any. */
  emit(event: OrchestratorEvent): void {
    this.events.push(event);
    if (!("issue_id" in event)) return;
    const claim = this.claim(event.issue_id);
    const phase = claim?.pipeline?.current;
    if (phase && event.workflow_phase === undefined) event.workflow_phase = phase;
    const entry = recentEntryOf(event, this.now);
    if (!entry || !claim) return;
    const target = this.edit(event.issue_id, claim);
    const parts = this.hotParts!;
    if (parts.recentEvents !== target.recent_events) {
      target.recent_events = target.recent_events.slice(-RECENT_EVENTS_LIMIT);
      parts.recentEvents = target.recent_events;
    }
    const history = target.recent_events;
    const last = history[history.length - 1];
    // A repeat replaces the entry it repeats (an earlier state's list may hold that object).
    if (last !== undefined && last.event === entry.event && last.message === entry.message) {
      entry.count = (last.count ?? 1) + 1;
      history[history.length - 1] = entry;
      return;
    }
    // Trimmed to the limit once, when the step ends (`result`), not by a shift per event.
    history.push(entry);
  }

  result(): StepResult {
    for (const parts of this.owned.values()) trimRecentEvents(parts);
    const result: StepResult = {
      state: this.state,
      effects: this.effects,
      events: this.events,
      changed: [...this.changed],
      completed: this.completed,
    };
    if (this.reply !== undefined) result.reply = this.reply;
    return result;
  }
}

/** A claim this step created, and the parts of it that it copied too (null: still shared with the input). */
interface OwnedParts {
  claim: Claim;
  session: SessionSummary | null;
  recentEvents: Claim["recent_events"] | null;
}

/** Keeps the newest RECENT_EVENTS_LIMIT entries of a recent-events list this step appended to. */
function trimRecentEvents(parts: OwnedParts): void {
  const recent = parts.recentEvents;
  if (recent !== null && recent.length > RECENT_EVENTS_LIMIT)
    recent.splice(0, recent.length - RECENT_EVENTS_LIMIT);
}

/** Whether a fresh tracker read says anything new (a re-read usually returns an equal copy). */
function sameIssue(fresh: Issue | undefined, known: Issue): boolean {
  if (fresh === known) return true;
  if (fresh === undefined) return false;
  for (const key of Object.keys(fresh) as (keyof Issue)[]) {
    const a = fresh[key];
    const b = known[key];
    if (a === b) continue;
    if (typeof a !== "object" || typeof b !== "object" || JSON.stringify(a) !== JSON.stringify(b))
      return false;
  }
  return Object.keys(known).length === Object.keys(fresh).length;
}

export function refOf(id: string, claim: Claim): IssueRef {
  return { issue_id: id, issue_identifier: claim.issue.identifier };
}

function stopReasonText(request: StopRequest): string {
  if (request.kind === "reconcile") return request.reason;
  if (request.kind === "stall") return "stalled";
  if (request.kind === "operator") return `stopped by operator: ${request.reason}`;
  if (request.kind === "budget") return "budget_exceeded";
  return "shutdown";
}

function stallError(elapsedMs: number): ErrorRecord {
  return {
    category: "stalled",
    message: `stalled for ${elapsedMs}ms without agent activity`,
    details: { elapsed_ms: elapsedMs },
  };
}

function textOf(error: ErrorRecord | null): string | null {
  return error === null ? null : errorRecordText(error);
}

export function step(
  state: OrchestratorState,
  input: OrchestratorInput,
  now: number,
  config: OrchestratorConfig,
): StepResult {
  const t = new Transition(state, now, config);
  switch (input.type) {
    case "dispatch":
      dispatchCandidate(t, input.issue, input.run_id);
      break;
    case "run_start_failed":
      runStartFailed(t, input.issue_id, input.run_id, input.error);
      break;
    case "workspace_ready": {
      const claim = runningClaim(t, input.issue_id, input.run_id);
      if (!claim) break;
      t.put(input.issue_id, { ...claim, workspace_path: input.path });
      t.emit({ type: "workspace_ready", at: t.at, ...refOf(input.issue_id, claim), path: input.path });
      break;
    }
    case "process_started": {
      const claim = runningClaim(t, input.issue_id, input.run_id);
      if (!claim) break;
      t.put(input.issue_id, { ...claim, processes: [...claim.processes, input.process] });
      t.emit({ type: "process_started", at: t.at, ...refOf(input.issue_id, claim), ...input.process });
      break;
    }
    case "worker_assigned": {
      const claim = runningClaim(t, input.issue_id, input.run_id);
      if (!claim) break;
      t.put(input.issue_id, { ...claim, worker: input.worker });
      t.emit({
        type: "worker_assigned",
        at: t.at,
        ...refOf(input.issue_id, claim),
        worker_host: input.worker.host,
        worker_pid: input.worker.pid,
        worker_id: input.worker.id,
      });
      break;
    }
    case "agent_event":
      agentEvent(t, input.issue_id, input.run_id, input.event);
      break;
    case "agent_events":
      for (const item of input.items) agentEvent(t, item.issue_id, item.run_id, item.event);
      break;
    case "run_exited":
      runExited(t, input.issue_id, input.run_id, input.exit);
      break;
    case "tool_call_started":
    case "tool_call_ended":
      toolCall(t, input);
      break;
    case "operator_stop":
      operatorStop(t, input.issue_id, input.reason);
      break;
    case "operator_retry":
      operatorRetry(t, input.issue_id);
      break;
    case "stopped_refreshed":
      stoppedRefreshed(t, input.issue_id, input.issue, input.baseline_only);
      break;
    case "running_refreshed":
      runningRefreshed(t, input.issue_id, input.issue);
      break;
    case "stall_check":
      stallCheck(t);
      break;
    case "blocked_refreshed":
      blockedRefreshed(t, input.issue_id, input.issue);
      break;
    case "retry_due":
      retryDue(t, input);
      break;
    case "workspace_removed":
      t.emit({
        type: "workspace_cleanup",
        at: t.at,
        issue_id: input.issue_id,
        issue_identifier: input.identifier,
        ok: input.error === null,
        error: textOf(input.error),
        requested: input.requested === true,
      });
      break;
    case "shutdown":
      for (const [id, claim] of Object.entries(t.state.claims)) {
        if (claim.status === "running" && claim.stop_request === null)
          requestStop(t, id, claim, { kind: "shutdown" });
        if (claim.status === "retry_queued") t.effect({ kind: "clear_retry", issue_id: id });
      }
      break;
    case "restarted":
      restarted(t, input.warnings, new Set(input.reattached ?? []));
      break;
    case "workflow_phase":
      workflowPhaseReported(t, input.issue_id, input.run_id, input.progress, input.change);
      break;
    case "gate_decision":
      decideGate(t, input.issue_id, input.decision, input.by);
      break;
    case "agent_request":
      agentRequestReported(t, input.issue_id, input.run_id, input.request, input.waiting);
      break;
    case "agent_answer_delivered":
      agentAnswerDelivered(t, input.issue_id, input.run_id, input.request_id);
      break;
    case "approval_comments": {
      const claim = commentsRead(t, input.issue_id, input.reading);
      const command = input.reading.command;
      if (claim && command) decideGate(t, input.issue_id, commandDecision(command), command.by);
      break;
    }
    case "awaiting_refreshed":
      awaitingRefreshed(t, input.issue_id, input.issue);
      break;
  }
  return t.result();
}

/** A decision goes to the agent's waiting request when there is one, else to the pipeline's gate. */
function decideGate(t: Transition, id: string, decision: GateDecision, by: string | null): void {
  const claim = t.claim(id);
  const request = claim ? approvalOf(claim).agent_request : null;
  if (claim && request && (claim.status === "running" || claim.status === "awaiting_approval")) {
    agentGateDecided(t, id, claim, request, decision, by);
    return;
  }
  gateDecided(t, id, decision, by);
}

/** The running claim of this run, or undefined when the report is late (another run or none). */
export function runningClaim(t: Transition, id: string, runId: string): Claim | undefined {
  const claim = t.claim(id);
  return claim?.status === "running" && claim.run_id === runId ? claim : undefined;
}

/** SPEC 16.4: claims the issue as running and starts its run. */
function startRun(
  t: Transition,
  issue: Issue,
  attempt: number | null,
  runId: string,
  previous?: Claim,
): void {
  if (previous?.status === "retry_queued") t.effect({ kind: "clear_retry", issue_id: issue.id });
  const claim: Claim = {
    status: "running",
    issue,
    run_id: runId,
    attempt,
    started_at_ms: t.now,
    stop_request: null,
    processes: [],
    ...CLAIM_DEFAULTS,
    due_at_ms: null,
    retry: null,
    blocked_at_ms: null,
    last_error: previous?.last_error ?? null,
    workspace_path: previous?.workspace_path ?? null,
    session: newSession(),
    recent_events: previous?.recent_events ?? [],
    pipeline: previous?.pipeline ?? null,
  };
  // The comments read stay read; a decision for the agent goes into this run's prompt.
  const agentDecision = takeAgentDecision(previous);
  if (previous?.approval)
    claim.approval = {
      agent_request: null,
      agent_decision: null,
      comments_read: previous.approval.comments_read,
    };
  t.put(issue.id, claim);
  t.emit({
    type: "dispatched",
    at: t.at,
    issue_id: issue.id,
    issue_identifier: issue.identifier,
    attempt,
    run_id: runId,
    state: issue.state,
  });
  t.effect({
    kind: "start_run",
    issue_id: issue.id,
    run_id: runId,
    issue,
    attempt,
    ...(claim.pipeline ? { pipeline: claim.pipeline } : {}),
    ...(agentDecision ? { agent_decision: agentDecision } : {}),
  });
}

function dispatchCandidate(t: Transition, issue: Issue, runId: string): void {
  const problem = dispatchIneligibility(issue, t.config, schedulingView(t.state, t.now));
  if (problem !== null) {
    t.emit({
      type: "dispatch_skipped",
      at: t.at,
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      reason: `recheck: ${problem}`,
    });
    return;
  }
  startRun(t, issue, null, runId);
}

/** The spawn-failure path: the claim the dispatch made becomes a failure retry. */
function runStartFailed(t: Transition, id: string, runId: string, error: ErrorRecord): void {
  const claim = runningClaim(t, id, runId);
  if (!claim) return;
  const failure: ErrorRecord = { ...error, message: `failed to spawn agent: ${error.message}` };
  t.emit({ type: "dispatch_failed", at: t.at, ...refOf(id, claim), attempt: claim.attempt, error });
  scheduleRetry(t, id, claim, {
    attempt: nextFailureAttempt(claim.attempt),
    kind: "failure",
    cause: "failure",
    error: failure,
  });
}

function agentEvent(t: Transition, id: string, runId: string, event: AgentEvent): void {
  const claim = runningClaim(t, id, runId);
  if (!claim) return;
  const session = t.session(id, claim);
  const newTurn = foldAgentEvent(session, event, t.now);
  if (event.usage_delta) addUsage(t.totals(), event.usage_delta);
  const threadKey = session.thread_id ?? session.session_id;
  const spent = recordSpend(t.state.budget, t.config, claim.issue, threadKey, event, t.now);
  if (spent !== null) t.spend(id, spent);
  if (event.rate_limits !== undefined && event.rate_limits !== null)
    t.update({ rate_limits: event.rate_limits });
  // Built field by field: this runs for every protocol message of every session.
  const emitted: OrchestratorEvent = {
    type: "agent_event",
    at: t.at,
    issue_id: id,
    issue_identifier: claim.issue.identifier,
    event,
    session_id: session.session_id,
  };
  if (newTurn) emitted.turn_started = session.turn_count;
  t.emit(emitted);
  // Checked on every event that spent tokens, so a run is stopped within one event of its ceiling.
  if (spent !== null && claim.stop_request === null) {
    const breach = budgetBreach(t.state.budget, t.config, id, session.tokens.total_tokens);
    if (breach !== null) requestStop(t, id, t.claim(id)!, { kind: "budget", breach });
  }
}

function endRun(
  t: Transition,
  id: string,
  claim: Claim,
  outcome: ExitKind,
  fields: { error: ErrorRecord | null; reason: string | null; turns: number | null },
): number {
  const runtimeSeconds = Math.max(t.now - (claim.started_at_ms ?? t.now), 0) / 1000;
  t.update({ totals: { ...t.state.totals, ended_seconds: t.state.totals.ended_seconds + runtimeSeconds } });
  t.emit({
    type: "worker_exited",
    at: t.at,
    ...refOf(id, claim),
    outcome,
    error: textOf(fields.error),
    reason: fields.reason,
    turns: fields.turns,
    runtime_seconds: runtimeSeconds,
    session_id: claim.session.session_id,
  });
  return runtimeSeconds;
}

/** SPEC 16.6 worker exit, plus Baton's blocked outcome and the stops the orchestrator itself requested. */
function runExited(t: Transition, id: string, runId: string, exit: RunExit): void {
  const reported = runningClaim(t, id, runId);
  if (!reported) return;
  // The run's last progress is kept whatever happens next, so a retry resumes where it stopped.
  const progress = pipelineOfExit(exit);
  const claim = progress === null ? reported : { ...reported, pipeline: progress };
  if (claim !== reported) t.put(id, claim);
  const error = exit.kind === "failed" || exit.kind === "blocked" ? exit.error : null;
  const reason =
    exit.kind === "cancelled" || exit.kind === "normal"
      ? exit.reason
      : exit.kind === "awaiting_approval"
        ? `awaiting approval at ${exit.progress.waiting?.gate_id ?? "a gate"}`
        : exit.kind === "pipeline_ended"
          ? `pipeline ${exit.outcome.kind}`
          : textOf(error);
  const budgetStop = claim.stop_request?.kind === "budget" ? claim.stop_request : null;
  const outcome: ExitKind =
    budgetStop !== null
      ? "budget_exceeded"
      : exit.kind === "awaiting_approval" || exit.kind === "pipeline_ended"
        ? "normal"
        : exit.kind;
  endRun(t, id, claim, outcome, { error, reason, turns: exit.kind === "normal" ? exit.turns : null });
  const current = t.claim(id)!;
  const stop = current.stop_request;
  if (budgetStop !== null) {
    budgetExceeded(t, id, current, budgetStop.breach);
    return;
  }
  if (stop?.kind === "reconcile") {
    // The workspace is removed only now, after the agent and after_run have let go of it.
    if (stop.cleanup)
      t.effect({ kind: "remove_workspace", issue_id: id, identifier: current.issue.identifier });
    release(t, id, current, stop.reason);
    return;
  }
  if (stop?.kind === "operator") {
    holdStopped(t, id, current, stop.reason);
    return;
  }
  if (stop?.kind === "stall") {
    scheduleRetry(t, id, current, {
      attempt: nextFailureAttempt(current.attempt),
      kind: "failure",
      cause: "stall",
      error: stallError(stop.elapsedMs),
    });
    return;
  }
  if (stop?.kind === "shutdown") {
    // Not a failure: the next Baton picks the issue up again soon after it starts.
    scheduleRetry(t, id, current, {
      attempt: nextFailureAttempt(current.attempt),
      kind: "continuation",
      cause: "shutdown",
      error: null,
    });
    return;
  }
  switch (exit.kind) {
    case "awaiting_approval":
      pausedAtGate(t, id, current);
      return;
    case "pipeline_ended":
      pipelineEnded(t, id, current, exit.outcome);
      return;
    case "normal":
      t.update({ completed: { ...t.state.completed, [id]: true } });
      t.completed.push(id);
      scheduleRetry(t, id, current, { attempt: 1, kind: "continuation", cause: "continuation", error: null });
      return;
    case "failed":
      scheduleRetry(t, id, current, {
        attempt: nextFailureAttempt(current.attempt),
        kind: "failure",
        cause: "failure",
        error: exit.error,
      });
      return;
    case "cancelled":
      // Nobody here asked for it, so it is treated like any other failure.
      scheduleRetry(t, id, current, {
        attempt: nextFailureAttempt(current.attempt),
        kind: "failure",
        cause: "failure",
        error: { category: "run_cancelled", message: `cancelled: ${exit.reason}`, details: {} },
      });
      return;
    case "blocked": {
      const request = unansweredRequest(exit.error);
      if (request !== null) {
        agentRunGone(t, id, current, request);
        return;
      }
      t.put(id, {
        ...current,
        status: "blocked",
        blocked_at_ms: t.now,
        started_at_ms: null,
        stop_request: null,
        processes: [],
        last_error: exit.error,
      });
      t.emit({ type: "blocked", at: t.at, ...refOf(id, current), error: errorRecordText(exit.error) });
      return;
    }
  }
}

/** The agent's request a run ended on unanswered (`approvals.agent_requests: gate`), or null. */
function unansweredRequest(error: ErrorRecord): AgentRequest | null {
  if (error.category !== "agent_request_unanswered") return null;
  const request = error.details.agent_request as AgentRequest | undefined;
  return request && typeof request === "object" && typeof request.id === "string" ? request : null;
}

/**
 * B.budget: a run stopped at a token ceiling is never retried. The ticket is told and moved to
 * `budget.on_exceeded_state` when set; otherwise the claim is released and the issue held back
 * from dispatch until the ceiling it hit is raised.
 */
function budgetExceeded(t: Transition, id: string, claim: Claim, breach: BudgetBreach): void {
  const moveTo = t.config.budget?.on_exceeded_state ?? null;
  t.emit({ type: "budget_exceeded", at: t.at, ...refOf(id, claim), ...breach, move_to_state: moveTo });
  t.effect({
    kind: "report_budget_exceeded",
    issue_id: id,
    identifier: claim.issue.identifier,
    message: budgetExceededMessage(breach),
    move_to_state: moveTo,
  });
  if (moveTo === null) t.update({ budget: holdIssue(t.state.budget, id, breach) });
  release(t, id, claim, "budget_exceeded");
}

function requestStop(t: Transition, id: string, claim: Claim, request: StopRequest): void {
  t.put(id, { ...claim, stop_request: request });
  const reason = stopReasonText(request);
  t.emit({
    type: "stopped",
    at: t.at,
    ...refOf(id, claim),
    reason,
    cleanup: request.kind === "reconcile" && request.cleanup,
    ...(request.kind === "stall" ? { elapsed_ms: request.elapsedMs } : {}),
    state: claim.issue.state,
  });
  const cancelReason = request.kind === "stall" ? errorRecordText(stallError(request.elapsedMs)) : reason;
  t.effect({ kind: "cancel_run", issue_id: id, run_id: claim.run_id, reason: cancelReason });
}

/** SPEC 8.5 / 16.3 for one running issue. */
function runningRefreshed(t: Transition, id: string, fresh: Issue | undefined): void {
  const claim = t.claim(id);
  if (claim?.status !== "running" || claim.stop_request !== null) return;
  const action = reconcileRunningAttempt(fresh, t.config, claim, t.now);
  // Keep the tracker's latest view even when stopping: logs and the API then say which state it left for.
  const current = fresh ? { ...claim, issue: fresh } : claim;
  if (action.kind === "stop") {
    requestStop(t, id, current, { kind: "reconcile", reason: action.reason, cleanup: action.cleanup });
    return;
  }
  if (!sameIssue(fresh, claim.issue)) t.put(id, current);
  if (action.kind !== "update") {
    t.emit({
      type: "reconcile_deferred",
      at: t.at,
      ...refOf(id, claim),
      outcome: action.kind,
      state: action.issue.state,
    });
  }
}

function stallCheck(t: Transition): void {
  const timeout = t.config.codex.stall_timeout_ms;
  for (const [id, claim] of Object.entries(t.state.claims)) {
    if (claim.status !== "running" || claim.stop_request !== null || claim.started_at_ms === null) continue;
    if (inRunPhase(claim)) continue;
    const stalledMs = stalledForMs(
      { started_at_ms: claim.started_at_ms, session: claim.session },
      t.now,
      timeout,
    );
    if (stalledMs !== null) requestStop(t, id, claim, { kind: "stall", elapsedMs: stalledMs });
  }
}

function blockedRefreshed(t: Transition, id: string, fresh: Issue | undefined): void {
  const claim = t.claim(id);
  if (claim?.status !== "blocked") return;
  const action = recheckBlocked(fresh, t.config);
  if (action.kind === "stay") {
    if (!sameIssue(action.issue, claim.issue)) t.put(id, { ...claim, issue: action.issue });
    return;
  }
  if (action.cleanup)
    t.effect({ kind: "remove_workspace", issue_id: id, identifier: claim.issue.identifier });
  release(t, id, claim, action.reason);
}

/** SPEC 8.4 / 16.6 `on_retry_timer`; a timer whose sequence number no longer matches is ignored. */
function retryDue(t: Transition, input: Extract<OrchestratorInput, { type: "retry_due" }>): void {
  const id = input.issue_id;
  const claim = t.claim(id);
  if (claim?.status !== "retry_queued" || claim.retry?.seq !== input.seq) return;
  const attempt = claim.attempt ?? 1;
  if ("error" in input.refreshed) {
    const error = input.refreshed.error;
    scheduleRetry(t, id, claim, {
      attempt: nextFailureAttempt(attempt),
      kind: "failure",
      cause: "failure",
      error: { ...error, message: `retry refresh failed: ${error.message}` },
    });
    return;
  }
  const action = retryTimerAction(id, input.refreshed.issue, t.config, schedulingView(t.state, t.now));
  switch (action.kind) {
    case "dispatch":
      startRun(t, action.issue, attempt, input.run_id, claim);
      return;
    case "requeue":
      scheduleRetry(t, id, claim, {
        attempt: nextFailureAttempt(attempt),
        kind: "failure",
        cause: "no_slots",
        error: { category: "no_slots", message: "no available orchestrator slots", details: {} },
      });
      return;
    case "release":
      if (action.cleanup)
        t.effect({ kind: "remove_workspace", issue_id: id, identifier: claim.issue.identifier });
      release(t, id, claim, action.reason);
      return;
  }
}

/** SPEC 8.4: the claim becomes (or stays) retry_queued with a fresh due time and timer. */
export function scheduleRetry(
  t: Transition,
  id: string,
  claim: Claim,
  retry: { attempt: number; kind: RetryKind; cause: RetryCause; error: ErrorRecord | null; delayMs?: number },
): void {
  const delayMs =
    retry.delayMs ?? retryDelayMs(retry.kind, retry.attempt, t.config.agent.max_retry_backoff_ms);
  const seq = t.state.retry_seq + 1;
  const dueAtMs = t.now + delayMs;
  t.update({ retry_seq: seq });
  t.put(id, {
    ...claim,
    status: "retry_queued",
    attempt: retry.attempt,
    started_at_ms: null,
    stop_request: null,
    processes: [],
    due_at_ms: dueAtMs,
    retry: { kind: retry.kind, cause: retry.cause, seq },
    blocked_at_ms: null,
    ...CLAIM_DEFAULTS,
    last_error: retry.error,
  });
  t.emit({
    type: "retry_scheduled",
    at: t.at,
    ...refOf(id, claim),
    attempt: retry.attempt,
    kind: retry.kind,
    cause: retry.cause,
    delay_ms: delayMs,
    due_at: isoAt(dueAtMs),
    error: textOf(retry.error),
  });
  t.effect({ kind: "arm_retry", issue_id: id, seq, due_at_ms: dueAtMs });
}

/** Drops every claim on the issue (SPEC 7.1 `Released`), its history with it. */
export function release(t: Transition, id: string, claim: Claim, reason: string): void {
  if (claim.status === "retry_queued") t.effect({ kind: "clear_retry", issue_id: id });
  t.drop(id);
  t.emit({ type: "released", at: t.at, ...refOf(id, claim), reason });
}

/**
 * A new Baton took over the state: runs the executor still runs (on queue workers) keep their
 * claims, with a fresh stall window; other runs the dead one left are counted as failed with
 * category `orchestrator_restarted` (after their leftovers are killed) and retried with backoff;
 * retries keep their original due time; blocked claims stay blocked.
 */
function restarted(t: Transition, warnings: string[], reattached: ReadonlySet<string>): void {
  let lost = 0;
  let kept = 0;
  let retrying = 0;
  let blocked = 0;
  let stopped = 0;
  let awaiting = 0;
  for (const [id, claim] of Object.entries(t.state.claims)) {
    // A paused gate stays paused: nothing runs, nothing to kill, it waits for its decision.
    if (claim.status === "awaiting_approval") {
      awaiting += 1;
      continue;
    }
    if (claim.status === "blocked") {
      blocked += 1;
      continue;
    }
    if (claim.status === "stopped") {
      stopped += 1;
      continue;
    }
    if (claim.status === "retry_queued") {
      retrying += 1;
      t.effect({
        kind: "arm_retry",
        issue_id: id,
        seq: claim.retry?.seq ?? 0,
        due_at_ms: claim.due_at_ms ?? t.now,
      });
      continue;
    }
    if (reattached.has(claim.run_id)) {
      kept += 1;
      t.put(id, { ...claim, session: { ...claim.session, last_event_at_ms: t.now } });
      continue;
    }
    lost += 1;
    t.effect({
      kind: "kill_leftovers",
      issue_id: id,
      identifier: claim.issue.identifier,
      run_id: claim.run_id,
      processes: claim.processes,
    });
    const error: ErrorRecord = {
      category: "orchestrator_restarted",
      message: `Baton stopped while attempt ${claim.attempt ?? "(first)"} of ${claim.issue.identifier} was running`,
      details: { run_id: claim.run_id },
    };
    endRun(t, id, claim, "lost", { error, reason: errorRecordText(error), turns: null });
    // An agent that waited for a person is gone: the issue keeps waiting for the answer, without a run.
    const waitingRequest = approvalOf(claim).agent_request;
    if (waitingRequest !== null) {
      agentRunGone(t, id, t.claim(id)!, waitingRequest);
      awaiting += 1;
      continue;
    }
    scheduleRetry(t, id, t.claim(id)!, {
      attempt: nextFailureAttempt(claim.attempt),
      kind: "failure",
      cause: "restart",
      error,
    });
  }
  t.events.unshift({
    type: "state_restored",
    at: t.at,
    running_lost: lost,
    running_reattached: kept,
    retrying,
    blocked,
    stopped,
    awaiting_approval: awaiting,
    warnings,
  });
}

// ---- the agent's own hand-off and operator actions (B.operator) ----------------------------------

/**
 * Counts the run's tracker tool calls and records its own hand-off, so reconciliation lets that
 * turn finish. A reconciliation that waited on this call and saw a state change that was not the
 * run's own looks again at once.
 */
function toolCall(
  t: Transition,
  input: Extract<OrchestratorInput, { type: "tool_call_started" | "tool_call_ended" }>,
): void {
  const claim = runningClaim(t, input.issue_id, input.run_id);
  if (!claim) return;
  const ref = refOf(input.issue_id, claim);
  if (input.type === "tool_call_started") {
    const in_flight = claim.tool_calls_in_flight + 1;
    t.put(input.issue_id, { ...claim, tool_calls_in_flight: in_flight });
    t.emit({ type: "tool_call", at: t.at, ...ref, phase: "started", in_flight });
    return;
  }
  const in_flight = Math.max(claim.tool_calls_in_flight - 1, 0);
  if (input.handoff_state !== null && claim.handoff === null) {
    const handoff = { state: normalizeState(input.handoff_state), at_ms: t.now };
    t.put(input.issue_id, { ...claim, tool_calls_in_flight: in_flight, handoff });
    t.emit({
      type: "handoff_recorded",
      at: t.at,
      ...ref,
      state: input.handoff_state,
      session_id: claim.session.session_id,
    });
    return;
  }
  t.put(input.issue_id, { ...claim, tool_calls_in_flight: in_flight });
  t.emit({ type: "tool_call", at: t.at, ...ref, phase: "ended", in_flight });
  if (claim.handoff === null && !isActiveState(claim.issue.state, t.config))
    t.effect({ kind: "request_refresh" });
}

/** B.operator-stop: a running attempt is cancelled (held once it exits); a retry or block is held at once. */
function operatorStop(t: Transition, id: string, reason: string): void {
  const action = operatorStopAction(t.state, id);
  const claim = t.claim(id);
  if (action.kind === "refuse" || !claim) {
    t.reply = { ok: false, code: "conflict", message: "issue is already stopped or being stopped" };
    return;
  }
  if (action.kind === "cancel_run") {
    requestStop(t, id, claim, { kind: "operator", reason });
    t.reply = { ok: true, status: "stopping" };
    return;
  }
  if (claim.status === "retry_queued") t.effect({ kind: "clear_retry", issue_id: id });
  t.emit({
    type: "stopped",
    at: t.at,
    ...refOf(id, claim),
    reason,
    cleanup: false,
    state: claim.issue.state,
  });
  holdStopped(t, id, { ...claim, attempt: claim.status === "blocked" ? null : claim.attempt }, reason);
  t.reply = { ok: true, status: "stopped" };
}

/** Holds the issue as stopped; its current version is read at once so a later edit releases it. */
function holdStopped(t: Transition, id: string, claim: Claim, reason: string): void {
  t.put(id, {
    ...claim,
    ...CLAIM_DEFAULTS,
    status: "stopped",
    started_at_ms: null,
    stop_request: null,
    processes: [],
    due_at_ms: null,
    retry: null,
    blocked_at_ms: null,
    stop_reason: reason,
    stopped_at_ms: t.now,
  });
  t.emit({ type: "operator_stopped", at: t.at, ...refOf(id, claim), reason });
  t.effect({ kind: "read_stop_baseline", issue_id: id });
}

/** Every tick (and right after the stop) a stopped issue is re-read: kept while unchanged, else released. */
function stoppedRefreshed(t: Transition, id: string, fresh: Issue | undefined, baselineOnly: boolean): void {
  const claim = t.claim(id);
  if (claim?.status !== "stopped") return;
  if (baselineOnly) {
    if (fresh !== undefined && claim.baseline === null) {
      t.put(id, { ...claim, issue: fresh, baseline: issueVersion(fresh) });
    }
    return;
  }
  const action = recheckStopped(claim, fresh, t.config);
  if (action.kind === "stay") {
    const baselineChanged = claim.baseline === null;
    if (baselineChanged || !sameIssue(action.issue, claim.issue)) {
      t.put(id, { ...claim, issue: action.issue, baseline: action.baseline });
    }
    return;
  }
  if (action.cleanup)
    t.effect({ kind: "remove_workspace", issue_id: id, identifier: claim.issue.identifier });
  release(t, id, claim, action.reason);
}

/** B.operator-retry: a queued, blocked or stopped issue becomes a retry due now (cause `operator`). */
function operatorRetry(t: Transition, id: string): void {
  const action = operatorRetryAction(t.state, id);
  const claim = t.claim(id);
  if (action.kind === "refuse" || !claim) {
    t.reply = {
      ok: false,
      code: "conflict",
      message: "issue is running; stop it first or wait for it to end",
    };
    return;
  }
  t.emit({
    type: "operator_retry",
    at: t.at,
    ...refOf(id, claim),
    from: action.from,
    attempt: action.attempt,
  });
  scheduleRetry(t, id, t.claim(id)!, {
    attempt: action.attempt,
    kind: "failure",
    cause: "operator",
    error: null,
    delayMs: 0,
  });
  t.reply = { ok: true, status: "retry_queued" };
}
