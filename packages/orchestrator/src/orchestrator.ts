import { randomUUID } from "node:crypto";
import type { BatonError, ErrorRecord, Issue, Logger, TrackerAdapter, TrackerComment } from "@baton/domain";
import { silentLogger, toBatonError } from "@baton/domain";
import { approvalOf } from "./agent-approvals.ts";
import { COMMENT_CLOCK_MARGIN_MS, readApprovalComments } from "./approval-comments.ts";
import type { Effect, OperatorReply, OrchestratorInput, RunExit, StepResult } from "./core.ts";
import { step } from "./core.ts";
import { dispatchIneligibility, globalSlots, schedulingView, sortForDispatch } from "./decisions.ts";
import type { OrchestratorEvent, OrchestratorListener } from "./events.ts";
import { eventLogger } from "./log-events.ts";
import { writeLog } from "./log-line.ts";
import type {
  Clock,
  ConfigSource,
  LeftoverReaper,
  OrchestratorConfig,
  RunExecutor,
  RunHandle,
  RunOutcome,
  RunReporter,
  StateStore,
  WorkspaceCleaner,
} from "./ports.ts";
import { systemClock } from "./ports.ts";
import type { IssueDetail, LoopError, OrchestratorSnapshot, StateStoreStatus } from "./snapshot.ts";
import { buildIssueDetail, buildSnapshot, isoAt } from "./snapshot.ts";
import type { Claim, ClaimStatus, LiveRun, OrchestratorState } from "./state.ts";
import { emptyState } from "./state.ts";

export type { OrchestratorEvent, OrchestratorListener } from "./events.ts";

export interface OrchestratorDeps {
  config: ConfigSource;
  executor: RunExecutor;
  workspaces: WorkspaceCleaner;
  clock?: Clock;
  logger?: Logger;
  /** How long `stop()` waits for cancelled attempts (and their after_run hooks) to finish. */
  shutdownTimeoutMs?: number;
  /** Durable state; without one the state lives in memory only (tests, benchmarks). */
  store?: StateStore;
  /** Kills what a dead Baton's runs left behind (see `LeftoverReaper`). */
  reaper?: LeftoverReaper;
  /** Run ids; UUIDs unless a test wants predictable ones. */
  newRunId?: () => string;
  /** Agent-event steps come at most this often while events keep arriving (default 10 ms; 0: every turn). */
  agentEventStepIntervalMs?: number;
}

/** The answer to an operator's stop or retry (B.operator). */
export type OperatorActionResult =
  | ({
      ok: true;
      status: "stopping" | "stopped" | "retry_queued" | "resumed" | "rejected";
      requested_at: string;
    } & IssueRefView)
  | { ok: false; code: "issue_not_found" | "conflict" | "orchestrator_unavailable"; message: string };

interface IssueRefView {
  issue_id: string;
  issue_identifier: string;
}

export interface RefreshResult {
  queued: boolean;
  coalesced: boolean;
  requested_at: string;
}

type AgentEventItem = Extract<OrchestratorInput, { type: "agent_events" }>["items"][number];

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;
/** Agent events applied as one step at most (see `queueAgentEvent`): a paced step's worth at ~12,000 events/s. */
const AGENT_EVENT_BATCH = 128;
/**
 * Agent-event steps come at most this often while events keep arriving: each step copies the
 * claims record and the budget's issue table (with 200 claims ~50 us and ~45 KB each: both are
 * dictionaries), and with hundreds of streaming sessions a step per event-loop turn made those
 * copies a quarter of the process's CPU and a fifth of what it allocated. A reader never sees the
 * delay: snapshots and every other input apply the pending events first. Not longer: the state
 * answer applies them inside the request, so the interval also bounds the work a request may find
 * waiting (~40 events at 4,000 events/s).
 */
const DEFAULT_AGENT_EVENT_STEP_INTERVAL_MS = 10;
/** Transitions without effects are saved in batches: at most this long after they happened (and before any effect). */
const LAZY_SAVE_MS = 1000;
/**
 * Claims changed by agent events alone (session summary, recent events) are saved at most this
 * long after: with hundreds of streaming sessions, rewriting every claim each second was the
 * largest cost of the process. Token totals and spend (the meta row) keep the 1 s batch.
 */
const AGENT_EVENT_SAVE_MS = 5000;
/**
 * That batch is written this many claims per turn of the event loop: 200 streaming claims in one
 * transaction held the loop for 15-25 ms, which every status answer and agent pipe then waited for.
 */
const AGENT_EVENT_SAVE_SLICE = 20;

function replyFor(
  reply: OperatorReply | undefined,
  ref: IssueRefView,
  requestedAt: string,
): OperatorActionResult {
  if (reply === undefined) return { ok: false, code: "conflict", message: "nothing to do for this issue" };
  return reply.ok ? { ...reply, requested_at: requestedAt, ...ref } : reply;
}

function exitOf(outcome: RunOutcome): RunExit {
  if (outcome.kind === "failed" || outcome.kind === "blocked") {
    return { kind: outcome.kind, error: outcome.error.toRecord() };
  }
  return outcome;
}

function recordOf(error: unknown, fallbackCategory: string): ErrorRecord {
  return toBatonError(error, fallbackCategory).toRecord();
}

/**
 * The step a fresh snapshot of a claimed issue feeds the core, by the claim's status (a tick's
 * batched refresh and a webhook's targeted one alike); null for a queued retry, which re-reads its
 * issue when it is due.
 */
function refreshedInput(status: ClaimStatus, id: string, issue: Issue | undefined): OrchestratorInput | null {
  switch (status) {
    case "running":
      return { type: "running_refreshed", issue_id: id, issue };
    case "blocked":
      return { type: "blocked_refreshed", issue_id: id, issue };
    case "awaiting_approval":
      return { type: "awaiting_refreshed", issue_id: id, issue };
    case "stopped":
      return { type: "stopped_refreshed", issue_id: id, issue, baseline_only: false };
    case "retry_queued":
      return null;
  }
}

/**
 * The imperative shell around the pure core (`step` in core.ts). It feeds the core what happened
 * (tracker answers, run exits, timers), saves the new state, publishes the transition's events and
 * then carries out its effects: start or cancel runs, arm retry timers, remove workspaces, kill
 * leftovers. Live handles sit in side-tables keyed by run id and issue id. Everything that awaits
 * I/O runs through one queue, so transitions never interleave.
 */
export class Orchestrator {
  private readonly config: ConfigSource;
  private readonly executor: RunExecutor;
  private readonly workspaces: WorkspaceCleaner;
  private readonly clock: Clock;
  private readonly shutdownTimeoutMs: number;
  private readonly agentEventStepIntervalMs: number;
  private readonly store: StateStore | null;
  private readonly reaper: LeftoverReaper | null;
  private readonly newRunId: () => string;

  private state: OrchestratorState = emptyState();
  /** Live side-tables: run handles and loggers by run id, retry timers by issue id. */
  private readonly runs = new Map<string, LiveRun>();
  private readonly retryTimers = new Map<string, unknown>();
  private readonly listeners = new Set<OrchestratorListener>();
  private readonly logEvent: OrchestratorListener;
  private readonly logger: Logger;

  private queue: Promise<void> = Promise.resolve();
  private lifecycle: "idle" | "running" | "stopped" = "idle";
  private stopping: Promise<void> | null = null;
  private tickTimer: unknown = null;
  private nextTickAtMs: number | null = null;
  private tickQueued = false;
  /** Issues a tracker said changed (B.webhook), refreshed one by one in the next queued pass. */
  private readonly pendingTargets = new Set<string>();
  private targetsQueued = false;
  private checking = false;
  private lastError: LoopError | null = null;
  private watched: { tracker: TrackerAdapter; unwatch: () => void } | null = null;
  private leftoverRuns: Extract<Effect, { kind: "kill_leftovers" }>[] = [];
  private restored = false;
  private pendingAgentEvents: AgentEventItem[] = [];
  private agentEventFlush: NodeJS.Immediate | NodeJS.Timeout | null = null;
  /** When the last agent-event step ran (`performance.now()`): paces the next one. */
  private lastAgentEventStepAt = Number.NEGATIVE_INFINITY;
  private pendingRestore: ReturnType<StateStore["load"]> | null = null;

  // What the store has not seen yet, and why the last save failed (dispatch pauses meanwhile).
  private readonly unsavedClaims = new Set<string>();
  /** Claims whose only unsaved changes came from agent events (saved in the slower batch). */
  private readonly agentEventClaims = new Set<string>();
  private unsavedCompleted: string[] = [];
  private unsavedMeta = false;
  private saveTimer: NodeJS.Timeout | null = null;
  private agentEventSaveTimer: NodeJS.Timeout | null = null;
  /** The batch of agent-event claims being saved, a slice per turn of the event loop. */
  private agentEventSaveBatch: string[] = [];
  private agentEventSaveSlice: NodeJS.Immediate | null = null;
  private storeError: LoopError | null = null;

  constructor(deps: OrchestratorDeps) {
    this.config = deps.config;
    this.executor = deps.executor;
    this.workspaces = deps.workspaces;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.shutdownTimeoutMs = deps.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    this.agentEventStepIntervalMs = deps.agentEventStepIntervalMs ?? DEFAULT_AGENT_EVENT_STEP_INTERVAL_MS;
    this.store = deps.store ?? null;
    this.reaper = deps.reaper ?? null;
    this.newRunId = deps.newRunId ?? randomUUID;
    this.logEvent = eventLogger(this.logger);
  }

  /**
   * Reloads the saved state (runs the dead Baton left are killed, counted as failed and retried;
   * retries keep their due times; blocked issues stay blocked), removes workspaces of issues already
   * terminal (SPEC 8.6), then polls immediately and every `polling.interval_ms`.
   */
  async start(): Promise<void> {
    if (this.lifecycle !== "idle") return;
    this.restore();
    const loaded = this.pendingRestore;
    this.pendingRestore = null;
    this.lifecycle = "running";
    if (loaded !== null && (loaded.state !== null || loaded.warnings.length > 0)) {
      const reattached = this.reattachRuns();
      this.apply({ type: "restarted", warnings: loaded.warnings, reattached });
      await this.killLeftovers();
    }
    await this.enqueue("startup_cleanup", () => this.startupCleanup());
    this.queueTick();
  }

  /**
   * Loads the saved state without acting on it, so the status API shows it from the moment it
   * starts; `start()` then settles it (and calls this itself when nobody did). Returns what was
   * loaded state's warnings are reported when `start()` settles it.
   */
  restore(): void {
    if (this.store === null || this.restored) return;
    this.restored = true;
    const loaded = this.store.load();
    if (loaded.state !== null) this.state = loaded.state;
    this.pendingRestore = loaded;
  }

  /** Queues an immediate poll + reconcile; a request made while one is queued joins it. */
  requestRefresh(): RefreshResult {
    const requested_at = isoAt(this.clock.now());
    if (this.lifecycle !== "running") return { queued: false, coalesced: false, requested_at };
    const queuedNow = this.queueTick();
    return { queued: true, coalesced: !queuedNow, requested_at };
  }

  /**
   * B.webhook: the tracker said this issue changed. Queues a targeted refresh of it alone (one
   * `fetchIssue` request, no candidate query): a running, blocked or stopped claim is reconciled
   * with the fresh snapshot, an unclaimed issue is dispatched when eligible. Requests for an issue
   * already waiting join it, and a queued full tick covers them all; polling stays the fallback.
   */
  refreshIssue(issueId: string): RefreshResult {
    const requested_at = isoAt(this.clock.now());
    if (this.lifecycle !== "running") return { queued: false, coalesced: false, requested_at };
    if (this.tickQueued || this.pendingTargets.has(issueId))
      return { queued: true, coalesced: true, requested_at };
    this.pendingTargets.add(issueId);
    if (!this.targetsQueued) {
      this.targetsQueued = true;
      void this.enqueue("refresh_issue", () => this.refreshTargets());
    }
    return { queued: true, coalesced: false, requested_at };
  }

  /** Stops polling and retries, cancels running attempts and waits (bounded) for them to finish. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /**
   * Operator stop (B.operator-stop): cancels the running attempt (or drops the queued retry or the
   * block) and holds the issue as `stopped` with `reason`; it is not retried until the ticket
   * changes or `retryIssue` is called. Saved like any transition, so it survives restarts.
   */
  stopIssue(identifier: string, reason: string): Promise<OperatorActionResult> {
    return this.operatorAction(identifier, (issue_id) => ({ type: "operator_stop", issue_id, reason }));
  }

  /** Operator retry (B.operator-retry): a queued, blocked or stopped issue is re-checked and dispatched now. */
  retryIssue(identifier: string): Promise<OperatorActionResult> {
    return this.operatorAction(identifier, (issue_id) => ({ type: "operator_retry", issue_id }));
  }

  /**
   * Approves the gate the issue waits at (B.phases-gate): the run is queued at once and resumes at
   * the next phase. `by` names who decided (an API caller, the CLI, a ticket comment's author) for
   * the log and the issue's history. Conflict when the issue is not waiting at a gate.
   */
  approveGate(
    identifier: string,
    by: string | null = null,
    note: string | null = null,
  ): Promise<OperatorActionResult> {
    return this.operatorAction(identifier, (issue_id) => ({
      type: "gate_decision",
      issue_id,
      // The note is what an agent that asked questions gets as its answer (B.phases approvals).
      decision: note === null ? { kind: "approve" } : { kind: "approve", note },
      by,
    }));
  }

  /**
   * Rejects the gate the issue waits at: the reason goes back to the gate's `on_reject` phase as its
   * `feedback` (status `resumed`), or, with no attempts left, the issue is held as blocked and the
   * ticket told why (status `rejected`).
   */
  rejectGate(identifier: string, reason: string, by: string | null = null): Promise<OperatorActionResult> {
    return this.operatorAction(identifier, (issue_id) => ({
      type: "gate_decision",
      issue_id,
      decision: { kind: "reject", reason },
      by,
    }));
  }

  /** Runs an operator action in the queue, so it never interleaves with a tick or a retry timer. */
  private async operatorAction(
    identifier: string,
    input: (id: string) => OrchestratorInput,
  ): Promise<OperatorActionResult> {
    const unavailable: OperatorActionResult = {
      ok: false,
      code: "orchestrator_unavailable",
      message: "the orchestrator is not running",
    };
    if (this.lifecycle !== "running") return unavailable;
    let result: OperatorActionResult = unavailable;
    await this.enqueue("operator_action", () => {
      if (this.lifecycle !== "running") return;
      const found = Object.entries(this.state.claims).find(
        ([, claim]) => claim.issue.identifier === identifier,
      );
      if (found === undefined) {
        result = {
          ok: false,
          code: "issue_not_found",
          message: `issue ${identifier} is not running, retrying, blocked, stopped or awaiting approval in this Baton process`,
        };
        return;
      }
      const requestedAt = this.nowIso();
      const step = this.apply(input(found[0]));
      result = replyFor(step.reply, { issue_id: found[0], issue_identifier: identifier }, requestedAt);
    });
    return result;
  }

  snapshot(): OrchestratorSnapshot {
    this.flushAgentEvents();
    // The totals the API shows are saved first, so they never go back after a crash (one small row;
    // claims changed by agent events follow in their batch).
    if (this.unsavedMeta) this.saveTotals();
    const now = this.clock.now();
    return buildSnapshot(
      this.state,
      now,
      { checking: this.checking, next_tick_at_ms: this.tickQueued ? now : this.nextTickAtMs },
      this.lastError,
      this.storeStatus(),
      [...(this.store?.connections?.() ?? []), ...(this.executor.connections?.() ?? [])],
      this.config.current(),
    );
  }

  issueDetail(identifier: string): IssueDetail | null {
    this.flushAgentEvents();
    // The history shown is saved first (agent events are otherwise saved in batches).
    if (this.unsavedClaims.size > 0 || this.agentEventClaims.size > 0) this.save();
    return buildIssueDetail(this.state, identifier);
  }

  subscribe(listener: OrchestratorListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // ---- transitions -----------------------------------------------------------------------------

  /**
   * Agent events arrive in bursts (a chunk of protocol messages is parsed in one go, many sessions'
   * pipes are read in one turn of the event loop): they are applied as one step once the turn's I/O
   * is handled, or before any other input, so order is kept and the state is copied once per burst
   * rather than once per event. While events keep coming, steps are paced to one per
   * `agentEventStepIntervalMs`; an event after a quiet spell is applied in the same turn.
   */
  private queueAgentEvent(item: AgentEventItem): void {
    this.pendingAgentEvents.push(item);
    if (this.agentEventFlush === null) {
      const wait = this.lastAgentEventStepAt + this.agentEventStepIntervalMs - performance.now();
      // Unreferenced like the save timers: shutdown applies whatever is still pending.
      this.agentEventFlush =
        wait > 0
          ? setTimeout(this.flushQueuedAgentEvents, wait).unref()
          : setImmediate(this.flushQueuedAgentEvents).unref();
    }
    // A long burst is applied in slices: events (and their parsed payloads) held until the paced
    // step would outlive V8's young generation and make every collection copy them.
    else if (this.pendingAgentEvents.length >= AGENT_EVENT_BATCH) this.flushAgentEvents();
  }

  private readonly flushQueuedAgentEvents = (): void => {
    this.agentEventFlush = null;
    this.flushAgentEvents();
  };

  private flushAgentEvents(): void {
    if (this.pendingAgentEvents.length === 0) return;
    const items = this.pendingAgentEvents;
    this.pendingAgentEvents = [];
    this.lastAgentEventStepAt = performance.now();
    this.apply({ type: "agent_events", items });
  }

  /** One transition: pure step, save, publish, then the effects. */
  private apply(input: OrchestratorInput): StepResult {
    if (input.type !== "agent_events") this.flushAgentEvents();
    const result = step(this.state, input, this.clock.now(), this.config.current());
    if (result.state === this.state && result.events.length === 0) return result;
    this.state = result.state;
    if (input.type === "agent_events") {
      for (const id of result.changed) if (!this.unsavedClaims.has(id)) this.agentEventClaims.add(id);
      this.saveAgentEventsSoon();
    } else {
      for (const id of result.changed) {
        this.unsavedClaims.add(id);
        this.agentEventClaims.delete(id);
      }
    }
    this.unsavedCompleted.push(...result.completed);
    this.unsavedMeta = true;
    // Persist before effect: a transition with effects is saved now. One without (agent events,
    // fresher tracker snapshots) is saved in a batch within LAZY_SAVE_MS, or with the next one.
    // A workflow phase's progress is saved at once too: a restart must never repeat a finished phase.
    if (result.effects.length === 0 && input.type !== "workflow_phase") this.saveSoon();
    else this.save();
    for (const event of result.events) this.publish(event);
    for (const effect of result.effects) this.carryOut(effect);
    return result;
  }

  private carryOut(effect: Effect): void {
    switch (effect.kind) {
      case "start_run":
        this.startRun(effect);
        return;
      case "cancel_run": {
        const run = this.runs.get(effect.run_id);
        const cancelFailed = (error: unknown) =>
          this.logger.error(
            { issue_id: effect.issue_id, reason: toBatonError(error, "cancel_failed").toString() },
            "action=stop outcome=failed",
          );
        try {
          run?.handle.cancel(effect.reason).catch(cancelFailed);
        } catch (error) {
          cancelFailed(error);
        }
        return;
      }
      case "arm_retry": {
        this.clearRetryTimer(effect.issue_id);
        if (this.lifecycle !== "running") return;
        const delay = Math.max(effect.due_at_ms - this.clock.now(), 0);
        const timer = this.clock.setTimeout(() => {
          this.retryTimers.delete(effect.issue_id);
          void this.enqueue("retry", () => this.onRetryTimer(effect.issue_id, effect.seq));
        }, delay);
        this.retryTimers.set(effect.issue_id, timer);
        return;
      }
      case "clear_retry":
        this.clearRetryTimer(effect.issue_id);
        return;
      case "remove_workspace":
        void this.enqueue("workspace_cleanup", () =>
          this.removeWorkspace(effect.issue_id, effect.identifier),
        );
        return;
      case "read_stop_baseline":
        void this.enqueue("stop_baseline", async () => {
          let issue: Issue | undefined;
          try {
            const found = await this.config.tracker().fetchIssuesByIds([effect.issue_id]);
            issue = found.find((candidate) => candidate.id === effect.issue_id);
          } catch (error) {
            // The next tick takes the baseline instead.
            this.trackerError("stop_baseline", error);
            return;
          }
          this.apply({ type: "stopped_refreshed", issue_id: effect.issue_id, issue, baseline_only: true });
        });
        return;
      case "request_refresh":
        this.requestRefresh();
        return;
      case "report_budget_exceeded":
        void this.enqueue("budget_report", () => this.reportBudgetExceeded(effect));
        return;
      case "update_ticket":
        void this.enqueue("ticket_update", () => this.updateTicket(effect));
        return;
      case "answer_agent":
        void this.answerAgent(effect);
        return;
      case "kill_leftovers":
        // Collected and carried out together by start(): one scan of the process table for all runs.
        this.leftoverRuns.push(effect);
        return;
    }
  }

  /**
   * Asks the executor, for each saved running claim, whether it still runs that attempt (a queue
   * worker does, after the orchestrator alone restarted); those are watched again, not lost.
   */
  private reattachRuns(): string[] {
    const attach = this.executor.attach?.bind(this.executor);
    if (attach === undefined) return [];
    const reattached: string[] = [];
    for (const [id, claim] of Object.entries(this.state.claims)) {
      if (claim.status !== "running") continue;
      let handle: RunHandle | null;
      try {
        handle = attach(claim.run_id, this.reporterFor(id, claim.run_id));
      } catch {
        handle = null;
      }
      if (handle === null) continue;
      this.watchRun(id, claim.run_id, handle);
      reattached.push(claim.run_id);
    }
    return reattached;
  }

  /** Makes sure nothing of the runs the dead Baton left is alive before anything is dispatched. */
  private async killLeftovers(): Promise<void> {
    const runs = this.leftoverRuns;
    this.leftoverRuns = [];
    if (this.reaper === null || runs.length === 0) return;
    let pids: number[];
    try {
      pids = await this.reaper.killLeftovers(runs.map((run) => run.run_id));
    } catch (error) {
      writeLog(this.logger, "warn", {
        action: "leftover_cleanup",
        outcome: "failed",
        reason: toBatonError(error, "leftover_cleanup_failed").toString(),
      });
      return;
    }
    if (pids.length > 0)
      this.publish({ type: "leftover_killed", at: this.nowIso(), runs: runs.length, pids });
  }

  /** Starts a run the core recorded as running; a refusal (or no record of it) becomes a failure retry. */
  private startRun(effect: Extract<Effect, { kind: "start_run" }>): void {
    const { issue_id: id, run_id: runId } = effect;
    if (this.storeError) {
      const error = { category: "state_store_failed", message: this.storeError.message, details: {} };
      this.apply({ type: "run_start_failed", issue_id: id, run_id: runId, error });
      return;
    }
    let handle: ReturnType<RunExecutor["start"]>;
    try {
      handle = this.executor.start(
        {
          issue: effect.issue,
          attempt: effect.attempt,
          run_id: runId,
          ...(effect.pipeline ? { pipeline: effect.pipeline } : {}),
          ...(effect.agent_decision ? { agent_decision: effect.agent_decision } : {}),
        },
        this.reporterFor(id, runId),
      );
    } catch (error) {
      this.apply({
        type: "run_start_failed",
        issue_id: id,
        run_id: runId,
        error: recordOf(error, "agent_spawn_failed"),
      });
      return;
    }
    this.watchRun(id, runId, handle);
  }

  /** Keeps the run's handle and records its exit when `done` settles. */
  private watchRun(id: string, runId: string, handle: RunHandle): void {
    this.runs.set(runId, { handle });
    void handle.done
      .catch(
        (error: unknown): RunOutcome => ({ kind: "failed", error: toBatonError(error, "worker_crashed") }),
      )
      .then((outcome) =>
        this.enqueue("worker_exit", () => {
          this.runs.delete(runId);
          this.apply({ type: "run_exited", issue_id: id, run_id: runId, exit: exitOf(outcome) });
        }),
      );
  }

  private reporterFor(id: string, runId: string): RunReporter {
    return {
      workspaceReady: (path) => this.apply({ type: "workspace_ready", issue_id: id, run_id: runId, path }),
      agentEvent: (event) => this.queueAgentEvent({ issue_id: id, run_id: runId, event }),
      processStarted: (process) =>
        this.apply({ type: "process_started", issue_id: id, run_id: runId, process }),
      workerAssigned: (worker) =>
        this.apply({ type: "worker_assigned", issue_id: id, run_id: runId, worker }),
      toolCallStarted: () => this.apply({ type: "tool_call_started", issue_id: id, run_id: runId }),
      toolCallEnded: (handoffState) =>
        this.apply({ type: "tool_call_ended", issue_id: id, run_id: runId, handoff_state: handoffState }),
      workflowPhase: (progress, change) =>
        this.apply({ type: "workflow_phase", issue_id: id, run_id: runId, progress, change }),
      agentRequest: (request, waiting) =>
        this.apply({ type: "agent_request", issue_id: id, run_id: runId, request, waiting }),
    };
  }

  private clearRetryTimer(id: string): void {
    const timer = this.retryTimers.get(id);
    if (timer === undefined) return;
    this.clock.clearTimeout(timer);
    this.retryTimers.delete(id);
  }

  // ---- durable state ---------------------------------------------------------------------------

  private storeStatus(): StateStoreStatus {
    return {
      kind: this.store?.kind ?? "memory",
      path: this.store?.path ?? null,
      error: this.storeError,
    };
  }

  private saveSoon(): void {
    if (this.saveTimer !== null || this.store === null) return;
    this.saveTimer = setTimeout(() => this.save({ withAgentEventClaims: false }), LAZY_SAVE_MS);
    this.saveTimer.unref();
  }

  private saveAgentEventsSoon(): void {
    if (this.agentEventSaveTimer !== null || this.agentEventSaveSlice !== null || this.store === null) return;
    this.agentEventSaveTimer = setTimeout(() => {
      this.agentEventSaveTimer = null;
      this.agentEventSaveBatch = [...this.agentEventClaims];
      this.saveAgentEventSlice();
    }, AGENT_EVENT_SAVE_MS);
    this.agentEventSaveTimer.unref();
  }

  /**
   * Saves the next AGENT_EVENT_SAVE_SLICE claims of the batch as they are now, then yields to the
   * event loop. A claim another transition changed meanwhile has left the batch (it was saved with
   * that transition); one changed again by agent events after its slice waits for the next batch.
   */
  private saveAgentEventSlice(): void {
    this.agentEventSaveSlice = null;
    const slice = this.agentEventSaveBatch
      .splice(0, AGENT_EVENT_SAVE_SLICE)
      .filter((id) => this.agentEventClaims.has(id));
    if (slice.length > 0 && this.store !== null) {
      if (this.storeError !== null) {
        // The full save retries everything and reports the outcome.
        this.save();
        return;
      }
      try {
        this.store.save({ state: this.state, claims: slice, completed: [] });
      } catch {
        this.save();
        return;
      }
      for (const id of slice) this.agentEventClaims.delete(id);
      this.unsavedMeta = false;
    }
    if (this.agentEventSaveBatch.length > 0) {
      this.agentEventSaveSlice = setImmediate(() => this.saveAgentEventSlice());
      this.agentEventSaveSlice.unref();
    } else if (this.agentEventClaims.size > 0) {
      this.saveAgentEventsSoon();
    }
  }

  private saveTotals(): void {
    if (this.store === null || this.storeError !== null) return;
    try {
      this.store.save({ state: this.state, claims: [], completed: [] });
      this.unsavedMeta = false;
    } catch {
      // Reported by the next full save, which retries it.
    }
  }

  /**
   * Writes everything not yet saved (but claims changed only by agent events when
   * `withAgentEventClaims` is false: the lazy 1 s batch). A failure pauses dispatch until a later
   * save succeeds.
   */
  private save({ withAgentEventClaims } = { withAgentEventClaims: true }): void {
    if (this.saveTimer !== null) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    if (withAgentEventClaims) {
      if (this.agentEventSaveTimer !== null) clearTimeout(this.agentEventSaveTimer);
      this.agentEventSaveTimer = null;
      if (this.agentEventSaveSlice !== null) clearImmediate(this.agentEventSaveSlice);
      this.agentEventSaveSlice = null;
      this.agentEventSaveBatch = [];
    }
    const claims = withAgentEventClaims
      ? [...this.unsavedClaims, ...this.agentEventClaims]
      : [...this.unsavedClaims];
    if (this.store !== null) {
      try {
        this.store.save({ state: this.state, claims, completed: this.unsavedCompleted });
      } catch (error) {
        const problem = toBatonError(error, "state_store_failed");
        const first = this.storeError === null;
        this.storeError = { category: "state_store_failed", message: problem.message, at: this.nowIso() };
        if (first) this.publish({ type: "state_store_failed", at: this.nowIso(), error: problem.toRecord() });
        return;
      }
    }
    this.unsavedClaims.clear();
    if (withAgentEventClaims) this.agentEventClaims.clear();
    this.unsavedCompleted = [];
    this.unsavedMeta = false;
    if (this.storeError !== null) {
      this.storeError = null;
      this.publish({ type: "state_store_recovered", at: this.nowIso() });
    }
  }

  // ---- queue and timers ------------------------------------------------------------------------

  private enqueue(operation: string, task: () => Promise<void> | void): Promise<void> {
    const run = this.queue.then(task).catch((error: unknown) => {
      this.logger.error(
        { action: operation, reason: toBatonError(error, "internal_error").toString() },
        `action=${operation} outcome=failed`,
      );
    });
    this.queue = run;
    return run;
  }

  /** Queues a tick unless one is already waiting in the queue; returns false when it coalesced. */
  private queueTick(): boolean {
    if (this.tickQueued) return false;
    this.clearTickTimer();
    this.tickQueued = true;
    void this.enqueue("tick", async () => {
      this.tickQueued = false;
      if (this.lifecycle !== "running") return;
      this.clearTickTimer();
      this.checking = true;
      try {
        await this.tick();
      } finally {
        this.checking = false;
        this.scheduleNextTick();
      }
    });
    return true;
  }

  /** The interval is read from the current config each time, so a reload applies to the next wait. */
  private scheduleNextTick(): void {
    if (this.lifecycle !== "running") return;
    this.clearTickTimer();
    const interval = this.config.current().polling.interval_ms;
    this.nextTickAtMs = this.clock.now() + interval;
    this.tickTimer = this.clock.setTimeout(() => {
      this.tickTimer = null;
      this.queueTick();
    }, interval);
  }

  private clearTickTimer(): void {
    if (this.tickTimer !== null) this.clock.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.nextTickAtMs = null;
  }

  /** Follows the tracker's push signal, re-subscribing when a reload replaced the adapter. */
  private syncTrackerWatch(): void {
    const tracker = this.config.tracker();
    if (this.watched?.tracker === tracker) return;
    this.watched?.unwatch();
    this.watched = { tracker, unwatch: () => {} };
    try {
      if (tracker.watch) this.watched.unwatch = tracker.watch((issueIds) => this.onTrackerChange(issueIds));
    } catch (error) {
      this.trackerError("watch_tracker", error);
    }
  }

  /**
   * The tracker's push signal. Issues it names are refreshed on their own first (one read each, the
   * way a webhook's are), so a moved ticket is dispatched without reading every candidate; a full
   * tick follows, for whatever else the change affects (an issue it blocked, say).
   */
  private onTrackerChange(issueIds: readonly string[] | undefined): void {
    for (const id of issueIds ?? []) this.refreshIssue(id);
    this.requestRefresh();
  }

  // ---- startup and shutdown --------------------------------------------------------------------

  private async startupCleanup(): Promise<void> {
    const config = this.config.current();
    let terminal: Issue[];
    try {
      terminal = await this.config.tracker().fetchIssuesByStates(config.tracker.terminal_states);
    } catch (error) {
      const problem = this.trackerError("startup_cleanup", error);
      this.publish({
        type: "startup_cleanup",
        at: this.nowIso(),
        ok: false,
        terminal_issues: 0,
        error: problem.toString(),
      });
      return;
    }
    for (const issue of terminal) await this.removeWorkspace(issue.id, issue.identifier);
    this.publish({
      type: "startup_cleanup",
      at: this.nowIso(),
      ok: true,
      terminal_issues: terminal.length,
      error: null,
    });
  }

  /** Removes (or, on the queue, asks the workers to remove) a terminal issue's workspace; a failure is an event, not an error. */
  private async removeWorkspace(issueId: string, identifier: string): Promise<void> {
    let error: ErrorRecord | null = null;
    let requested = false;
    try {
      requested = (await this.workspaces.remove(identifier)) === "requested";
    } catch (failure) {
      error = recordOf(failure, "workspace_cleanup_failed");
    }
    this.apply({ type: "workspace_removed", issue_id: issueId, identifier, error, requested });
  }

  private async shutdown(): Promise<void> {
    const wasRunning = this.lifecycle === "running";
    this.lifecycle = "stopped";
    this.clearTickTimer();
    this.watched?.unwatch();
    this.watched = null;
    if (wasRunning) this.apply({ type: "shutdown" });
    for (const id of [...this.retryTimers.keys()]) this.clearRetryTimer(id);

    const runs = [...this.runs.values()].map((run) => run.handle.done);
    let deadline: unknown = null;
    const timedOut = new Promise<boolean>((resolve) => {
      deadline = this.clock.setTimeout(() => resolve(true), this.shutdownTimeoutMs);
    });
    // Exit handlers are queued as each `done` settles, so draining the queue afterwards records them.
    const finished = Promise.all(runs)
      .then(() => this.queue)
      .then(() => false);
    const gaveUp = await Promise.race([finished, timedOut]);
    this.clock.clearTimeout(deadline);
    for (const id of [...this.retryTimers.keys()]) this.clearRetryTimer(id);
    this.flushAgentEvents();
    this.save();
    this.publish({ type: "shutdown", at: this.nowIso(), timed_out: gaveUp, still_running: this.runs.size });
  }

  // ---- tick ------------------------------------------------------------------------------------

  /** SPEC 8.1 / 16.2: reconcile, re-check blocked issues, preflight, fetch, sort, dispatch, notify. */
  private async tick(): Promise<void> {
    const problems: LoopError[] = [];
    this.syncTrackerWatch();
    this.apply({ type: "stall_check" });
    await this.refreshClaims("running", problems);
    await this.refreshClaims("blocked", problems);
    await this.refreshClaims("stopped", problems);
    await this.refreshClaims("awaiting_approval", problems);
    await this.readApprovalComments(problems);

    // A failed save is retried every tick: dispatching resumes as soon as the store writes again.
    // A store that knows it cannot write now (Redis unreachable) fails that save before a dispatch.
    if (this.storeError || this.store?.unavailable?.()) this.save();
    let dispatched = 0;
    const preflightError = await this.preflight();
    if (preflightError) {
      problems.push(this.loopError(preflightError));
      this.publish({ type: "preflight_failed", at: this.nowIso(), error: this.errorView(preflightError) });
    } else if (!this.storeError) {
      // While the store cannot write, no run may start (no effect without its record).
      // Preflight may have applied a reload; dispatch uses what it left behind.
      const config = this.config.current();
      const tracker = this.config.tracker();
      try {
        const candidates = await tracker.fetchIssuesByStates(config.tracker.active_states);
        dispatched = await this.dispatchCandidates(candidates, config, tracker);
      } catch (error) {
        problems.push(this.loopError(this.trackerError("fetch_candidates", error)));
      }
    }

    if (this.storeError) problems.push(this.storeError);
    this.lastError = problems.at(-1) ?? null;
    const counts = { dispatched, running: 0, retrying: 0, blocked: 0, stopped: 0 };
    for (const id in this.state.claims) {
      const status = this.state.claims[id]!.status;
      if (status === "running") counts.running += 1;
      else if (status === "retry_queued") counts.retrying += 1;
      else if (status === "blocked") counts.blocked += 1;
      else if (status === "stopped") counts.stopped += 1;
    }
    this.publish({ type: "tick_completed", at: this.nowIso(), ...counts });
  }

  private async preflight(): Promise<BatonError | null> {
    let problem: BatonError | null;
    try {
      problem = await this.config.preflight();
    } catch (error) {
      return toBatonError(error, "preflight_failed");
    }
    // A reload may have replaced the tracker: its change signal is followed from now on.
    if (problem === null && this.lifecycle === "running") this.syncTrackerWatch();
    return problem;
  }

  private async refreshTargets(): Promise<void> {
    this.targetsQueued = false;
    const ids = [...this.pendingTargets];
    this.pendingTargets.clear();
    for (const id of ids) {
      if (this.lifecycle !== "running") return;
      await this.refreshTarget(id);
    }
  }

  /** One issue a webhook named: reconcile its claim, or dispatch it, from one fresh snapshot. */
  private async refreshTarget(id: string): Promise<void> {
    const tracker = this.config.tracker();
    // An unclaimed issue may be dispatched, which the workflow must pass first (the same gate as a
    // tick): that check reads another file, so it runs alongside the issue's read.
    const preflight = this.state.claims[id] === undefined ? this.preflight() : null;
    let issue: Issue | null;
    try {
      issue = await tracker.fetchIssue(id);
    } catch (error) {
      await preflight;
      // The targeted read failed: a full tick reads the tracker the usual way instead.
      this.trackerError("refresh_issue", error);
      this.queueTick();
      return;
    }
    const problem = preflight === null ? undefined : await preflight;
    if (this.lifecycle !== "running") return;
    const claim = this.state.claims[id];
    if (claim !== undefined) {
      const input = claim.stop_request === null ? refreshedInput(claim.status, id, issue ?? undefined) : null;
      if (input !== null) this.apply(input);
      return;
    }
    if (issue === null || this.storeError) return;
    // A workflow that does not validate dispatches nothing (the tick reports it).
    if ((problem === undefined ? await this.preflight() : problem) !== null || this.lifecycle !== "running")
      return;
    const config = this.config.current();
    if (dispatchIneligibility(issue, config, schedulingView(this.state, this.clock.now())) !== null) return;
    this.apply({ type: "dispatch", issue, run_id: this.newRunId() });
  }

  /** B.phases approvals: hands the answer to the live agent; delivered, it is no longer kept for a later prompt. */
  private async answerAgent(effect: Extract<Effect, { kind: "answer_agent" }>): Promise<void> {
    const run = this.runs.get(effect.run_id);
    let delivered = false;
    try {
      delivered = (await run?.handle.answer?.(effect.request_id, effect.answer)) ?? false;
    } catch (error) {
      this.logger.warn(
        { issue_id: effect.issue_id, reason: toBatonError(error, "answer_failed").toString() },
        "action=answer_agent outcome=failed",
      );
    }
    if (!delivered) return;
    await this.enqueue("agent_answer", () => {
      this.apply({
        type: "agent_answer_delivered",
        issue_id: effect.issue_id,
        run_id: effect.run_id,
        request_id: effect.request_id,
      });
    });
  }

  /**
   * B.phases approvals: for each issue with a waiting gate (a pipeline gate, or an agent's request),
   * the ticket comments written since it started waiting, read for `/baton approve|reject`.
   */
  private async readApprovalComments(problems: LoopError[]): Promise<void> {
    const tracker = this.config.tracker();
    if (tracker.fetchCommentsSince === undefined) return;
    const policy = {
      trackerKind: tracker.kind,
      approvers: this.config.current().approvals?.approvers ?? null,
    };
    for (const [id, claim] of Object.entries(this.state.claims)) {
      const since = waitingSinceMs(claim);
      if (since === null) continue;
      let comments: TrackerComment[];
      try {
        comments = await tracker.fetchCommentsSince(
          id,
          new Date(since - COMMENT_CLOCK_MARGIN_MS).toISOString(),
        );
      } catch (error) {
        problems.push(this.loopError(this.trackerError("read_approval_comments", error)));
        continue;
      }
      const current = this.state.claims[id];
      if (current === undefined || waitingSinceMs(current) === null) continue;
      const reading = readApprovalComments(comments, approvalOf(current).comments_read, policy);
      if (reading.processed.length === approvalOf(current).comments_read.length && reading.command === null)
        continue;
      this.apply({ type: "approval_comments", issue_id: id, reading });
    }
  }

  /** SPEC 8.5 / 16.3 (running) and the blocked re-check: one batched refresh, then one step per issue. */
  private async refreshClaims(
    status: "running" | "blocked" | "stopped" | "awaiting_approval",
    problems: LoopError[],
  ): Promise<void> {
    const ids = Object.entries(this.state.claims)
      .filter(([, claim]) => claim.status === status && claim.stop_request === null)
      .map(([id]) => id);
    if (ids.length === 0) return;
    let refreshed: Issue[];
    try {
      refreshed = await this.config.tracker().fetchIssuesByIds(ids);
    } catch (error) {
      const operation = status === "running" ? "reconcile" : `recheck_${status}`;
      problems.push(this.loopError(this.trackerError(operation, error)));
      return;
    }
    const byId = new Map(refreshed.map((issue) => [issue.id, issue]));
    for (const id of ids) {
      const input = refreshedInput(status, id, byId.get(id));
      if (input !== null) this.apply(input);
    }
  }

  private async dispatchCandidates(
    candidates: Issue[],
    config: OrchestratorConfig,
    tracker: TrackerAdapter,
  ): Promise<number> {
    let dispatched = 0;
    let view = schedulingView(this.state, this.clock.now());
    for (const candidate of sortForDispatch(candidates)) {
      if (this.lifecycle !== "running" || this.storeError || globalSlots(config, view) <= 0) break;
      if (dispatchIneligibility(candidate, config, view) !== null) continue;
      const fresh = await this.recheckCandidate(candidate, tracker);
      if (fresh && this.lifecycle === "running") {
        const result = this.apply({ type: "dispatch", issue: fresh, run_id: this.newRunId() });
        if (result.effects.some((effect) => effect.kind === "start_run")) dispatched += 1;
      }
      // The recheck awaited the tracker: exits may have landed meanwhile, so count afresh.
      view = schedulingView(this.state, this.clock.now());
    }
    return dispatched;
  }

  /** Tells the ticket (where the tracker can) that its run hit a token ceiling, and moves it if configured. */
  private async reportBudgetExceeded(
    effect: Extract<Effect, { kind: "report_budget_exceeded" }>,
  ): Promise<void> {
    const tracker = this.config.tracker();
    try {
      await tracker.commentOnIssue?.(effect.issue_id, effect.message);
      if (effect.move_to_state !== null) {
        if (tracker.moveIssue === undefined)
          this.logger.warn(
            { issue_id: effect.issue_id, issue_identifier: effect.identifier, state: effect.move_to_state },
            `action=budget_report outcome=skipped reason=tracker_${tracker.kind}_cannot_move_tickets`,
          );
        else await tracker.moveIssue(effect.issue_id, effect.move_to_state);
      }
    } catch (error) {
      this.trackerError("budget_report", error);
    }
  }

  /** Comments on the ticket and/or moves it for a `phases:` workflow (a waiting gate, the pipeline's end). */
  private async updateTicket(effect: Extract<Effect, { kind: "update_ticket" }>): Promise<void> {
    const tracker = this.config.tracker();
    const fields = { issue_id: effect.issue_id, issue_identifier: effect.identifier };
    try {
      if (effect.comment !== null) {
        if (tracker.commentOnIssue === undefined)
          this.logger.warn(
            fields,
            `action=${effect.purpose} outcome=comment_skipped reason=tracker_${tracker.kind}_cannot_comment`,
          );
        else await tracker.commentOnIssue(effect.issue_id, effect.comment);
      }
      if (effect.move_to_state !== null) {
        if (tracker.moveIssue === undefined)
          this.logger.warn(
            { ...fields, state: effect.move_to_state },
            `action=${effect.purpose} outcome=move_skipped reason=tracker_${tracker.kind}_cannot_move_tickets`,
          );
        else await tracker.moveIssue(effect.issue_id, effect.move_to_state);
      }
    } catch (error) {
      this.trackerError(effect.purpose, error);
    }
  }

  /** A candidate list can be stale by the time we reach an issue: look it up again by ID before dispatching. */
  private async recheckCandidate(candidate: Issue, tracker: TrackerAdapter): Promise<Issue | null> {
    let fresh: Issue | undefined;
    try {
      fresh = (await tracker.fetchIssuesByIds([candidate.id])).find((issue) => issue.id === candidate.id);
    } catch (error) {
      const problem = this.trackerError("dispatch_recheck", error);
      this.publish({
        type: "dispatch_skipped",
        at: this.nowIso(),
        issue_id: candidate.id,
        issue_identifier: candidate.identifier,
        reason: `recheck failed: ${problem}`,
      });
      return null;
    }
    if (!fresh) {
      this.publish({
        type: "dispatch_skipped",
        at: this.nowIso(),
        issue_id: candidate.id,
        issue_identifier: candidate.identifier,
        reason: "recheck: missing",
      });
      return null;
    }
    return fresh;
  }

  /** SPEC 8.4 / 16.6 `on_retry_timer`: re-reads the issue, then lets the core decide. */
  private async onRetryTimer(id: string, seq: number): Promise<void> {
    const claim = this.state.claims[id];
    if (this.lifecycle !== "running" || claim?.status !== "retry_queued" || claim.retry?.seq !== seq) return;
    let refreshed: { issue: Issue | undefined } | { error: ErrorRecord };
    try {
      const issues = await this.config.tracker().fetchIssuesByIds([id]);
      refreshed = { issue: issues.find((issue) => issue.id === id) };
    } catch (error) {
      refreshed = { error: this.trackerError("retry_refresh", error).toRecord() };
    }
    if (this.lifecycle !== "running") return;
    this.apply({ type: "retry_due", issue_id: id, seq, refreshed, run_id: this.newRunId() });
  }

  // ---- observers -------------------------------------------------------------------------------

  private trackerError(operation: string, error: unknown): BatonError {
    const problem = toBatonError(error, "tracker_request");
    this.publish({ type: "tracker_error", at: this.nowIso(), operation, error: this.errorView(problem) });
    return problem;
  }

  /** Hands an event to the log subscriber and every listener; a failing listener is logged, never fatal. */
  private publish(event: OrchestratorEvent): void {
    this.logEvent(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        try {
          writeLog(this.logger, "warn", {
            action: "notify",
            outcome: "failed",
            event: event.type,
            reason: toBatonError(error, "listener_failed").toString(),
          });
        } catch {
          // A failing log sink must not take the scheduler down with it (SPEC 14.2).
        }
      }
    }
  }

  private loopError(error: BatonError): LoopError {
    return { ...this.errorView(error), at: this.nowIso() };
  }

  private errorView(error: BatonError): { category: string; message: string } {
    return { category: error.category, message: error.message };
  }

  private nowIso(): string {
    return isoAt(this.clock.now());
  }
}

/** When the claim's gate started waiting (ms), or null when nothing waits for a person. */
function waitingSinceMs(claim: Claim): number | null {
  const request = claim.approval?.agent_request;
  if (request && (claim.status === "running" || claim.status === "awaiting_approval"))
    return Date.parse(request.asked_at);
  const waiting = claim.pipeline?.waiting;
  return claim.status === "awaiting_approval" && waiting ? waiting.since_ms : null;
}
