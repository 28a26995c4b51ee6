import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ErrorRecord } from "@baton/domain";
import {
  CLAIM_DEFAULTS,
  type Claim,
  emptyState,
  newSession,
  Orchestrator,
  type OrchestratorConfig,
  type OrchestratorInput,
  type OrchestratorState,
  type RunExecutor,
  type RunOutcome,
  step,
} from "@baton/orchestrator";
import { SqliteStateStore } from "@baton/state";
import { RedisStateStore } from "@baton/state/redis";
import { startRedisServer } from "@baton/testkit";
import { MemoryTracker, makeIssue } from "@baton/tracker";
import { LocalLeftoverReaper } from "@baton/workspace";
import { type Measurement, measure } from "../report.ts";
import { percentile } from "../stats.ts";

export interface DurableStateOptions {
  /** Transitions timed for the store's cost per transition. */
  transitions: number;
  /** Claims stored before the restart is timed. */
  claims: number;
  restarts: number;
}

export const DURABLE_STATE_FULL: DurableStateOptions = { transitions: 5000, claims: 1000, restarts: 5 };

const config: OrchestratorConfig = {
  tracker: { active_states: ["Todo", "In Progress"], terminal_states: ["Done"], required_labels: [] },
  polling: { interval_ms: 3_600_000 },
  agent: {
    max_concurrent_agents: 50,
    max_turns: 20,
    max_retry_backoff_ms: 300_000,
    max_concurrent_agents_by_state: {},
    max_tokens_per_issue: null,
    max_tokens_per_session: null,
  },
  codex: { stall_timeout_ms: 0, turn_timeout_ms: 3_600_000 },
  budget: null,
};

const ERROR: ErrorRecord = {
  category: "turn_failed",
  message: "the model provider answered 500",
  details: {},
};

function issueOf(index: number) {
  return makeIssue({
    id: `issue-${index}`,
    identifier: `BENCH-${index + 1}`,
    title: `Ticket ${index + 1}`,
    state: "Todo",
  });
}

/** A claim as a long-lived Baton holds them: full recent history, a session with tokens. */
function storedClaim(index: number, now: number): Claim {
  const status = index % 10 === 0 ? "running" : index % 3 === 0 ? "blocked" : "retry_queued";
  return {
    status,
    issue: issueOf(index),
    run_id: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    attempt: status === "running" ? null : 2,
    started_at_ms: status === "running" ? now - 60_000 : null,
    stop_request: null,
    processes: status === "running" ? [{ pid: 999_999, command: "codex app-server" }] : [],
    ...CLAIM_DEFAULTS,
    pipeline: null,
    due_at_ms: status === "retry_queued" ? now + 3_600_000 : null,
    retry: status === "retry_queued" ? { kind: "failure", cause: "failure", seq: index } : null,
    blocked_at_ms: status === "blocked" ? now - 60_000 : null,
    last_error: status === "running" ? null : ERROR,
    workspace_path: `/srv/baton/workspaces/BENCH-${index + 1}`,
    session: {
      ...newSession(),
      session_id: `thread-${index}-turn-3`,
      turn_count: 3,
      tokens: { input_tokens: 12_000, output_tokens: 800, total_tokens: 12_800 },
    },
    recent_events: Array.from({ length: 50 }, (_, n) => ({
      at_ms: now - 50_000 + n * 1000,
      event: "notification",
      message: `item completed: ran the test suite, ${n} files changed`,
    })),
  };
}

/** A dispatch, an agent event with usage, and a failed exit: the transitions a busy Baton saves. */
function* transitions(count: number): Generator<OrchestratorInput> {
  for (let index = 0; ; index++) {
    const id = `issue-${index % 50}`;
    const runId = `run-${index}`;
    yield { type: "dispatch", issue: issueOf(index % 50), run_id: runId };
    yield {
      type: "agent_event",
      issue_id: id,
      run_id: runId,
      event: {
        event: "notification",
        timestamp: "",
        codex_app_server_pid: 1,
        summary: "token count",
        session_id: `t-${index}`,
        usage_delta: { input_tokens: 100, output_tokens: 10, total_tokens: 110 },
      },
    };
    yield { type: "run_exited", issue_id: id, run_id: runId, exit: { kind: "failed", error: ERROR } };
    if ((index + 1) * 3 >= count) return;
  }
}

/**
 * The store's cost per transition: the real `step` on a state of 200 stored claims, each result
 * saved the way the shell saves it. The same transitions appended as JSON lines to a journal file
 * (the alternative design) are reported in the details for comparison.
 */
function storeCost(options: DurableStateOptions): Measurement[] {
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-state-"));
  const store = SqliteStateStore.open({ dir });
  try {
    const now = Date.now();
    let state: OrchestratorState = emptyState();
    for (let index = 50; index < 250; index++) state.claims[`issue-${index}`] = storedClaim(index, now);
    store.save({ state, claims: Object.keys(state.claims), completed: [] });
    const journal = join(dir, "journal.jsonl");
    const sqlite: number[] = [];
    const appended: number[] = [];
    for (const input of transitions(options.transitions)) {
      const result = step(state, input, Date.now(), config);
      state = result.state;
      let startedAt = performance.now();
      store.save({ state, claims: result.changed, completed: result.completed });
      sqlite.push(performance.now() - startedAt);
      startedAt = performance.now();
      const lines = result.changed
        .map((id) => `${JSON.stringify({ id, claim: state.claims[id] ?? null })}\n`)
        .join("");
      appendFileSync(journal, `${lines}${JSON.stringify({ totals: state.totals })}\n`);
      appended.push(performance.now() - startedAt);
    }
    const details = {
      transitions: sqlite.length,
      stored_claims: Object.keys(state.claims).length,
      p50_ms: percentile(sqlite, 50),
      max_ms: Math.max(...sqlite),
      journal_append_p50_ms: percentile(appended, 50),
      journal_append_p99_ms: percentile(appended, 99),
    };
    return [
      measure("state_store_transition_p99", percentile(sqlite, 99), "ms", { op: "<=", limit: 2 }, details),
    ];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same transitions saved to the Redis store (queue executor) on a local redis-server with an
 * append-only file (fsync every second, as deploy/compose.yaml runs it). Two costs: what `save`
 * takes on the orchestrator's event loop (it sends the MULTI/EXEC and returns), and how long until
 * Redis acknowledged the write (awaited after each save, so transitions do not overlap).
 */
async function redisStoreCost(options: DurableStateOptions): Promise<Measurement[]> {
  const redis = await startRedisServer({ password: "bench-redis-password" });
  const store = await RedisStateStore.open({ url: redis.url, namespace: "bench", connectTimeoutMs: 10_000 });
  try {
    const now = Date.now();
    let state: OrchestratorState = emptyState();
    for (let index = 50; index < 250; index++) state.claims[`issue-${index}`] = storedClaim(index, now);
    store.save({ state, claims: Object.keys(state.claims), completed: [] });
    await store.written();
    const onLoop: number[] = [];
    const acknowledged: number[] = [];
    for (const input of transitions(options.transitions)) {
      const result = step(state, input, Date.now(), config);
      state = result.state;
      const startedAt = performance.now();
      store.save({ state, claims: result.changed, completed: result.completed });
      onLoop.push(performance.now() - startedAt);
      await store.written();
      acknowledged.push(performance.now() - startedAt);
    }
    const details = {
      transitions: onLoop.length,
      stored_claims: Object.keys(state.claims).length,
      p50_ms: percentile(onLoop, 50),
      max_ms: Math.max(...onLoop),
      acknowledged_p50_ms: percentile(acknowledged, 50),
      acknowledged_max_ms: Math.max(...acknowledged),
    };
    return [
      measure(
        "state_store_redis_transition_p99",
        percentile(onLoop, 99),
        "ms",
        { op: "<=", limit: 2 },
        details,
      ),
      measure(
        "state_store_redis_acknowledged_p99",
        percentile(acknowledged, 99),
        "ms",
        { op: "<=", limit: 10 },
        {
          transitions: acknowledged.length,
          p50_ms: percentile(acknowledged, 50),
          max_ms: Math.max(...acknowledged),
        },
      ),
    ];
  } finally {
    await store.close();
    await redis.stop();
  }
}

class IdleExecutor implements RunExecutor {
  start() {
    return { cancel: async () => {}, done: new Promise<RunOutcome>(() => {}) };
  }
}

/**
 * A restart with `claims` stored claims (a tenth of them lost runs, the rest retry-queued or
 * blocked): opening the store (lock, integrity check), loading, settling the lost runs (one scan
 * of the process table for their leftovers), arming every retry timer, startup cleanup and the
 * first tick with the blocked re-check. Timed from opening the store to the first tick_completed.
 */
async function restart(options: DurableStateOptions): Promise<Measurement[]> {
  const samples: number[] = [];
  for (let run = 0; run <= options.restarts; run++) {
    const dir = mkdtempSync(join(tmpdir(), "baton-bench-restart-"));
    try {
      const now = Date.now();
      const seed = SqliteStateStore.open({ dir });
      const state = emptyState();
      for (let index = 0; index < options.claims; index++)
        state.claims[`issue-${index}`] = storedClaim(index, now);
      seed.save({ state, claims: Object.keys(state.claims), completed: [] });
      seed.close();
      const tracker = new MemoryTracker(Array.from({ length: options.claims }, (_, index) => issueOf(index)));

      const startedAt = performance.now();
      const store = SqliteStateStore.open({ dir });
      const orchestrator = new Orchestrator({
        config: { current: () => config, tracker: () => tracker, preflight: async () => null },
        executor: new IdleExecutor(),
        workspaces: { remove: async () => "removed" as const },
        store,
        reaper: new LocalLeftoverReaper(),
      });
      const firstTick = new Promise<void>((resolve) =>
        orchestrator.subscribe((event) => {
          if (event.type === "tick_completed") resolve();
        }),
      );
      await orchestrator.start();
      await firstTick;
      if (run > 0) samples.push(performance.now() - startedAt);
      const restored = orchestrator.snapshot().counts;
      if (restored.retrying + restored.blocked + restored.running < options.claims) {
        throw new Error(`the restart lost claims: ${JSON.stringify(restored)}`);
      }
      await orchestrator.stop();
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [
    measure(
      "restart_first_tick_1000_claims_p50",
      percentile(samples, 50),
      "ms",
      { op: "<=", limit: 300 },
      {
        claims: options.claims,
        runs: samples.length,
        max_ms: Math.max(...samples),
        all_ms: samples.map(Math.round),
      },
    ),
  ];
}

export async function durableState(options: DurableStateOptions): Promise<Measurement[]> {
  return [...storeCost(options), ...(await redisStoreCost(options)), ...(await restart(options))];
}
