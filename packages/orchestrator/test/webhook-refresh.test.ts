import { describe, expect, it } from "vitest";
import { harness, issue, makeConfig, T0 } from "./helpers.ts";

/** Tracker calls after the first tick, as `op(args)` strings. */
function callsAfter(h: ReturnType<typeof harness>, from: number): string[] {
  return h.tracker.calls.slice(from).map((call) => `${call.op}(${call.args.join(",")})`);
}

describe("targeted refresh of the issue a webhook named", () => {
  it("[B.webhook-targeted-fetch][B.webhook-pickup] dispatches a new eligible issue from one fetchIssue, without a candidate query, and a burst of deliveries costs one read", async () => {
    const h = harness({ config: makeConfig({ polling: { interval_ms: 60_000 } }) });
    await h.start();
    const before = h.tracker.calls.length;
    h.tracker.issues.set("7", issue("7"));
    const first = h.orchestrator.refreshIssue("7");
    const second = h.orchestrator.refreshIssue("7");
    const third = h.orchestrator.refreshIssue("7");
    expect([first.coalesced, second.coalesced, third.coalesced]).toEqual([false, true, true]);
    await h.settle();
    expect(callsAfter(h, before)).toEqual(["fetchIssue(7)"]);
    expect(h.executor.runs.map((run) => run.issueId)).toEqual(["7"]);
    // The poll timer was left alone: polling stays the fallback at its own interval.
    expect(h.clock.pendingDelays()).toEqual([60_000]);
  });

  it("[B.webhook-targeted-fetch] leaves an ineligible issue alone and reconciles a running claim: a ticket moved to a terminal state stops its run", async () => {
    const h = harness({ issues: [issue("1")], config: makeConfig({ polling: { interval_ms: 60_000 } }) });
    await h.start();
    expect(h.executor.runs).toHaveLength(1);
    h.tracker.issues.set("9", issue("9", { state: "Backlog" }));
    h.orchestrator.refreshIssue("9");
    await h.settle();
    expect(h.executor.runsFor("9")).toEqual([]);

    const before = h.tracker.calls.length;
    h.tracker.issues.set("1", issue("1", { state: "Done" }));
    h.orchestrator.refreshIssue("1");
    await h.settle();
    expect(callsAfter(h, before)).toEqual(["fetchIssue(1)"]);
    expect(h.executor.lastRun("1").cancelReason).toBeDefined();
    expect(h.orchestrator.snapshot().running).toEqual([]);
  });

  it("[B.webhook-targeted-fetch] a failed targeted read falls back to a full tick; a delivery while a tick is queued joins it", async () => {
    const h = harness({ config: makeConfig({ polling: { interval_ms: 60_000 } }) });
    await h.start();
    const before = h.tracker.calls.length;
    h.tracker.issues.set("3", issue("3"));
    h.tracker.failNext("tracker_request", "connection reset");
    h.orchestrator.refreshIssue("3");
    await h.settle();
    expect(callsAfter(h, before)[0]).toBe("fetchIssue(3)");
    expect(callsAfter(h, before)).toContain("fetchIssuesByStates(Todo,In Progress)");
    expect(h.executor.runsFor("3")).toHaveLength(1);

    const queuedTick = h.orchestrator.requestRefresh();
    expect(queuedTick.coalesced).toBe(false);
    expect(h.orchestrator.refreshIssue("4").coalesced).toBe(true);
    const mark = h.tracker.calls.length;
    await h.settle();
    expect(callsAfter(h, mark).filter((call) => call.startsWith("fetchIssue("))).toEqual([]);
  });
});

describe("a change signal that names the changed issues", () => {
  it("[B.pickup-named-change][S16.2-refresh-request] dispatches a named issue from one fetchIssue first, then runs the full tick", async () => {
    const h = harness({ watch: true, config: makeConfig({ polling: { interval_ms: 60_000 } }) });
    await h.start();
    const before = h.tracker.calls.length;
    h.tracker.put(issue("5"));
    await h.settle();
    const calls = callsAfter(h, before);
    expect(calls[0]).toBe("fetchIssue(5)");
    expect(calls).toContain("fetchIssuesByStates(Todo,In Progress)");
    expect(h.executor.runs.map((run) => run.issueId)).toEqual(["5"]);
    expect(h.eventsOf("tick_completed")).toHaveLength(2);
    expect(h.clock.now()).toBe(T0);
  });

  it("[B.pickup-named-change] the tick that follows picks up what the change affected beyond the issue named: a ticket its blocker no longer holds", async () => {
    const blocker = { id: "1", identifier: "BAT-1", state: "Backlog" };
    // The adapter decides what blockers hold (SPEC 8.2): BAT-2 waits for BAT-1.
    const blocked = issue("2", { blocked_by: [blocker], dispatchable: false });
    const h = harness({
      watch: true,
      issues: [issue("1", { state: "Backlog" }), blocked],
      config: makeConfig({ polling: { interval_ms: 60_000 } }),
    });
    await h.start();
    expect(h.executor.runs).toEqual([]);
    // The blocker is finished: the tracker now reports BAT-2 unblocked, but only names BAT-1.
    h.tracker.issues.set("2", {
      ...blocked,
      blocked_by: [{ ...blocker, state: "Done" }],
      dispatchable: true,
    });
    h.tracker.update("1", { state: "Done" });
    await h.settle();
    expect(h.executor.runs.map((run) => run.issueId)).toEqual(["2"]);
    expect(h.clock.now()).toBe(T0);
  });
});
