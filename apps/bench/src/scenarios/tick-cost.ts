import type { Issue } from "@baton/domain";
import {
  Orchestrator,
  type OrchestratorConfig,
  type RunExecutor,
  type RunHandle,
  type RunOutcome,
} from "@baton/orchestrator";
import { MemoryTracker, makeIssue } from "@baton/tracker";
import { type Measurement, measure } from "../report.ts";
import { percentile } from "../stats.ts";

export interface TickCostOptions {
  candidates: number;
  ticks: number;
}

export const TICK_COST_FULL: TickCostOptions = { candidates: 10_000, ticks: 200 };

const STATES = ["Todo", "In Progress"] as const;
const LABELS = [["backend"], ["frontend", "bug"], ["docs"], []];

/** Runs that hold their slot until cancelled, so the running set stays the same tick after tick. */
class HoldingExecutor implements RunExecutor {
  start(): RunHandle {
    let cancel!: (reason: string) => void;
    const done = new Promise<RunOutcome>((resolve) => {
      cancel = (reason) => resolve({ kind: "cancelled", reason });
    });
    return { cancel: async (reason: string) => cancel(reason), done };
  }
}

function candidate(index: number): Issue {
  return makeIssue({
    id: `issue-${index}`,
    identifier: `BENCH-${index + 1}`,
    title: `Candidate ticket number ${index + 1}`,
    state: STATES[index % STATES.length]!,
    priority: index % 7 === 0 ? null : index % 5,
    labels: LABELS[index % LABELS.length]!,
    created_at: new Date(Date.UTC(2026, 0, 1) + index * 61_000).toISOString(),
    blocked_by:
      index % 9 === 0 ? [{ id: `issue-${index + 1}`, identifier: `BENCH-${index + 2}`, state: "Todo" }] : [],
  });
}

/**
 * The decision work of one poll tick over a large backlog, on the real orchestrator: fetch the
 * candidates from the memory tracker, reconcile the running issues, then filter and sort every
 * candidate. The per-state limits are full while global slots are free, so no candidate is
 * dispatched and each tick walks the whole list (the worst case for the filter).
 */
export async function tickCost(options: TickCostOptions): Promise<Measurement[]> {
  const tracker = new MemoryTracker(
    Array.from({ length: options.candidates }, (_, index) => candidate(index)),
  );
  const perState = 5;
  const config: OrchestratorConfig = {
    tracker: { active_states: [...STATES], terminal_states: ["Done", "Cancelled"], required_labels: [] },
    polling: { interval_ms: 3_600_000 },
    agent: {
      max_concurrent_agents: perState * STATES.length * 2,
      max_turns: 20,
      max_retry_backoff_ms: 300_000,
      max_concurrent_agents_by_state: { todo: perState, "in progress": perState },
      max_tokens_per_issue: null,
      max_tokens_per_session: null,
    },
    codex: { stall_timeout_ms: 300_000, turn_timeout_ms: 3_600_000 },
    budget: null,
  };
  const orchestrator = new Orchestrator({
    config: { current: () => config, tracker: () => tracker, preflight: async () => null },
    executor: new HoldingExecutor(),
    workspaces: { remove: async () => "removed" as const },
  });
  let tickDone: (() => void) | null = null;
  orchestrator.subscribe((event) => {
    if (event.type === "tick_completed") tickDone?.();
  });
  const tick = (): Promise<number> =>
    new Promise((resolve) => {
      const startedAt = performance.now();
      tickDone = () => resolve(performance.now() - startedAt);
      orchestrator.requestRefresh();
    });

  const firstTick = new Promise<void>((resolve) => {
    tickDone = resolve;
  });
  await orchestrator.start();
  await firstTick;
  const running = orchestrator.snapshot().counts.running;
  if (running !== perState * STATES.length) {
    throw new Error(`expected the first tick to fill both per-state limits, got ${running} running`);
  }
  const warmUp = Math.max(5, Math.floor(options.ticks / 10));
  for (let index = 0; index < warmUp; index++) await tick();
  const samples: number[] = [];
  for (let index = 0; index < options.ticks; index++) samples.push(await tick());
  await orchestrator.stop();

  const details = {
    candidates: options.candidates,
    ticks: samples.length,
    running,
    max_ms: Math.max(...samples),
  };
  return [
    measure("tick_cost_p50", percentile(samples, 50), "ms", { op: "<=", limit: 10 }, details),
    measure("tick_cost_p99", percentile(samples, 99), "ms", { op: "<=", limit: 25 }, details),
  ];
}
