import { access, readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { redisSkipReason, scripts, startRedisServer, type TestRedisServer } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type BatonProcess, Project, waitFor } from "./harness.ts";

const skip = redisSkipReason();

let project: Project | undefined;
let redis: TestRedisServer | undefined;

afterEach(async () => {
  for (const b of project?.batons ?? [])
    console.log("TAIL", b.child.spawnargs.slice(2, 3).join(" "), b.tail(40));
  await project?.close();
  project = undefined;
  await redis?.stop();
  redis = undefined;
});

/** Each turn hands the ticket to Human Review through the local tracker tool (relayed by the gateway). */
const handOff = scripts.toolThenMessage(
  "local_tracker",
  { action: "set_state", state: "Human Review" },
  "handed off",
);

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
) {
  return project.startWith(["worker", "--redis", redisUrl, "--lock-ms", "2000", ...args], env);
}

describe.skipIf(skip !== null)(
  "baton on the queue executor with real redis-server and baton worker processes",
  { timeout: 60_000 },
  () => {
    it("[B.queue-executor][B.queue-worker][B.queue-gateway] a worker runs the attempt; the agent's tool call reaches the tracker through the orchestrator", async () => {
      const { project, redis } = await queueProject({
        script: handOff,
        tickets: [{ title: "Queued work", priority: 1 }],
      });
      const baton = project.start();
      await baton.waitForLog(["action=executor outcome=ready kind=queue"], 30_000);
      const worker = startWorker(project, redis.url, ["--workspace-root", join(project.dir, "remote-ws")], {
        // The worker holds no tracker configuration at all: no WORKFLOW.md, no tracker variables.
        TEST_REDIS_URL: "",
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
      await baton.waitForLog(["action=worker_exit"], 20_000);
      expect(await baton.stop()).toEqual({ code: 0, signal: null });
      expect(await worker.stop()).toEqual({ code: 0, signal: null });
    });
  },
);
