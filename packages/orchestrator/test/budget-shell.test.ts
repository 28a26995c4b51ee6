import { describe, expect, it } from "vitest";

async function waitFor(condition: () => boolean, deadlineMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > deadlineMs) throw new Error("timed out waiting for the saved spend");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { harness, issue, JsonMemoryStore, makeConfig, tokens } from "./helpers.ts";

/** A usage report as the Codex client sends it: the thread's absolute total and the increase. */
function usage(thread: string, total: number, delta: number) {
  return {
    event: "notification" as const,
    thread_id: thread,
    session_id: `${thread}-turn`,
    usage_totals: tokens(total, 0),
    usage_delta: tokens(delta, 0),
  };
}

describe("token budgets in the running orchestrator", () => {
  it("[B.budget-issue-ceiling][B.budget-high-water] a run that keeps going past the issue ceiling is stopped on the crossing event, also after a restart", async () => {
    const store = new JsonMemoryStore();
    const config = makeConfig({ agent: { max_tokens_per_issue: 1000 } });
    const first = harness({ issues: [issue("1")], store, config });
    await first.start();
    const run1 = first.executor.lastRun("1");
    run1.event(usage("th1", 400, 400));
    run1.event(usage("th1", 800, 400));
    // The same total reported twice (a replayed notification) must not count again.
    run1.event(usage("th1", 800, 0));
    await first.settle();
    expect(run1.cancelReason).toBeNull();
    // Spend is saved in the next batched write (within a second); then Baton dies without stop().
    await waitFor(() => store.saved !== null && store.state().budget.issues["1"]?.tokens === 800);

    const second = harness({ store, clock: first.clock, tracker: first.tracker, config });
    await second.start();
    expect(second.orchestrator.snapshot().budget.issues).toMatchObject([
      { issue_id: "1", tokens: 800, max_tokens: 1000, held: false },
    ]);
    await second.advance(10_000);
    const run2 = second.executor.lastRun("1");
    run2.event(usage("th2", 150, 150));
    await second.settle();
    expect(run2.cancelReason).toBeNull();
    run2.event(usage("th2", 201, 51));
    await second.settle();
    expect(run2.cancelReason).toBe("budget_exceeded");
    expect(second.eventsOf("worker_exited").at(-1)).toMatchObject({ outcome: "budget_exceeded" });
    expect(second.eventsOf("budget_exceeded")).toMatchObject([{ scope: "issue", used: 1001, limit: 1000 }]);
    expect(second.orchestrator.snapshot().budget.issues).toMatchObject([{ tokens: 1001, held: true }]);

    // Never retried: later ticks leave the issue alone until the ceiling is raised.
    await second.advance(60_000);
    expect(second.executor.runs).toHaveLength(1);
    second.source.config = makeConfig({ agent: { max_tokens_per_issue: 2000 } });
    await second.tick();
    expect(second.executor.runs).toHaveLength(2);
  });

  it("[B.budget-period][B.budget-visible] an exhausted period budget stops new dispatches while the running turn finishes, and a raised budget lets them start again", async () => {
    const budget = {
      period: "day" as const,
      max_tokens: 500,
      on_exceeded_state: null,
      token_rates: { input: 2, output: 10, currency: "EUR" },
    };
    const h = harness({ issues: [issue("1")], config: makeConfig({ budget }) });
    await h.start();
    const run1 = h.executor.lastRun("1");
    run1.event(usage("th1", 600, 600));
    await h.settle();
    expect(run1.cancelReason).toBeNull();
    h.tracker.put(issue("2"));
    await h.tick();
    expect(h.executor.runs.map((run) => run.issueId)).toEqual(["1"]);
    expect(h.orchestrator.snapshot().budget.period).toMatchObject({
      tokens: 600,
      max_tokens: 500,
      exhausted: true,
    });

    h.source.config = makeConfig({ budget: { ...budget, max_tokens: 5000 } });
    await h.tick();
    expect(h.executor.runs.map((run) => run.issueId)).toEqual(["1", "2"]);
  });
});
