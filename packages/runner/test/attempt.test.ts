import type { AgentEvent, AgentToolSpec, Issue, Logger, ToolContext, ToolResult } from "@baton/domain";
import { BatonError } from "@baton/domain";
import type { RunOutcome, RunReporter } from "@baton/orchestrator";
import { MemoryTracker, makeIssue } from "@baton/tracker";
import { describe, expect, it } from "vitest";
import {
  type AttemptDeps,
  decideAfterTurn,
  deliverReport,
  InProcessExecutor,
  type RunSpec,
  runAttempt,
  trackerGateway,
} from "../src/index.ts";
import type { AgentSession, AgentSessionRequest, AttemptWorkspace } from "../src/ports.ts";

// ---- in-test fakes ---------------------------------------------------------------------------

/** A promise the test resolves or rejects by hand, to hold a step open. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

async function waitFor(condition: () => boolean, what: string, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Records every workspace operation on the shared timeline; each step can be replaced to fail or hang. */
class FakeWorkspace implements AttemptWorkspace {
  prepareStep: () => Promise<void> = async () => {};
  beforeRunStep: () => Promise<void> = async () => {};
  afterRunStep: () => Promise<void> = async () => {};

  constructor(
    private readonly timeline: string[],
    readonly root = "/work/ws",
  ) {}

  async prepare(identifier: string): Promise<{ path: string; createdNow: boolean }> {
    this.timeline.push(`prepare:${identifier}`);
    await this.prepareStep();
    return { path: `${this.root}/${identifier}`, createdNow: true };
  }

  async runHook(name: "before_run" | "after_run", path: string): Promise<unknown> {
    this.timeline.push(`${name}:${path}`);
    await (name === "before_run" ? this.beforeRunStep() : this.afterRunStep());
    return undefined;
  }

  async runCommand(phase: string): Promise<{ exitCode: number | null; timedOut: boolean; output: string }> {
    this.timeline.push(`run_phase:${phase}`);
    return { exitCode: 0, timedOut: false, output: "" };
  }
}

/**
 * One scripted turn: complete, fail with an error, hang until interrupted/stopped, or run a
 * function (e.g. the agent moving the ticket or calling a tool) and then complete.
 */
type TurnStep = "complete" | "hang" | BatonError | ((request: AgentSessionRequest) => Promise<void> | void);

class FakeSession implements AgentSession {
  readonly turns: { prompt: string; title: string }[] = [];
  interrupts = 0;
  stops = 0;
  private endHangingTurn: (() => void) | null = null;

  constructor(
    private readonly timeline: string[],
    private readonly script: TurnStep[],
    readonly request: AgentSessionRequest,
  ) {}

  get running(): boolean {
    return this.stops === 0;
  }

  get turnInFlight(): boolean {
    return this.endHangingTurn !== null;
  }

  async runTurn(turn: { prompt: string; title: string }): Promise<unknown> {
    this.turns.push(turn);
    this.timeline.push(`turn:${this.turns.length}`);
    this.emit("turn_started");
    const step = this.script.shift() ?? "complete";
    if (step === "hang") {
      await new Promise<void>((_, reject) => {
        this.endHangingTurn = () => reject(new BatonError("turn_cancelled", "turn was interrupted"));
      });
    } else if (step instanceof BatonError) {
      throw step;
    } else if (typeof step === "function") {
      await step(this.request);
    }
    this.emit("turn_completed");
    return { status: "completed" };
  }

  async interrupt(): Promise<void> {
    this.interrupts++;
    this.timeline.push("interrupt");
    this.endHangingTurn?.();
    this.endHangingTurn = null;
  }

  async stop(): Promise<void> {
    this.stops++;
    this.timeline.push("stop");
    this.endHangingTurn?.();
    this.endHangingTurn = null;
  }

  private emit(event: AgentEvent["event"]): void {
    this.request.onEvent({
      event,
      timestamp: new Date().toISOString(),
      codex_app_server_pid: 4242,
      session_id: "thread-1-turn-1",
      summary: event,
    });
  }
}

/** Starts FakeSessions that share one turn script (the script spans the whole attempt). */
class FakeAgent {
  readonly sessions: FakeSession[] = [];
  startStep: () => Promise<void> = async () => {};

  constructor(
    private readonly timeline: string[],
    readonly script: TurnStep[] = [],
  ) {}

  readonly startSession = async (request: AgentSessionRequest): Promise<AgentSession> => {
    this.timeline.push(`start_session:${request.workspacePath}`);
    await this.startStep();
    const session = new FakeSession(this.timeline, this.script, request);
    this.sessions.push(session);
    return session;
  };

  get only(): FakeSession {
    expect(this.sessions).toHaveLength(1);
    return this.sessions[0]!;
  }
}

const COMMENT_TOOL: AgentToolSpec = {
  name: "tracker_comment",
  description: "Adds a comment to the current ticket",
  inputSchema: { type: "object", properties: { body: { type: "string" } } },
};

/** MemoryTracker plus a provider-native tool, recording the context each call receives. */
class ToolTracker extends MemoryTracker {
  readonly toolCalls: { name: string; args: unknown; context: ToolContext }[] = [];

  agentTools(): AgentToolSpec[] {
    return [COMMENT_TOOL];
  }

  async executeAgentTool(name: string, args: unknown, context: ToolContext): Promise<ToolResult> {
    this.toolCalls.push({ name, args, context });
    if (name === "tracker_move") {
      this.update(context.issue.id, { state: (args as { state: string }).state });
      return { success: true, output: { moved: context.issue.identifier } };
    }
    if (name !== COMMENT_TOOL.name) throw new Error(`no such tool ${name}`);
    return { success: true, output: { commented_on: context.issue.identifier } };
  }
}

interface LogRecord {
  level: string;
  fields: Record<string, unknown>;
  msg: string | undefined;
}

function recordingLogger(records: LogRecord[], bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (fields: Record<string, unknown>, msg?: string) =>
    records.push({ level, fields: { ...bindings, ...fields }, msg });
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (more) => recordingLogger(records, { ...bindings, ...more }),
  };
}

const TEMPLATE = "Work on {{ issue.identifier }} ({{ issue.title }}), attempt {{ attempt }}";

/** Interpolates the two variables the tests use; real Liquid rendering lives in @baton/workflow. */
async function fakeRender(
  template: string,
  context: { issue: Issue; attempt: number | null },
): Promise<string> {
  return template
    .replace("{{ issue.identifier }}", context.issue.identifier)
    .replace("{{ issue.title }}", context.issue.title)
    .replace("{{ attempt }}", context.attempt === null ? "none" : String(context.attempt));
}

function harness(options: { script?: TurnStep[]; issue?: Partial<Issue>; deps?: Partial<AttemptDeps> } = {}) {
  const timeline: string[] = [];
  const issue = makeIssue({
    id: "issue-1",
    identifier: "MT-1",
    title: "Fix login redirect",
    state: "In Progress",
    labels: ["backend"],
    ...options.issue,
  });
  const tracker = new ToolTracker([issue]);
  const workspace = new FakeWorkspace(timeline);
  const agent = new FakeAgent(timeline, options.script);
  const renders: { issue: Issue; attempt: number | null }[] = [];
  const logs: LogRecord[] = [];
  const reporter = {
    readyPaths: [] as string[],
    events: [] as AgentEvent[],
    /** `start` per started tool call, the hand-off state (or null) per ended one. */
    toolCalls: [] as (string | null)[],
    toolCallStarted() {
      this.toolCalls.push("start");
    },
    toolCallEnded(handoffState: string | null) {
      this.toolCalls.push(handoffState);
    },
    workspaceReady(path: string) {
      timeline.push(`workspace_ready:${path}`);
      this.readyPaths.push(path);
    },
    agentEvent(event: AgentEvent) {
      this.events.push(event);
    },
    processStarted() {},
  };
  const deps: AttemptDeps = {
    workspace,
    startSession: agent.startSession,
    renderPrompt: async (template, context) => {
      renders.push(context);
      return fakeRender(template, context);
    },
    promptTemplate: TEMPLATE,
    tools: tracker.agentTools(),
    gateway: trackerGateway(tracker),
    activeStates: ["Todo", "In Progress"],
    terminalStates: ["Done"],
    requiredLabels: [],
    maxTurns: 3,
    logger: recordingLogger(logs),
    ...options.deps,
  };
  const controller = new AbortController();
  const run = (attempt: number | null = null) =>
    runAttempt(
      { issue, attempt, run_id: "run-1" },
      deps,
      (report) => deliverReport(report, reporter),
      controller.signal,
    );
  const refreshCalls = () => tracker.calls.filter((call) => call.op === "fetchIssuesByIds").length;
  return {
    timeline,
    issue,
    tracker,
    workspace,
    agent,
    renders,
    logs,
    reporter,
    deps,
    controller,
    run,
    refreshCalls,
  };
}

function expectFailed(outcome: RunOutcome, category: string): BatonError {
  expect(outcome.kind).toBe("failed");
  if (outcome.kind !== "failed") throw new Error("unreachable");
  expect(outcome.error.category).toBe(category);
  return outcome.error;
}

const WS = "/work/ws/MT-1";

// ---- turn loop ---------------------------------------------------------------------------------

describe("runAttempt turn loop", () => {
  it("[S16.5-max-turns][S7.1-multi-turn][S7.1-continue-same-thread][S7.1-recheck-after-turn][S16.5-refresh-after-turn][S16.5-stop-then-after-run] keeps taking turns on one session while the issue stays active, re-reading it after each, and stops at max_turns", async () => {
    const h = harness();
    const outcome = await h.run();

    expect(outcome).toMatchObject({ kind: "normal", turns: 3 });
    expect(h.agent.only.turns).toHaveLength(3);
    expect(h.refreshCalls()).toBe(3);
    expect(h.timeline).toEqual([
      "prepare:MT-1",
      `workspace_ready:${WS}`,
      `before_run:${WS}`,
      `start_session:${WS}`,
      "turn:1",
      "turn:2",
      "turn:3",
      "stop",
      `after_run:${WS}`,
    ]);
  });

  it("[S7.1-first-turn-full-prompt][S7.1-continuation-guidance-only][S10.7-prompt-from-template] sends the rendered prompt on turn 1 and only continuation guidance afterwards", async () => {
    const h = harness({ deps: { maxTurns: 2 } });
    await h.run();

    const [first, second] = h.agent.only.turns;
    expect(first).toEqual({
      prompt: "Work on MT-1 (Fix login redirect), attempt none",
      title: "MT-1: Fix login redirect",
    });
    expect(h.renders).toHaveLength(1);
    expect(second!.title).toBe("MT-1: Fix login redirect");
    expect(second!.prompt.startsWith("Continuation guidance:")).toBe(true);
    expect(second!.prompt).toContain("This is continuation turn #2 of 2 for the current agent run.");
    expect(second!.prompt).toContain('still in state "In Progress"');
    expect(second!.prompt).toContain("handoff state");
    expect(second!.prompt).not.toContain("Work on MT-1");
  });

  it("[S12.3-attempt-null-first][S12.3-attempt-integer-later] renders the first run with attempt null and a retry with its attempt number", async () => {
    const first = harness({ deps: { maxTurns: 1 } });
    await first.run(null);
    const retry = harness({ deps: { maxTurns: 1 } });
    await retry.run(3);

    expect(first.renders.map((render) => render.attempt)).toEqual([null]);
    expect(first.agent.only.turns[0]!.prompt).toContain("attempt none");
    expect(retry.renders.map((render) => render.attempt)).toEqual([3]);
    expect(retry.agent.only.turns[0]!.prompt).toContain("attempt 3");
  });

  it("[S16.5-inactive-stops] ends normally after the turn in which the agent moved the ticket out of the active states", async () => {
    const h = harness({
      script: [
        () => {
          h.tracker.update("issue-1", { state: "Human Review" });
        },
      ],
    });
    const outcome = await h.run();

    expect(outcome).toMatchObject({ kind: "normal", turns: 1 });
    expect(h.agent.only.turns).toHaveLength(1);
    expect(h.agent.only.stops).toBe(1);
    expect(h.timeline.at(-1)).toBe(`after_run:${WS}`);
  });

  it("[S16.5-inactive-stops] compares states trimmed and case-insensitively, so a differently spelled active state keeps going", async () => {
    const h = harness({ deps: { activeStates: [" in progress "], maxTurns: 2 } });
    expect(await h.run()).toMatchObject({ kind: "normal", turns: 2 });
  });

  it("[S16.5-unroutable-stops] ends normally when the issue stops being dispatchable or loses a required label", async () => {
    const undispatchable = harness({
      deps: { requiredLabels: ["Backend"] },
      script: [() => void undispatchable.tracker.update("issue-1", { dispatchable: false })],
    });
    expect(await undispatchable.run()).toMatchObject({ kind: "normal", turns: 1 });

    const unlabelled = harness({
      deps: { requiredLabels: ["Backend"] },
      script: ["complete", () => void unlabelled.tracker.update("issue-1", { labels: ["frontend"] })],
    });
    expect(await unlabelled.run()).toMatchObject({ kind: "normal", turns: 2 });
  });

  it("[S16.5-unroutable-stops] treats a blank required label as matching nothing", () => {
    const issue = makeIssue({ id: "a", identifier: "A-1", state: "Todo", labels: ["backend"] });
    const rules = { activeStates: ["Todo"], terminalStates: ["Done"], maxTurns: 5 };
    expect(decideAfterTurn(issue, 1, { ...rules, requiredLabels: ["BACKEND "] })).toEqual({
      kind: "continue",
      issue,
    });
    expect(decideAfterTurn(issue, 1, { ...rules, requiredLabels: ["backend", "  "] })).toEqual({
      kind: "stop",
      reason: "issue_not_routable",
    });
  });

  it("[S16.5-missing-issue-stops] ends normally when the tracker no longer returns the issue", async () => {
    const h = harness({ script: [() => h.tracker.remove("issue-1")] });
    expect(await h.run()).toMatchObject({ kind: "normal", turns: 1 });
    expect(h.agent.only.stops).toBe(1);
  });

  it("[S16.5-refresh-error-fails][S10.7-fail-on-error] fails the attempt when the issue cannot be re-read, naming the issue and keeping the tracker category", async () => {
    const h = harness({ script: [() => h.tracker.failNext("tracker_status", "Linear answered HTTP 500")] });
    const outcome = await h.run();

    const error = expectFailed(outcome, "tracker_status");
    expect(error.message).toBe("issue state refresh error for MT-1: Linear answered HTTP 500");
    expect(h.agent.only.turns).toHaveLength(1);
    expect(h.timeline.slice(-2)).toEqual(["stop", `after_run:${WS}`]);
  });

  it("[S10.7-forward-events][S10.7-workspace-per-issue][S10.7-start-session] reports the workspace path and forwards every agent event to the orchestrator", async () => {
    const h = harness({ deps: { maxTurns: 2 } });
    await h.run();

    expect(h.reporter.readyPaths).toEqual([WS]);
    expect(h.agent.only.request.workspacePath).toBe(WS);
    expect(h.reporter.events.map((event) => event.event)).toEqual([
      "turn_started",
      "turn_completed",
      "turn_started",
      "turn_completed",
    ]);
  });
});

// ---- failures ----------------------------------------------------------------------------------

describe("runAttempt failures", () => {
  it("[S16.5-workspace-before-agent] fails without hooks or agent when the workspace cannot be prepared", async () => {
    const h = harness();
    const failure = new BatonError("invalid_workspace_cwd", "workspace path for MT-1 escapes the root");
    h.workspace.prepareStep = async () => {
      throw failure;
    };
    const outcome = await h.run();

    expect(outcome).toEqual({ kind: "failed", error: failure });
    expect(h.timeline).toEqual(["prepare:MT-1"]);
    expect(h.reporter.readyPaths).toEqual([]);
  });

  it("[S16.5-before-run-aborts][S16.5-stop-then-after-run] aborts the attempt on a before_run failure without rendering or launching, and still runs after_run", async () => {
    const h = harness();
    const failure = new BatonError("hook_failed", "before_run hook for MT-1 exited with status 1");
    h.workspace.beforeRunStep = async () => {
      throw failure;
    };
    const outcome = await h.run();

    expect(outcome).toEqual({ kind: "failed", error: failure });
    expect(h.renders).toEqual([]);
    expect(h.agent.sessions).toEqual([]);
    expect(h.timeline).toEqual([
      "prepare:MT-1",
      `workspace_ready:${WS}`,
      `before_run:${WS}`,
      `after_run:${WS}`,
    ]);
  });

  it("[S16.5-prompt-error-fails][S10.7-fail-on-error] fails with the template error before any agent starts, and still runs after_run", async () => {
    const failure = new BatonError(
      "template_render_error",
      "WORKFLOW.md prompt: undefined variable 'issue.nope'",
    );
    const h = harness({
      deps: {
        renderPrompt: async () => {
          throw failure;
        },
      },
    });
    const outcome = await h.run();

    expect(outcome).toEqual({ kind: "failed", error: failure });
    expect(h.agent.sessions).toEqual([]);
    expect(h.timeline.at(-1)).toBe(`after_run:${WS}`);
  });

  it("[S16.5-session-start-failure] fails when the agent session cannot start, and still runs after_run", async () => {
    const h = harness();
    h.agent.startStep = async () => {
      throw new BatonError("codex_not_found", "codex.command 'codex app-server' was not found");
    };
    const outcome = await h.run();

    expectFailed(outcome, "codex_not_found");
    expect(h.timeline.slice(-2)).toEqual([`start_session:${WS}`, `after_run:${WS}`]);
  });

  it("[S16.5-turn-error-fails][S16.5-stop-then-after-run] fails on a turn error without another turn, stopping the agent before after_run", async () => {
    const h = harness({ script: [new BatonError("turn_timeout", "no output from codex for 3600000 ms")] });
    const outcome = await h.run();

    expectFailed(outcome, "turn_timeout");
    expect(h.refreshCalls()).toBe(0);
    expect(h.timeline.slice(-3)).toEqual(["turn:1", "stop", `after_run:${WS}`]);
  });

  it("[S10.7-fail-on-error] wraps an unexpected throw into a worker_error naming the phase and issue", async () => {
    const h = harness();
    h.agent.startStep = async () => {
      throw new TypeError("cannot read properties of undefined");
    };
    const error = expectFailed(await h.run(), "worker_error");
    expect(error.message).toBe("launching_agent failed for MT-1: cannot read properties of undefined");
  });

  it("[S16.5-blocked-outcome] reports approval and operator-input requests as blocked, not failed", async () => {
    for (const category of ["approval_required", "turn_input_required"]) {
      const h = harness({ script: [new BatonError(category, "codex turn for MT-1 needs a human")] });
      const outcome = await h.run();
      expect(outcome.kind).toBe("blocked");
      if (outcome.kind === "blocked") expect(outcome.error.category).toBe(category);
      expect(h.agent.only.running).toBe(false);
      expect(h.timeline.at(-1)).toBe(`after_run:${WS}`);
    }
  });

  it("[S16.5-stop-then-after-run] ignores an after_run failure", async () => {
    const h = harness({ deps: { maxTurns: 1 } });
    h.workspace.afterRunStep = async () => {
      throw new BatonError("hook_failed", "after_run hook for MT-1 exited with status 2");
    };
    expect(await h.run()).toMatchObject({ kind: "normal", turns: 1 });
  });
});

// ---- cancellation ----------------------------------------------------------------------------

describe("runAttempt cancellation", () => {
  it("[S16.5-cancellation] interrupts a running turn, stops the agent, runs after_run and reports cancelled", async () => {
    const h = harness({ script: ["hang"] });
    const done = h.run();
    await waitFor(() => h.agent.sessions[0]?.turnInFlight === true, "the first turn to start");
    h.controller.abort("issue MT-1 moved to Done");
    const outcome = await done;

    expect(outcome).toEqual({ kind: "cancelled", reason: "issue MT-1 moved to Done" });
    const session = h.agent.only;
    expect(session.interrupts).toBe(1);
    expect(session.running).toBe(false);
    expect(h.refreshCalls()).toBe(0);
    expect(h.timeline.slice(-4)).toEqual(["turn:1", "interrupt", "stop", `after_run:${WS}`]);
  });

  it("[S16.5-cancellation] lets a running before_run hook finish, then skips the agent and runs after_run", async () => {
    const h = harness();
    const hook = gate();
    h.workspace.beforeRunStep = () => hook.promise;
    const done = h.run();
    await waitFor(() => h.timeline.includes(`before_run:${WS}`), "before_run to start");
    h.controller.abort("stalled");
    hook.open();

    expect(await done).toEqual({ kind: "cancelled", reason: "stalled" });
    expect(h.agent.sessions).toEqual([]);
    expect(h.renders).toEqual([]);
    expect(h.timeline.at(-1)).toBe(`after_run:${WS}`);
  });

  it("[S16.5-cancellation] stops an agent whose startup was under way when the attempt was cancelled", async () => {
    const h = harness();
    const startup = gate();
    h.agent.startStep = () => startup.promise;
    const done = h.run();
    await waitFor(() => h.timeline.includes(`start_session:${WS}`), "the session to start launching");
    h.controller.abort("issue left active states");
    startup.open();

    expect(await done).toEqual({ kind: "cancelled", reason: "issue left active states" });
    expect(h.agent.only.turns).toEqual([]);
    expect(h.agent.only.running).toBe(false);
    expect(h.timeline.slice(-2)).toEqual(["stop", `after_run:${WS}`]);
  });

  it("[S16.5-cancellation] runs after_run when cancelled while the workspace was being prepared", async () => {
    const h = harness();
    const preparing = gate();
    h.workspace.prepareStep = () => preparing.promise;
    const done = h.run();
    await waitFor(() => h.timeline.includes("prepare:MT-1"), "workspace preparation to start");
    h.controller.abort("shutting down");
    preparing.open();

    expect(await done).toEqual({ kind: "cancelled", reason: "shutting down" });
    expect(h.timeline).toEqual(["prepare:MT-1", `workspace_ready:${WS}`, `after_run:${WS}`]);
  });
});

// ---- tools and logs ----------------------------------------------------------------------------

describe("runAttempt tools and logs", () => {
  it("[S10.7-session-tool-snapshot] advertises the tracker's tools and executes calls against it with the current issue as context", async () => {
    const h = harness({
      deps: { maxTurns: 2 },
      script: [
        async (request) => {
          expect(await request.executeTool("tracker_comment", { body: "started" })).toEqual({
            success: true,
            output: { commented_on: "MT-1" },
          });
          h.tracker.update("issue-1", { title: "Fix login redirect loop" });
        },
        async (request) => {
          await request.executeTool("tracker_comment", { body: "done" });
          const unknown = await request.executeTool("delete_everything", {});
          expect(unknown.success).toBe(false);
          expect(JSON.stringify(unknown.output)).toContain("no such tool delete_everything");
        },
      ],
    });
    expect(await h.run()).toMatchObject({ kind: "normal", turns: 2 });

    expect(h.agent.only.request.tools).toEqual([COMMENT_TOOL]);
    const [first, second] = h.tracker.toolCalls;
    expect(first).toMatchObject({ name: "tracker_comment", args: { body: "started" } });
    expect(first!.context.issue.title).toBe("Fix login redirect");
    expect(second!.context.issue.title).toBe("Fix login redirect loop");
  });

  it("[B.operator-own-handoff] reports the agent's own hand-off from its tool call and ends normally with it as the reason", async () => {
    const h = harness({
      deps: { maxTurns: 5 },
      script: [
        async (request) => {
          await request.executeTool("tracker_comment", { body: "working" });
          await request.executeTool("tracker_move", { state: "Human Review" });
        },
      ],
    });
    const outcome = await h.run();
    expect(outcome).toEqual({ kind: "normal", turns: 1, reason: "handoff to Human Review" });
    // The comment changed no state; the move handed the ticket off.
    expect(h.reporter.toolCalls).toEqual(["start", null, "start", "Human Review"]);
  });

  it("[S10.7-session-tool-snapshot] answers tool calls with a failure result when the tracker ships no tools", async () => {
    const bare = new MemoryTracker([makeIssue({ id: "issue-1", identifier: "MT-1", state: "In Progress" })]);
    const h = harness({
      deps: { tools: [], gateway: trackerGateway(bare), maxTurns: 1 },
      script: [
        async (request) => {
          expect(await request.executeTool("tracker_comment", {})).toEqual({
            success: false,
            output: { error: "unsupported tool: tracker_comment" },
          });
        },
      ],
    });
    expect(await h.run()).toMatchObject({ kind: "normal", turns: 1 });
    expect(h.agent.only.request.tools).toEqual([]);
  });

  it("[S16.5-phase-logs] logs each phase and the outcome with issue_id and issue_identifier", async () => {
    const h = harness({ deps: { maxTurns: 1 } });
    await h.run();

    const phases = h.logs.filter((record) => record.fields.phase !== undefined);
    expect(phases.map((record) => record.fields.phase)).toEqual([
      "preparing_workspace",
      "building_prompt",
      "launching_agent",
      "streaming_turn",
      "finishing",
    ]);
    for (const record of h.logs) {
      expect(record.fields).toMatchObject({ issue_id: "issue-1", issue_identifier: "MT-1" });
    }
    const last = h.logs.at(-1)!;
    expect(last.fields).toMatchObject({ outcome: "normal", session_id: "thread-1-turn-1" });
    expect(last.msg).toBe("worker attempt completed outcome=normal turns=1");
  });
});

// ---- executor --------------------------------------------------------------------------------

/** The executor's host hands out a spec; these tests' deps factory does not read it. */
const TEST_SPEC = { prompt_template: TEMPLATE } as RunSpec;

function executorFor(
  depsFor: () => AttemptDeps,
  trackerFor: () => MemoryTracker,
  options: { serialize?: boolean } = {},
): InProcessExecutor {
  return new InProcessExecutor(
    { prepare: () => ({ spec: TEST_SPEC, gateway: trackerGateway(trackerFor()) }) },
    (_message, gateway) => ({ ...depsFor(), gateway }),
    options,
  );
}

describe("InProcessExecutor", () => {
  const noReporter: RunReporter = {
    workspaceReady() {},
    agentEvent() {},
    toolCallStarted() {},
    toolCallEnded() {},
    processStarted() {},
  };

  it("[S16.5-cancellation] cancel() stops the running attempt and done settles cancelled after after_run", async () => {
    const h = harness({ script: ["hang"] });
    const executor = executorFor(
      () => h.deps,
      () => h.tracker,
    );
    const handle = executor.start({ issue: h.issue, attempt: null, run_id: "run-1" }, noReporter);
    await waitFor(() => h.agent.sessions[0]?.turnInFlight === true, "the turn to start");
    expect(executor.activeRuns()).toEqual(["run-1"]);
    await handle.cancel("reconciliation: issue is terminal");

    expect(await handle.done).toEqual({ kind: "cancelled", reason: "reconciliation: issue is terminal" });
    expect(h.agent.only.running).toBe(false);
    expect(h.timeline.at(-1)).toBe(`after_run:${WS}`);
  });

  it("[S10.7-session-tool-snapshot] keeps the config taken at start for the whole run while later runs get the new one", async () => {
    const h = harness({ script: ["hang"] });
    const reloadedTracker = new ToolTracker([h.issue]);
    let current: AttemptDeps = h.deps;
    let currentTracker: MemoryTracker = h.tracker;
    const executor = executorFor(
      () => current,
      () => currentTracker,
    );
    const handle = executor.start({ issue: h.issue, attempt: null, run_id: "run-1" }, noReporter);
    await waitFor(() => h.agent.sessions[0]?.turnInFlight === true, "the turn to start");

    current = { ...h.deps, maxTurns: 1 };
    currentTracker = reloadedTracker;
    await h.agent.only.request.executeTool("tracker_comment", { body: "mid-run" });
    expect(h.tracker.toolCalls).toHaveLength(1);
    expect(reloadedTracker.toolCalls).toHaveLength(0);
    await handle.cancel("test over");
    await handle.done;

    const next = new FakeAgent([]);
    current = { ...current, startSession: next.startSession };
    const second = executor.start({ issue: h.issue, attempt: 1, run_id: "run-2" }, noReporter);
    expect(await second.done).toMatchObject({ kind: "normal", turns: 1 });
    await next.only.request.executeTool("tracker_comment", {});
    expect(reloadedTracker.toolCalls).toHaveLength(1);
  });

  it("[S10.7-fail-on-error] settles done as failed, never rejecting, when the deps cannot be built", async () => {
    const executor = new InProcessExecutor(
      { prepare: () => ({ spec: TEST_SPEC, gateway: async () => ({ type: "issue", issue: null }) }) },
      () => {
        throw new BatonError("invalid_workflow_config", "agent.max_turns must be greater than 0");
      },
    );
    const handle = executor.start(
      { issue: makeIssue({ id: "x", identifier: "X-1" }), attempt: null, run_id: "run-1" },
      noReporter,
    );
    const outcome = await handle.done;
    expectFailed(outcome, "invalid_workflow_config");
  });

  it("[B.runner-serializable-messages][B.runner-tool-gateway] a serialized executor passes requests, reports, tool calls and outcomes through JSON and behaves the same; the tool call runs on the host's tracker", async () => {
    const h = harness({
      deps: { maxTurns: 1 },
      script: [
        async (request) => {
          expect(await request.executeTool("tracker_comment", { body: "hi" })).toEqual({
            success: true,
            output: { commented_on: "MT-1" },
          });
        },
      ],
    });
    const reports: string[] = [];
    const reporter: RunReporter = {
      workspaceReady: (path) => reports.push(`ready:${path}`),
      agentEvent: (event) => reports.push(`event:${event.event}`),
      toolCallStarted: () => reports.push("tool_started"),
      toolCallEnded: (state) => reports.push(`tool_ended:${state}`),
      processStarted: () => reports.push("process"),
    };
    const executor = executorFor(
      () => h.deps,
      () => h.tracker,
      { serialize: true },
    );
    const handle = executor.start({ issue: h.issue, attempt: null, run_id: "run-1" }, reporter);
    expect(await handle.done).toEqual({ kind: "normal", turns: 1, reason: "max_turns" });
    expect(reports).toContain(`ready:${WS}`);
    expect(reports).toContain("tool_started");
    expect(reports).toContain("tool_ended:null");
    // The host's tracker executed the call; the run only ever saw a copy of the issue.
    expect(h.tracker.toolCalls).toHaveLength(1);
    expect(h.tracker.toolCalls[0]?.context.issue).not.toBe(h.issue);
    expect(h.tracker.toolCalls[0]?.context.issue).toEqual(h.issue);
  });

  it("[B.runner-serializable-messages] a failed outcome crosses as a plain error record and arrives as a BatonError", async () => {
    const h = harness({ script: [() => h.tracker.failNext("tracker_status", "Linear answered HTTP 500")] });
    const executor = executorFor(
      () => h.deps,
      () => h.tracker,
      { serialize: true },
    );
    const outcome = await executor.start({ issue: h.issue, attempt: null, run_id: "run-1" }, noReporter).done;
    expectFailed(outcome, "tracker_status");
    expect(executor.activeRuns()).toEqual([]);
  });

  it("[B.runner-reattach] re-attaching to an active run by id sends its further reports to the new reporter", async () => {
    const h = harness({ script: ["hang"] });
    const executor = executorFor(
      () => h.deps,
      () => h.tracker,
    );
    const handle = executor.start({ issue: h.issue, attempt: null, run_id: "run-1" }, noReporter);
    await waitFor(() => h.agent.sessions[0]?.turnInFlight === true, "the turn to start");
    const events: string[] = [];
    const attached = executor.attach("run-1", {
      ...noReporter,
      toolCallStarted: () => events.push("started"),
    });
    expect(attached).not.toBeNull();
    expect(executor.attach("run-unknown", noReporter)).toBeNull();
    await h.agent.only.request.executeTool("tracker_comment", {});
    expect(events).toEqual(["started"]);
    await attached?.cancel("test over");
    expect(await handle.done).toMatchObject({ kind: "cancelled" });
  });
});
