import { createServer } from "node:net";
import { startFakeGitHub } from "@baton/testkit";
import { LocalTicketStore } from "@baton/tracker";
import { BatonProcess, BenchDir } from "../baton-process.ts";
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

/** A port free right now on 127.0.0.1 (the OS picks it; the listener is closed again). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

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

/**
 * Change signal: the real CLI on the local tracker, which watches its ticket folder. Each sample
 * moves a Backlog ticket to Todo with the same store call `baton issue move` makes (the CLI's
 * own start-up is not Baton's pickup time); polling is 30 s, so only the signal explains a pickup.
 */
async function watchedPickups(samples: number): Promise<number[]> {
  const bench = await BenchDir.create("pickup-watch");
  const store = new LocalTicketStore(`${bench.dir}/tickets`, { prefix: "BAT" });
  let baton: BatonProcess | null = null;
  try {
    const identifiers: string[] = [];
    for (let index = 0; index < samples; index++) {
      identifiers.push((await store.create({ title: `Pickup ${index + 1}`, state: "Backlog" })).identifier);
    }
    const workflowPath = await bench.writeWorkflow(`
tracker:
  kind: local
  provider: { path: tickets, prefix: BAT }
  active_states: [Todo]
  terminal_states: [Done]
polling: { interval_ms: 30000 }
workspace: { root: workspaces }
agent: { max_turns: 1 }
codex: { command: ${JSON.stringify(bench.fakeAppServerCommand(0))} }
`);
    baton = BatonProcess.start({ workflowPath, home: bench.home });
    await baton.waitForLog("action=startup outcome=running", 30_000);
    const latencies: number[] = [];
    for (const identifier of identifiers) {
      await sleep(200 + Math.random() * 200);
      const movedAt = wallClockMs();
      await store.move(identifier, "Todo");
      latencies.push((await turnStartedAt(bench, identifier, movedAt)) - movedAt);
      await store.move(identifier, "Done");
    }
    return latencies;
  } finally {
    await baton?.stop();
    await bench.remove();
  }
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

/** Ticket moved to an active state → `turn/start` received by the agent, polling vs change signal. */
export async function pickupLatency(options: PickupLatencyOptions): Promise<Measurement[]> {
  const polling = await pollingPickups(options.pollingSamples);
  const watched = await watchedPickups(options.watchSamples);
  const webhook = await webhookPickups(options.webhookSamples);
  const summary = (samples: number[]) => ({
    samples: samples.length,
    p90_ms: percentile(samples, 90),
    max_ms: Math.max(...samples),
    all_ms: samples.map(Math.round),
  });
  return [
    measure(
      "pickup_polling_1s_p50",
      percentile(polling, 50),
      "ms",
      { op: "<=", limit: 1100 },
      summary(polling),
    ),
    measure(
      "pickup_issue_move_p50",
      percentile(watched, 50),
      "ms",
      { op: "<=", limit: 50 },
      summary(watched),
    ),
    measure("pickup_webhook_p50", percentile(webhook, 50), "ms", { op: "<=", limit: 100 }, summary(webhook)),
  ];
}
