import type { AgentEvent, BatonError, Issue, Logger, TrackerAdapter } from "@baton/domain";
import { normalizeState, silentLogger, toBatonError } from "@baton/domain";
import type { ReleaseReason, RetryKind } from "./decisions.ts";
import {
  applyAgentEvent,
  dispatchIneligibility,
  globalSlots,
  isActiveState,
  issueVersion,
  NO_SLOTS_ERROR,
  nextFailureAttempt,
  operatorRetryAction,
  operatorStopAction,
  recheckBlocked,
  recheckStopped,
  reconcileRunningAttempt,
  retryDelayMs,
  retryTimerAction,
  runningByState,
  sortForDispatch,
  stalledForMs,
} from "./decisions.ts";
import type { LogFields, LogLevel } from "./log-line.ts";
import { writeLog } from "./log-line.ts";
import type {
  Clock,
  ConfigSource,
  OrchestratorConfig,
  RunExecutor,
  RunHandle,
  RunOutcome,
  RunReporter,
  WorkspaceCleaner,
} from "./ports.ts";
import { systemClock } from "./ports.ts";
import type { IssueDetail, LoopError, OrchestratorSnapshot } from "./snapshot.ts";
import { buildIssueDetail, buildSnapshot, isoAt } from "./snapshot.ts";
import type { LiveSession, RunningEntry, RuntimeState, StopRequest } from "./state.ts";
import { emptyRuntimeState, newLiveSession, RECENT_EVENTS_LIMIT } from "./state.ts";

export interface OrchestratorDeps {
  config: ConfigSource;
  executor: RunExecutor;
  workspaces: WorkspaceCleaner;
  clock?: Clock;
  logger?: Logger;
  /** How long `stop()` waits for cancelled attempts (and their after_run hooks) to finish. */
  shutdownTimeoutMs?: number;
}

interface IssueRef {
  issue_id: string;
  issue_identifier: string;
}

/** The issue a retry is for, with what the status views show about it while it waits. */
/** Why a retry was scheduled: a clean exit's re-check, a failed run, a stall kill, or no free slot. */
export type RetryCause = "continuation" | "failure" | "stall" | "no_slots" | "operator";

interface RetryTarget extends IssueRef {
  title: string;
  issue_url: string | null;
  workspace_path: string | null;
}

/** What the orchestrator tells observers (HTTP event stream, terminal status) as it works. */
export type OrchestratorEvent =
  | ({ type: "dispatched"; at: string; attempt: number | null } & IssueRef)
  | ({ type: "agent_event"; at: string; event: AgentEvent } & IssueRef)
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
  | ({ type: "released"; at: string; reason: string } & IssueRef)
  | ({ type: "stopped"; at: string; reason: string; cleanup: boolean } & IssueRef)
  | ({
      type: "worker_exited";
      at: string;
      outcome: RunOutcome["kind"];
      error: string | null;
      runtime_seconds: number;
    } & IssueRef)
  | {
      type: "tick_completed";
      at: string;
      dispatched: number;
      running: number;
      retrying: number;
      blocked: number;
    }
  | { type: "preflight_failed"; at: string; error: { category: string; message: string } }
  | { type: "tracker_error"; at: string; operation: string; error: { category: string; message: string } };

export type OrchestratorListener = (event: OrchestratorEvent) => void;

/** The answer to an operator's stop or retry (B.operator). */
export type OperatorActionResult =
  | ({ ok: true; status: "stopping" | "stopped" | "retry_queued"; requested_at: string } & IssueRef)
  | { ok: false; code: "issue_not_found" | "conflict" | "orchestrator_unavailable"; message: string };

export interface RefreshResult {
  queued: boolean;
  coalesced: boolean;
  requested_at: string;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

function stopReasonText(request: StopRequest): string {
  if (request.kind === "reconcile") return request.reason;
  if (request.kind === "stall") return "stalled";
  if (request.kind === "operator") return `stopped by operator: ${request.reason}`;
  return "shutdown";
}

function stallError(elapsedMs: number): string {
  return `stalled for ${elapsedMs}ms without agent activity`;
}

/**
 * The runtime shell around the pure decisions: owns the single runtime state, the poll timer,
 * retry timers and running attempts. Every transition that awaits I/O (tick, retry timer, worker
 * exit, startup cleanup) runs through one queue, so their state changes never interleave. Agent
 * events and workspace reports are synchronous field updates on a running entry and apply at once.
 */
export class Orchestrator {
  private readonly config: ConfigSource;
  private readonly executor: RunExecutor;
  private readonly workspaces: WorkspaceCleaner;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly shutdownTimeoutMs: number;

  private readonly state: RuntimeState = emptyRuntimeState();
  private readonly listeners = new Set<OrchestratorListener>();
  private queue: Promise<void> = Promise.resolve();
  private lifecycle: "idle" | "running" | "stopped" = "idle";
  private stopping: Promise<void> | null = null;
  private tickTimer: unknown = null;
  private nextTickAtMs: number | null = null;
  private tickQueued = false;
  private checking = false;
  private lastError: LoopError | null = null;
  private nextRunId = 1;
  private nextRetryToken = 1;
  private watched: { tracker: TrackerAdapter; unwatch: () => void } | null = null;

  private readonly logAgentEvents: boolean;

  constructor(deps: OrchestratorDeps) {
    this.config = deps.config;
    this.executor = deps.executor;
    this.workspaces = deps.workspaces;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.shutdownTimeoutMs = deps.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    // Agent events are the hottest path: their debug line is only built when debug is on.
    this.logAgentEvents = this.logger.isLevelEnabled?.("debug") ?? false;
  }

  /**
   * Removes workspaces of issues already terminal (SPEC 8.6), then polls immediately and every
   * `polling.interval_ms`. The caller validates the workflow before constructing the orchestrator.
   */
  async start(): Promise<void> {
    if (this.lifecycle !== "idle") return;
    this.lifecycle = "running";
    await this.enqueue("startup_cleanup", () => this.startupCleanup());
    this.queueTick();
  }

  /** Queues an immediate poll + reconcile; a request made while one is queued joins it. */
  requestRefresh(): RefreshResult {
    const requested_at = isoAt(this.clock.now());
    if (this.lifecycle !== "running") return { queued: false, coalesced: false, requested_at };
    const queuedNow = this.queueTick();
    return { queued: true, coalesced: !queuedNow, requested_at };
  }

  /** Stops polling and retries, cancels running attempts and waits (bounded) for them to finish. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /**
   * Operator stop (B.operator-stop): cancels the running attempt (or drops the queued retry or the
   * block) and holds the issue as `stopped` with `reason`; it is not retried until the ticket
   * changes or `retryIssue` is called.
   */
  stopIssue(identifier: string, reason: string): Promise<OperatorActionResult> {
    return this.operatorAction(identifier, (id) => this.applyOperatorStop(id, reason));
  }

  /** Operator retry (B.operator-retry): a queued, blocked or stopped issue is re-checked and dispatched now. */
  retryIssue(identifier: string): Promise<OperatorActionResult> {
    return this.operatorAction(identifier, (id) => this.applyOperatorRetry(id));
  }

  snapshot(): OrchestratorSnapshot {
    const now = this.clock.now();
    return buildSnapshot(
      this.state,
      now,
      { checking: this.checking, next_tick_at_ms: this.tickQueued ? now : this.nextTickAtMs },
      this.lastError,
    );
  }

  issueDetail(identifier: string): IssueDetail | null {
    return buildIssueDetail(this.state, identifier);
  }

  subscribe(listener: OrchestratorListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // ---- queue and timers ------------------------------------------------------------------------

  private enqueue(operation: string, task: () => Promise<void> | void): Promise<void> {
    const run = this.queue.then(task).catch((error: unknown) => {
      this.log(this.logger, "error", {
        action: operation,
        outcome: "failed",
        reason: toBatonError(error, "internal_error").toString(),
      });
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
      if (tracker.watch) this.watched.unwatch = tracker.watch(() => this.requestRefresh());
    } catch (error) {
      const reason = toBatonError(error, "tracker_watch_failed").toString();
      this.log(this.logger, "warn", {
        action: "watch_tracker",
        outcome: "failed",
        reason,
        fallback: "polling",
      });
    }
  }

  // ---- startup and shutdown --------------------------------------------------------------------

  private async startupCleanup(): Promise<void> {
    const config = this.config.current();
    let terminal: Issue[];
    try {
      terminal = await this.config.tracker().fetchIssuesByStates(config.tracker.terminal_states);
    } catch (error) {
      const problem = this.trackerError("startup_cleanup", error);
      this.log(this.logger, "warn", {
        action: "startup_cleanup",
        outcome: "skipped",
        reason: problem.toString(),
      });
      return;
    }
    for (const issue of terminal) await this.removeWorkspace(issue.identifier, this.issueLogger(issue));
    this.log(this.logger, "info", {
      action: "startup_cleanup",
      outcome: "completed",
      terminal_issues: terminal.length,
    });
  }

  private async shutdown(): Promise<void> {
    this.lifecycle = "stopped";
    this.clearTickTimer();
    this.watched?.unwatch();
    this.watched = null;
    for (const entry of this.state.retrying.values()) this.clock.clearTimeout(entry.timer);
    this.state.retrying.clear();

    const runs = [...this.state.running].map(([id, entry]) => {
      this.requestStop(id, entry, { kind: "shutdown" });
      return entry.handle.done;
    });
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
    this.log(this.logger, gaveUp ? "warn" : "info", {
      action: "shutdown",
      outcome: gaveUp ? "timed_out" : "completed",
      still_running: this.state.running.size,
    });
  }

  // ---- tick ------------------------------------------------------------------------------------

  /** SPEC 8.1 / 16.2: reconcile, re-check blocked issues, preflight, fetch, sort, dispatch, notify. */
  private async tick(): Promise<void> {
    const problems: LoopError[] = [];
    this.syncTrackerWatch();
    const reconcileConfig = this.config.current();
    await this.reconcileRunning(reconcileConfig, problems);
    await this.recheckBlockedIssues(reconcileConfig, problems);
    await this.recheckStoppedIssues(reconcileConfig, problems);

    let dispatched = 0;
    const preflightError = await this.preflight();
    if (preflightError) {
      problems.push(this.loopError(preflightError));
      this.log(this.logger, "error", {
        action: "preflight",
        outcome: "failed",
        reason: preflightError.toString(),
        dispatch: "skipped",
      });
      this.emit({ type: "preflight_failed", at: this.nowIso(), error: this.errorView(preflightError) });
    } else {
      // Preflight may have applied a reload; dispatch uses what it left behind.
      const config = this.config.current();
      const tracker = this.config.tracker();
      try {
        const candidates = await tracker.fetchIssuesByStates(config.tracker.active_states);
        dispatched = await this.dispatchCandidates(candidates, config, tracker);
      } catch (error) {
        const problem = this.trackerError("fetch_candidates", error);
        problems.push(this.loopError(problem));
        this.log(this.logger, "warn", {
          action: "fetch_candidates",
          outcome: "failed",
          reason: problem.toString(),
          dispatch: "skipped",
        });
      }
    }

    this.lastError = problems.at(-1) ?? null;
    const counts = {
      dispatched,
      running: this.state.running.size,
      retrying: this.state.retrying.size,
      blocked: this.state.blocked.size,
    };
    this.log(this.logger, "debug", { action: "tick", outcome: "completed", ...counts });
    this.emit({ type: "tick_completed", at: this.nowIso(), ...counts });
  }

  private async preflight(): Promise<BatonError | null> {
    try {
      return await this.config.preflight();
    } catch (error) {
      return toBatonError(error, "preflight_failed");
    }
  }

  /** SPEC 8.5 / 16.3: stall detection first, then one batched refresh of every running issue. */
  private async reconcileRunning(config: OrchestratorConfig, problems: LoopError[]): Promise<void> {
    const now = this.clock.now();
    for (const [id, entry] of this.state.running) {
      if (entry.stopRequest) continue;
      const stalledMs = stalledForMs(entry, now, config.codex.stall_timeout_ms);
      if (stalledMs !== null) this.requestStop(id, entry, { kind: "stall", elapsedMs: stalledMs });
    }

    const ids = [...this.state.running].filter(([, entry]) => !entry.stopRequest).map(([id]) => id);
    if (ids.length === 0) return;
    let refreshed: Issue[];
    try {
      refreshed = await this.config.tracker().fetchIssuesByIds(ids);
    } catch (error) {
      const problem = this.trackerError("reconcile", error);
      problems.push(this.loopError(problem));
      this.log(this.logger, "warn", {
        action: "reconcile",
        outcome: "failed",
        reason: problem.toString(),
        workers: "kept",
      });
      return;
    }

    const byId = new Map(refreshed.map((issue) => [issue.id, issue]));
    const checkedAt = this.clock.now();
    for (const id of ids) {
      const entry = this.state.running.get(id);
      if (!entry || entry.stopRequest) continue;
      const fresh = byId.get(id);
      const action = reconcileRunningAttempt(fresh, config, entry, checkedAt);
      // Keep the tracker's latest view even when stopping: logs and the API then say which state it left for.
      if (fresh) entry.issue = fresh;
      if (action.kind === "stop") {
        this.requestStop(id, entry, { kind: "reconcile", reason: action.reason, cleanup: action.cleanup });
      } else if (action.kind !== "update") {
        this.log(entry.log, "debug", {
          action: "reconcile",
          outcome: action.kind,
          state: action.issue.state,
        });
      }
    }
  }

  /** Stopped issues are released once the ticket changed or left the active states (B.operator-stop). */
  private async recheckStoppedIssues(config: OrchestratorConfig, problems: LoopError[]): Promise<void> {
    const ids = [...this.state.stopped.keys()];
    if (ids.length === 0) return;
    let refreshed: Issue[];
    try {
      refreshed = await this.config.tracker().fetchIssuesByIds(ids);
    } catch (error) {
      const problem = this.trackerError("recheck_stopped", error);
      problems.push(this.loopError(problem));
      this.log(this.logger, "warn", {
        action: "recheck_stopped",
        outcome: "failed",
        reason: problem.toString(),
      });
      return;
    }
    const byId = new Map(refreshed.map((issue) => [issue.id, issue]));
    for (const id of ids) {
      const entry = this.state.stopped.get(id);
      if (!entry) continue;
      const action = recheckStopped(entry, byId.get(id), config);
      if (action.kind === "stay") {
        entry.state = action.issue.state;
        entry.title = action.issue.title;
        entry.baseline = action.baseline;
        continue;
      }
      const log = this.logger.child({ issue_id: id, issue_identifier: entry.identifier });
      if (action.cleanup) await this.removeWorkspace(entry.identifier, log);
      this.release(id, entry.identifier, action.reason, log);
    }
  }

  private async recheckBlockedIssues(config: OrchestratorConfig, problems: LoopError[]): Promise<void> {
    const ids = [...this.state.blocked.keys()];
    if (ids.length === 0) return;
    let refreshed: Issue[];
    try {
      refreshed = await this.config.tracker().fetchIssuesByIds(ids);
    } catch (error) {
      const problem = this.trackerError("recheck_blocked", error);
      problems.push(this.loopError(problem));
      this.log(this.logger, "warn", {
        action: "recheck_blocked",
        outcome: "failed",
        reason: problem.toString(),
      });
      return;
    }

    const byId = new Map(refreshed.map((issue) => [issue.id, issue]));
    for (const id of ids) {
      const entry = this.state.blocked.get(id);
      if (!entry) continue;
      const action = recheckBlocked(byId.get(id), config);
      if (action.kind === "stay") {
        entry.issue = action.issue;
        continue;
      }
      const log = this.issueLogger(entry.issue, entry.session.session_id);
      if (action.cleanup) await this.removeWorkspace(entry.issue.identifier, log);
      this.release(id, entry.issue.identifier, action.reason, log);
    }
  }

  private async dispatchCandidates(
    candidates: Issue[],
    config: OrchestratorConfig,
    tracker: TrackerAdapter,
  ): Promise<number> {
    let dispatched = 0;
    let runningCounts = runningByState(this.state);
    for (const candidate of sortForDispatch(candidates)) {
      if (this.lifecycle !== "running" || globalSlots(config, this.state) <= 0) break;
      if (dispatchIneligibility(candidate, config, this.state, { runningCounts }) !== null) continue;
      const fresh = await this.recheckCandidate(candidate, config, tracker);
      if (fresh && this.lifecycle === "running" && this.dispatch(fresh, null)) dispatched += 1;
      // The recheck awaited the tracker: exits may have landed meanwhile, so count afresh.
      runningCounts = runningByState(this.state);
    }
    return dispatched;
  }

  /** A candidate list can be stale by the time we reach an issue: look it up again by ID before dispatching. */
  private async recheckCandidate(
    candidate: Issue,
    config: OrchestratorConfig,
    tracker: TrackerAdapter,
  ): Promise<Issue | null> {
    const log = this.issueLogger(candidate);
    let fresh: Issue | undefined;
    try {
      fresh = (await tracker.fetchIssuesByIds([candidate.id])).find((issue) => issue.id === candidate.id);
    } catch (error) {
      const problem = this.trackerError("dispatch_recheck", error);
      this.log(log, "warn", { action: "dispatch", outcome: "skipped", reason: `recheck failed: ${problem}` });
      return null;
    }
    const problem = fresh ? dispatchIneligibility(fresh, config, this.state) : "missing";
    if (problem !== null) {
      this.log(log, "info", { action: "dispatch", outcome: "skipped", reason: `recheck: ${problem}` });
      return null;
    }
    return fresh ?? null;
  }

  // ---- dispatch and worker exits ---------------------------------------------------------------

  /** SPEC 16.4. Returns false when the executor refused to start (a retry is then scheduled). */
  private dispatch(issue: Issue, attempt: number | null): boolean {
    const log = this.issueLogger(issue);
    const runId = this.nextRunId++;
    let handle: RunHandle;
    try {
      handle = this.executor.start({ issue, attempt }, this.reporterFor(issue.id, runId));
    } catch (error) {
      const reason = toBatonError(error, "agent_spawn_failed").toString();
      this.log(log, "error", { action: "dispatch", outcome: "failed", attempt, reason });
      const target = { ...this.ref(issue), title: issue.title, issue_url: issue.url, workspace_path: null };
      this.retryAfterFailure(target, attempt, `failed to spawn agent: ${reason}`, log);
      return false;
    }

    this.clearRetry(issue.id);
    const entry: RunningEntry = {
      issue,
      attempt,
      runId,
      handle,
      started_at_ms: this.clock.now(),
      workspace_path: null,
      session: newLiveSession(),
      stopRequest: null,
      handoff: null,
      tool_calls_in_flight: 0,
      log,
    };
    this.state.running.set(issue.id, entry);
    this.recordRecent(issue.id, "dispatched", attempt === null ? "first attempt" : `attempt ${attempt}`);
    this.log(log, "info", { action: "dispatch", outcome: "started", attempt, state: issue.state });
    this.emit({ type: "dispatched", at: this.nowIso(), ...this.ref(issue), attempt });

    void handle.done
      .catch(
        (error: unknown): RunOutcome => ({ kind: "failed", error: toBatonError(error, "worker_crashed") }),
      )
      .then((outcome) => this.enqueue("worker_exit", () => this.onWorkerExit(issue.id, runId, outcome)));
    return true;
  }

  private reporterFor(id: string, runId: number): RunReporter {
    const current = (): RunningEntry | undefined => {
      const entry = this.state.running.get(id);
      return entry?.runId === runId ? entry : undefined;
    };
    return {
      workspaceReady: (path) => {
        const entry = current();
        if (entry) entry.workspace_path = path;
      },
      agentEvent: (event) => {
        const entry = current();
        if (entry) this.onAgentEvent(id, entry, event);
      },
      toolCallStarted: () => {
        const entry = current();
        if (entry) entry.tool_calls_in_flight += 1;
      },
      toolCallEnded: (handoffState) => {
        const entry = current();
        if (entry) this.onToolCallEnded(id, entry, handoffState);
      },
    };
  }

  /**
   * Records the agent's own hand-off so reconciliation lets its turn finish. A reconciliation that
   * waited on this call and saw a state change that was not the run's own looks again at once.
   */
  private onToolCallEnded(id: string, entry: RunningEntry, handoffState: string | null): void {
    entry.tool_calls_in_flight = Math.max(entry.tool_calls_in_flight - 1, 0);
    if (handoffState !== null && entry.handoff === null) {
      entry.handoff = { state: normalizeState(handoffState), at_ms: this.clock.now() };
      this.log(entry.log, "info", { action: "handoff", outcome: "recorded", state: handoffState });
      this.recordRecent(id, "handoff", `agent moved the ticket to ${handoffState}`);
      return;
    }
    if (entry.handoff === null && !isActiveState(entry.issue.state, this.config.current()))
      this.requestRefresh();
  }

  private onAgentEvent(id: string, entry: RunningEntry, event: AgentEvent): void {
    // One clock read per event: this runs for every protocol message of every session.
    const now = this.clock.now();
    const update = applyAgentEvent(entry.session, this.state.totals, event, now);
    entry.session = update.session;
    this.state.totals = update.totals;
    if (update.rateLimits !== undefined) this.state.rate_limits = update.rateLimits;
    if (update.newTurn) {
      entry.log = this.issueLogger(entry.issue, update.session.session_id);
      this.log(entry.log, "info", {
        action: "turn",
        outcome: "started",
        turn_count: update.session.turn_count,
      });
    }
    if (this.logAgentEvents) {
      this.log(entry.log, "debug", { action: "agent_event", event: event.event, message: event.summary });
    }
    this.recordRecent(id, event.event, event.summary, now);
    this.emit({ type: "agent_event", at: isoAt(now), ...this.ref(entry.issue), event });
  }

  /** SPEC 16.6, plus Baton's blocked outcome and the stop the orchestrator itself requested. */
  private async onWorkerExit(id: string, runId: number, outcome: RunOutcome): Promise<void> {
    const entry = this.state.running.get(id);
    if (!entry || entry.runId !== runId) return;
    this.state.running.delete(id);
    const runtimeSeconds = Math.max(this.clock.now() - entry.started_at_ms, 0) / 1000;
    this.state.totals.ended_seconds += runtimeSeconds;

    const error = outcome.kind === "failed" || outcome.kind === "blocked" ? outcome.error.toString() : null;
    const reason = outcome.kind === "failed" || outcome.kind === "blocked" ? error! : outcome.reason;
    const turns = outcome.kind === "normal" ? outcome.turns : undefined;
    const level: LogLevel = outcome.kind === "normal" || outcome.kind === "cancelled" ? "info" : "warn";
    this.log(entry.log, level, { action: "worker_exit", outcome: outcome.kind, turns, reason });
    this.recordRecent(id, "worker_exited", `${outcome.kind}: ${reason}`);
    this.emit({
      type: "worker_exited",
      at: this.nowIso(),
      ...this.ref(entry.issue),
      outcome: outcome.kind,
      error,
      runtime_seconds: runtimeSeconds,
    });

    if (this.lifecycle !== "running") return;
    const target = {
      ...this.ref(entry.issue),
      title: entry.issue.title,
      issue_url: entry.issue.url,
      workspace_path: entry.workspace_path,
    };
    const stop = entry.stopRequest;
    if (stop?.kind === "reconcile") {
      // The workspace is removed only now, after the agent and after_run have let go of it.
      if (stop.cleanup) await this.removeWorkspace(entry.issue.identifier, entry.log);
      this.release(id, entry.issue.identifier, stop.reason, entry.log);
      return;
    }
    if (stop?.kind === "operator") {
      await this.holdStopped(id, {
        identifier: entry.issue.identifier,
        title: entry.issue.title,
        issue_url: entry.issue.url,
        state: entry.issue.state,
        reason: stop.reason,
        attempt: entry.attempt,
        workspace_path: entry.workspace_path,
        session: entry.session,
      });
      return;
    }
    if (stop?.kind === "stall") {
      this.retryAfterFailure(target, entry.attempt, stallError(stop.elapsedMs), entry.log, "stall");
      return;
    }
    switch (outcome.kind) {
      case "normal":
        this.state.completed.add(id);
        this.scheduleRetry(
          target,
          { attempt: 1, kind: "continuation", cause: "continuation", error: null },
          entry.log,
        );
        return;
      case "failed":
        this.retryAfterFailure(target, entry.attempt, outcome.error.toString(), entry.log);
        return;
      case "cancelled":
        // Nobody here asked for it, so it is treated like any other failure.
        this.retryAfterFailure(target, entry.attempt, `cancelled: ${outcome.reason}`, entry.log);
        return;
      case "blocked":
        this.block(id, entry, outcome.error.toString());
        return;
    }
  }

  private block(id: string, entry: RunningEntry, error: string): void {
    this.state.blocked.set(id, {
      issue: entry.issue,
      error,
      blocked_at_ms: this.clock.now(),
      workspace_path: entry.workspace_path,
      session: entry.session,
    });
    this.log(entry.log, "warn", { action: "block", outcome: "held", reason: error, retry: "none" });
    this.recordRecent(id, "blocked", error);
    this.emit({ type: "blocked", at: this.nowIso(), ...this.ref(entry.issue), error });
  }

  private requestStop(id: string, entry: RunningEntry, request: StopRequest): void {
    entry.stopRequest = request;
    const reason = stopReasonText(request);
    const cleanup = request.kind === "reconcile" && request.cleanup;
    const elapsed_ms = request.kind === "stall" ? request.elapsedMs : undefined;
    this.log(entry.log, "info", {
      action: "stop",
      outcome: "requested",
      reason,
      cleanup,
      elapsed_ms,
      state: entry.issue.state,
    });
    this.recordRecent(id, "stop_requested", reason);
    this.emit({ type: "stopped", at: this.nowIso(), ...this.ref(entry.issue), reason, cleanup });
    try {
      entry.handle.cancel(request.kind === "stall" ? stallError(request.elapsedMs) : reason);
    } catch (error) {
      this.log(entry.log, "error", {
        action: "stop",
        outcome: "failed",
        reason: toBatonError(error, "cancel_failed").toString(),
      });
    }
  }

  // ---- retries ---------------------------------------------------------------------------------

  /** The retry after a failed attempt `previous` (null for a first run): next attempt number, backoff delay. */
  private retryAfterFailure(
    target: RetryTarget,
    previous: number | null,
    error: string,
    log: Logger,
    cause: RetryCause = "failure",
  ): void {
    this.scheduleRetry(target, { attempt: nextFailureAttempt(previous), kind: "failure", cause, error }, log);
  }

  /** SPEC 8.4: replaces any existing retry of the issue with a fresh entry, timer and token. */
  private scheduleRetry(
    target: RetryTarget,
    {
      attempt,
      kind,
      cause,
      error,
      delayMs: delayOverride,
    }: { attempt: number; kind: RetryKind; cause: RetryCause; error: string | null; delayMs?: number },
    log: Logger,
  ): void {
    const ref = { issue_id: target.issue_id, issue_identifier: target.issue_identifier };
    this.clearRetry(ref.issue_id);
    const delayMs =
      delayOverride ?? retryDelayMs(kind, attempt, this.config.current().agent.max_retry_backoff_ms);
    const token = this.nextRetryToken++;
    const dueAtMs = this.clock.now() + delayMs;
    const timer = this.clock.setTimeout(() => {
      void this.enqueue("retry", () => this.onRetryTimer(ref.issue_id, token));
    }, delayMs);
    this.state.retrying.set(ref.issue_id, {
      issue_id: ref.issue_id,
      identifier: ref.issue_identifier,
      title: target.title,
      issue_url: target.issue_url,
      attempt,
      due_at_ms: dueAtMs,
      error,
      workspace_path: target.workspace_path,
      token,
      timer,
    });
    this.log(log, "info", {
      action: "retry",
      outcome: "scheduled",
      attempt,
      kind,
      delay_ms: delayMs,
      reason: error ?? undefined,
    });
    this.recordRecent(
      ref.issue_id,
      "retry_scheduled",
      `attempt ${attempt} in ${delayMs}ms${error ? `: ${error}` : ""}`,
    );
    this.emit({
      type: "retry_scheduled",
      at: this.nowIso(),
      ...ref,
      attempt,
      kind,
      cause,
      delay_ms: delayMs,
      due_at: isoAt(dueAtMs),
      error,
    });
  }

  /** SPEC 8.4 / 16.6 `on_retry_timer`; a timer whose token no longer matches the entry is ignored. */
  private async onRetryTimer(id: string, token: number): Promise<void> {
    const entry = this.state.retrying.get(id);
    if (this.lifecycle !== "running" || entry?.token !== token) return;
    const target: RetryTarget = {
      issue_id: id,
      issue_identifier: entry.identifier,
      title: entry.title,
      issue_url: entry.issue_url,
      workspace_path: entry.workspace_path,
    };
    const log = this.logger.child({ issue_id: id, issue_identifier: entry.identifier });

    let fresh: Issue | undefined;
    try {
      fresh = (await this.config.tracker().fetchIssuesByIds([id])).find((issue) => issue.id === id);
    } catch (error) {
      const problem = this.trackerError("retry_refresh", error);
      this.retryAfterFailure(target, entry.attempt, `retry refresh failed: ${problem}`, log);
      return;
    }

    const action = retryTimerAction(id, fresh, this.config.current(), this.state);
    switch (action.kind) {
      case "dispatch":
        this.dispatch(action.issue, entry.attempt);
        return;
      case "requeue":
        this.retryAfterFailure(target, entry.attempt, NO_SLOTS_ERROR, log, "no_slots");
        return;
      case "release":
        if (action.cleanup) await this.removeWorkspace(entry.identifier, log);
        this.release(id, entry.identifier, action.reason, log);
        return;
    }
  }

  private clearRetry(id: string): void {
    const existing = this.state.retrying.get(id);
    if (!existing) return;
    this.clock.clearTimeout(existing.timer);
    this.state.retrying.delete(id);
  }

  /** Drops every claim the orchestrator holds on the issue (SPEC 7.1 `Released`). */
  private release(
    id: string,
    identifier: string,
    reason: ReleaseReason | "ticket_changed",
    log: Logger,
  ): void {
    this.clearRetry(id);
    this.state.blocked.delete(id);
    this.state.stopped.delete(id);
    this.state.recent_events.delete(id);
    this.log(log, "info", { action: "release", outcome: "released", reason });
    this.emit({ type: "released", at: this.nowIso(), issue_id: id, issue_identifier: identifier, reason });
  }

  // ---- operator actions (B.operator) -----------------------------------------------------------

  /** Runs an operator action in the queue, so it never interleaves with a tick or a retry timer. */
  private async operatorAction(
    identifier: string,
    apply: (id: string) => Promise<OperatorActionResult> | OperatorActionResult,
  ): Promise<OperatorActionResult> {
    const unavailable: OperatorActionResult = {
      ok: false,
      code: "orchestrator_unavailable",
      message: "the orchestrator is not running",
    };
    if (this.lifecycle !== "running") return unavailable;
    let result: OperatorActionResult = unavailable;
    await this.enqueue("operator_action", async () => {
      if (this.lifecycle !== "running") return;
      const id = this.claimedIdOf(identifier);
      result =
        id === null
          ? {
              ok: false,
              code: "issue_not_found",
              message: `issue ${identifier} is not running, retrying, blocked or stopped in this Baton process`,
            }
          : await apply(id);
    });
    return result;
  }

  private claimedIdOf(identifier: string): string | null {
    for (const [id, entry] of this.state.running) if (entry.issue.identifier === identifier) return id;
    for (const [id, entry] of this.state.retrying) if (entry.identifier === identifier) return id;
    for (const [id, entry] of this.state.blocked) if (entry.issue.identifier === identifier) return id;
    for (const [id, entry] of this.state.stopped) if (entry.identifier === identifier) return id;
    return null;
  }

  private async applyOperatorStop(id: string, reason: string): Promise<OperatorActionResult> {
    const action = operatorStopAction(this.state, id);
    const requested_at = this.nowIso();
    switch (action.kind) {
      case "refuse":
        return { ok: false, code: "conflict", message: `issue is already stopped or being stopped` };
      case "cancel_run": {
        const entry = this.state.running.get(id)!;
        this.requestStop(id, entry, { kind: "operator", reason });
        return { ok: true, status: "stopping", requested_at, ...this.ref(entry.issue) };
      }
      case "hold": {
        const retry = this.state.retrying.get(id);
        const blocked = this.state.blocked.get(id);
        const held = retry
          ? {
              identifier: retry.identifier,
              title: retry.title,
              issue_url: retry.issue_url,
              state: null,
              attempt: retry.attempt,
              workspace_path: retry.workspace_path,
              session: null,
            }
          : {
              identifier: blocked!.issue.identifier,
              title: blocked!.issue.title,
              issue_url: blocked!.issue.url,
              state: blocked!.issue.state,
              attempt: null,
              workspace_path: blocked!.workspace_path,
              session: blocked!.session,
            };
        this.clearRetry(id);
        this.state.blocked.delete(id);
        const ref = { issue_id: id, issue_identifier: held.identifier };
        this.emit({ type: "stopped", at: requested_at, ...ref, reason, cleanup: false });
        await this.holdStopped(id, { ...held, reason });
        return { ok: true, status: "stopped", requested_at, ...ref };
      }
    }
  }

  /** Holds an issue as stopped; its current version is read at once so a later edit releases it. */
  private async holdStopped(
    id: string,
    held: {
      identifier: string;
      title: string;
      issue_url: string | null;
      state: string | null;
      reason: string;
      attempt: number | null;
      workspace_path: string | null;
      session: LiveSession | null;
    },
  ): Promise<void> {
    const log = this.logger.child({ issue_id: id, issue_identifier: held.identifier });
    let fresh: Issue | undefined;
    try {
      fresh = (await this.config.tracker().fetchIssuesByIds([id])).find((issue) => issue.id === id);
    } catch (error) {
      // The next tick takes the baseline instead.
      this.trackerError("stop_baseline", error);
    }
    this.state.stopped.set(id, {
      ...held,
      state: fresh?.state ?? held.state,
      stopped_at_ms: this.clock.now(),
      baseline: fresh ? issueVersion(fresh) : null,
    });
    this.log(log, "info", { action: "operator_stop", outcome: "held", reason: held.reason, retry: "none" });
    this.recordRecent(id, "stopped", held.reason);
  }

  private applyOperatorRetry(id: string): OperatorActionResult {
    const action = operatorRetryAction(this.state, id);
    if (action.kind === "refuse") {
      return {
        ok: false,
        code: "conflict",
        message: "issue is running; stop it first or wait for it to end",
      };
    }
    const retry = this.state.retrying.get(id);
    const blocked = this.state.blocked.get(id);
    const stopped = this.state.stopped.get(id);
    const target: RetryTarget = retry
      ? {
          issue_id: id,
          issue_identifier: retry.identifier,
          title: retry.title,
          issue_url: retry.issue_url,
          workspace_path: retry.workspace_path,
        }
      : blocked
        ? {
            ...this.ref(blocked.issue),
            title: blocked.issue.title,
            issue_url: blocked.issue.url,
            workspace_path: blocked.workspace_path,
          }
        : {
            issue_id: id,
            issue_identifier: stopped!.identifier,
            title: stopped!.title,
            issue_url: stopped!.issue_url,
            workspace_path: stopped!.workspace_path,
          };
    this.state.blocked.delete(id);
    this.state.stopped.delete(id);
    const log = this.logger.child({ issue_id: id, issue_identifier: target.issue_identifier });
    this.log(log, "info", {
      action: "operator_retry",
      outcome: "queued",
      from: action.from,
      attempt: action.attempt,
    });
    this.scheduleRetry(
      target,
      { attempt: action.attempt, kind: "failure", cause: "operator", error: null, delayMs: 0 },
      log,
    );
    return {
      ok: true,
      status: "retry_queued",
      requested_at: this.nowIso(),
      issue_id: id,
      issue_identifier: target.issue_identifier,
    };
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private async removeWorkspace(identifier: string, log: Logger): Promise<void> {
    try {
      await this.workspaces.remove(identifier);
      this.log(log, "info", { action: "workspace_cleanup", outcome: "completed" });
    } catch (error) {
      this.log(log, "warn", {
        action: "workspace_cleanup",
        outcome: "failed",
        reason: toBatonError(error, "workspace_cleanup_failed").toString(),
      });
    }
  }

  private trackerError(operation: string, error: unknown): BatonError {
    const problem = toBatonError(error, "tracker_request");
    this.emit({ type: "tracker_error", at: this.nowIso(), operation, error: this.errorView(problem) });
    return problem;
  }

  private issueLogger(issue: Issue, sessionId: string | null = null): Logger {
    const bindings: Record<string, unknown> = { issue_id: issue.id, issue_identifier: issue.identifier };
    if (sessionId !== null) bindings.session_id = sessionId;
    return this.logger.child(bindings);
  }

  private recordRecent(id: string, event: string, message: string, atMs = this.clock.now()): void {
    let events = this.state.recent_events.get(id);
    if (events === undefined) {
      events = [];
      this.state.recent_events.set(id, events);
    }
    events.push({ at_ms: atMs, event, message });
    // Trimmed in batches: cutting one entry per agent event would copy the whole list every time.
    if (events.length >= 2 * RECENT_EVENTS_LIMIT) events.splice(0, events.length - RECENT_EVENTS_LIMIT);
  }

  private emit(event: OrchestratorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(this.logger, "warn", {
          action: "notify",
          outcome: "failed",
          event: event.type,
          reason: toBatonError(error, "listener_failed").toString(),
        });
      }
    }
  }

  private log(logger: Logger, level: LogLevel, fields: LogFields): void {
    try {
      writeLog(logger, level, fields);
    } catch {
      // A failing log sink must not take the scheduler down with it (SPEC 14.2).
    }
  }

  private ref(issue: Issue): IssueRef {
    return { issue_id: issue.id, issue_identifier: issue.identifier };
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
