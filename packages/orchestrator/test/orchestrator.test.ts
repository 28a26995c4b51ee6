import type { TrackerAdapter } from "@baton/domain";
import { BatonError } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { Orchestrator } from "../src/orchestrator.ts";
import { harness, issue, makeConfig, recordingLogger, T0, tokens, waitFor } from "./helpers.ts";

const iso = (ms: number) => new Date(ms).toISOString();

describe("startup and the poll loop", () => {
  it("[S8.6-startup-cleanup][S8.1-startup-sequence][S16.1-startup][S7.4-startup-cleanup] removes terminal workspaces, polls at once, then every interval", async () => {
    const h = harness({
      issues: [
        issue("1", { state: "Done" }),
        issue("2", { state: "Cancelled" }),
        issue("3", { state: "Todo" }),
      ],
    });
    await h.start();
    expect(h.workspaces.removed.sort()).toEqual(["BAT-1", "BAT-2"]);
    expect(h.executor.runs.map((run) => run.issueId)).toEqual(["3"]);
    expect(h.orchestrator.snapshot().polling).toEqual({ checking: false, next_tick_at: iso(T0 + 30_000) });

    h.tracker.issues.set("4", issue("4"));
    await h.advance(29_999);
    expect(h.executor.runs).toHaveLength(1);
    await h.advance(1);
    expect(h.executor.runs.map((run) => run.issueId)).toEqual(["3", "4"]);
  });

  it("[S8.6-cleanup-fetch-failure] logs a warning and keeps starting when the terminal-issue fetch fails", async () => {
    const h = harness({ issues: [issue("1", { state: "Done" }), issue("2")] });
    h.tracker.failNext("tracker_status", "tracker answered 503");
    await h.start();
    expect(h.workspaces.removed).toEqual([]);
    expect(h.executor.runs.map((run) => run.issueId)).toEqual(["2"]);
    const warning = h.logs.find((line) => line.fields.action === "startup_cleanup");
    expect(warning?.level).toBe("warn");
    expect(warning?.msg).toContain('reason="tracker_status: tracker answered 503"');
  });

  it("[S8.1-tick-order][S7.4-reconcile-before-dispatch][S16.2-tick][S4.2-issue-id-keys] reconciles running issues, then runs preflight, then fetches and dispatches candidates", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    h.tracker.issues.set("2", issue("2"));
    const callsAtPreflight: number[] = [];
    const preflight = h.source.preflight.bind(h.source);
    h.source.preflight = () => {
      callsAtPreflight.push(h.tracker.calls.length);
      return preflight();
    };
    const before = h.tracker.calls.length;
    await h.tick();
    const calls = h.tracker.calls.slice(before);
    expect(calls).toEqual([
      { op: "fetchIssuesByIds", args: ["1"] },
      { op: "fetchIssuesByStates", args: ["Todo", "In Progress"] },
      { op: "fetchIssuesByIds", args: ["2"] },
    ]);
    expect(callsAtPreflight).toEqual([before + 1]);
    expect(h.eventsOf("tick_completed").at(-1)).toMatchObject({ dispatched: 1, running: 2 });
  });

  it("[S8.1-interval-reload][S14.4-workflow-edit] applies a changed polling interval and concurrency limit from the next tick on", async () => {
    const h = harness({
      issues: [issue("1"), issue("2"), issue("3")],
      config: makeConfig({ agent: { max_concurrent_agents: 1 } }),
    });
    await h.start();
    expect(h.executor.runs).toHaveLength(1);

    h.source.config = makeConfig({ polling: { interval_ms: 5000 }, agent: { max_concurrent_agents: 3 } });
    // The wait already scheduled keeps its old length; the reload shows from the tick after it.
    await h.advance(5000);
    expect(h.executor.runs).toHaveLength(1);
    await h.advance(25_000);
    expect(h.executor.runs).toHaveLength(3);
    expect(h.orchestrator.snapshot().polling.next_tick_at).toBe(iso(T0 + 35_000));
  });
});

describe("dispatch", () => {
  it("[S16.4-dispatch-entry][S4.1.5-attempt-null-first][S7.4-claim-check] starts a first run with attempt null, tracks it and never starts it twice", async () => {
    const h = harness({ issues: [issue("1", { url: "https://tracker.test/BAT-1", state: "In Progress" })] });
    await h.start();
    const run = h.executor.lastRun("1");
    expect(run.request).toEqual({
      issue: h.tracker.issues.get("1"),
      attempt: null,
      run_id: expect.any(String),
    });
    run.reporter.workspaceReady("/ws/BAT-1");

    await h.tick();
    expect(h.executor.runs).toHaveLength(1);
    expect(h.orchestrator.snapshot().running).toEqual([
      {
        issue_id: "1",
        issue_identifier: "BAT-1",
        title: "BAT-1",
        issue_url: "https://tracker.test/BAT-1",
        state: "In Progress",
        session_id: null,
        turn_count: 0,
        last_event: null,
        last_message: null,
        started_at: iso(T0),
        last_event_at: null,
        tokens: tokens(0, 0),
        workspace_path: "/ws/BAT-1",
        attempt: null,
      },
    ]);
    expect(h.eventsOf("dispatched")).toEqual([
      {
        type: "dispatched",
        at: iso(T0),
        issue_id: "1",
        issue_identifier: "BAT-1",
        attempt: null,
        run_id: run.request.run_id,
        state: "In Progress",
      },
    ]);
  });

  it("[S8.2-sort-order][S8.3-global-limit] dispatches the best candidates first and stops when slots run out", async () => {
    const h = harness({
      config: makeConfig({ agent: { max_concurrent_agents: 2 } }),
      issues: [
        issue("low", { priority: 4, created_at: "2026-01-01T00:00:00.000Z" }),
        issue("none", { priority: null, created_at: "2025-01-01T00:00:00.000Z" }),
        issue("urgent", { priority: 1, created_at: "2026-02-01T00:00:00.000Z" }),
      ],
    });
    await h.start();
    expect(h.executor.runs.map((run) => run.issueId)).toEqual(["urgent", "low"]);
    expect(h.tracker.calls.filter((call) => call.op === "fetchIssuesByIds").map((call) => call.args)).toEqual(
      [["urgent"], ["low"]],
    );
  });

  it("[S8.3-per-state-limit] caps each state by its own limit and counts running issues by their current state", async () => {
    const h = harness({
      config: makeConfig({
        agent: { max_concurrent_agents: 5, max_concurrent_agents_by_state: { todo: 1 } },
      }),
      issues: [issue("1"), issue("2"), issue("3", { state: "In Progress" })],
    });
    await h.start();
    expect(h.executor.runs.map((run) => run.issueId).sort()).toEqual(["1", "3"]);

    // Issue 1 moves on to In Progress: the Todo slot is free again for issue 2.
    h.tracker.issues.set("1", issue("1", { state: "In Progress" }));
    await h.tick();
    expect(h.executor.runs.map((run) => run.issueId).sort()).toEqual(["1", "2", "3"]);
  });

  it("[S16.4-dispatch-recheck] re-reads each candidate by ID and skips one that moved, vanished or could not be read", async () => {
    const h = harness({ issues: [issue("moved"), issue("gone"), issue("unreadable"), issue("fine")] });
    const memory = h.tracker;
    const stale: TrackerAdapter = {
      kind: "memory",
      async fetchIssuesByStates(states) {
        const list = await memory.fetchIssuesByStates(states);
        if (!states.includes("Todo")) return list;
        // The tracker changes right after answering the candidate query: the list is now stale.
        memory.issues.set("moved", issue("moved", { state: "Done" }));
        memory.issues.delete("gone");
        return list;
      },
      async fetchIssuesByIds(ids) {
        if (ids.includes("unreadable")) throw new BatonError("tracker_request", "connection reset");
        return memory.fetchIssuesByIds(ids);
      },
      fetchIssue: (id) => memory.fetchIssue(id),
      secretEnvironmentNames: () => [],
    };
    h.source.trackerAdapter = stale;
    await h.start();
    expect(h.executor.runs.map((run) => run.issueId)).toEqual(["fine"]);
    const skips = h.logs.filter(
      (line) => line.fields.action === "dispatch" && line.fields.outcome === "skipped",
    );
    expect(skips.map((line) => [line.bindings.issue_id, line.fields.reason])).toEqual([
      ["gone", "recheck: missing"],
      ["moved", "recheck: terminal_state"],
      ["unreadable", "recheck failed: tracker_request: connection reset"],
    ]);
  });

  it("[S16.4-spawn-failure-retry] schedules a failure retry when the executor cannot start the run", async () => {
    const h = harness({ issues: [issue("1")] });
    h.executor.startError = new Error("launcher unavailable");
    await h.start();
    expect(h.orchestrator.snapshot().retrying).toEqual([
      {
        issue_id: "1",
        issue_identifier: "BAT-1",
        title: "BAT-1",
        issue_url: null,
        attempt: 1,
        due_at: iso(T0 + 10_000),
        error: "agent_spawn_failed: failed to spawn agent: launcher unavailable",
        workspace_path: null,
      },
    ]);
    h.executor.startError = null;
    await h.advance(10_000);
    expect(h.executor.lastRun("1").request.attempt).toBe(1);
  });
});

describe("reconciliation of running issues", () => {
  it("[S8.5-refresh-active-update] replaces the running issue snapshot when the issue is still active", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    h.tracker.issues.set("1", issue("1", { state: "In Progress", title: "renamed" }));
    await h.tick();
    expect(h.orchestrator.snapshot().running[0]?.state).toBe("In Progress");
    expect(h.executor.lastRun("1").cancelReason).toBeNull();
  });

  it("[S8.5-non-active-stop][S14.4-operator-state-change][S7.3-reconcile-stop] stops a run whose issue left the active states and keeps its workspace", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    h.tracker.issues.set("1", issue("1", { state: "Human Review" }));
    await h.tick();
    expect(h.executor.lastRun("1").cancelReason).toBe("inactive_state");
    expect(h.workspaces.removed).toEqual([]);
    const snapshot = h.orchestrator.snapshot();
    expect(snapshot.counts).toMatchObject({ running: 0, retrying: 0, blocked: 0 });
    expect(h.eventsOf("released").map((event) => event.reason)).toEqual(["inactive_state"]);
  });

  it("[S8.5-terminal-stop-clean][S14.4-operator-state-change] stops a run whose issue became terminal and removes its workspace once the run has ended", async () => {
    const h = harness({ issues: [issue("1")] });
    h.executor.settleOnCancel = false;
    await h.start();
    h.tracker.issues.set("1", issue("1", { state: "Done" }));
    await h.tick();
    const run = h.executor.lastRun("1");
    expect(run.cancelReason).toBe("terminal_state");
    // The run is still winding down (after_run): its slot stays taken and its workspace stays.
    expect(h.workspaces.removed).toEqual([]);
    expect(h.orchestrator.snapshot().counts.running).toBe(1);
    // Operators see the state the ticket moved to, not the one it was dispatched in.
    expect(h.orchestrator.snapshot().running[0]?.state).toBe("Done");
    await h.tick();
    expect(run.cancelReason).toBe("terminal_state");

    run.finish({ kind: "cancelled", reason: "terminal_state" });
    await h.settle();
    expect(h.workspaces.removed).toEqual(["BAT-1"]);
    expect(h.orchestrator.snapshot().counts).toMatchObject({ running: 0, retrying: 0 });
  });

  it("[S16.3-missing-stops] stops a run whose issue the tracker no longer returns, without cleanup", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    h.tracker.issues.delete("1");
    await h.tick();
    expect(h.executor.lastRun("1").cancelReason).toBe("missing");
    expect(h.workspaces.removed).toEqual([]);
    expect(h.orchestrator.snapshot().counts.running).toBe(0);
  });

  it("[S8.5-unroutable-stop][S8.2-issue-routable] stops a run whose issue lost a required label, without cleanup", async () => {
    const h = harness({
      config: makeConfig({ tracker: { required_labels: ["agent"] } }),
      issues: [issue("1", { labels: ["agent"] })],
    });
    await h.start();
    h.tracker.issues.set("1", issue("1", { labels: [] }));
    await h.tick();
    expect(h.executor.lastRun("1").cancelReason).toBe("unroutable");
    expect(h.workspaces.removed).toEqual([]);
  });

  it("[S8.5-no-running-noop] makes no refresh request when nothing is running", async () => {
    const h = harness({ issues: [issue("1", { state: "Backlog" })] });
    await h.start();
    await h.tick();
    expect(h.tracker.calls.some((call) => call.op === "fetchIssuesByIds")).toBe(false);
    expect(h.orchestrator.snapshot().counts).toMatchObject({ running: 0, retrying: 0, blocked: 0 });
  });

  it("[S8.5-refresh-failure-keeps][S14.2-refresh-failure] keeps workers running when the state refresh fails and tries again next tick", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    h.tracker.issues.set("1", issue("1", { state: "Done" }));
    h.tracker.failNext("tracker_status", "tracker answered 502");
    await h.tick();
    expect(h.executor.lastRun("1").cancelReason).toBeNull();
    expect(h.orchestrator.snapshot().last_error).toMatchObject({
      category: "tracker_status",
      message: "tracker answered 502",
    });

    await h.tick();
    expect(h.executor.lastRun("1").cancelReason).toBe("terminal_state");
    expect(h.orchestrator.snapshot().last_error).toBeNull();
  });

  it("[S8.5-stall-detection][S7.3-stall-kill] stops a run silent for longer than stall_timeout_ms and schedules a failure retry", async () => {
    const h = harness({ issues: [issue("1")], config: makeConfig({ codex: { stall_timeout_ms: 60_000 } }) });
    await h.start();
    await h.advance(10_000);
    h.executor.lastRun("1").event({ event: "notification", session_id: "th-tu1" });
    await h.tick(); // +30 s: 20 s of silence
    await h.tick(); // +60 s: 50 s of silence
    expect(h.executor.lastRun("1").cancelReason).toBeNull();
    await h.tick(); // +90 s: 80 s of silence
    expect(h.executor.lastRun("1").cancelReason).toBe("stalled: stalled for 80000ms without agent activity");
    expect(h.orchestrator.snapshot().retrying).toMatchObject([
      {
        issue_id: "1",
        attempt: 1,
        error: "stalled: stalled for 80000ms without agent activity",
        due_at: iso(T0 + 100_000),
      },
    ]);
    expect(h.eventsOf("retry_scheduled").at(-1)).toMatchObject({ kind: "failure", cause: "stall" });
  });

  it("[S8.5-stall-disabled] never stops a silent run when stall_timeout_ms is 0", async () => {
    const h = harness({ issues: [issue("1")], config: makeConfig({ codex: { stall_timeout_ms: 0 } }) });
    await h.start();
    for (let i = 0; i < 4; i += 1) await h.tick();
    expect(h.executor.lastRun("1").cancelReason).toBeNull();
  });
});

describe("worker exits and retries", () => {
  it("[S7.3-normal-exit][S8.4-continuation-retry][S4.1.8-completed-bookkeeping][S7.1-continuation-retry][S16.6-exit-handling] re-checks the issue 1 s after a normal exit and runs it again as attempt 1", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    await h.advance(5000);
    h.executor.lastRun("1").succeed(3);
    await h.settle();
    const snapshot = h.orchestrator.snapshot();
    expect(snapshot.retrying).toMatchObject([
      { issue_id: "1", attempt: 1, error: null, due_at: iso(T0 + 6000) },
    ]);
    expect(snapshot.counts).toMatchObject({ running: 0, completed: 1 });
    expect(snapshot.codex_totals.seconds_running).toBe(5);

    await h.advance(1000);
    expect(h.executor.runsFor("1").map((run) => run.request.attempt)).toEqual([null, 1]);
    expect(h.orchestrator.snapshot().counts.retrying).toBe(0);
  });

  it("[S7.3-abnormal-exit][S8.4-failure-backoff][S14.2-worker-failure][S4.1.5-attempt-retry-number] retries failures after 10 s, 20 s, 40 s with growing attempt numbers", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    const delays: number[] = [];
    for (const expectedAttempt of [1, 2, 3]) {
      h.executor.lastRun("1").fail("turn_failed", "model returned an error");
      await h.settle();
      const retry = h.orchestrator.snapshot().retrying[0];
      expect(retry).toMatchObject({
        attempt: expectedAttempt,
        error: "turn_failed: model returned an error",
      });
      const delay = Date.parse(retry?.due_at ?? "") - h.clock.now();
      delays.push(delay);
      await h.advance(delay);
      expect(h.executor.lastRun("1").request.attempt).toBe(expectedAttempt);
    }
    expect(delays).toEqual([10_000, 20_000, 40_000]);
  });

  it("[S8.4-backoff-cap] caps failure backoff at agent.max_retry_backoff_ms", async () => {
    const h = harness({
      issues: [issue("1")],
      config: makeConfig({ agent: { max_retry_backoff_ms: 15_000 } }),
    });
    await h.start();
    h.executor.lastRun("1").fail("turn_timeout", "turn took too long");
    await h.settle();
    await h.advance(10_000);
    h.executor.lastRun("1").fail("turn_timeout", "turn took too long");
    await h.settle();
    expect(h.eventsOf("retry_scheduled").map((event) => event.delay_ms)).toEqual([10_000, 15_000]);
  });

  it("[S5.3.5-backoff-live][S6.2-adjust-live] applies a reloaded max_retry_backoff_ms to the next retry", async () => {
    const h = harness({
      issues: [issue("1")],
      config: makeConfig({ agent: { max_retry_backoff_ms: 300_000 } }),
    });
    await h.start();
    h.executor.lastRun("1").fail("turn_timeout", "turn took too long");
    await h.settle();
    h.source.config = makeConfig({ agent: { max_retry_backoff_ms: 12_000 } });
    await h.advance(10_000);
    h.executor.lastRun("1").fail("turn_timeout", "turn took too long");
    await h.settle();
    expect(h.eventsOf("retry_scheduled").map((event) => event.delay_ms)).toEqual([10_000, 12_000]);
  });

  it("[S4.1.7-retry-entry-fields][S8.4-retry-entry] shows each retry with attempt, due time, identifier, error, URL and workspace", async () => {
    const h = harness({ issues: [issue("1", { url: "https://tracker.test/1" })] });
    await h.start();
    const run = h.executor.lastRun("1");
    run.reporter.workspaceReady("/ws/BAT-1");
    run.fail("response_timeout", "no answer in 5000ms");
    await h.settle();
    expect(h.orchestrator.snapshot().retrying).toEqual([
      {
        issue_id: "1",
        issue_identifier: "BAT-1",
        title: "BAT-1",
        issue_url: "https://tracker.test/1",
        attempt: 1,
        due_at: iso(T0 + 10_000),
        error: "response_timeout: no answer in 5000ms",
        workspace_path: "/ws/BAT-1",
      },
    ]);
    expect(h.eventsOf("retry_scheduled")).toEqual([
      {
        type: "retry_scheduled",
        at: iso(T0),
        issue_id: "1",
        issue_identifier: "BAT-1",
        attempt: 1,
        kind: "failure",
        cause: "failure",
        delay_ms: 10_000,
        due_at: iso(T0 + 10_000),
        error: "response_timeout: no answer in 5000ms",
      },
    ]);
  });

  it("[S8.4-retry-no-slots] requeues a due retry with an explicit error when no slot is free", async () => {
    const h = harness({
      issues: [issue("1"), issue("2")],
      config: makeConfig({ agent: { max_concurrent_agents: 2 } }),
    });
    await h.start();
    h.executor.lastRun("2").fail("turn_failed", "boom");
    await h.settle();
    h.source.config = makeConfig({ agent: { max_concurrent_agents: 1 } });
    await h.advance(10_000);
    expect(h.executor.runsFor("2")).toHaveLength(1);
    expect(h.orchestrator.snapshot().retrying).toMatchObject([
      {
        issue_id: "2",
        attempt: 2,
        error: "no_slots: no available orchestrator slots",
        due_at: iso(T0 + 30_000),
      },
    ]);
    expect(h.eventsOf("retry_scheduled").at(-1)).toMatchObject({ kind: "failure", cause: "no_slots" });
  });

  it("[S8.4-retry-dispatch][S7.3-retry-fired][S16.6-retry-timer] dispatches a due retry of a still-active issue with the retry's attempt", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    h.executor.lastRun("1").fail("turn_failed", "boom");
    await h.settle();
    h.tracker.issues.set("1", issue("1", { state: "In Progress" }));
    await h.advance(10_000);
    expect(h.executor.lastRun("1").request).toEqual({
      issue: h.tracker.issues.get("1"),
      attempt: 1,
      run_id: expect.any(String),
    });
  });

  it("[S8.4-retry-terminal-cleanup] cleans the workspace and releases the claim when a retry finds the issue terminal", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    h.executor.lastRun("1").fail("turn_failed", "boom");
    await h.settle();
    h.tracker.issues.set("1", issue("1", { state: "Done" }));
    await h.advance(10_000);
    expect(h.workspaces.removed).toEqual(["BAT-1"]);
    expect(h.executor.runsFor("1")).toHaveLength(1);
    expect(h.orchestrator.snapshot().counts.retrying).toBe(0);
  });

  it("[S8.4-retry-refresh][S8.4-retry-release-inactive][S7.1-claim-states] releases the claim without dispatch when a retry finds the issue missing or no longer active", async () => {
    const h = harness({ issues: [issue("1"), issue("2")] });
    await h.start();
    h.executor.lastRun("1").fail("turn_failed", "boom");
    h.executor.lastRun("2").fail("turn_failed", "boom");
    await h.settle();
    h.tracker.issues.delete("1");
    h.tracker.issues.set("2", issue("2", { state: "Backlog" }));
    await h.advance(10_000);
    expect(h.executor.runs).toHaveLength(2);
    expect(h.workspaces.removed).toEqual([]);
    expect(h.eventsOf("released").map((event) => [event.issue_id, event.reason])).toEqual([
      ["1", "missing"],
      ["2", "inactive_state"],
    ]);
    // Released means unclaimed: once active again the issue is picked up by the next poll.
    h.tracker.issues.set("2", issue("2"));
    await h.tick();
    expect(h.executor.runsFor("2")).toHaveLength(2);
  });

  it("[S8.4-retry-refresh] requeues with the reason when the retry's tracker refresh fails", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    h.executor.lastRun("1").fail("turn_failed", "boom");
    await h.settle();
    h.tracker.failNext("tracker_rate_limited", "rate limited until 12:05");
    await h.advance(10_000);
    expect(h.orchestrator.snapshot().retrying).toMatchObject([
      { attempt: 2, error: "tracker_rate_limited: retry refresh failed: rate limited until 12:05" },
    ]);
  });

  it("[S8.4-retry-entry] ignores a stale retry timer that fires after its entry was replaced", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    h.executor.lastRun("1").fail("turn_failed", "boom");
    await h.settle();
    h.tracker.failNext("tracker_request", "timeout");
    await h.advance(10_000);
    const firstTimer = h.clock.fired.at(-1);
    expect(h.orchestrator.snapshot().retrying).toMatchObject([{ attempt: 2 }]);
    const callsBefore = h.tracker.calls.length;

    firstTimer?.callback();
    await h.settle();
    expect(h.tracker.calls.length).toBe(callsBefore);
    expect(h.executor.runs).toHaveLength(1);
    expect(h.orchestrator.snapshot().retrying).toMatchObject([{ attempt: 2, due_at: iso(T0 + 30_000) }]);
  });
});

describe("blocked runs", () => {
  it("[S7.1-blocked-claim] holds a blocked issue without retry until it leaves the active states", async () => {
    const h = harness({ issues: [issue("1"), issue("2")] });
    await h.start();
    for (const id of ["1", "2"]) {
      const run = h.executor.lastRun(id);
      run.reporter.workspaceReady(`/ws/BAT-${id}`);
      run.event({
        event: "approval_required",
        session_id: `th${id}-tu1`,
        summary: "command approval requested",
      });
      run.block(
        "approval_required",
        "the agent asked to run `rm -rf build` and the policy does not allow it",
      );
    }
    await h.settle();
    const snapshot = h.orchestrator.snapshot();
    expect(snapshot.counts).toMatchObject({ running: 0, retrying: 0, blocked: 2 });
    expect(snapshot.blocked[0]).toEqual({
      issue_id: "1",
      issue_identifier: "BAT-1",
      title: "BAT-1",
      issue_url: null,
      state: "Todo",
      error: "approval_required: the agent asked to run `rm -rf build` and the policy does not allow it",
      session_id: "th1-tu1",
      blocked_at: iso(T0),
      workspace_path: "/ws/BAT-1",
      last_event: "approval_required",
      last_message: "command approval requested",
      last_event_at: iso(T0),
    });
    expect(h.clock.pendingDelays()).toEqual([30_000]);

    await h.tick();
    expect(h.executor.runs).toHaveLength(2);
    expect(h.orchestrator.snapshot().counts.blocked).toBe(2);

    h.tracker.issues.set("1", issue("1", { state: "Done" }));
    h.tracker.issues.set("2", issue("2", { state: "Backlog" }));
    await h.tick();
    expect(h.workspaces.removed).toEqual(["BAT-1"]);
    expect(h.orchestrator.snapshot().counts.blocked).toBe(0);
    expect(h.eventsOf("released").map((event) => [event.issue_id, event.reason])).toEqual([
      ["1", "terminal_state"],
      ["2", "inactive_state"],
    ]);
  });
});

describe("refresh requests", () => {
  it("[S16.2-refresh-request] queues an immediate tick and folds requests made while it waits into it", async () => {
    const h = harness({ issues: [issue("1", { state: "Backlog" })] });
    await h.start();
    h.clock.advance(1000);
    const first = h.orchestrator.requestRefresh();
    const second = h.orchestrator.requestRefresh();
    expect(first).toEqual({ queued: true, coalesced: false, requested_at: iso(T0 + 1000) });
    expect(second).toEqual({ queued: true, coalesced: true, requested_at: iso(T0 + 1000) });
    h.tracker.issues.set("1", issue("1"));
    await h.settle();
    expect(h.eventsOf("tick_completed")).toHaveLength(2);
    expect(h.executor.runs).toHaveLength(1);
    expect(h.orchestrator.snapshot().polling.next_tick_at).toBe(iso(T0 + 31_000));
  });

  it("[S16.2-refresh-request] polls as soon as the tracker's watch signal reports a change", async () => {
    const h = harness({ watch: true });
    await h.start();
    h.tracker.put(issue("1"));
    await waitFor(() => h.executor.runs.length === 1, "the watched change to be dispatched");
    expect(h.clock.now()).toBe(T0);
  });

  it("[S7.4-serialized-mutations][S4.1.8-single-authority] runs a refresh that arrives mid-tick after that tick, never alongside it", async () => {
    const h = harness({ issues: [issue("1")] });
    const memory = h.tracker;
    let release: () => void = () => {};
    let inFlight = 0;
    let fetches = 0;
    let overlapped = false;
    h.source.trackerAdapter = {
      kind: "memory",
      async fetchIssuesByStates(states) {
        if (!states.includes("Todo")) return memory.fetchIssuesByStates(states);
        inFlight += 1;
        fetches += 1;
        overlapped ||= inFlight > 1;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        inFlight -= 1;
        return memory.fetchIssuesByStates(states);
      },
      fetchIssuesByIds: (ids) => memory.fetchIssuesByIds(ids),
      fetchIssue: (id) => memory.fetchIssue(id),
      secretEnvironmentNames: () => [],
    };
    await h.orchestrator.start();
    await waitFor(() => fetches === 1, "the first candidate fetch");
    expect(h.orchestrator.snapshot().polling.checking).toBe(true);
    expect(h.orchestrator.requestRefresh().coalesced).toBe(false);
    expect(h.orchestrator.requestRefresh().coalesced).toBe(true);
    release();
    await waitFor(() => fetches === 2, "the follow-up candidate fetch");
    release();
    await waitFor(() => h.eventsOf("tick_completed").length === 2, "both ticks");
    expect(overlapped).toBe(false);
    expect(h.executor.runs).toHaveLength(1);
  });
});

describe("failure handling in the tick", () => {
  it("[S8.1-preflight-skips-dispatch][S14.2-dispatch-validation] skips dispatch on a preflight error but still stops a run whose issue went terminal", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    h.tracker.issues.set("1", issue("1", { state: "Done" }));
    h.tracker.issues.set("2", issue("2"));
    h.source.preflightError = new BatonError("workflow_parse_error", "WORKFLOW.md line 3: bad indentation");
    await h.tick();
    expect(h.executor.lastRun("1").cancelReason).toBe("terminal_state");
    expect(h.workspaces.removed).toEqual(["BAT-1"]);
    expect(h.executor.runsFor("2")).toHaveLength(0);
    expect(h.orchestrator.snapshot().last_error).toEqual({
      category: "workflow_parse_error",
      message: "WORKFLOW.md line 3: bad indentation",
      at: iso(T0 + 30_000),
    });
    const logged = h.logs.find((line) => line.fields.action === "preflight");
    expect(logged?.level).toBe("error");
    expect(h.eventsOf("preflight_failed")).toHaveLength(1);
    expect(h.eventsOf("tick_completed").at(-1)).toMatchObject({ dispatched: 0 });

    h.source.preflightError = null;
    await h.tick();
    expect(h.executor.runsFor("2")).toHaveLength(1);
    expect(h.orchestrator.snapshot().last_error).toBeNull();
  });

  it("[S14.2-candidate-fetch-failure] skips dispatch for the tick when candidates cannot be fetched and tries again next tick", async () => {
    const h = harness({ issues: [issue("1")] });
    h.tracker.failNext("tracker_request", "placeholder for cleanup fetch");
    // The first failure is spent by startup cleanup; queue the one the first tick's fetch will hit.
    h.tracker.failNext("tracker_response", "unexpected payload");
    await h.start();
    expect(h.executor.runs).toHaveLength(0);
    expect(h.orchestrator.snapshot().last_error).toMatchObject({ category: "tracker_response" });
    expect(h.eventsOf("tracker_error").map((event) => event.operation)).toEqual([
      "startup_cleanup",
      "fetch_candidates",
    ]);
    await h.tick();
    expect(h.executor.runs).toHaveLength(1);
  });

  it("[S14.2-observer-failure] keeps working when an event listener or the log sink throws", async () => {
    const h = harness({ issues: [issue("1")] });
    h.orchestrator.subscribe(() => {
      throw new Error("dashboard crashed");
    });
    const seen: string[] = [];
    h.orchestrator.subscribe((event) => seen.push(event.type));
    await h.start();
    expect(h.executor.runs).toHaveLength(1);
    expect(seen).toContain("dispatched");
    const warning = h.logs.find((line) => line.fields.action === "notify");
    expect(warning?.fields).toMatchObject({
      outcome: "failed",
      reason: "listener_failed: dashboard crashed",
    });

    const broken = harness({ issues: [issue("1")] });
    const failingLogger = recordingLogger([]);
    failingLogger.info = () => {
      throw new Error("disk full");
    };
    const orchestrator = new Orchestrator({
      config: broken.source,
      executor: broken.executor,
      workspaces: broken.workspaces,
      clock: broken.clock,
      logger: { ...failingLogger, child: () => failingLogger },
    });
    await orchestrator.start();
    await waitFor(() => broken.executor.runs.length === 1, "a dispatch despite the failing log sink");
  });
});

describe("snapshot and issue detail", () => {
  it("[S4.1.8-codex-totals][S4.1.8-rate-limits][S4.1.6-turn-count][S13.5-runtime-live-aggregate] reports token totals, live runtime and the latest rate limits", async () => {
    const h = harness({ issues: [issue("1"), issue("2")] });
    await h.start();
    const one = h.executor.lastRun("1");
    const two = h.executor.lastRun("2");
    one.event({ event: "session_started", session_id: "th1-tu1", usage_delta: tokens(100, 20) });
    one.event({
      event: "notification",
      session_id: "th1-tu2",
      usage_delta: tokens(30, 5),
      rate_limits: { primary: 10 },
    });
    two.event({
      event: "notification",
      session_id: "th2-tu1",
      usage_delta: tokens(7, 3),
      rate_limits: { primary: 25 },
    });
    await h.advance(4000);
    one.succeed(2);
    await h.settle();
    await h.advance(500);

    const snapshot = h.orchestrator.snapshot();
    expect(snapshot.codex_totals).toEqual({ ...tokens(137, 28), seconds_running: 4 + 4.5 });
    expect(snapshot.rate_limits).toEqual({ primary: 25 });
    expect(snapshot.running).toMatchObject([
      { issue_id: "2", turn_count: 1, tokens: tokens(7, 3), session_id: "th2-tu1" },
    ]);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it("[S4.1.5-run-attempt-fields] describes one claimed issue: status, workspace, attempts, recent events, last error", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    const run = h.executor.lastRun("1");
    run.reporter.workspaceReady("/ws/BAT-1");
    run.event({ event: "turn_started", session_id: "th-tu1", summary: "turn 1 started" });
    expect(h.orchestrator.issueDetail("BAT-1")).toMatchObject({
      issue_id: "1",
      status: "running",
      workspace: { path: "/ws/BAT-1" },
      attempts: { restart_count: 0, current_retry_attempt: null },
      running: { session_id: "th-tu1", turn_count: 1 },
      retry: null,
      blocked: null,
      last_error: null,
    });

    run.fail("turn_failed", "boom");
    await h.settle();
    await h.advance(10_000);
    h.executor.lastRun("1").fail("turn_failed", "boom again");
    await h.settle();
    const detail = h.orchestrator.issueDetail("BAT-1");
    expect(detail).toMatchObject({
      status: "retrying",
      attempts: { restart_count: 1, current_retry_attempt: 2 },
      retry: { attempt: 2, error: "turn_failed: boom again" },
      last_error: "turn_failed: boom again",
    });
    expect(detail?.recent_events.map((event) => event.event)).toEqual([
      "dispatched",
      "turn_started",
      "worker_exited",
      "retry_scheduled",
      "dispatched",
      "worker_exited",
      "retry_scheduled",
    ]);
    expect(h.orchestrator.issueDetail("BAT-404")).toBeNull();
  });
});

describe("logging", () => {
  it("[S7.2-distinct-terminal-reasons] writes key=value lines carrying issue and session context and the outcome", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    const run = h.executor.lastRun("1");
    run.event({ event: "turn_started", session_id: "th-tu1" });
    run.fail("turn_failed", "model refused: policy");
    await h.settle();

    const dispatch = h.logs.find((line) => line.fields.action === "dispatch");
    expect(dispatch?.msg).toBe("action=dispatch outcome=started attempt=null state=Todo");
    expect(dispatch?.bindings).toEqual({ issue_id: "1", issue_identifier: "BAT-1" });
    const exit = h.logs.find((line) => line.fields.action === "worker_exit");
    expect(exit?.bindings).toEqual({ issue_id: "1", issue_identifier: "BAT-1", session_id: "th-tu1" });
    expect(exit?.msg).toBe('action=worker_exit outcome=failed reason="turn_failed: model refused: policy"');
    const retry = h.logs.find((line) => line.fields.action === "retry");
    expect(retry?.msg).toBe(
      'action=retry outcome=scheduled attempt=1 kind=failure delay_ms=10000 reason="turn_failed: model refused: policy"',
    );
  });
});

describe("stop and restart", () => {
  it("[S14.4-graceful-stop] cancels running attempts, waits for them, clears every timer and is idempotent", async () => {
    const h = harness({ issues: [issue("1"), issue("2"), issue("3")] });
    await h.start();
    h.executor.lastRun("3").fail("turn_failed", "boom");
    await h.settle();
    const stopping = h.orchestrator.stop();
    expect(h.orchestrator.stop()).toBe(stopping);
    await stopping;
    expect(h.executor.runs.map((run) => run.cancelReason)).toEqual(["shutdown", "shutdown", null]);
    expect(h.clock.pendingDelays()).toEqual([]);
    const snapshot = h.orchestrator.snapshot();
    // The claims stay in the state for the next Baton: the stopped runs and the failed one retry there.
    expect(snapshot.counts).toMatchObject({ running: 0, retrying: 3 });
    expect(h.eventsOf("retry_scheduled").map((event) => event.cause)).toEqual([
      "failure",
      "shutdown",
      "shutdown",
    ]);
    expect(snapshot.polling.next_tick_at).toBeNull();
    expect(h.orchestrator.requestRefresh().queued).toBe(false);
    await h.advance(60_000);
    expect(h.executor.runs).toHaveLength(3);
  });

  it("[S14.4-graceful-stop] gives up waiting for a run that does not finish within the shutdown timeout", async () => {
    const h = harness({ issues: [issue("1")], shutdownTimeoutMs: 5000 });
    h.executor.settleOnCancel = false;
    await h.start();
    let stopped = false;
    const stopping = h.orchestrator.stop().then(() => {
      stopped = true;
    });
    await h.settle();
    expect(stopped).toBe(false);
    h.clock.advance(5000);
    await stopping;
    expect(h.logs.find((line) => line.fields.action === "shutdown")?.fields).toMatchObject({
      outcome: "timed_out",
      still_running: 1,
    });
  });

  it("[S14.3-in-memory-recovery][S7.4-tracker-driven-recovery] a restarted orchestrator recovers from the tracker alone: cleanup, then fresh dispatch", async () => {
    const first = harness({ issues: [issue("1"), issue("2")] });
    await first.start();
    first.executor.lastRun("2").fail("turn_failed", "boom");
    await first.settle();
    await first.orchestrator.stop();

    first.tracker.issues.set("2", issue("2", { state: "Done" }));
    const next = new Orchestrator({
      config: first.source,
      executor: first.executor,
      workspaces: first.workspaces,
      clock: first.clock,
    });
    await next.start();
    await waitFor(() => first.executor.runs.length === 3, "the restarted dispatch");
    expect(first.workspaces.removed).toEqual(["BAT-2"]);
    expect(first.executor.runs[2]?.request).toMatchObject({ attempt: null, issue: { id: "1" } });
    expect(next.snapshot().counts).toMatchObject({ running: 1, retrying: 0 });
    await next.stop();
  });
});
