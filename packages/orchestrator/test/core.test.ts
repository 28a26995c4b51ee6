import { httpStatusOf, runFailureDisposition } from "@baton/domain";
import { describe, expect, it } from "vitest";
import type { OrchestratorInput, StepResult } from "../src/core.ts";
import { step } from "../src/core.ts";
import { buildIssueDetail } from "../src/snapshot.ts";
import type { Claim, OrchestratorState } from "../src/state.ts";
import { CLAIM_DEFAULTS, emptyState, newSession, RECENT_EVENTS_LIMIT } from "../src/state.ts";
import { issue, makeConfig, T0, tokens } from "./helpers.ts";

const config = makeConfig();

/** Freezes the whole object graph: a step that mutated its input would throw. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Runs inputs one after the other on frozen states, each at its own time. */
function run(state: OrchestratorState, ...inputs: [OrchestratorInput, number][]): StepResult {
  let result: StepResult = { state, effects: [], events: [], changed: [], completed: [] };
  for (const [input, now] of inputs) result = step(deepFreeze(result.state), input, now, config);
  return result;
}

function running(id: string, fields: Partial<Claim> = {}): Claim {
  return {
    status: "running",
    issue: issue(id),
    pipeline: null,
    run_id: `run-${id}`,
    attempt: null,
    started_at_ms: T0,
    stop_request: null,
    processes: [],
    ...CLAIM_DEFAULTS,
    due_at_ms: null,
    retry: null,
    blocked_at_ms: null,
    last_error: null,
    workspace_path: `/ws/BAT-${id}`,
    session: newSession(),
    recent_events: [],
    ...fields,
  };
}

function withClaims(...claims: Claim[]): OrchestratorState {
  return { ...emptyState(), claims: Object.fromEntries(claims.map((claim) => [claim.issue.id, claim])) };
}

const exited = (
  id: string,
  exit: Extract<OrchestratorInput, { type: "run_exited" }>["exit"],
): OrchestratorInput => ({
  type: "run_exited",
  issue_id: id,
  run_id: `run-${id}`,
  exit,
});

describe("state as data and the pure step", () => {
  it("[B.durable-state-as-data][B.durable-pure-step] never mutates its input and returns state that survives JSON unchanged", () => {
    const before = withClaims(running("1"));
    const frozen = deepFreeze(structuredClone(before));
    const result = step(
      frozen,
      {
        type: "agent_event",
        issue_id: "1",
        run_id: "run-1",
        event: {
          event: "notification",
          timestamp: "",
          codex_app_server_pid: 7,
          summary: "tokens",
          session_id: "th-tu1",
          usage_delta: tokens(10, 2),
        },
      },
      T0 + 500,
      config,
    );
    expect(frozen).toEqual(before);
    expect(JSON.parse(JSON.stringify(result.state))).toEqual(result.state);
    expect(result.state.totals).toMatchObject(tokens(10, 2));
    expect(result.state.claims["1"]?.session).toMatchObject({ session_id: "th-tu1", turn_count: 1 });
    expect(result.effects).toEqual([]);
    expect(result.changed).toEqual(["1"]);
  });

  it("[B.durable-pure-step][S16.4-dispatch-entry] a dispatch claims the issue as running and asks the shell to start the run", () => {
    const fresh = issue("1");
    const result = run(emptyState(), [{ type: "dispatch", issue: fresh, run_id: "r-1" }, T0]);
    expect(result.state.claims["1"]).toMatchObject({
      status: "running",
      run_id: "r-1",
      attempt: null,
      started_at_ms: T0,
    });
    expect(result.effects).toEqual([
      { kind: "start_run", issue_id: "1", run_id: "r-1", issue: fresh, attempt: null },
    ]);
    expect(result.events.map((event) => event.type)).toEqual(["dispatched"]);

    const again = step(result.state, { type: "dispatch", issue: fresh, run_id: "r-2" }, T0, config);
    expect(again.effects).toEqual([]);
    expect(again.events).toMatchObject([{ type: "dispatch_skipped", reason: "recheck: already_running" }]);
  });
});

describe("run exits (SPEC 16.6) in the core", () => {
  it("[S16.6-exit-handling][S8.4-continuation-retry] a normal exit schedules the 1 s continuation retry as attempt 1 and marks the issue completed", () => {
    const result = run(withClaims(running("1")), [
      exited("1", { kind: "normal", turns: 2, reason: "issue_not_active" }),
      T0 + 5000,
    ]);
    expect(result.state.claims["1"]).toMatchObject({
      status: "retry_queued",
      attempt: 1,
      due_at_ms: T0 + 6000,
      retry: { kind: "continuation", cause: "continuation" },
      last_error: null,
    });
    expect(result.state.completed).toEqual({ "1": true });
    expect(result.state.totals.ended_seconds).toBe(5);
    expect(result.effects).toEqual([{ kind: "arm_retry", issue_id: "1", seq: 1, due_at_ms: T0 + 6000 }]);
    expect(result.events.map((event) => event.type)).toEqual(["worker_exited", "retry_scheduled"]);
  });

  it("[S8.4-failure-backoff][S4.1.5-attempt-retry-number] a failed exit backs off 10 s × 2^(attempt-1) with the next attempt number and keeps the error as data", () => {
    const error = { category: "turn_failed", message: "model refused", details: { turn: 1 } };
    const first = run(withClaims(running("1")), [exited("1", { kind: "failed", error }), T0]);
    expect(first.state.claims["1"]).toMatchObject({ attempt: 1, due_at_ms: T0 + 10_000, last_error: error });
    const third = run(withClaims(running("1", { attempt: 2 })), [exited("1", { kind: "failed", error }), T0]);
    expect(third.state.claims["1"]).toMatchObject({ attempt: 3, due_at_ms: T0 + 40_000 });
  });

  it("[S7.1-blocked-claim][B.durable-error-catalog] a blocked exit holds the claim without a retry timer; the catalog decides which categories block", () => {
    const error = { category: "approval_required", message: "needs approval", details: {} };
    const result = run(withClaims(running("1")), [exited("1", { kind: "blocked", error }), T0 + 1000]);
    expect(result.state.claims["1"]).toMatchObject({
      status: "blocked",
      blocked_at_ms: T0 + 1000,
      last_error: error,
    });
    expect(result.effects).toEqual([]);
    expect(runFailureDisposition("approval_required")).toBe("block");
    expect(runFailureDisposition("turn_input_required")).toBe("block");
    expect(runFailureDisposition("turn_failed")).toBe("retry");
    expect(runFailureDisposition("some_new_category")).toBe("retry");
    expect(httpStatusOf("issue_not_found")).toBe(404);
    expect(httpStatusOf("snapshot_unavailable")).toBe(503);
    expect(httpStatusOf("turn_failed")).toBeUndefined();
  });

  it("[S7.3-reconcile-stop][S8.5-terminal-stop-clean] an exit after a terminal-state stop removes the workspace and releases the claim", () => {
    const stopped = run(withClaims(running("1")), [
      { type: "running_refreshed", issue_id: "1", issue: issue("1", { state: "Done" }) },
      T0,
    ]);
    expect(stopped.effects).toEqual([
      { kind: "cancel_run", issue_id: "1", run_id: "run-1", reason: "terminal_state" },
    ]);
    const result = step(
      stopped.state,
      exited("1", { kind: "cancelled", reason: "terminal_state" }),
      T0 + 10,
      config,
    );
    expect(result.state.claims).toEqual({});
    expect(result.effects).toEqual([{ kind: "remove_workspace", issue_id: "1", identifier: "BAT-1" }]);
    expect(result.events.map((event) => event.type)).toEqual(["worker_exited", "released"]);
  });

  it("[S8.5-stall-detection] a stall check stops silent runs; their exit is a failure retry with category stalled", () => {
    const stalledConfig = makeConfig({ codex: { stall_timeout_ms: 60_000 } });
    const stopped = step(withClaims(running("1")), { type: "stall_check" }, T0 + 61_000, stalledConfig);
    expect(stopped.effects).toMatchObject([
      { kind: "cancel_run", reason: "stalled: stalled for 61000ms without agent activity" },
    ]);
    const result = step(
      stopped.state,
      exited("1", { kind: "cancelled", reason: "stalled" }),
      T0 + 61_010,
      stalledConfig,
    );
    expect(result.state.claims["1"]).toMatchObject({
      status: "retry_queued",
      attempt: 1,
      retry: { cause: "stall" },
      last_error: { category: "stalled" },
    });
  });

  it("[B.durable-pure-step] a late exit report of an earlier run changes nothing", () => {
    const state = withClaims(running("1", { run_id: "run-new" }));
    const result = step(state, exited("1", { kind: "normal", turns: 1, reason: "max_turns" }), T0, config);
    expect(result.state).toBe(state);
    expect(result.events).toEqual([]);
  });
});

describe("spawn failures and retries in the core", () => {
  it("[S16.4-spawn-failure-retry] a run the executor could not start becomes a failure retry of attempt 1 in 10 s", () => {
    const result = run(
      emptyState(),
      [{ type: "dispatch", issue: issue("1"), run_id: "run-1" }, T0],
      [
        {
          type: "run_start_failed",
          issue_id: "1",
          run_id: "run-1",
          error: { category: "agent_spawn_failed", message: "launcher unavailable", details: {} },
        },
        T0,
      ],
    );
    expect(result.state.claims["1"]).toMatchObject({
      status: "retry_queued",
      attempt: 1,
      due_at_ms: T0 + 10_000,
      last_error: { category: "agent_spawn_failed", message: "failed to spawn agent: launcher unavailable" },
    });
    expect(result.effects).toEqual([{ kind: "arm_retry", issue_id: "1", seq: 1, due_at_ms: T0 + 10_000 }]);
    expect(result.events.map((event) => event.type)).toEqual(["dispatch_failed", "retry_scheduled"]);
  });

  it("[S8.4-retry-dispatch][S8.4-retry-entry] a due retry dispatches with its attempt; a timer of a replaced retry is ignored", () => {
    const queued = run(withClaims(running("1", { attempt: 1 })), [
      exited("1", { kind: "failed", error: { category: "turn_failed", message: "x", details: {} } }),
      T0,
    ]);
    const seq = queued.state.claims["1"]?.retry?.seq ?? -1;
    const stale = step(
      queued.state,
      { type: "retry_due", issue_id: "1", seq: seq - 1, refreshed: { issue: issue("1") }, run_id: "r-2" },
      T0 + 20_000,
      config,
    );
    expect(stale.state).toBe(queued.state);
    const fired = step(
      queued.state,
      { type: "retry_due", issue_id: "1", seq, refreshed: { issue: issue("1") }, run_id: "r-2" },
      T0 + 20_000,
      config,
    );
    expect(fired.effects).toEqual([
      { kind: "clear_retry", issue_id: "1" },
      { kind: "start_run", issue_id: "1", run_id: "r-2", issue: issue("1"), attempt: 2 },
    ]);
    // History carries over into the new attempt.
    expect(fired.state.claims["1"]?.recent_events.map((event) => event.event)).toEqual([
      "worker_exited",
      "retry_scheduled",
      "dispatched",
    ]);
  });

  it("[B.ops-recent-events-repeats] a repeated event is one history entry with its count and last time, so the history keeps what else happened", () => {
    const agentEvent = (summary: string, event: "notification" | "turn_completed" = "notification") => ({
      issue_id: "1",
      run_id: "run-1",
      event: { event, timestamp: "", codex_app_server_pid: null, summary },
    });
    const first = step(
      withClaims(running("1")),
      { type: "agent_events", items: [agentEvent("turn started"), agentEvent("agent message streaming")] },
      T0,
      config,
    ).state;
    // A streaming turn: many more deltas than the history holds, in bursts and one by one.
    let state = step(
      first,
      {
        type: "agent_events",
        items: Array.from({ length: 80 }, () => agentEvent("agent message streaming")),
      },
      T0 + 1000,
      config,
    ).state;
    for (let i = 0; i < 20; i++)
      state = step(
        state,
        { type: "agent_event", ...agentEvent("agent message streaming") },
        T0 + 2000 + i,
        config,
      ).state;
    state = step(
      state,
      { type: "agent_event", ...agentEvent("turn completed", "turn_completed") },
      T0 + 3000,
      config,
    ).state;

    expect(state.claims["1"]?.recent_events).toEqual([
      { at_ms: T0, event: "notification", message: "turn started" },
      { at_ms: T0 + 2019, event: "notification", message: "agent message streaming", count: 101 },
      { at_ms: T0 + 3000, event: "turn_completed", message: "turn completed" },
    ]);
    // The step's input keeps its own entry: a repeat replaces the entry, never changes it.
    expect(first.claims["1"]?.recent_events.at(-1)).toEqual({
      at_ms: T0,
      event: "notification",
      message: "agent message streaming",
    });
    const identifier = state.claims["1"]!.issue.identifier;
    expect(buildIssueDetail(state, identifier)?.recent_events.map((event) => event.count)).toEqual([
      1, 101, 1,
    ]);
  });

  it("[B.durable-one-event] each transition publishes its event and leaves one bounded recent-events entry", () => {
    let state = withClaims(running("1"));
    for (let i = 0; i < RECENT_EVENTS_LIMIT + 10; i++) {
      state = step(
        state,
        {
          type: "agent_event",
          issue_id: "1",
          run_id: "run-1",
          event: { event: "notification", timestamp: "", codex_app_server_pid: null, summary: `n${i}` },
        },
        T0 + i,
        config,
      ).state;
    }
    const history = state.claims["1"]?.recent_events ?? [];
    expect(history).toHaveLength(RECENT_EVENTS_LIMIT);
    expect(history.at(-1)?.message).toBe(`n${RECENT_EVENTS_LIMIT + 9}`);

    // A burst applied as one step is bounded the same way, and the step's input keeps its list.
    const burst = step(
      state,
      {
        type: "agent_events",
        items: Array.from({ length: RECENT_EVENTS_LIMIT + 10 }, (_, i) => ({
          issue_id: "1",
          run_id: "run-1",
          event: {
            event: "notification" as const,
            timestamp: "",
            codex_app_server_pid: null,
            summary: `b${i}`,
          },
        })),
      },
      T0 + 1000,
      config,
    );
    expect(burst.events).toHaveLength(RECENT_EVENTS_LIMIT + 10);
    const burstHistory = burst.state.claims["1"]?.recent_events ?? [];
    expect(burstHistory).toHaveLength(RECENT_EVENTS_LIMIT);
    expect(burstHistory[0]?.message).toBe("b10");
    expect(burstHistory.at(-1)?.message).toBe(`b${RECENT_EVENTS_LIMIT + 9}`);
    expect(state.claims["1"]?.recent_events).toEqual(history);
    expect(history.at(-1)?.message).toBe(`n${RECENT_EVENTS_LIMIT + 9}`);
  });
});

describe("restart", () => {
  it("[B.durable-orphan-runs][B.durable-restart-retry-due][B.durable-restart-blocked] settles what a dead Baton left: leftovers killed, lost runs retried with backoff, retries re-armed at their due time, blocked kept", () => {
    const state = withClaims(
      running("1", { attempt: 2, processes: [{ pid: 4242, command: "codex app-server" }] }),
      running("2", {
        status: "retry_queued",
        attempt: 3,
        started_at_ms: null,
        due_at_ms: T0 + 40_000,
        retry: { kind: "failure", cause: "failure", seq: 7 },
      }),
      running("3", {
        status: "blocked",
        started_at_ms: null,
        blocked_at_ms: T0,
        last_error: { category: "approval_required", message: "x", details: {} },
      }),
    );
    const result = run({ ...state, retry_seq: 7 }, [{ type: "restarted", warnings: [] }, T0 + 5000]);
    expect(result.effects).toEqual([
      {
        kind: "kill_leftovers",
        issue_id: "1",
        identifier: "BAT-1",
        run_id: "run-1",
        processes: [{ pid: 4242, command: "codex app-server" }],
      },
      { kind: "arm_retry", issue_id: "1", seq: 8, due_at_ms: T0 + 5000 + 40_000 },
      { kind: "arm_retry", issue_id: "2", seq: 7, due_at_ms: T0 + 40_000 },
    ]);
    expect(result.state.claims["1"]).toMatchObject({
      status: "retry_queued",
      attempt: 3,
      processes: [],
      last_error: { category: "orchestrator_restarted" },
      retry: { cause: "restart" },
    });
    expect(result.state.claims["3"]).toEqual(state.claims["3"]);
    expect(result.events[0]).toMatchObject({
      type: "state_restored",
      running_lost: 1,
      retrying: 1,
      blocked: 1,
    });
  });

  it("[B.queue-orchestrator-restart] keeps running the claims whose runs the executor re-attached, with a fresh stall window", () => {
    const state = withClaims(running("1"), running("2", { run_id: "run-2" }));
    const result = run(state, [{ type: "restarted", warnings: [], reattached: ["run-1"] }, T0 + 5000]);
    expect(result.state.claims["1"]).toMatchObject({ status: "running", run_id: "run-1" });
    expect(result.state.claims["1"]!.session.last_event_at_ms).toBe(T0 + 5000);
    expect(result.state.claims["2"]).toMatchObject({
      status: "retry_queued",
      last_error: { category: "orchestrator_restarted" },
    });
    expect(
      result.effects.map((effect) => [effect.kind, "issue_id" in effect ? effect.issue_id : null]),
    ).toEqual([
      ["kill_leftovers", "2"],
      ["arm_retry", "2"],
    ]);
    expect(result.events[0]).toMatchObject({
      type: "state_restored",
      running_lost: 1,
      running_reattached: 1,
    });
  });

  it("[S14.4-graceful-stop] a graceful shutdown stops runs so that the next Baton retries them soon, not as failures", () => {
    const stopping = run(withClaims(running("1")), [{ type: "shutdown" }, T0]);
    expect(stopping.effects).toEqual([
      { kind: "cancel_run", issue_id: "1", run_id: "run-1", reason: "shutdown" },
    ]);
    const result = step(
      stopping.state,
      exited("1", { kind: "cancelled", reason: "shutdown" }),
      T0 + 100,
      config,
    );
    expect(result.state.claims["1"]).toMatchObject({
      status: "retry_queued",
      attempt: 1,
      retry: { kind: "continuation", cause: "shutdown" },
      last_error: null,
    });
  });
});
