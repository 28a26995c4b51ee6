import { describe, expect, it } from "vitest";
import { harness, issue, tokens } from "./helpers.ts";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("agent-event steps while events keep arriving", () => {
  it("[B.ingest-paced-steps] applies an event after a quiet spell in its turn, holds the next ones for the paced step, and every reader and shutdown applies them first", async () => {
    // A long interval, so the held events can only reach the state through a reader or shutdown.
    const h = harness({ issues: [issue("1"), issue("2")], agentEventStepIntervalMs: 60_000 });
    await h.start();
    const seen = () => h.eventsOf("agent_event").length;
    const run = h.executor.lastRun("1");

    run.event({ event: "notification", session_id: "th-tu1", usage_delta: tokens(10, 1) });
    await nextTurn();
    expect(seen()).toBe(1);

    run.event({ event: "notification", session_id: "th-tu1", usage_delta: tokens(20, 2) });
    h.executor
      .lastRun("2")
      .event({ event: "notification", session_id: "th-tu2", usage_delta: tokens(40, 4) });
    await h.settle();
    expect(seen()).toBe(1);

    // The state answer holds both held events, in order, and publishes them before it answers.
    const view = h.orchestrator.snapshot();
    expect(view.codex_totals.total_tokens).toBe(11 + 22 + 44);
    expect(seen()).toBe(3);
    expect(h.eventsOf("agent_event").map((event) => event.issue_id)).toEqual(["1", "1", "2"]);

    run.event({ event: "notification", session_id: "th-tu1", usage_delta: tokens(100, 0) });
    expect(h.orchestrator.issueDetail("BAT-1")?.recent_events.length).toBeGreaterThan(0);
    expect(seen()).toBe(4);

    // Any other input applies the held events first: the run's end comes after its last event.
    run.event({ event: "notification", session_id: "th-tu1", usage_delta: tokens(5, 0) });
    run.succeed();
    await h.settle();
    const order = h.events.filter((event) => event.type === "agent_event" || event.type === "worker_exited");
    expect(order.slice(-2).map((event) => event.type)).toEqual(["agent_event", "worker_exited"]);

    h.executor.lastRun("2").event({ event: "notification", session_id: "th-tu2", usage_delta: tokens(7, 0) });
    await h.orchestrator.stop();
    expect(h.orchestrator.snapshot().codex_totals.total_tokens).toBe(11 + 22 + 44 + 100 + 5 + 7);
  });
});
