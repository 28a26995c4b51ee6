import { describe, expect, it } from "vitest";
import type { StateChange } from "../src/index.ts";
import { harness, issue, JsonMemoryStore, makeConfig, T0, tokens } from "./helpers.ts";

describe("durable state in the shell", () => {
  it("[B.durable-persist-before-effect] saves the running claim before the run starts and what the API shows before answering", async () => {
    const store = new JsonMemoryStore();
    const h = harness({ issues: [issue("1")], store });
    const startedWith: unknown[] = [];
    const start = h.executor.start.bind(h.executor);
    h.executor.start = (request, reporter) => {
      startedWith.push(store.state().claims[request.issue.id]);
      return start(request, reporter);
    };
    await h.start();
    expect(startedWith).toMatchObject([
      { status: "running", run_id: h.executor.lastRun("1").request.run_id },
    ]);

    h.executor
      .lastRun("1")
      .event({ event: "notification", session_id: "th-tu1", usage_delta: tokens(30, 3) });
    const shown = h.orchestrator.snapshot().codex_totals;
    expect(store.state().totals).toMatchObject({ input_tokens: shown.input_tokens, total_tokens: 33 });
  });

  it("[B.durable-store-failure-pauses] starts no run while the store cannot write, reports it in the state view, and resumes once it can", async () => {
    const store = new JsonMemoryStore();
    store.failWith = new Error("disk full");
    const h = harness({ issues: [issue("1")], store });
    await h.start();
    expect(h.executor.runs).toHaveLength(0);
    const view = h.orchestrator.snapshot();
    expect(view.state_store.error).toMatchObject({ category: "state_store_failed", message: "disk full" });
    expect(view.last_error).toMatchObject({ category: "state_store_failed" });
    expect(
      h.logs.some((line) => line.fields.action === "state_store" && line.fields.outcome === "failed"),
    ).toBe(true);

    store.failWith = null;
    await h.tick();
    expect(h.executor.runs).toHaveLength(1);
    expect(h.orchestrator.snapshot().state_store.error).toBeNull();
  });

  it("[B.durable-restart-retry-due][B.durable-restart-blocked][B.durable-restart-totals][B.durable-restart-history][B.durable-orphan-runs] a new orchestrator on the saved state continues where the dead one stopped", async () => {
    const store = new JsonMemoryStore();
    const first = harness({ issues: [issue("1"), issue("2"), issue("3")], store });
    await first.start();
    first.executor
      .lastRun("1")
      .event({ event: "notification", session_id: "th-tu1", usage_delta: tokens(100, 10) });
    first.executor.lastRun("1").fail("turn_failed", "boom"); // retry attempt 1 due at T0 + 10 s
    first.executor.lastRun("2").block("approval_required", "needs a human");
    await first.settle();
    const before = first.orchestrator.snapshot();
    expect(before.retrying).toMatchObject([{ issue_id: "1", due_at: new Date(T0 + 10_000).toISOString() }]);
    // Baton dies here: no stop(), its run of issue 3 is still "running" in the saved state.

    first.clock.advance(4000);
    const second = harness({ store, clock: first.clock, tracker: first.tracker });
    await second.start();
    const after = second.orchestrator.snapshot();
    expect(after.codex_totals.total_tokens).toBe(110);
    expect(after.blocked).toMatchObject([{ issue_id: "2", error: "approval_required: needs a human" }]);
    expect(after.retrying.map((row) => [row.issue_id, row.attempt, row.due_at])).toEqual([
      ["1", 1, new Date(T0 + 10_000).toISOString()],
      ["3", 1, new Date(T0 + 4000 + 10_000).toISOString()],
    ]);
    expect(after.retrying[1]?.error).toMatch(/^orchestrator_restarted: /);
    expect(second.orchestrator.issueDetail("BAT-1")?.recent_events.map((event) => event.event)).toEqual([
      "dispatched",
      "notification",
      "worker_exited",
      "retry_scheduled",
    ]);
    expect(second.executor.runs).toHaveLength(0);

    await second.advance(5999); // 1 ms before the original due time
    expect(second.executor.runs).toHaveLength(0);
    await second.advance(1);
    expect(second.executor.runsFor("1")).toMatchObject([{ request: { attempt: 1 } }]);
    await second.advance(4000);
    expect(second.executor.runsFor("3")).toMatchObject([{ request: { attempt: 1 } }]);
    expect(second.executor.runsFor("2")).toHaveLength(0);
    expect(second.orchestrator.snapshot().counts).toMatchObject({ running: 2, blocked: 1 });
  });

  it("[B.durable-restart-blocked][B.operator-stop] an operator stop survives a restart: the issue stays stopped until its ticket changes", async () => {
    const store = new JsonMemoryStore();
    const first = harness({ issues: [issue("1", { updated_at: "2026-03-01T11:00:00.000Z" })], store });
    await first.start();
    await first.orchestrator.stopIssue("BAT-1", "wrong approach");
    await first.settle();
    expect(first.orchestrator.snapshot().counts).toMatchObject({ running: 0, stopped: 1 });

    const second = harness({ store, clock: first.clock, tracker: first.tracker });
    await second.start();
    await second.advance(120_000);
    expect(second.executor.runs).toHaveLength(0);
    expect(second.orchestrator.snapshot().stopped).toMatchObject([
      { issue_identifier: "BAT-1", reason: "wrong approach" },
    ]);
    first.tracker.update("1", { updated_at: "2026-03-01T13:00:00.000Z" });
    await second.tick();
    expect(second.executor.runsFor("1")).toHaveLength(1);
  });
  it("[B.durable-restart-history] claims changed only by agent events are saved in their batch a slice at a time, each with its latest event", async () => {
    // Like the SQLite store: a save writes the claims it names, one row each.
    const written: string[][] = [];
    const rows = new Map<string, { session: { last_message: string | null } }>();
    const store = new (class extends JsonMemoryStore {
      override save(change: StateChange): void {
        super.save(change);
        written.push([...change.claims]);
        for (const id of change.claims) rows.set(id, JSON.parse(JSON.stringify(change.state.claims[id])));
      }
    })();
    const ids = Array.from({ length: 45 }, (_, index) => String(index + 1));
    const h = harness({
      issues: ids.map((id) => issue(id)),
      store,
      config: makeConfig({ agent: { max_concurrent_agents: 45 } }),
    });
    await h.start();
    expect(h.executor.runs).toHaveLength(45);
    written.length = 0;
    for (const id of ids) {
      h.executor
        .lastRun(id)
        .event({ event: "notification", session_id: `th-${id}`, summary: `working on ${id}` });
    }
    await h.settle();
    // The batch is written within AGENT_EVENT_SAVE_MS (5 s of real time), 20 claims per write.
    const deadline = Date.now() + 10_000;
    while (ids.some((id) => rows.get(id)?.session.last_message !== `working on ${id}`)) {
      if (Date.now() > deadline) throw new Error("the agent-event batch was not saved");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const claimWrites = written.filter((claims) => claims.length > 0);
    expect(claimWrites.map((claims) => claims.length)).toEqual([20, 20, 5]);
    expect(new Set(claimWrites.flat())).toEqual(new Set(ids));
  }, 20_000);
});
