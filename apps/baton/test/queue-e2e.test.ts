import { access, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ModelRequest,
  type ModelScript,
  redisSkipReason,
  scripts,
  startRedisServer,
  type TestRedisServer,
} from "@baton/testkit";
import { isRunning } from "@baton/workspace";
import { afterEach, describe, expect, it } from "vitest";
import { type BatonProcess, Project, waitFor } from "./harness.ts";

const skip = redisSkipReason();

let project: Project | undefined;
let redis: TestRedisServer | undefined;
let records: string | undefined;
let stopWatching: (() => Promise<void>) | undefined;

afterEach(async () => {
  await stopWatching?.();
  stopWatching = undefined;
  await project?.close();
  project = undefined;
  await redis?.stop();
  redis = undefined;
  if (records !== undefined) await rm(records, { recursive: true, force: true });
  records = undefined;
});

/** A model whose first answer waits until `open()`; then each turn hands the ticket off. */
function gatedHandOff(): { script: ModelScript; open: () => void; answered: () => number } {
  let open!: () => void;
  let answered = 0;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open,
    answered: () => answered,
    script: async (request: ModelRequest) => {
      await gate;
      answered += 1;
      return handOff(request);
    },
  };
}

/**
 * Wraps the agent command so every agent records its own pid and issue (its workspace name) in
 * `agents.log` before it starts: the fake agent's own records, read by `watchAgents`.
 */
async function recordingAgent(): Promise<(realCodex: string) => string> {
  records = await mkdtemp(join(tmpdir(), "baton-agents-"));
  const log = join(records, "agents.log");
  return (realCodex) => `echo "$$ $(basename "$PWD")" >> '${log}'; ${realCodex}`;
}

async function agentRecords(): Promise<{ pid: number; issue: string }[]> {
  const text = await readFile(join(records!, "agents.log"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [pid, issue] = line.split(" ");
      return { pid: Number(pid), issue: issue! };
    });
}

/** Checks every 100 ms, until stopped, that no issue ever has two live agents. */
function watchAgents(): void {
  let running = true;
  let failure: Error | null = null;
  const loop = (async () => {
    while (running) {
      const alive = new Map<string, number[]>();
      for (const record of await agentRecords()) {
        if (!(await isRunning(record.pid))) continue;
        alive.set(record.issue, [...(alive.get(record.issue) ?? []), record.pid]);
      }
      for (const [issue, pids] of alive) {
        if (pids.length > 1) failure ??= new Error(`two live agents for ${issue}: ${pids.join(", ")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  stopWatching = async () => {
    running = false;
    await loop;
    if (failure) throw failure;
  };
}

/** Each turn hands the ticket to Human Review through the local tracker tool (relayed by the gateway). */
const handOff = scripts.toolThenMessage(
  "local_tracker",
  { action: "set_state", state: "Human Review" },
  "handed off",
);

/** Every log line of these processes about these tickets, for a failure message. */
function historyOf(tickets: string[], processes: BatonProcess[]): string {
  return processes
    .flatMap((process, index) =>
      process.logs
        .filter((line) => tickets.includes(String(line.issue_identifier)))
        .map(
          (line) =>
            `[${index} pid ${process.child.pid}] ${String(line.time)} ${line.msg} ${String(line.reason ?? "")}`,
        ),
    )
    .join("\n");
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: API answers are checked field by field.
type Json = any;

async function state(baton: BatonProcess): Promise<Json> {
  const listening = await baton.waitForLog(["action=http_server outcome=listening"], 30_000);
  return (await fetch(`${String(listening.url)}/api/v1/state`)).json();
}

/** Everything Redis was ever told, from its append-only files (durable servers only). */
async function everythingRedisStored(dir: string): Promise<string> {
  const files = await readdir(join(dir, "appendonlydir")).catch(() => [] as string[]);
  const texts = await Promise.all(files.map((file) => readFile(join(dir, "appendonlydir", file), "latin1")));
  return texts.join("\n");
}

/** A project on the queue executor, its Redis, and `count` workers (each its own `baton worker` process). */
async function queueProject(
  options: Parameters<typeof Project.create>[0] & { durable?: boolean },
): Promise<{ project: Project; redis: TestRedisServer }> {
  redis = await startRedisServer({ password: "queue-pass", durable: options.durable ?? false });
  project = await Project.create({
    ...options,
    frontMatter: `executor:\n  kind: queue\n  redis_url: $TEST_REDIS_URL\nserver:\n  port: 0\n${options.frontMatter ?? ""}`,
    env: { TEST_REDIS_URL: redis.url, ...options.env },
  });
  return { project, redis };
}

function startWorker(
  project: Project,
  redisUrl: string,
  args: string[] = [],
  env: Record<string, string> = {},
): BatonProcess {
  return project.startWith(["worker", "--redis", redisUrl, "--lock-ms", "2000", ...args], env);
}

async function readyWorkers(project: Project, redisUrl: string, count: number): Promise<BatonProcess[]> {
  const workers = Array.from({ length: count }, () => startWorker(project, redisUrl));
  for (const worker of workers) await worker.waitForLog(["action=worker_start outcome=ready"], 30_000);
  return workers;
}

/** One worker, ready and running the orchestrator's first attempt: its agent has asked the model. */
async function workerOnFirstRequest(
  project: Project,
  redisUrl: string,
  orchestrator: BatonProcess,
): Promise<BatonProcess> {
  const worker = (await readyWorkers(project, redisUrl, 1))[0]!;
  await waitFor(
    () => project.provider.requests.length > 0,
    30_000,
    () => `a model request\n${orchestrator.tail()}\n${worker.tail()}`,
  );
  return worker;
}

/** Lets the gated model answer with the hand-off tool call, and gives codex time to send it on. */
async function toolCallSent(model: ReturnType<typeof gatedHandOff>, worker: BatonProcess, settleMs: number) {
  model.open();
  await waitFor(
    () => model.answered() > 0,
    30_000,
    () => `the model's tool call answer\n${worker.tail()}`,
  );
  await new Promise((resolve) => setTimeout(resolve, settleMs));
}

async function handedOff(project: Project, ...processes: BatonProcess[]): Promise<void> {
  await waitFor(
    async () => (await project.store.list(["Human Review"])).length === 1,
    60_000,
    () => `the ticket handed off\n${processes.map((process) => process.tail()).join("\n----\n")}`,
  );
}

describe.skipIf(skip !== null)(
  "baton on the queue executor with real redis-server and baton worker processes",
  { timeout: 60_000 },
  () => {
    it("[B.queue-executor][B.queue-worker][B.queue-gateway][B.queue-no-credentials] a worker runs the attempt; the agent's tool call reaches the tracker through the orchestrator", async () => {
      const { project, redis } = await queueProject({
        durable: true,
        script: handOff,
        tickets: [{ title: "Queued work", priority: 1 }],
        // A secret only the orchestrator holds (the status API token stands in for tracker keys).
        frontMatter: "  token: $QUEUE_TEST_SECRET",
        env: { QUEUE_TEST_SECRET: "orchestrator-only-s3cret" },
      });
      const baton = project.start();
      await baton.waitForLog(["action=executor outcome=ready kind=queue"], 30_000);
      const worker = startWorker(project, redis.url, ["--workspace-root", join(project.dir, "remote-ws")], {
        // The worker holds no configuration and no credentials: no WORKFLOW.md, no secret variables.
        TEST_REDIS_URL: "",
        QUEUE_TEST_SECRET: "",
      });
      await worker.waitForLog(["action=worker_start outcome=ready"], 30_000);
      await waitFor(
        async () => (await project.store.list(["Human Review"])).length === 1,
        60_000,
        () => `ticket handed off\n${baton.tail()}\n${worker.tail()}`,
      );
      const assigned = await baton.waitForLog(["action=worker outcome=assigned"], 10_000);
      expect(assigned).toMatchObject({
        issue_identifier: "BAT-1",
        worker_host: hostname(),
        worker_pid: worker.child.pid,
      });
      // The workspace is on the worker's host, under its --workspace-root.
      expect(await exists(join(project.dir, "remote-ws", "BAT-1"))).toBe(true);
      expect(await exists(project.workspace("BAT-1"))).toBe(false);
      // Neither the job nor anything else that crossed Redis carried the orchestrator's secret.
      const stored = await everythingRedisStored(redis.dir);
      expect(stored).toContain("Queued work");
      expect(stored).not.toContain("orchestrator-only-s3cret");
      expect(await readFile(`/proc/${worker.child.pid}/environ`, "latin1")).not.toContain(
        "orchestrator-only-s3cret",
      );
      await baton.waitForLog(["action=worker_exit"], 20_000);
      expect(await baton.stop()).toEqual({ code: 0, signal: null });
      expect(await worker.stop()).toEqual({ code: 0, signal: null });
    });

    it("[B.queue-cancel][B.queue-worker-shown] a ticket moved to a terminal state stops the worker's agent: turn interrupted, after_run run on the worker, outcome reported", async () => {
      const { project, redis } = await queueProject({
        frontMatter: "hooks:\n  after_run: echo after_run >> ../../after_run.log",
        script: () => ({ type: "hang" }),
        tickets: [{ title: "Cancelled remotely", priority: 1 }],
      });
      const baton = project.start();
      const worker = await workerOnFirstRequest(project, redis.url, baton);
      const running = (await state(baton)).running;
      expect(running).toEqual([
        expect.objectContaining({
          issue_identifier: "BAT-1",
          worker: { host: hostname(), pid: worker.child.pid },
        }),
      ]);
      await project.store.move("BAT-1", "Done");
      const cancelling = await worker.waitForLog(["action=worker_job outcome=cancelling"], 20_000);
      expect(cancelling.reason).toBeTruthy();
      await worker.waitForLog(["action=worker_job outcome=finished"], 20_000);
      expect(await readFile(join(project.dir, "after_run.log"), "utf8")).toBe("after_run\n");
      const exit = await baton.waitForLog(["action=worker_exit"], 20_000);
      expect(exit).toMatchObject({ issue_identifier: "BAT-1", outcome: "cancelled" });
      await baton.stop();
      await worker.stop();
    });

    it("[B.queue-workspace-cleanup][S8.5-terminal-stop-clean] a ticket that ends has its workspace removed on the worker's host after before_remove runs there; a worker that was away removes it when it is back", async () => {
      const { project, redis } = await queueProject({
        frontMatter:
          'agent:\n  max_retry_backoff_ms: 1000\nhooks:\n  before_remove: echo "$(basename "$PWD")" >> ../../before_remove.log',
        script: () => ({ type: "hang" }),
        tickets: [
          { title: "Ends while its worker runs", priority: 1 },
          { title: "Ends while no worker runs", priority: 2 },
        ],
      });
      const remote = join(project.dir, "remote-ws");
      const workerArgs = ["--workspace-root", remote, "--concurrency", "2"];
      const removed = () => readFile(join(project.dir, "before_remove.log"), "utf8").catch(() => "");
      const baton = project.start();
      const worker = startWorker(project, redis.url, workerArgs);
      await waitFor(
        () => project.provider.requests.length >= 2,
        30_000,
        () => `both agents asking the model\n${baton.tail()}\n${worker.tail()}`,
      );
      expect(await exists(join(remote, "BAT-1"))).toBe(true);
      expect(await exists(join(remote, "BAT-2"))).toBe(true);

      // Reconciliation stops BAT-1's run; the orchestrator asks, the worker removes.
      await project.store.move("BAT-1", "Done");
      const completed = await worker.waitForLog(["action=workspace_cleanup outcome=completed"], 20_000);
      expect(completed).toMatchObject({ issue_identifier: "BAT-1", workspace_path: join(remote, "BAT-1") });
      expect(await baton.waitForLog(["action=workspace_cleanup outcome=requested"], 10_000)).toMatchObject({
        issue_identifier: "BAT-1",
      });
      expect(await exists(join(remote, "BAT-1"))).toBe(false);
      expect(await removed()).toBe("BAT-1\n");

      // With no worker running, BAT-2 ends: its retry finds it Done and asks for the removal.
      expect(await worker.stop()).toEqual({ code: 0, signal: null });
      await baton.waitForLog(["action=retry outcome=scheduled"], 20_000);
      await project.store.move("BAT-2", "Done");
      await baton.waitForLog(["action=workspace_cleanup outcome=requested"], 20_000, 2);
      expect(await exists(join(remote, "BAT-2"))).toBe(true);

      // The next worker on this host catches up from the cursor the first one saved.
      const next = startWorker(project, redis.url, workerArgs);
      const caughtUp = await next.waitForLog(["action=workspace_cleanup outcome=completed"], 20_000);
      expect(caughtUp).toMatchObject({ issue_identifier: "BAT-2" });
      expect(await exists(join(remote, "BAT-2"))).toBe(false);
      expect(await removed()).toBe("BAT-1\nBAT-2\n");
      expect(await baton.stop()).toEqual({ code: 0, signal: null });
      expect(await next.stop()).toEqual({ code: 0, signal: null });
    });

    it("[B.queue-worker-killed] a worker SIGKILLed mid-run: its job's lock expires and the attempt is retried on another worker, never two live agents", async () => {
      const model = gatedHandOff();
      const { project, redis } = await queueProject({
        frontMatter: "agent:\n  max_retry_backoff_ms: 1000",
        script: model.script,
        codexCommand: await recordingAgent(),
        tickets: [{ title: "Survives a dead worker", priority: 1 }],
      });
      watchAgents();
      const baton = project.start();
      const workers = await readyWorkers(project, redis.url, 2);
      const first = await baton.waitForLog(["action=worker outcome=assigned"], 30_000);
      await waitFor(
        () => project.provider.requests.length > 0,
        30_000,
        () => `a model request\n${baton.tail()}`,
      );
      const holder = workers.find((worker) => worker.child.pid === first.worker_pid)!;
      const other = workers.find((worker) => worker !== holder)!;
      await holder.stop("SIGKILL");
      const retry = await baton.waitForLog(["action=retry outcome=scheduled", "kind=failure"], 30_000);
      expect(retry).toMatchObject({ issue_identifier: "BAT-1", attempt: 1 });
      expect(String(retry.reason)).toContain("worker_lost");
      expect(String(retry.reason)).toContain(`pid ${holder.child.pid}`);
      const second = await baton.waitForLog(["action=worker outcome=assigned"], 30_000, 2);
      expect(second.worker_pid).toBe(other.child.pid);
      const dispatch = await baton.waitForLog(["action=dispatch outcome=started"], 30_000, 2);
      expect(dispatch.attempt).toBe(1);
      model.open();
      await handedOff(project, baton, other);
      await baton.waitForLog(["action=worker_exit", "outcome=normal"], 20_000);
      expect((await agentRecords()).length).toBe(2);
      await stopWatching!();
      stopWatching = undefined;
    });

    it("[B.queue-agent-missing] a worker whose host cannot start the agent fails the attempt with an error naming the host", async () => {
      const { project, redis } = await queueProject({
        codexCommand: "baton-no-such-agent app-server",
        script: handOff,
        tickets: [{ title: "No agent here", priority: 1 }],
      });
      const baton = project.start();
      const worker = (await readyWorkers(project, redis.url, 1))[0]!;
      const retry = await baton.waitForLog(["action=retry outcome=scheduled", "kind=failure"], 30_000);
      expect(String(retry.reason)).toContain(`on worker ${hostname()} (pid ${worker.child.pid})`);
      await baton.stop();
      await worker.stop();
    });

    it("[B.queue-orchestrator-restart] an orchestrator SIGKILLed and restarted re-attaches to the running job instead of dispatching it again", async () => {
      const model = gatedHandOff();
      const { project, redis } = await queueProject({
        script: model.script,
        codexCommand: await recordingAgent(),
        tickets: [{ title: "Outlives its orchestrator", priority: 1 }],
      });
      watchAgents();
      const first = project.start();
      const worker = await workerOnFirstRequest(project, redis.url, first);
      await first.stop("SIGKILL");
      // The agent's hand-off tool call is sent while no orchestrator listens; the new one answers it.
      await toolCallSent(model, worker, 1000);
      const second = project.start();
      const restored = await second.waitForLog(["action=state_restore"], 30_000);
      expect(restored).toMatchObject({ running_reattached: 1, running_lost: 0 });
      await handedOff(project, second, worker);
      const exit = await second.waitForLog(["action=worker_exit"], 20_000);
      expect(exit).toMatchObject({ issue_identifier: "BAT-1", outcome: "normal" });
      expect(second.find("action=dispatch outcome=started")).toHaveLength(0);
      expect(worker.find("action=worker_job outcome=started")).toHaveLength(1);
      expect((await agentRecords()).length).toBe(1);
      await stopWatching!();
      stopWatching = undefined;
    });

    it("[B.queue-gateway-resend][B.queue-orchestrator-restart] an orchestrator SIGKILLed while it handles the agent's tool call: the worker sends the call again and the next orchestrator answers it", async () => {
      const model = gatedHandOff();
      const { project, redis } = await queueProject({
        script: model.script,
        codexCommand: await recordingAgent(),
        tickets: [{ title: "Its tool call outlives the orchestrator", priority: 1 }],
      });
      const first = project.start();
      const worker = await workerOnFirstRequest(project, redis.url, first);
      // Another writer holds the ticket's lock: the orchestrator's hand-off waits on it, after it has
      // read the request off the report stream.
      const lock = join(project.dir, "tickets", ".BAT-1.lock");
      await writeFile(lock, "");
      await toolCallSent(model, worker, 1500);
      await first.stop("SIGKILL");
      await rm(lock);
      const second = project.start();
      // Well inside the worker's 60 s gateway timeout, after which the call would fail.
      await waitFor(
        async () => (await project.store.list(["Human Review"])).length === 1,
        20_000,
        () => `the ticket handed off\n${second.tail()}\n----\n${worker.tail()}`,
      );
      const exit = await second.waitForLog(["action=worker_exit"], 20_000);
      expect(exit).toMatchObject({ issue_identifier: "BAT-1", outcome: "normal" });
      const toolOutputs = project.provider.requests.filter((request) => request.turnToolOutputs.length > 0);
      expect(toolOutputs).toHaveLength(1);
      expect(toolOutputs[0]!.turnToolOutputs[0]!.output).not.toContain("timeout");
      expect(worker.find("action=worker_job outcome=started")).toHaveLength(1);
    });

    it("[B.queue-done-when] 20 tickets, 3 workers: each reaches its hand-off exactly once while a worker is SIGKILLed, Redis restarted and the orchestrator SIGKILLed and restarted", async () => {
      const tickets = 20;
      // Every model answer takes a moment, so runs are in flight when each fault strikes.
      const slowHandOff: ModelScript = async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return handOff(request);
      };
      const { project, redis } = await queueProject({
        durable: true,
        frontMatter: "agent:\n  max_concurrent_agents: 6\n  max_retry_backoff_ms: 1000",
        script: slowHandOff,
        codexCommand: await recordingAgent(),
        tickets: Array.from({ length: tickets }, (_, index) => ({
          title: `Ticket ${index + 1}`,
          priority: 2,
        })),
      });
      watchAgents();
      const orchestrators = [project.start()];
      const workers = Array.from({ length: 3 }, () =>
        startWorker(project, redis.url, ["--concurrency", "2"]),
      );
      const all = () => [...orchestrators, ...workers];
      const handedOffCount = async () => (await project.store.list(["Human Review"])).length;
      const atLeast = (count: number) =>
        waitFor(
          async () => (await handedOffCount()) >= count,
          120_000,
          () =>
            `${count} tickets handed off\n${all()
              .map((process) => process.tail(10))
              .join("\n----\n")}`,
        );

      // A worker holding a job is killed.
      const assigned = await orchestrators[0]!.waitForLog(["action=worker outcome=assigned"], 60_000);
      await workers.find((worker) => worker.child.pid === assigned.worker_pid)!.stop("SIGKILL");
      await atLeast(5);
      await redis.restart();
      await atLeast(10);
      await orchestrators[0]!.stop("SIGKILL");
      orchestrators.push(project.start());
      await atLeast(tickets);

      // Exactly one hand-off per ticket: all 20 are in Human Review, and no ticket's hand-off tool
      // call ran twice (counted from the model's side: the requests that carry its result back).
      const handoffCalls = new Map<string, number>();
      for (const request of project.provider.requests) {
        if (request.turnToolOutputs.length === 0) continue;
        const ticket = /Work on (BAT-\d+):/.exec(JSON.stringify(request.input))?.[1];
        if (ticket !== undefined) handoffCalls.set(ticket, (handoffCalls.get(ticket) ?? 0) + 1);
      }
      const twice = [...handoffCalls].filter(([, count]) => count > 1).map(([ticket]) => ticket);
      const outputsOf = (ticket: string) =>
        project.provider.requests
          .filter(
            (request) =>
              request.turnToolOutputs.length > 0 &&
              JSON.stringify(request.input).includes(`Work on ${ticket}:`),
          )
          .map((request) => JSON.stringify(request.turnToolOutputs).slice(0, 300));
      expect(twice, `${historyOf(twice, all())}\n${twice.flatMap(outputsOf).join("\n")}`).toEqual([]);
      const recorded = orchestrators.flatMap((baton) => baton.find("action=handoff outcome=recorded"));
      expect(new Set(recorded.map((line) => line.issue_identifier)).size).toBe(recorded.length);
      expect(await handedOffCount()).toBe(tickets);
      expect((await project.store.list(["Todo", "In Progress"])).length).toBe(0);
      await stopWatching!();
      stopWatching = undefined;
    }, 300_000);

    it("[B.queue-redis-restart] Redis restarted mid-run: orchestrator and worker reconnect and the run continues to its hand-off", async () => {
      const model = gatedHandOff();
      const { project, redis } = await queueProject({
        durable: true,
        script: model.script,
        codexCommand: await recordingAgent(),
        tickets: [{ title: "Outlives a Redis restart", priority: 1 }],
      });
      watchAgents();
      const baton = project.start();
      const worker = await workerOnFirstRequest(project, redis.url, baton);
      await redis.restart();
      await baton.waitForLog(["reconnected"], 30_000);
      await worker.waitForLog(["reconnected"], 30_000);
      // The agent's tool call, its events and the outcome all cross the restarted Redis.
      model.open();
      await handedOff(project, baton, worker);
      const exit = await baton.waitForLog(["action=worker_exit"], 20_000);
      expect(exit).toMatchObject({ issue_identifier: "BAT-1", outcome: "normal" });
      const dispatched = baton.find("action=dispatch outcome=started").length;
      expect(dispatched).toBeLessThanOrEqual(2);
      expect((await agentRecords()).length).toBe(dispatched);
      await stopWatching!();
      stopWatching = undefined;
    });
  },
);
