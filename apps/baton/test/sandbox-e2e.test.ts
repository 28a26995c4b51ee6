import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { buildAgentImage, connectDocker, instanceId, LABELS } from "@baton/sandbox";
import {
  codexBinary,
  describeWithDockerd,
  type ModelScript,
  type PrivateDockerd,
  redisSkipReason,
  startPrivateDockerd,
  startRedisServer,
  type TestRedisServer,
} from "@baton/testkit";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Project, waitFor } from "./harness.ts";

/**
 * Baton itself with `sandbox.kind: docker`: a private dockerd (no bridge, no iptables), the agent
 * image built offline, the real codex in the container, the fake model reached only through the
 * relay socket.
 */

const IMAGE = "baton-agent:e2e";
/** The queue tests need redis-server too (installed by scripts/install-system-deps). */
const noRedis = redisSkipReason() !== null;

let project: Project | undefined;
let redis: TestRedisServer | undefined;
afterEach(async () => {
  await project?.close();
  project = undefined;
  await redis?.stop();
  redis = undefined;
});

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describeWithDockerd(describe, "baton with the Docker sandbox", () => {
  let dockerd: PrivateDockerd;
  let docker: ReturnType<typeof connectDocker>;
  beforeAll(async () => {
    dockerd = await startPrivateDockerd();
    docker = connectDocker({ DOCKER_HOST: dockerd.host });
    await buildAgentImage({ docker, image: IMAGE, codexBinary: codexBinary() });
  }, 180_000);
  afterAll(async () => {
    await dockerd?.stop();
  }, 60_000);

  async function sandboxedProject(script: ModelScript, extra = ""): Promise<Project> {
    const created = await Project.create({
      script,
      codexCommand: "codex app-server",
      tickets: [{ title: "Sandboxed", priority: 1 }],
    });
    await created.writeWorkflow(
      `sandbox:\n  kind: docker\n  image: ${IMAGE}\n  model_url: ${created.provider.baseUrl}\n  memory: 1g\n${extra}`,
    );
    return created;
  }

  function env(): Record<string, string> {
    return {
      DOCKER_HOST: dockerd.host,
      OPENAI_API_KEY: "sk-e2e",
      LINEAR_API_KEY: "lin-never-inside",
      BATON_E2E_UNLISTED: "unlisted-never-inside",
      BATON_E2E_DECLARED: "declared-value",
    };
  }

  function ourContainers(workflowPath: string) {
    return docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.instance}=${instanceId(workflowPath)}`] },
    });
  }

  async function containersOf(workflowPath: string): Promise<string[]> {
    return (await ourContainers(workflowPath)).map((container) => container.Id);
  }

  /** Each container still there, as "<role> <state> (<status>)", for a failure message. */
  async function containersLeft(workflowPath: string): Promise<string[]> {
    return (await ourContainers(workflowPath)).map(
      (container) => `${container.Labels[LABELS.role]} ${container.State} (${container.Status})`,
    );
  }

  it("[B.sandbox-e2e-run][B.sandbox-cancel-removes][B.sandbox-hooks][B.env-sandbox] runs the agent in a container whose file lands in the host workspace; moving the ticket to Done stops and removes the container", async () => {
    const script: ModelScript = (request) =>
      request.turnToolOutputs.length === 0
        ? {
            type: "shell",
            command:
              // Written aside and renamed: the test reads each file once it exists.
              "echo from-the-container > made.tmp; mv made.tmp made.txt; env > env.tmp; mv env.tmp env.txt",
          }
        : { type: "hang" };
    project = await sandboxedProject(
      script,
      "hooks:\n  after_create: pwd > hook-cwd.txt\nagent:\n  env:\n    DEPLOYED_AS: $BATON_E2E_DECLARED\n",
    );
    const baton = project.start([], env());
    const made = join(project.workspace("BAT-1"), "made.txt");
    await waitFor(
      () => exists(join(project!.workspace("BAT-1"), "env.txt")),
      60_000,
      () => `made.txt and env.txt in the workspace\n${baton.tail()}`,
    );
    expect(await readFile(made, "utf8")).toBe("from-the-container\n");
    expect((await readFile(join(project.workspace("BAT-1"), "hook-cwd.txt"), "utf8")).trim()).toBe(
      "/workspace",
    );
    const agentEnv = await readFile(join(project.workspace("BAT-1"), "env.txt"), "utf8");
    expect(agentEnv).toContain("OPENAI_API_KEY=sk-e2e");
    expect(agentEnv).not.toContain("lin-never-inside");
    expect(agentEnv).not.toContain("unlisted-never-inside");
    expect(agentEnv).toContain("DEPLOYED_AS=declared-value");
    expect(await containersOf(project.workflowPath)).toHaveLength(1);

    const moved = await project.cli(
      ["issue", "move", "BAT-1", "Done", "--workflow", project.workflowPath],
      env(),
    );
    expect(moved, moved.stderr).toMatchObject({ code: 0 });
    let left: string[] = [];
    await waitFor(
      async () => {
        left = await containersLeft(project!.workflowPath);
        return left.length === 0;
      },
      30_000,
      () => `the container removed; left: ${left.join(", ")}\n${baton.tail()}`,
    );
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  }, 120_000);

  it.skipIf(noRedis)(
    "[B.sandbox-queue-worker][B.queue-worker][B.queue-workspace-cleanup] on the queue, the worker runs the agent in a container on its own host; the orchestrator needs no Docker; the ticket's end removes the container and the worker's workspace",
    async () => {
      redis = await startRedisServer();
      const script: ModelScript = (request) =>
        request.turnToolOutputs.length === 0
          ? { type: "shell", command: "echo from-a-worker-container > made.tmp; mv made.tmp made.txt" }
          : { type: "hang" };
      project = await sandboxedProject(script, `executor:\n  kind: queue\n  redis_url: ${redis.url}\n`);
      // The orchestrator runs no agent on the queue: it must not need a Docker daemon at all.
      const baton = project.start([], { ...env(), DOCKER_HOST: "unix:///nonexistent/docker.sock" });
      await baton.waitForLog(["action=executor outcome=ready kind=queue"], 30_000);
      const remote = join(project.dir, "remote-ws");
      const worker = project.startWith(
        ["worker", "--redis", redis.url, "--workspace-root", remote, "--lock-ms", "2000"],
        env(),
      );
      const made = join(remote, "BAT-1", "made.txt");
      await waitFor(
        () => exists(made),
        60_000,
        () => `made.txt in the worker's workspace\n${baton.tail()}\n${worker.tail()}`,
      );
      expect(await readFile(made, "utf8")).toBe("from-a-worker-container\n");
      const ready = await worker.waitForLog(["action=sandbox_ready"], 5_000);
      expect(ready).toMatchObject({ image: IMAGE });
      // This worker's containers (an earlier test's project may still be removing its own BAT-1's).
      const agents = () =>
        docker.listContainers({
          all: true,
          filters: { label: [`${LABELS.instance}=${String(ready.instance)}`, `${LABELS.role}=agent`] },
        });
      expect(await agents()).toHaveLength(1);

      const moved = await project.cli(
        ["issue", "move", "BAT-1", "Done", "--workflow", project.workflowPath],
        env(),
      );
      expect(moved, moved.stderr).toMatchObject({ code: 0 });
      await waitFor(
        async () => (await agents()).length === 0 && !(await exists(join(remote, "BAT-1"))),
        30_000,
        () => `the container and the workspace removed\n${baton.tail()}\n${worker.tail()}`,
      );
      expect(await worker.stop()).toEqual({ code: 0, signal: null });
      expect(await baton.stop()).toEqual({ code: 0, signal: null });
    },
    120_000,
  );

  it.skipIf(noRedis)(
    "[B.sandbox-queue-worker][B.queue-agent-missing] a worker whose host has no Docker daemon fails the sandboxed attempt with an error naming the daemon and the host",
    async () => {
      redis = await startRedisServer();
      project = await sandboxedProject(
        () => ({ type: "hang" }),
        `executor:\n  kind: queue\n  redis_url: ${redis.url}\n`,
      );
      const baton = project.start([], env());
      const worker = project.startWith(["worker", "--redis", redis.url, "--lock-ms", "2000"], {
        ...env(),
        DOCKER_HOST: "unix:///nonexistent/docker.sock",
      });
      const retry = await baton.waitForLog(["action=retry outcome=scheduled", "kind=failure"], 30_000);
      expect(String(retry.reason)).toContain("sandbox_docker_unavailable");
      expect(String(retry.reason)).toContain("unix:///nonexistent/docker.sock");
      expect(String(retry.reason)).toContain(`(pid ${worker.child.pid})`);
      await worker.stop();
      await baton.stop();
    },
    60_000,
  );

  it.skipIf(noRedis)(
    "[B.sandbox-reap-leftovers][B.queue-worker-killed] a SIGKILLed worker leaves its container; the next worker on the host reaps it",
    async () => {
      redis = await startRedisServer();
      project = await sandboxedProject(
        () => ({ type: "hang" }),
        `executor:\n  kind: queue\n  redis_url: ${redis.url}\nagent:\n  max_retry_backoff_ms: 1000\n`,
      );
      const baton = project.start([], env());
      const worker = () => project!.startWith(["worker", "--redis", redis!.url, "--lock-ms", "2000"], env());
      const first = worker();
      const ready = await first.waitForLog(["action=sandbox_ready"], 60_000);
      // A worker's instance names its pid: the next worker's is another, so only the pid label finds these.
      const agentsOf = async (instance: unknown) =>
        (
          await docker.listContainers({
            all: true,
            filters: { label: [`${LABELS.instance}=${String(instance)}`, `${LABELS.role}=agent`] },
          })
        ).map((container) => container.Id);
      await waitFor(
        async () => project!.provider.requests.length > 0 && (await agentsOf(ready.instance)).length === 1,
        60_000,
        () => `the first worker's agent asking the model\n${baton.tail()}\n${first.tail()}`,
      );
      const leftover = await agentsOf(ready.instance);
      await first.stop("SIGKILL");
      expect(await agentsOf(ready.instance)).toEqual(leftover);

      const second = worker();
      const reaped = await second.waitForLog(["action=sandbox_reap outcome=removed"], 60_000);
      expect(reaped.container_ids).toEqual([leftover[0]!.slice(0, 12)]);
      expect(await agentsOf(ready.instance)).toEqual([]);
      expect(await second.stop()).toEqual({ code: 0, signal: null });
      expect(await baton.stop()).toEqual({ code: 0, signal: null });
    },
    120_000,
  );

  it("[B.sandbox-reap-leftovers] a SIGKILLed Baton leaves its container; the next start reaps it", async () => {
    project = await sandboxedProject(() => ({ type: "hang" }));
    const first = project.start([], env());
    await waitFor(
      () => project!.provider.requests.length > 0,
      60_000,
      () => `a model request\n${first.tail()}`,
    );
    const leftover = await containersOf(project.workflowPath);
    expect(leftover).toHaveLength(1);
    await first.stop("SIGKILL");
    expect(await containersOf(project.workflowPath)).toEqual(leftover);

    const second = project.start([], env());
    const reaped = await second.waitForLog(["action=sandbox_reap outcome=removed"], 30_000);
    expect(reaped.container_ids).toEqual([leftover[0]!.slice(0, 12)]);
    await waitFor(
      async () => {
        const now = await containersOf(project!.workflowPath);
        return now.length === 1 && now[0] !== leftover[0];
      },
      30_000,
      () => `a new container for the re-dispatched ticket\n${second.tail()}`,
    );
    await second.stop();
    expect(await containersOf(project.workflowPath)).toEqual([]);
  }, 120_000);

  it("[B.sandbox-image-build] baton sandbox build builds a working agent image offline", async () => {
    project = await sandboxedProject(() => ({ type: "hang" }));
    const built = await project.cli(["sandbox", "build", "--image", "cli-built:1"], {
      DOCKER_HOST: dockerd.host,
    });
    expect(built.stderr).toBe("");
    expect(built.stdout).toMatch(/built cli-built:1 \(sha256:[0-9a-f]{12}\) in [\d.]+ s/);
    const image = await docker.getImage("cli-built:1").inspect();
    expect(image.Size).toBeGreaterThan(0);
  }, 120_000);

  it("[B.sandbox-missing-image][B.sandbox-daemon-unreachable] startup fails naming a missing image, or an unreachable daemon", async () => {
    project = await sandboxedProject(() => ({ type: "hang" }));
    await project.writeWorkflow(
      `sandbox:\n  kind: docker\n  image: missing-agent:1\n  model_url: ${project.provider.baseUrl}\n`,
    );
    const missing = project.start([], env());
    expect((await missing.exited).code).toBe(1);
    expect(missing.stderr).toContain("error sandbox_image_missing: sandbox image missing-agent:1 is not in");
    expect(missing.stderr).toContain("baton sandbox build --image missing-agent:1");

    const unreachable = project.start([], { ...env(), DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    expect((await unreachable.exited).code).toBe(1);
    expect(unreachable.stderr).toContain(
      "error sandbox_docker_unavailable: sandbox.kind is docker but the Docker daemon at unix:///nonexistent/docker.sock is not reachable",
    );
  }, 60_000);
});
