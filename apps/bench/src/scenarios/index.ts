import type { Measurement } from "../report.ts";
import { CONCURRENT_SESSIONS_FULL, concurrentSessions } from "./concurrent-sessions.ts";
import { DURABLE_STATE_FULL, durableState } from "./durable-state.ts";
import { EVENT_INGEST_FULL, eventIngest } from "./event-ingest.ts";
import { PICKUP_LATENCY_FULL, pickupLatency } from "./pickup-latency.ts";
import { QUEUE_FULL, queueFigures } from "./queue.ts";
import { SANDBOX_START_FULL, sandboxStart } from "./sandbox-start.ts";
import { STARTUP_FULL, startup } from "./startup.ts";
import { TICK_COST_FULL, tickCost } from "./tick-cost.ts";

/** `full` is the benchmark proper; `smoke` runs the same code at a tiny size to prove the harness. */
export type Size = "full" | "smoke";

export interface Scenario {
  name: string;
  run(size: Size): Promise<Measurement[]>;
}

export const SCENARIOS: Scenario[] = [
  {
    name: "event_ingest",
    run: (size) =>
      eventIngest(size === "full" ? EVENT_INGEST_FULL : { sessions: 3, notificationsPerSession: 300 }),
  },
  {
    name: "tick_cost",
    run: (size) => tickCost(size === "full" ? TICK_COST_FULL : { candidates: 200, ticks: 10 }),
  },
  {
    name: "concurrent_sessions",
    run: (size) =>
      concurrentSessions(
        size === "full"
          ? CONCURRENT_SESSIONS_FULL
          : { sessions: 3, notificationIntervalSeconds: 0.05, windowMs: 500, stateRequests: 10 },
      ),
  },
  {
    name: "pickup_latency",
    run: (size) =>
      pickupLatency(
        size === "full" ? PICKUP_LATENCY_FULL : { pollingSamples: 1, watchSamples: 1, webhookSamples: 1 },
      ),
  },
  {
    name: "durable_state",
    run: (size) =>
      durableState(size === "full" ? DURABLE_STATE_FULL : { transitions: 30, claims: 20, restarts: 1 }),
  },
  {
    name: "queue",
    run: (size) =>
      queueFigures(
        size === "full"
          ? QUEUE_FULL
          : { notifications: 2000, attempts: 20, concurrency: 5, pickupSamples: 1 },
      ),
  },
  {
    name: "startup",
    run: (size) => startup(size === "full" ? STARTUP_FULL : { runs: 1, tickets: 2 }),
  },
  {
    name: "sandbox_start",
    run: (size) => sandboxStart(size === "full" ? SANDBOX_START_FULL : { runs: 1 }),
  },
];
