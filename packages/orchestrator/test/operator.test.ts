import { describe, expect, it } from "vitest";
import {
  operatorRetryAction,
  operatorStopAction,
  recheckStopped,
  reconcileRunningAttempt,
} from "../src/decisions.ts";
import { emptyRuntimeState } from "../src/state.ts";
import { harness, issue, makeConfig, T0 } from "./helpers.ts";

const TURN_TIMEOUT_MS = 60_000;
const config = makeConfig({ codex: { turn_timeout_ms: TURN_TIMEOUT_MS } });

describe("the agent's own hand-off (pure decision)", () => {
  const moved = issue("1", { state: "Human Review" });

  it("[B.operator-own-handoff][S8.5-non-active-stop] lets a run whose own tool call moved the ticket finish, within the turn timeout only", () => {
    const run = { handoff: { state: "human review", at_ms: T0 }, tool_calls_in_flight: 0 };
    expect(reconcileRunningAttempt(moved, config, run, T0 + 1_000).kind).toBe("finish_handoff");
    expect(reconcileRunningAttempt(moved, config, run, T0 + TURN_TIMEOUT_MS)).toEqual({
      kind: "stop",
      reason: "inactive_state",
      cleanup: false,
    });
  });

  it("[B.operator-own-handoff][S8.5-terminal-stop-clean] stops at once when the state is not the one the run moved it to, or nobody in the run moved it", () => {
    const run = { handoff: { state: "human review", at_ms: T0 }, tool_calls_in_flight: 0 };
    const cancelled = issue("1", { state: "Done" });
    expect(reconcileRunningAttempt(cancelled, config, run, T0 + 1)).toEqual({
      kind: "stop",
      reason: "terminal_state",
      cleanup: true,
    });
    expect(reconcileRunningAttempt(moved, config, { handoff: null, tool_calls_in_flight: 0 }, T0).kind).toBe(
      "stop",
    );
    // A tool call still executing may be the one that moved it: look again when it ends.
    expect(reconcileRunningAttempt(moved, config, { handoff: null, tool_calls_in_flight: 1 }, T0).kind).toBe(
      "await_tool_call",
    );
  });
});

describe("the agent's own hand-off (orchestrator)", () => {
  it("[B.operator-own-handoff] does not interrupt the turn in which the run's own tool call handed the ticket off; the run ends normally with its turns", async () => {
    const h = harness({ issues: [issue("1")], config });
    await h.start();
    const run = h.executor.lastRun("1");
    run.reporter.toolCallStarted();
    h.tracker.update("1", { state: "Human Review" });
    // The folder watch fires while the tool call is still executing.
    h.orchestrator.requestRefresh();
    await h.settle();
    expect(run.cancelReason).toBeNull();
    run.reporter.toolCallEnded("Human Review");
    await h.tick();
    expect(run.cancelReason).toBeNull();
    expect(h.orchestrator.snapshot().running[0]?.state).toBe("Human Review");

    run.finish({ kind: "normal", turns: 1, reason: "handoff to Human Review" });
    await h.settle();
    expect(h.eventsOf("worker_exited").at(-1)).toMatchObject({ outcome: "normal", error: null });
    const exit = h.logs.find((line) => line.fields.action === "worker_exit");
    expect(exit?.fields).toMatchObject({ outcome: "normal", turns: 1, reason: "handoff to Human Review" });
    // The continuation re-check then releases it: nothing shows as failed or cancelled.
    await h.advance(1_000);
    expect(h.eventsOf("released").map((event) => event.reason)).toEqual(["inactive_state"]);
    expect(h.eventsOf("stopped")).toEqual([]);
  });

  it("[B.operator-own-handoff][S8.5-non-active-stop] still stops at once when someone else changes the state, even after a tool call that changed nothing", async () => {
    const h = harness({ issues: [issue("1")], config });
    await h.start();
    const run = h.executor.lastRun("1");
    run.reporter.toolCallStarted();
    h.tracker.update("1", { state: "Human Review" });
    h.orchestrator.requestRefresh();
    await h.settle();
    expect(run.cancelReason).toBeNull();
    // The tool call was not the hand-off: the deferred reconciliation runs again at once.
    run.reporter.toolCallEnded(null);
    await h.settle();
    expect(run.cancelReason).toBe("inactive_state");
  });

  it("[B.operator-own-handoff] bounds the wait by the turn timeout and stops when the ticket moves on to another state", async () => {
    const h = harness({ issues: [issue("1"), issue("2")], config });
    await h.start();
    const [first, second] = [h.executor.lastRun("1"), h.executor.lastRun("2")];
    for (const [run, id] of [
      [first, "1"],
      [second, "2"],
    ] as const) {
      run.reporter.toolCallStarted();
      h.tracker.update(id, { state: "Human Review" });
      run.reporter.toolCallEnded("Human Review");
    }
    h.tracker.update("2", { state: "Done" });
    await h.tick();
    expect(first.cancelReason).toBeNull();
    expect(second.cancelReason).toBe("terminal_state");
    await h.advance(TURN_TIMEOUT_MS);
    expect(first.cancelReason).toBe("inactive_state");
  });
});

describe("operator stop and retry (pure decisions)", () => {
  it("[B.operator-stop][B.operator-retry] decides by the claim the issue holds", () => {
    const state = emptyRuntimeState();
    expect(operatorStopAction(state, "1")).toEqual({ kind: "refuse", code: "not_claimed" });
    expect(operatorRetryAction(state, "1")).toEqual({ kind: "refuse", code: "not_claimed" });
    state.stopped.set("1", {
      identifier: "BAT-1",
      title: "t",
      issue_url: null,
      state: "Todo",
      reason: "wrong approach",
      stopped_at_ms: T0,
      attempt: 2,
      workspace_path: null,
      session: null,
      baseline: null,
    });
    expect(operatorStopAction(state, "1")).toEqual({ kind: "refuse", code: "already_stopped" });
    expect(operatorRetryAction(state, "1")).toEqual({ kind: "retry_now", attempt: 3, from: "stopped" });
  });

  it("[B.operator-stop] keeps a stopped issue until the ticket changes or leaves the active states", () => {
    const ticket = issue("1", { updated_at: "2026-03-01T12:00:00.000Z" });
    const first = recheckStopped({ baseline: null }, ticket, config);
    expect(first).toMatchObject({ kind: "stay", baseline: { state: "todo", updated_at: ticket.updated_at } });
    const baseline = first.kind === "stay" ? first.baseline : null;
    expect(recheckStopped({ baseline }, ticket, config).kind).toBe("stay");
    expect(
      recheckStopped({ baseline }, { ...ticket, updated_at: "2026-03-01T12:05:00.000Z" }, config),
    ).toEqual({
      kind: "release",
      reason: "ticket_changed",
      cleanup: false,
    });
    expect(recheckStopped({ baseline }, { ...ticket, state: "Done" }, config)).toMatchObject({
      kind: "release",
      reason: "terminal_state",
      cleanup: true,
    });
  });
});

describe("operator stop and retry (orchestrator)", () => {
  it("[B.operator-stop] stops a running issue with a reason and does not retry it until the ticket changes", async () => {
    const h = harness({ issues: [issue("1", { updated_at: "2026-03-01T11:00:00.000Z" })] });
    await h.start();
    const run = h.executor.lastRun("1");
    const result = await h.orchestrator.stopIssue("BAT-1", "wrong approach");
    expect(result).toMatchObject({ ok: true, status: "stopping", issue_identifier: "BAT-1" });
    expect(run.cancelReason).toBe("stopped by operator: wrong approach");
    await h.settle();

    const snapshot = h.orchestrator.snapshot();
    expect(snapshot.counts).toMatchObject({ running: 0, retrying: 0, stopped: 1 });
    expect(snapshot.stopped[0]).toMatchObject({
      issue_identifier: "BAT-1",
      reason: "wrong approach",
      state: "Todo",
    });
    expect(h.orchestrator.issueDetail("BAT-1")?.status).toBe("stopped");
    await h.advance(600_000);
    expect(h.executor.runsFor("1")).toHaveLength(1);

    h.tracker.update("1", { updated_at: "2026-03-01T13:00:00.000Z", description: "try the other way" });
    await h.tick();
    expect(h.eventsOf("released").map((event) => event.reason)).toEqual(["ticket_changed"]);
    expect(h.executor.runsFor("1")).toHaveLength(2);
  });

  it("[B.operator-retry] retries a queued, a blocked and a stopped issue now", async () => {
    const h = harness({ issues: [issue("1"), issue("2"), issue("3")] });
    await h.start();
    h.executor.lastRun("1").fail("turn_failed", "boom");
    h.executor.lastRun("2").block("approval_required", "needs approval");
    await h.settle();
    await h.orchestrator.stopIssue("BAT-3", "pause");
    await h.settle();
    expect(h.orchestrator.snapshot().counts).toMatchObject({
      running: 0,
      retrying: 1,
      blocked: 1,
      stopped: 1,
    });

    for (const identifier of ["BAT-1", "BAT-2", "BAT-3"]) {
      expect(await h.orchestrator.retryIssue(identifier)).toMatchObject({ ok: true, status: "retry_queued" });
    }
    await h.advance(0);
    for (const id of ["1", "2", "3"]) expect(h.executor.runsFor(id)).toHaveLength(2);
    expect(h.executor.lastRun("1").request.attempt).toBe(1);
    expect(h.eventsOf("retry_scheduled").filter((event) => event.cause === "operator")).toHaveLength(3);
  });

  it("[B.operator-stop][B.operator-retry] stops a queued retry at once, refuses a retry of a running issue and names unknown issues", async () => {
    const h = harness({ issues: [issue("1"), issue("2")] });
    await h.start();
    h.executor.lastRun("1").fail("turn_failed", "boom");
    await h.settle();
    const held = await h.orchestrator.stopIssue("BAT-1", "enough");
    expect(held).toMatchObject({ ok: true, status: "stopped" });
    await h.advance(60_000);
    expect(h.executor.runsFor("1")).toHaveLength(1);
    expect(await h.orchestrator.retryIssue("BAT-2")).toMatchObject({ ok: false, code: "conflict" });
    expect(await h.orchestrator.stopIssue("BAT-9", "x")).toMatchObject({
      ok: false,
      code: "issue_not_found",
    });
  });
});
