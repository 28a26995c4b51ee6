import type { AgentEvent, ApprovalAnswer, Issue, Logger, TokenCounts, TrackerAdapter } from "@baton/domain";
import { BatonError } from "@baton/domain";
import { MemoryTracker, makeIssue } from "@baton/tracker";
import type { OrchestratorEvent } from "../src/orchestrator.ts";
import { Orchestrator } from "../src/orchestrator.ts";
import type {
  Clock,
  ConfigSource,
  OrchestratorConfig,
  RunExecutor,
  RunHandle,
  RunOutcome,
  RunReporter,
  RunRequest,
  StateChange,
  StateStore,
  WorkspaceCleaner,
} from "../src/ports.ts";
import type { OrchestratorState } from "../src/state.ts";

export const T0 = Date.parse("2026-03-01T12:00:00.000Z");

interface FakeTimer {
  id: number;
  dueAt: number;
  callback: () => void;
}

/** A clock that only moves when the test says so; fired callbacks stay available for replay. */
export class FakeClock implements Clock {
  private time = T0;
  private nextId = 1;
  private timers: FakeTimer[] = [];
  readonly fired: FakeTimer[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, dueAt: this.time + Math.max(ms, 0), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Moves time forward, firing due timers in order (each sees the clock at its due time). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const next = this.timers
        .filter((timer) => timer.dueAt <= target)
        .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.time = next.dueAt;
      this.fired.push(next);
      next.callback();
    }
    this.time = target;
  }

  pendingDelays(): number[] {
    return this.timers.map((timer) => timer.dueAt - this.time).sort((a, b) => a - b);
  }
}

export function makeConfig(
  overrides: {
    tracker?: Partial<OrchestratorConfig["tracker"]>;
    polling?: Partial<OrchestratorConfig["polling"]>;
    agent?: Partial<OrchestratorConfig["agent"]>;
    codex?: Partial<OrchestratorConfig["codex"]>;
    budget?: OrchestratorConfig["budget"];
  } = {},
): OrchestratorConfig {
  return {
    tracker: {
      active_states: ["Todo", "In Progress"],
      terminal_states: ["Done", "Cancelled"],
      required_labels: [],
      ...overrides.tracker,
    },
    polling: { interval_ms: 30_000, ...overrides.polling },
    agent: {
      max_concurrent_agents: 10,
      max_turns: 20,
      max_retry_backoff_ms: 300_000,
      max_concurrent_agents_by_state: {},
      max_tokens_per_issue: null,
      max_tokens_per_session: null,
      ...overrides.agent,
    },
    codex: { stall_timeout_ms: 300_000, turn_timeout_ms: 3_600_000, ...overrides.codex },
    budget: overrides.budget ?? null,
  };
}

/** A ConfigSource the test edits in place: swap `config`, set `preflightError`, replace `tracker`. */
export class TestConfigSource implements ConfigSource {
  preflightError: BatonError | null = null;
  preflightCalls = 0;

  constructor(
    public config: OrchestratorConfig,
    public trackerAdapter: TrackerAdapter,
  ) {}

  current(): OrchestratorConfig {
    return this.config;
  }

  tracker(): TrackerAdapter {
    return this.trackerAdapter;
  }

  async preflight(): Promise<BatonError | null> {
    this.preflightCalls += 1;
    return this.preflightError;
  }
}

/** One run handed to the fake executor; the test finishes it by hand. */
export class FakeRun {
  cancelReason: string | null = null;
  /** Answers given to the agent's waiting request, and whether the fake agent still waited for them. */
  readonly answers: { requestId: string; answer: ApprovalAnswer }[] = [];
  agentWaits = true;
  private resolveDone!: (outcome: RunOutcome) => void;
  readonly done = new Promise<RunOutcome>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(
    readonly request: RunRequest,
    readonly reporter: RunReporter,
    private readonly settleOnCancel: boolean,
  ) {}

  get issueId(): string {
    return this.request.issue.id;
  }

  finish(outcome: RunOutcome): void {
    this.resolveDone(outcome);
  }

  succeed(turns = 1): void {
    this.finish({ kind: "normal", turns, reason: "issue_not_active" });
  }

  fail(category: string, message: string): void {
    this.finish({ kind: "failed", error: new BatonError(category, message) });
  }

  block(category: string, message: string): void {
    this.finish({ kind: "blocked", error: new BatonError(category, message) });
  }

  cancel(reason: string): void {
    this.cancelReason = reason;
    // A real executor runs after_run and then settles; the fake settles at once unless told otherwise.
    if (this.settleOnCancel) this.finish({ kind: "cancelled", reason });
  }

  event(fields: Partial<AgentEvent> & Pick<AgentEvent, "event">): void {
    this.reporter.agentEvent({
      timestamp: new Date(T0).toISOString(),
      codex_app_server_pid: 4242,
      summary: fields.event,
      ...fields,
    });
  }
}

export class FakeExecutor implements RunExecutor {
  readonly runs: FakeRun[] = [];
  startError: Error | null = null;
  settleOnCancel = true;

  start(request: RunRequest, reporter: RunReporter): RunHandle {
    if (this.startError) throw this.startError;
    const run = new FakeRun(request, reporter, this.settleOnCancel);
    this.runs.push(run);
    return {
      cancel: async (reason) => run.cancel(reason),
      done: run.done,
      answer: async (requestId, answer) => {
        run.answers.push({ requestId, answer });
        return run.agentWaits;
      },
    };
  }

  runsFor(issueId: string): FakeRun[] {
    return this.runs.filter((run) => run.issueId === issueId);
  }

  lastRun(issueId: string): FakeRun {
    const run = this.runsFor(issueId).at(-1);
    if (!run) throw new Error(`no run was started for ${issueId}`);
    return run;
  }
}

export class FakeWorkspaces implements WorkspaceCleaner {
  readonly removed: string[] = [];
  failWith: Error | null = null;

  async remove(identifier: string): Promise<"removed"> {
    if (this.failWith) throw this.failWith;
    this.removed.push(identifier);
    return "removed";
  }
}

/**
 * A StateStore that keeps the state as a JSON string, as a file would: what it returns has been
 * through JSON, so anything that is not plain data would not survive it. `failWith` makes saves throw.
 */
export class JsonMemoryStore implements StateStore {
  readonly kind = "memory" as const;
  readonly path = null;
  saved: string | null = null;
  saves = 0;
  failWith: Error | null = null;
  warnings: string[] = [];

  load(): { state: OrchestratorState | null; warnings: string[] } {
    return {
      state: this.saved === null ? null : (JSON.parse(this.saved) as OrchestratorState),
      warnings: this.warnings,
    };
  }

  save(change: StateChange): void {
    if (this.failWith) throw this.failWith;
    this.saves += 1;
    this.saved = JSON.stringify(change.state);
  }

  /** The last saved state. */
  state(): OrchestratorState {
    if (this.saved === null) throw new Error("nothing was saved");
    return JSON.parse(this.saved) as OrchestratorState;
  }

  close(): void {}
}

export interface LogRecord {
  level: string;
  bindings: Record<string, unknown>;
  fields: Record<string, unknown>;
  msg: string | undefined;
}

/** Captures every line with the bindings of the child logger that wrote it. */
export function recordingLogger(records: LogRecord[], bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (fields: Record<string, unknown>, msg?: string) => {
    records.push({ level, bindings, fields, msg });
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (more) => recordingLogger(records, { ...bindings, ...more }),
  };
}

/** Lets every promise callback already queued run (the tracker and fakes here are all in-memory). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function waitFor(condition: () => boolean, what: string, deadlineMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await flush();
  }
}

export function tokens(input: number, output: number): TokenCounts {
  return { input_tokens: input, output_tokens: output, total_tokens: input + output };
}

export function issue(id: string, fields: Partial<Issue> = {}): Issue {
  return makeIssue({ id, identifier: `BAT-${id}`, state: "Todo", ...fields });
}

/**
 * The memory tracker without its push signal, so ticks happen only when the test advances the
 * clock or asks for a refresh (tests of the watch signal pass `watch: true`).
 */
function withoutWatch(tracker: MemoryTracker): TrackerAdapter {
  return {
    kind: tracker.kind,
    fetchIssuesByStates: (states) => tracker.fetchIssuesByStates(states),
    fetchIssuesByIds: (ids) => tracker.fetchIssuesByIds(ids),
    fetchIssue: (id) => tracker.fetchIssue(id),
    fetchCommentsSince: (id, since) => tracker.fetchCommentsSince(id, since),
    secretEnvironmentNames: () => [],
  };
}

export interface Harness {
  clock: FakeClock;
  tracker: MemoryTracker;
  source: TestConfigSource;
  executor: FakeExecutor;
  workspaces: FakeWorkspaces;
  orchestrator: Orchestrator;
  events: OrchestratorEvent[];
  logs: LogRecord[];
  /** Starts the orchestrator and waits for startup cleanup and the first tick. */
  start(): Promise<void>;
  /** Runs one poll tick by advancing the clock to it, and waits for it to complete. */
  tick(): Promise<void>;
  /** Advances the clock and waits until all resulting work is done. */
  advance(ms: number): Promise<void>;
  /** Waits until the orchestrator has nothing left to do for the current clock time. */
  settle(): Promise<void>;
  eventsOf<T extends OrchestratorEvent["type"]>(type: T): Extract<OrchestratorEvent, { type: T }>[];
}

export function harness(
  options: {
    issues?: Issue[];
    config?: OrchestratorConfig;
    watch?: boolean;
    shutdownTimeoutMs?: number;
    /** Real milliseconds between agent-event steps; 0 (each turn's events at once) unless a test paces them. */
    agentEventStepIntervalMs?: number;
    store?: StateStore;
    /** Share these with an earlier harness (a restart on the same machine). */
    clock?: FakeClock;
    tracker?: MemoryTracker;
  } = {},
): Harness {
  const clock = options.clock ?? new FakeClock();
  const tracker = options.tracker ?? new MemoryTracker(options.issues ?? []);
  const source = new TestConfigSource(
    options.config ?? makeConfig(),
    options.watch ? tracker : withoutWatch(tracker),
  );
  const executor = new FakeExecutor();
  const workspaces = new FakeWorkspaces();
  const logs: LogRecord[] = [];
  const orchestrator = new Orchestrator({
    config: source,
    executor,
    workspaces,
    clock,
    logger: recordingLogger(logs),
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    agentEventStepIntervalMs: options.agentEventStepIntervalMs ?? 0,
    ...(options.store ? { store: options.store } : {}),
  });
  const events: OrchestratorEvent[] = [];
  orchestrator.subscribe((event) => events.push(event));
  const ticks = () => events.filter((event) => event.type === "tick_completed").length;

  const settle = async () => {
    // The queue only advances through promise callbacks; a few macrotask turns drain it completely.
    for (let i = 0; i < 5; i += 1) await flush();
  };
  const self: Harness = {
    clock,
    tracker,
    source,
    executor,
    workspaces,
    orchestrator,
    events,
    logs,
    async start() {
      const before = ticks();
      await orchestrator.start();
      await waitFor(() => ticks() > before, "the first tick");
    },
    async tick() {
      const before = ticks();
      const due = orchestrator.snapshot().polling.next_tick_at;
      if (due === null) throw new Error("no poll tick is scheduled");
      clock.advance(Math.max(Date.parse(due) - clock.now(), 0));
      await waitFor(() => ticks() > before, "a poll tick");
      await settle();
    },
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    settle,
    eventsOf(type) {
      return events.filter((event) => event.type === type) as never;
    },
  };
  return self;
}
