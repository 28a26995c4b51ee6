import { startFakeGitHub } from "@baton/testkit";
import { LocalTicketStore } from "@baton/tracker";
import { BatonProcess, BenchDir, freePort } from "../baton-process.ts";
import { type Measurement, measure } from "../report.ts";
import { percentile, sleep, waitUntil, wallClockMs } from "../stats.ts";

export interface PickupLatencyOptions {
  pollingSamples: number;
  watchSamples: number;
  webhookSamples: number;
}

export const PICKUP_LATENCY_FULL: PickupLatencyOptions = {
  pollingSamples: 9,
  watchSamples: 15,
  webhookSamples: 15,
};

const PICKUP_TIMEOUT_MS = 15_000;

/** Waits for the fake app-server of `workspace` to receive a turn/start after `sinceMs`; returns its time. */
async function turnStartedAt(bench: BenchDir, workspace: string, sinceMs: number): Promise<number> {
  const start = await waitUntil(
    async () =>
      (await bench.turnStarts()).find((turn) => turn.workspace === workspace && turn.atMs >= sinceMs),
    `turn/start for ${workspace}`,
    PICKUP_TIMEOUT_MS,
    2,
  );
  return start.atMs;
}

/**
 * Polling: the real CLI on the GitHub tracker (no change signal) against a fake GitHub on
 * 127.0.0.1, polling every second. A closed issue is reopened at a random moment of the poll
 * cycle; the latency runs until the agent process receives `turn/start`.
 */
async function pollingPickups(samples: number): Promise<number[]> {
  const bench = await BenchDir.create("pickup-poll");
  const github = await startFakeGitHub({ repo: "bench/app", token: "bench-token" });
  let baton: BatonProcess | null = null;
  try {
    const numbers = Array.from(
      { length: samples },
      (_, index) => github.addIssue({ title: `Pickup ${index + 1}`, state: "closed" }).number,
    );
    const workflowPath = await bench.writeWorkflow(`
tracker:
  kind: github
  provider: { repo: bench/app, token: $BENCH_GITHUB_TOKEN, api_url: ${JSON.stringify(github.url)} }
  active_states: [open]
  terminal_states: [closed]
polling: { interval_ms: 1000 }
workspace: { root: workspaces }
agent: { max_turns: 1 }
codex: { command: ${JSON.stringify(bench.fakeAppServerCommand(0))} }
`);
    baton = BatonProcess.start({
      workflowPath,
      home: bench.home,
      env: { BENCH_GITHUB_TOKEN: "bench-token" },
    });
    await baton.waitForLog("action=startup outcome=running", 30_000);
    const latencies: number[] = [];
    for (const number of numbers) {
      await sleep(Math.random() * 1000);
      const movedAt = wallClockMs();
      github.editIssue(number, { state: "open" });
      latencies.push((await turnStartedAt(bench, `GH-${number}`, movedAt)) - movedAt);
      github.editIssue(number, { state: "closed" });
    }
    return latencies;
  } finally {
    await baton?.stop();
    await github.close();
    await bench.remove();
  }
}

/** B.queue: attempts run on one real `baton worker` through this Redis instead of in the CLI. */
export interface QueueTarget {
  redisUrl: string;
  queueName: string;
}

export interface WatchedPickups {
  /** Ticket moved to Todo → the agent reads `turn/start`, ms. */
  pickups: number[];
  /** Queue only: the orchestrator's stop request → the worker's agent interrupted or closed, ms. */
  cancels: number[];
}

/**
 * Change signal: the real CLI on the local tracker, which watches its ticket folder. Each sample
 * moves a Backlog ticket to Todo with the same store call `baton issue move` makes (the CLI's
 * own start-up is not Baton's pickup time); polling is 30 s, so only the signal explains a pickup.
 * With `queue`, the attempt runs on a `baton worker` process and the agent keeps its turn open, so
 * moving the ticket to Done makes reconciliation cancel it: the cancel must cross Redis to the worker.
 */
export async function watchedPickups(
  samples: number,
  queue: QueueTarget | null = null,
): Promise<WatchedPickups> {
  const bench = await BenchDir.create(queue === null ? "pickup-watch" : "pickup-queue");
  const store = new LocalTicketStore(`${bench.dir}/tickets`, { prefix: "BAT" });
  let baton: BatonProcess | null = null;
  let worker: BatonProcess | null = null;
  try {
    const identifiers: string[] = [];
    for (let index = 0; index < samples; index++) {
      identifiers.push((await store.create({ title: `Pickup ${index + 1}`, state: "Backlog" })).identifier);
    }
    const executor =
      queue === null
        ? ""
        : `executor: { kind: queue, redis_url: $BENCH_REDIS_URL, queue_name: ${queue.queueName} }`;
    const workflowPath = await bench.writeWorkflow(`
tracker:
  kind: local
  provider: { path: tickets, prefix: BAT }
  active_states: [Todo]
  terminal_states: [Done]
polling: { interval_ms: 30000 }
workspace: { root: workspaces }
agent: { max_turns: 1 }
codex: { command: ${JSON.stringify(bench.fakeAppServerCommand(queue === null ? 0 : 1))} }
${executor}
`);
    if (queue !== null) {
      worker = BatonProcess.worker({ ...queue, cwd: bench.dir, home: bench.home });
      await worker.waitForLog("action=worker_start outcome=ready", 30_000);
    }
    baton = BatonProcess.start({
      workflowPath,
      home: bench.home,
      env: queue === null ? {} : { BENCH_REDIS_URL: queue.redisUrl },
    });
    await baton.waitForLog("action=startup outcome=running", 30_000);
    const result: WatchedPickups = { pickups: [], cancels: [] };
    for (const identifier of identifiers) {
      await sleep(200 + Math.random() * 200);
      const movedAt = wallClockMs();
      await store.move(identifier, "Todo");
      const startedAt = await turnStartedAt(bench, identifier, movedAt);
      result.pickups.push(startedAt - movedAt);
      await store.move(identifier, "Done");
      if (queue !== null) {
        result.cancels.push(await cancelLatency(bench, baton, identifier, startedAt));
        // The worker, not the CLI, must have carried the cancel out, once per sample so far.
        await waitUntil(
          () =>
            worker!.logs.filter((line) => line.msg.includes("action=worker_job outcome=cancelling")).length >=
            result.cancels.length,
          `the worker cancelling the attempt of ${identifier}\n${worker!.tail()}`,
          PICKUP_TIMEOUT_MS,
          5,
        );
      }
    }
    return result;
  } finally {
    await baton?.stop();
    await worker?.stop();
    await bench.remove();
  }
}

/** The orchestrator's `action=stop outcome=requested` for `identifier` → its agent's first stop record. */
async function cancelLatency(
  bench: BenchDir,
  baton: BatonProcess,
  identifier: string,
  sinceMs: number,
): Promise<number> {
  const request = await waitUntil(
    () =>
      baton.logs.find(
        (line) =>
          line.msg.includes("action=stop outcome=requested") &&
          (line.issue_identifier === identifier || line.msg.includes(identifier)),
      ),
    `stop request for ${identifier}\n${baton.tail()}`,
    PICKUP_TIMEOUT_MS,
    5,
  );
  const stop = await waitUntil(
    async () =>
      (await bench.agentStops()).find((record) => record.workspace === identifier && record.atMs >= sinceMs),
    `the agent of ${identifier} interrupted or closed`,
    PICKUP_TIMEOUT_MS,
    2,
  );
  return stop.atMs - Date.parse(request.time);
}

/**
 * Webhook (B.webhook): the real CLI on the GitHub tracker polling every 60 s, with
 * `server.webhooks.github`. Each sample reopens a closed issue on the fake GitHub, which then
 * sends its signed `issues` webhook to Baton; only the webhook explains a pickup within the run.
 */
async function webhookPickups(samples: number): Promise<number[]> {
  const bench = await BenchDir.create("pickup-webhook");
  const github = await startFakeGitHub({ repo: "bench/app", token: "bench-token" });
  let baton: BatonProcess | null = null;
  try {
    const numbers = Array.from(
      { length: samples },
      (_, index) => github.addIssue({ title: `Webhook ${index + 1}`, state: "closed" }).number,
    );
    const port = await freePort();
    const workflowPath = await bench.writeWorkflow(`
tracker:
  kind: github
  provider: { repo: bench/app, token: $BENCH_GITHUB_TOKEN, api_url: ${JSON.stringify(github.url)} }
  active_states: [open]
  terminal_states: [closed]
polling: { interval_ms: 60000 }
workspace: { root: workspaces }
agent: { max_turns: 1 }
codex: { command: ${JSON.stringify(bench.fakeAppServerCommand(0))} }
server:
  port: ${port}
  webhooks: { github: { secret: $BENCH_WEBHOOK_SECRET } }
`);
    baton = BatonProcess.start({
      workflowPath,
      home: bench.home,
      env: { BENCH_GITHUB_TOKEN: "bench-token", BENCH_WEBHOOK_SECRET: "bench-webhook-secret" },
    });
    await baton.waitForLog("action=startup outcome=running", 30_000);
    const target = { url: `http://127.0.0.1:${port}/api/v1/webhooks/github`, secret: "bench-webhook-secret" };
    const latencies: number[] = [];
    for (const number of numbers) {
      await sleep(200 + Math.random() * 200);
      const movedAt = wallClockMs();
      github.editIssue(number, { state: "open" });
      const status = await github.deliverWebhook(target, number, "edited");
      if (status !== 202) throw new Error(`Baton answered the webhook with HTTP ${status}`);
      latencies.push((await turnStartedAt(bench, `GH-${number}`, movedAt)) - movedAt);
      github.editIssue(number, { state: "closed" });
      await github.deliverWebhook(target, number, "edited");
    }
    return latencies;
  } finally {
    await baton?.stop();
    await github.close();
    await bench.remove();
  }
}

/** Sample count, p90, max and every sample of a latency figure, for its details. */
export function latencySummary(samples: number[]) {
  return {
    samples: samples.length,
    p90_ms: percentile(samples, 90),
    max_ms: Math.max(...samples),
    all_ms: samples.map(Math.round),
  };
}

/** Ticket moved to an active state → `turn/start` received by the agent, polling vs change signal. */
export async function pickupLatency(options: PickupLatencyOptions): Promise<Measurement[]> {
  const polling = await pollingPickups(options.pollingSamples);
  const watched = (await watchedPickups(options.watchSamples)).pickups;
  const webhook = await webhookPickups(options.webhookSamples);
  return [
    measure(
      "pickup_polling_1s_p50",
      percentile(polling, 50),
      "ms",
      { op: "<=", limit: 1100 },
      latencySummary(polling),
    ),
    measure(
      "pickup_issue_move_p50",
      percentile(watched, 50),
      "ms",
      { op: "<=", limit: 50 },
      latencySummary(watched),
    ),
    measure(
      "pickup_webhook_p50",
      percentile(webhook, 50),
      "ms",
      { op: "<=", limit: 100 },
      latencySummary(webhook),
    ),
  ];
}
