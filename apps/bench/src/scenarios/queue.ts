import type { AgentEvent } from "@baton/domain";
import type { RunReporter } from "@baton/orchestrator";
import { QueueExecutor, QueueWorker } from "@baton/queue";
import {
  type AttemptDeps,
  type RunHost,
  type RunSpec,
  type ToolGateway,
  workspaceManagerFor,
} from "@baton/runner";
import { startRedisServer } from "@baton/testkit";
import { makeIssue } from "@baton/tracker";
import { LocalLauncher } from "@baton/workspace";
import { Queue, QueueEvents, Worker } from "bullmq";
import { type Measurement, measure } from "../report.ts";
import { percentile, waitUntil } from "../stats.ts";
import { latencySummary, watchedPickups } from "./pickup-latency.ts";

export interface QueueOptions {
  /** Agent events one attempt emits for the relay figures. */
  notifications: number;
  /** No-op attempts for the dispatch figure. */
  attempts: number;
  /** Worker concurrency for the dispatch figure. */
  concurrency: number;
  /** Tickets moved to Todo (then Done) with the CLI and one `baton worker` process. */
  pickupSamples: number;
}

export const QUEUE_FULL: QueueOptions = {
  notifications: 100_000,
  attempts: 1000,
  concurrency: 50,
  pickupSamples: 15,
};

const SPEC: RunSpec = {
  workflow: { path: "/bench/WORKFLOW.md", content_hash: "bench" },
  prompt_template: "Work on {{ issue.identifier }}",
  tracker: {
    kind: "memory",
    active_states: ["Todo"],
    terminal_states: ["Done"],
    required_labels: [],
    tools: [],
  },
  workspace: { root: "/bench/workspaces" },
  hooks: {
    after_create: null,
    before_run: null,
    after_run: null,
    before_remove: null,
    timeout_ms: 1000,
    sandbox: false,
    env: {},
  },
  agent: { kind: "codex", max_turns: 1, env: {} },
  codex: {
    command: "noop",
    approval_policy: "never",
    thread_sandbox: "workspace-write",
    turn_sandbox_policy: null,
    turn_timeout_ms: 60_000,
    read_timeout_ms: 5000,
  },
  claude: {
    command: "noop",
    model: null,
    permission_mode: "acceptEdits",
    allowed_tools: [],
    disallowed_tools: [],
    extra_args: [],
    turn_timeout_ms: 60_000,
    read_timeout_ms: 5000,
  },
  sandbox: { kind: "none" },
  withheld_env: [],
  pipeline: null,
  approvals: { agent_requests: "block", agent_wait_ms: 300_000 },
};

function eventAt(index: number): AgentEvent {
  return {
    event: "notification",
    timestamp: new Date().toISOString(),
    codex_app_server_pid: 1,
    summary: `item ${index}`,
  } as AgentEvent;
}

/** An attempt whose agent emits `events` events in bursts of 100 (as a pipe chunk would), then ends. */
function noopDeps(events: number, gateway: ToolGateway): AttemptDeps {
  return {
    workspace: {
      prepare: async () => ({ path: "/bench/ws", createdNow: false }),
      runHook: async () => null,
      runCommand: async () => ({ exitCode: 0, timedOut: false, output: "" }),
    },
    async startSession(request) {
      return {
        pid: 1,
        async runTurn() {
          for (let sent = 0; sent < events; ) {
            const burst = Math.min(100, events - sent);
            for (let index = 0; index < burst; index++) request.onEvent(eventAt(sent + index));
            sent += burst;
            await new Promise((resolve) => setImmediate(resolve));
          }
        },
        async interrupt() {},
        async stop() {},
      };
    },
    renderPrompt: async () => "bench",
    promptTemplate: "bench",
    tools: [],
    gateway,
    activeStates: ["Todo"],
    terminalStates: ["Done"],
    requiredLabels: [],
    maxTurns: 1,
  };
}

/** The host answers issue re-reads: the ticket is Done after the first turn, so the attempt ends. */
const host: RunHost = {
  prepare: () => ({
    spec: SPEC,
    gateway: async (request) =>
      request.type === "fetch_issue"
        ? {
            type: "issue",
            issue: makeIssue({ id: request.issue_id, identifier: "B-1", title: "b", state: "Done" }),
          }
        : { type: "error", error: { category: "bench", message: "no tools", details: {} } },
  }),
};

function countingReporter(counter: { events: number }): RunReporter {
  return {
    workspaceReady() {},
    agentEvent() {
      counter.events += 1;
    },
    processStarted() {},
    toolCallStarted() {},
    toolCallEnded() {},
  };
}

/**
 * B.queue: the queue executor and a real `QueueWorker` on a private redis-server. Agent events
 * relayed from a worker to the orchestrator's reporter (notifications/s), the same events through
 * BullMQ's own channel (job progress + QueueEvents) for comparison, dispatch throughput of
 * no-op attempts (enqueue to outcome, attempts/s), and with the real CLI and a real `baton worker`
 * process: ticket move to the worker's agent reading `turn/start`, and the orchestrator's cancel
 * to that agent being interrupted.
 */
export async function queueFigures(options: QueueOptions): Promise<Measurement[]> {
  const redis = await startRedisServer();
  try {
    const relay = await relayRate(redis.url, options.notifications);
    const viaBullmq = await bullmqEventsRate(redis.url, Math.min(options.notifications, 5000));
    const dispatch = await dispatchRate(redis.url, options.attempts, options.concurrency);
    const { pickups, cancels } = await watchedPickups(options.pickupSamples, {
      redisUrl: redis.url,
      queueName: `pickup-${Date.now()}`,
    });
    return [
      measure(
        "queue_events_relay_rate",
        relay,
        "notifications/s",
        { op: ">=", limit: 50_000 },
        {
          notifications: options.notifications,
          bullmq_queue_events_rate: Math.round(viaBullmq),
          path: "worker batches per event-loop turn -> XADD on <queue>:reports -> XREAD -> reporter",
        },
      ),
      measure(
        "queue_dispatch_rate",
        dispatch,
        "attempts/s",
        { op: ">=", limit: 200 },
        {
          attempts: options.attempts,
          worker_concurrency: options.concurrency,
        },
      ),
      measure(
        "pickup_queue_issue_move_p50",
        percentile(pickups, 50),
        "ms",
        { op: "<=", limit: 150 },
        latencySummary(pickups),
      ),
      measure(
        "queue_cancel_to_worker_p50",
        percentile(cancels, 50),
        "ms",
        { op: "<=", limit: 1000 },
        {
          ...latencySummary(cancels),
          path: "action=stop outcome=requested -> agent turn/interrupt or stdin closed",
        },
      ),
    ];
  } finally {
    await redis.stop();
  }
}

/** An executor and a ready worker on queue `name`, whose attempts each emit `notifications` events. */
async function noopQueue(
  url: string,
  name: string,
  concurrency: number,
  notifications: number,
): Promise<{ executor: QueueExecutor; worker: QueueWorker }> {
  const executor = await QueueExecutor.open({
    redisUrl: url,
    queueName: name,
    host,
    gateway: () => host.prepare(null as never).gateway,
  });
  const worker = new QueueWorker({
    redisUrl: url,
    queueName: name,
    concurrency,
    workspaceRoot: null,
    lockDurationMs: 30_000,
    depsFor: (_message, gateway) => noopDeps(notifications, gateway),
    workspacesFor: (settings) =>
      workspaceManagerFor(settings, { hookLauncher: new LocalLauncher(), env: process.env }),
  });
  await worker.ready();
  return { executor, worker };
}

async function relayRate(url: string, notifications: number): Promise<number> {
  const name = `relay-${Date.now()}`;
  const { executor, worker } = await noopQueue(url, name, 1, notifications);
  try {
    const counter = { events: 0 };
    const started = performance.now();
    const handle = executor.start(
      {
        issue: makeIssue({ id: "r-1", identifier: "R-1", title: "relay", state: "Todo" }),
        attempt: null,
        run_id: `run-${name}`,
      },
      countingReporter(counter),
    );
    await handle.done;
    await waitUntil(() => counter.events >= notifications, "every relayed event", 60_000);
    return notifications / ((performance.now() - started) / 1000);
  } finally {
    await worker.close();
    await executor.close();
  }
}

/** The alternative: each event as a job progress update, read back through BullMQ's QueueEvents. */
async function bullmqEventsRate(url: string, notifications: number): Promise<number> {
  const name = `events-${Date.now()}`;
  const { connectRedis } = await import("@baton/state/redis");
  const connections = [0, 1, 2].map((index) => connectRedis(url, { role: `bench-${index}` }));
  const queue = new Queue(name, { connection: connections[0]!.client });
  const events = new QueueEvents(name, { connection: connections[1]!.client });
  await events.waitUntilReady();
  let received = 0;
  events.on("progress", () => {
    received += 1;
  });
  const worker = new Worker(
    name,
    async (job) => {
      for (let index = 0; index < notifications; index++) void job.updateProgress({ event: eventAt(index) });
    },
    { connection: connections[2]!.client },
  );
  try {
    const started = performance.now();
    await queue.add("attempt", {});
    await waitUntil(() => received >= notifications, "every progress event", 120_000);
    return notifications / ((performance.now() - started) / 1000);
  } finally {
    await worker.close();
    await events.close();
    await queue.close();
    for (const connection of connections) await connection.close();
  }
}

async function dispatchRate(url: string, attempts: number, concurrency: number): Promise<number> {
  const name = `dispatch-${Date.now()}`;
  const { executor, worker } = await noopQueue(url, name, concurrency, 0);
  try {
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: attempts }, (_, index) => {
        const issue = makeIssue({ id: `d-${index}`, identifier: `D-${index}`, title: "noop", state: "Todo" });
        return executor.start(
          { issue, attempt: null, run_id: `${name}-${index}` },
          countingReporter({ events: 0 }),
        ).done;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const failed = outcomes.filter((outcome) => outcome.kind !== "normal");
    if (failed.length > 0)
      throw new Error(`${failed.length} no-op attempts did not end normally: ${JSON.stringify(failed[0])}`);
    return attempts / seconds;
  } finally {
    await worker.close();
    await executor.close();
  }
}
