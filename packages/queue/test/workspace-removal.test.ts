import { access, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunReporter } from "@baton/orchestrator";
import {
  type AttemptDeps,
  type RunHost,
  type RunSpec,
  type ToolGateway,
  workspaceManagerFor,
} from "@baton/runner";
import { connectRedis } from "@baton/state/redis";
import { redisSkipReason, startRedisServer, type TestRedisServer } from "@baton/testkit";
import { makeIssue } from "@baton/tracker";
import { LocalLauncher } from "@baton/workspace";
import { afterEach, describe, expect, it } from "vitest";
import {
  QueueExecutor,
  QueueWorker,
  queueKeys,
  REMOVALS_CURSOR_FILE,
  type WorkspaceRemovalRequest,
} from "../src/index.ts";

const skip = redisSkipReason();

let redis: TestRedisServer | undefined;
let dir: string | undefined;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await redis?.stop();
  redis = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const HOOKS: RunSpec["hooks"] = {
  after_create: null,
  before_run: null,
  after_run: null,
  // Records each removal's workspace in the shared log beside the root.
  before_remove: 'echo "$(basename "$PWD")" >> ../../removed.log',
  timeout_ms: 5000,
  sandbox: false,
  env: {},
};

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Setup {
  root: string;
  executor: QueueExecutor;
  removed: () => Promise<string>;
  cursor: () => Promise<string>;
  /** A worker with `--workspace-root` = root; `depsFor` only for the tests that run an attempt. */
  worker: (depsFor?: (gateway: ToolGateway) => AttemptDeps) => Promise<QueueWorker>;
  request: (identifier: string, hooks?: RunSpec["hooks"]) => Promise<string>;
  /** Every removal lock in Redis and its holder. */
  removalLocks: () => Promise<Record<string, string>>;
  /** Makes `key` hold `value`, as another worker taking an expired lock would. */
  setKey: (key: string, value: string) => Promise<void>;
  /** A stream entry no worker can parse, as a foreign or corrupted writer would leave. */
  addUnreadable: () => Promise<void>;
}

async function setUp(): Promise<Setup> {
  redis = await startRedisServer();
  dir = await mkdtemp(join(tmpdir(), "baton-removal-"));
  const root = join(dir, "workspaces");
  await mkdir(root);
  const url = redis.url;
  const queueName = `removals-${Date.now()}`;
  const home = join(dir, "home");
  await mkdir(home);
  // Hooks run `bash -lc`: a private HOME keeps the machine's shell profile out.
  const env = { PATH: process.env.PATH, HOME: home };
  // The one attempt (the busy-workspace test) re-reads its issue after its turn: Done by then.
  const gateway: ToolGateway = async () => ({
    type: "issue",
    issue: makeIssue({ id: "i-7", identifier: "BAT-7", title: "busy", state: "Done" }),
  });
  const host: RunHost = {
    prepare: () => ({ spec: { workspace: { root }, hooks: HOOKS } as RunSpec, gateway }),
  };
  const executor = await QueueExecutor.open({ redisUrl: url, queueName, host, gateway: () => gateway });
  closers.push(() => executor.close());
  const withClient = async <T>(use: (client: ReturnType<typeof connectRedis>["client"]) => Promise<T>) => {
    const connection = connectRedis(url, { role: "test" });
    try {
      return await use(connection.client);
    } finally {
      await connection.close();
    }
  };
  return {
    root,
    executor,
    addUnreadable: () =>
      withClient(async (client) => {
        await client.xadd(queueKeys(queueName).removals, "*", "m", "{not json");
      }),
    removalLocks: () =>
      withClient(async (client) => {
        const keys = await client.keys(`${queueKeys(queueName).removing("*", "*")}`);
        const values = await Promise.all(keys.map((key) => client.get(key)));
        return Object.fromEntries(keys.map((key, index) => [key, values[index]!]));
      }),
    setKey: (key, value) =>
      withClient(async (client) => {
        await client.set(key, value);
      }),
    removed: () => readFile(join(dir!, "removed.log"), "utf8").catch(() => ""),
    cursor: async () => (await readFile(join(root, REMOVALS_CURSOR_FILE), "utf8").catch(() => "")).trim(),
    async worker(depsFor) {
      const worker = new QueueWorker({
        redisUrl: url,
        queueName,
        concurrency: 1,
        workspaceRoot: root,
        lockDurationMs: 5000,
        depsFor: (_message, gateway) => {
          if (depsFor === undefined) throw new Error("this test runs no attempt");
          return depsFor(gateway);
        },
        workspacesFor: (settings) =>
          workspaceManagerFor(settings, { hookLauncher: new LocalLauncher(), env }),
      });
      closers.push(() => worker.close());
      await worker.ready();
      return worker;
    },
    request: (identifier, hooks = HOOKS) =>
      executor.requestWorkspaceRemoval({
        identifier,
        // The orchestrator's root; each worker uses its own --workspace-root instead.
        workspace: { root: "/orchestrator/workspaces" },
        hooks,
        sandbox: { kind: "none" },
      } satisfies WorkspaceRemovalRequest),
  };
}

/** An attempt whose one turn lasts until `finish()`: its workspace is in use until then. */
function heldAttempt(root: string): { depsFor: (gateway: ToolGateway) => AttemptDeps; finish: () => void } {
  let finish!: () => void;
  const turn = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    finish,
    depsFor: (gateway) => ({
      workspace: {
        prepare: async (identifier: string) => {
          const path = join(root, identifier);
          await mkdir(path, { recursive: true });
          return { path, createdNow: false };
        },
        runHook: async () => null,
        runCommand: async () => ({ exitCode: 0, timedOut: false, output: "" }),
      },
      async startSession() {
        return { pid: 1, runTurn: () => turn, async interrupt() {}, async stop() {} };
      },
      renderPrompt: async () => "work",
      promptTemplate: "work",
      tools: [],
      gateway,
      activeStates: ["Todo"],
      terminalStates: ["Done"],
      requiredLabels: [],
      maxTurns: 1,
    }),
  };
}

const quietReporter: RunReporter = {
  workspaceReady() {},
  agentEvent() {},
  processStarted() {},
  toolCallStarted() {},
  toolCallEnded() {},
};

describe.skipIf(skip !== null)("queue workers remove terminal issues' workspaces (real redis-server)", () => {
  it("[B.queue-workspace-cleanup] two workers sharing a host and root: the workspace goes once, before_remove runs once, and each request is handled once, past an unreadable entry", async () => {
    const setup = await setUp();
    await setup.worker();
    await setup.worker();
    // Garbage in the stream (not JSON) is passed over; the requests after it are still handled.
    await setup.addUnreadable();
    await mkdir(join(setup.root, "BAT-1"));
    await mkdir(join(setup.root, "BAT-2"));
    await setup.request("BAT-1");
    const last = await setup.request("BAT-2");
    await until(async () => !(await exists(join(setup.root, "BAT-2"))), "BAT-2 removed");
    await until(async () => (await setup.cursor()) === last, "the cursor at the last request");
    expect(await exists(join(setup.root, "BAT-1"))).toBe(false);
    expect((await setup.removed()).split("\n").filter(Boolean).sort()).toEqual(["BAT-1", "BAT-2"]);
  });

  it("[B.queue-workspace-cleanup] catching up after being away: a workspace last used before the request goes, one used since (the issue came back) stays", async () => {
    const setup = await setUp();
    await mkdir(join(setup.root, "OLD-1"));
    await mkdir(join(setup.root, "BACK-1"));
    const first = await setup.request("OLD-1");
    await setup.request("BACK-1");
    // The workspaces were last used before their requests... except BACK-1, used again since.
    const before = new Date(Number(first.split("-")[0]) - 60_000);
    await utimes(join(setup.root, "OLD-1"), before, before);
    const later = new Date(Date.now() + 60_000);
    await utimes(join(setup.root, "BACK-1"), later, later);
    // This root's last worker had handled nothing yet.
    await writeFile(join(setup.root, REMOVALS_CURSOR_FILE), "0-0\n");
    const last = await setup.request("GONE-1");
    await setup.worker();
    await until(async () => (await setup.cursor()) === last, "every request handled");
    expect(await exists(join(setup.root, "OLD-1"))).toBe(false);
    expect(await exists(join(setup.root, "BACK-1"))).toBe(true);
    expect(await setup.removed()).toBe("OLD-1\n");
  });

  it("[B.queue-workspace-cleanup] a removal that outlived its lock leaves the lock of the worker that took it over", async () => {
    const setup = await setUp();
    await setup.worker();
    await mkdir(join(setup.root, "SLOW-1"));
    // before_remove waits for the test: the removal holds its lock until then.
    const slowHooks = {
      ...HOOKS,
      before_remove: `${HOOKS.before_remove}; until [ -e ../../go ]; do sleep 0.05; done`,
    };
    const id = await setup.request("SLOW-1", slowHooks);
    await until(async () => (await setup.removed()) === "SLOW-1\n", "before_remove started");
    const [lock, ...others] = Object.keys(await setup.removalLocks());
    expect(lock).toBeDefined();
    expect(others).toEqual([]);
    // Its expiry passed and another worker of the host took the lock for its own removal.
    await setup.setKey(lock!, "another-worker");
    await writeFile(join(dir!, "go"), "");
    await until(async () => (await setup.cursor()) === id, "the request handled");
    expect(await exists(join(setup.root, "SLOW-1"))).toBe(false);
    expect(await setup.removalLocks()).toEqual({ [lock!]: "another-worker" });
  });

  it("[B.queue-workspace-cleanup] a workspace an attempt on this worker is using is kept", async () => {
    const setup = await setUp();
    const attempt = heldAttempt(setup.root);
    await setup.worker(attempt.depsFor);
    const handle = setup.executor.start(
      {
        issue: makeIssue({ id: "i-7", identifier: "BAT-7", title: "busy", state: "Todo" }),
        attempt: null,
        run_id: "run-7",
      },
      quietReporter,
    );
    await until(() => exists(join(setup.root, "BAT-7")), "the attempt's workspace");
    const id = await setup.request("BAT-7");
    await until(async () => (await setup.cursor()) === id, "the request handled");
    expect(await exists(join(setup.root, "BAT-7"))).toBe(true);
    expect(await setup.removed()).toBe("");
    attempt.finish();
    expect(await handle.done).toMatchObject({ kind: "normal" });
  });
});
