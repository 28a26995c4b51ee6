import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { type CodexSession, startCodexSession } from "@baton/agent";
import { agentEnvAllowlist, processEnvironment } from "@baton/domain";
import { describeWithDockerd, type FakeModelProvider, scripts, startFakeModelProvider } from "@baton/testkit";
import { WorkspaceManager } from "@baton/workspace";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  assertDaemonReachable,
  assertImagePresent,
  connectDocker,
  DockerLauncher,
  LABELS,
  ModelRelay,
  reapContainersOfGoneProcesses,
  reapLeftoverContainers,
} from "../src/index.ts";
import {
  collect,
  type SandboxFixture,
  sandboxSettings,
  startSandboxFixture,
  TEST_IMAGE,
  tempWorkspace,
} from "./support.ts";

/**
 * The Docker sandbox against a private dockerd (started here, no bridge, no iptables) and the agent
 * image built offline from this machine's packages and the static codex binary. Containers run
 * with network none; the model is the testkit's fake provider on 127.0.0.1, which the container
 * reaches only through the relay socket.
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function port(provider: FakeModelProvider): number {
  return Number(new URL(provider.baseUrl).port);
}

describeWithDockerd(describe, "Docker sandbox", () => {
  let fixture: SandboxFixture;
  beforeAll(async () => {
    fixture = await startSandboxFixture();
  }, 180_000);
  afterAll(async () => {
    await fixture?.stop();
  }, 60_000);

  async function agentLauncher(provider: FakeModelProvider | null, overrides = {}) {
    const relay = provider === null ? null : await ModelRelay.start({ upstream: provider.baseUrl });
    if (relay !== null) cleanups.push(() => relay.close());
    const launcher = new DockerLauncher({
      docker: fixture.docker,
      settings: sandboxSettings({
        network: relay === null ? "none" : "model-only",
        model_url: provider?.baseUrl ?? null,
        ...overrides,
      }),
      instance: "sandbox-test",
      workflowPath: "/srv/baton/WORKFLOW.md",
      role: "agent",
      relay,
    });
    cleanups.push(() => launcher.close());
    return launcher;
  }

  async function ourContainers(): Promise<string[]> {
    const listed = await fixture.docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.instance}=sandbox-test`] },
    });
    return listed.map((container) => container.Id);
  }

  it("[B.sandbox-codex-in-container][B.sandbox-workspace-mount][B.sandbox-model-relay][B.sandbox-model-only-network][B.sandbox-env-allowlist] runs the real codex in a container: its command runs in /workspace and the file appears in the host workspace; writing elsewhere and any other destination fail", async () => {
    // The provider's own port on 127.0.0.1 is a host port: from inside it must be unreachable.
    let command = "";
    const provider = await startFakeModelProvider((request) =>
      scripts.shellThenMessage(command, "done")(request),
    );
    cleanups.push(() => provider.close());
    command = [
      "pwd > where.txt && echo made-in-sandbox > made.txt && env > env.txt",
      "(echo x > /etc/escape.txt) 2>/dev/null && echo wrote-etc >> walls.txt",
      "(echo x > /home/escape.txt) 2>/dev/null && echo wrote-home >> walls.txt",
      `(exec 3<>/dev/tcp/127.0.0.1/${port(provider)}) 2>/dev/null && echo reached-host-port >> walls.txt`,
      "(exec 3<>/dev/tcp/192.0.2.1/443) 2>/dev/null && echo reached-other-address >> walls.txt",
      "echo checked >> walls.txt",
    ].join("; ");
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    // Even a tracker secret listed in sandbox.env stays out.
    const launcher = await agentLauncher(provider, { env: ["OPENAI_API_KEY", "LINEAR_API_KEY"] });
    const session: CodexSession = await startCodexSession({
      command: "codex app-server",
      workspacePath: ws.workspace,
      workspaceRoot: ws.root,
      launcher,
      env: { OPENAI_API_KEY: "sk-sandbox-model-key", LINEAR_API_KEY: "lin-tracker-secret", HOST_ONLY: "x" },
      secretEnvNames: ["LINEAR_API_KEY"],
      approvalPolicy: "never",
      threadSandbox: "workspace-write",
      turnSandboxPolicy: null,
      readTimeoutMs: 30_000,
      turnTimeoutMs: 60_000,
      tools: [],
      executeTool: async () => ({ success: false, output: "no tools" }),
      onEvent: () => {},
    });
    cleanups.push(() => session.stop());
    expect(await ourContainers()).toHaveLength(1);
    await session.runTurn({ prompt: "ABC-1: make the file", title: "ABC-1: Make the file" });

    expect(await readFile(path.join(ws.workspace, "made.txt"), "utf8")).toBe("made-in-sandbox\n");
    expect((await readFile(path.join(ws.workspace, "where.txt"), "utf8")).trim()).toBe("/workspace");
    expect(await readFile(path.join(ws.workspace, "walls.txt"), "utf8")).toBe("checked\n");
    const env = await readFile(path.join(ws.workspace, "env.txt"), "utf8");
    expect(env).toContain("OPENAI_API_KEY=sk-sandbox-model-key");
    expect(env).not.toContain("lin-tracker-secret");
    expect(env).not.toContain("HOST_ONLY");
    // Codex was told /workspace, not the host path: cwd and writable root of thread and turn.
    const body = JSON.stringify(provider.requests[0]?.body ?? {});
    expect(body).toContain("/workspace");
    expect(body).not.toContain(ws.workspace);
    // Every model call went through the relay (the container has no other way out).
    expect(provider.requests.length).toBeGreaterThanOrEqual(2);

    await session.stop();
    expect(await ourContainers()).toEqual([]);
  }, 120_000);
  it("[B.sandbox-workspace-mount][B.sandbox-model-only-network] the container's walls: nothing outside /workspace is writable, no host port or other address is reachable, and the relay forwards to the model provider only", async () => {
    const provider = await startFakeModelProvider(scripts.message("unused"));
    cleanups.push(() => provider.close());
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const launcher = await agentLauncher(provider);
    const other = port(provider);
    const script = [
      "echo inside > /workspace/ok.txt && echo wrote-workspace",
      "for target in /etc/escape /usr/escape /escape /home/escape; do (echo x > $target) 2>/dev/null && echo wrote-$target; done",
      `(exec 3<>/dev/tcp/127.0.0.1/${other}) 2>/dev/null && echo reached-host-port`,
      "(exec 3<>/dev/tcp/192.0.2.1/80) 2>/dev/null && echo reached-other-address",
      // The relay itself: a request for another destination is refused, the provider's path is served.
      "exec 3<>/dev/tcp/127.0.0.1/8787",
      `printf 'GET http://127.0.0.1:${other}/v1/models HTTP/1.1\\r\\nHost: 127.0.0.1:${other}\\r\\nConnection: close\\r\\n\\r\\n' >&3`,
      "head -1 <&3",
      "exec 3<>/dev/tcp/127.0.0.1/8787",
      "printf 'CONNECT 192.0.2.1:443 HTTP/1.1\\r\\nHost: 192.0.2.1:443\\r\\n\\r\\n' >&3",
      "head -1 <&3",
    ].join("\n");
    const result = await collect(launcher.launch({ command: script, cwd: ws.workspace, env: {} }));
    expect(result.stdout).toContain("wrote-workspace");
    expect(result.stdout).not.toContain("wrote-/");
    expect(result.stdout).not.toContain("reached-");
    expect(result.stdout.match(/HTTP\/1\.1 403/g)).toHaveLength(2);
    expect(await readFile(path.join(ws.workspace, "ok.txt"), "utf8")).toBe("inside\n");
    expect(provider.requests).toHaveLength(0);
  }, 60_000);

  it("[B.sandbox-model-only-network] network none: no relay, the model is unreachable too", async () => {
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const launcher = await agentLauncher(null);
    const result = await collect(
      launcher.launch({
        command:
          "ls /run/baton; (exec 3<>/dev/tcp/127.0.0.1/8787) 2>/dev/null && echo reached-relay; echo checked",
        cwd: ws.workspace,
        env: {},
      }),
    );
    expect(result.stdout).toBe("checked\n");
  }, 60_000);

  it("[B.sandbox-cancel-removes] killing a launch stops and removes its container", async () => {
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const launcher = await agentLauncher(null);
    const launched = launcher.launch({ command: "echo started; sleep 600", cwd: ws.workspace, env: {} });
    await new Promise<void>((resolve) => launched.stdout.once("data", () => resolve()));
    expect(await ourContainers()).toHaveLength(1);
    launched.kill("SIGTERM");
    await launched.exited;
    expect(await ourContainers()).toEqual([]);
  }, 60_000);

  it("[B.sandbox-runs-to-end] a command that takes longer than a moment runs to its end and its exit code is reported", async () => {
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const launcher = await agentLauncher(null);
    // Longer than the launch's 2 s output drain: a launch that stopped waiting for the container's
    // exit would remove it before the second line.
    const launched = launcher.launch({
      command: "echo started; sleep 4; echo finished; exit 3",
      cwd: ws.workspace,
      env: {},
    });
    const result = await collect(launched);
    expect(result.stdout).toBe("started\nfinished\n");
    expect(result.code).toBe(3);
    expect(await ourContainers()).toEqual([]);
  }, 60_000);

  it("[B.sandbox-oom] a container killed for memory fails with sandbox_oom and a clear message", async () => {
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const launcher = await agentLauncher(null, { memory: 32 * 1024 * 1024 });
    const result = await collect(
      launcher.launch({
        command: "head -c 400m /dev/zero | tail -n 1 >/dev/null; echo survived",
        cwd: ws.workspace,
        env: {},
      }),
    );
    expect(result.error?.category).toBe("sandbox_oom");
    expect(result.error?.message).toContain("issue ABC-1 ran out of memory (sandbox.memory 32m)");
    expect(await ourContainers()).toEqual([]);
  }, 60_000);

  it("[B.sandbox-missing-image] a missing image is an error naming it and how to build it", async () => {
    await expect(assertImagePresent(fixture.docker, "no-such-agent:1")).rejects.toMatchObject({
      category: "sandbox_image_missing",
      message: expect.stringContaining("baton sandbox build --image no-such-agent:1"),
    });
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const launcher = await agentLauncher(null, { image: "no-such-agent:1" });
    const result = await collect(launcher.launch({ command: "true", cwd: ws.workspace, env: {} }));
    expect(result.error?.category).toBe("sandbox_image_missing");
    expect(result.stderr).toContain("sandbox image no-such-agent:1 is not in the Docker daemon at");
  }, 60_000);

  it("[B.sandbox-reap-leftovers] reaping removes this instance's leftover containers and no one else's", async () => {
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const ours = await agentLauncher(null);
    const theirs = new DockerLauncher({
      docker: fixture.docker,
      settings: sandboxSettings({ network: "none" }),
      instance: "another-baton",
      workflowPath: "/srv/other/WORKFLOW.md",
      role: "agent",
    });
    cleanups.push(() => theirs.close());
    const left = ours.launch({ command: "echo up; sleep 600", cwd: ws.workspace, env: {} });
    const kept = theirs.launch({ command: "echo up; sleep 600", cwd: ws.workspace, env: {} });
    await Promise.all(
      [left, kept].map(
        (launched) => new Promise<void>((resolve) => launched.stdout.once("data", () => resolve())),
      ),
    );
    const before = await ourContainers();
    expect(before).toHaveLength(1);
    expect(await reapLeftoverContainers(fixture.docker, "sandbox-test")).toEqual(before);
    expect(await ourContainers()).toEqual([]);
    const others = await fixture.docker.listContainers({
      filters: { label: [`${LABELS.instance}=another-baton`] },
    });
    expect(others).toHaveLength(1);
    await left.exited;
  }, 60_000);

  it("[B.sandbox-reap-leftovers] reaping removes the containers on this host of Baton processes that are gone, and no others", async () => {
    // A pid that was ours a moment ago and is gone now, as a SIGKILLed worker's is.
    const finished = spawn("true");
    await new Promise((resolve) => finished.once("exit", resolve));
    const gonePid = finished.pid!;
    const started = async (host: string, pid: number) => {
      const container = await fixture.docker.createContainer({
        Image: TEST_IMAGE,
        Entrypoint: ["sleep", "600"],
        Labels: {
          [LABELS.managed]: "true",
          [LABELS.instance]: "gone-process-test",
          [LABELS.host]: host,
          [LABELS.pid]: String(pid),
        },
        HostConfig: { NetworkMode: "none" },
      });
      cleanups.push(() => container.remove({ force: true }).catch(() => {}));
      await container.start();
      return container.id;
    };
    const leftByGone = await started(hostname(), gonePid);
    const ofLiveProcess = await started(hostname(), process.pid);
    const ofOtherHost = await started("another-host", gonePid);

    expect(await reapContainersOfGoneProcesses(fixture.docker, hostname())).toEqual([leftByGone]);
    const remaining = await fixture.docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.instance}=gone-process-test`] },
    });
    expect(remaining.map((container) => container.Id).sort()).toEqual([ofLiveProcess, ofOtherHost].sort());
  }, 60_000);

  it("[B.sandbox-reap-leftovers] every container names the host and pid of the Baton process that started it", async () => {
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const launcher = await agentLauncher(null);
    const launched = launcher.launch({ command: "echo up; sleep 600", cwd: ws.workspace, env: {} });
    await new Promise<void>((resolve) => launched.stdout.once("data", () => resolve()));
    const [container] = await fixture.docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.instance}=sandbox-test`] },
    });
    expect(container?.Labels).toMatchObject({ [LABELS.host]: hostname(), [LABELS.pid]: String(process.pid) });
    await launcher.close();
    await launched.exited;
  }, 60_000);

  it("[B.sandbox-hooks] hooks run in the sandbox image with the workspace mounted and without tracker secrets", async () => {
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const hooks = new DockerLauncher({
      docker: fixture.docker,
      settings: sandboxSettings({ network: "none", env: ["GIT_AUTHOR_NAME"] }),
      instance: "sandbox-test",
      workflowPath: "/srv/baton/WORKFLOW.md",
      role: "hook",
    });
    const manager = new WorkspaceManager({
      root: ws.root,
      hooks: {
        after_create:
          "git init -q . && pwd > where.txt && env > env.txt && (touch /etc/x 2>/dev/null || echo read-only > outside.txt)",
        before_run: null,
        after_run: null,
        before_remove: null,
      },
      hookTimeoutMs: 30_000,
      launcher: hooks,
      env: { GIT_AUTHOR_NAME: "Baton", LINEAR_API_KEY: "lin-secret" },
    });
    const prepared = await manager.prepare("ABC-2");
    expect(prepared.createdNow).toBe(true);
    expect((await readFile(path.join(prepared.path, "where.txt"), "utf8")).trim()).toBe("/workspace");
    expect(await readFile(path.join(prepared.path, "outside.txt"), "utf8")).toBe("read-only\n");
    const env = await readFile(path.join(prepared.path, "env.txt"), "utf8");
    expect(env).toContain("GIT_AUTHOR_NAME=Baton");
    expect(env).not.toContain("lin-secret");
    expect(await readFile(path.join(prepared.path, ".git", "HEAD"), "utf8")).toContain("ref:");
  }, 60_000);

  it("[B.env-sandbox][B.env-agent-allowlist] a container gets the agent's allowlist as the runner builds it, minus the host's paths and proxies, plus what agent.env declares", async () => {
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const launcher = await agentLauncher(null);
    const batonEnv = {
      PATH: "/host/bin",
      HOME: "/host/home",
      LANG: "C.UTF-8",
      TZ: "Europe/Paris",
      OPENAI_API_KEY: "sk-sandbox-model-key",
      CODEX_HOME: "/host/codex-home",
      HTTPS_PROXY: "http://proxy.invalid:3128",
      BATON_TEST_SECRET: "s3cret-never-listed",
      DECLARED_SOURCE: "declared-value",
    };
    const declared = {
      DEPLOY_TARGET: "staging",
      FROM_VAR: "$DECLARED_SOURCE",
      GIT_AUTHOR_NAME: "Declared Bot",
    };
    const env = processEnvironment({
      source: batonEnv,
      allowlist: agentEnvAllowlist("codex"),
      declared,
      marks: { BATON_RUN_ID: "run-sandboxed" },
    });
    const result = await collect(
      launcher.launch({ command: "env", cwd: ws.workspace, env, declaredEnv: Object.keys(declared) }),
    );
    expect(result.code).toBe(0);
    const seen = Object.fromEntries(
      result.stdout
        .split("\n")
        .filter((line) => line.includes("="))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(seen).toMatchObject({
      LANG: "C.UTF-8",
      TZ: "Europe/Paris",
      BATON_RUN_ID: "run-sandboxed",
      OPENAI_API_KEY: "sk-sandbox-model-key",
      DEPLOY_TARGET: "staging",
      FROM_VAR: "declared-value",
      GIT_AUTHOR_NAME: "Declared Bot",
      HOME: "/home/agent",
    });
    expect(seen.PATH).not.toContain("/host");
    for (const name of ["CODEX_HOME", "HTTPS_PROXY", "BATON_TEST_SECRET", "DECLARED_SOURCE"])
      expect(seen[name]).toBeUndefined();
    expect(result.stdout).not.toContain("s3cret-never-listed");
  }, 60_000);
});

describeWithDockerd(describe, "Docker daemon checks", () => {
  it("[B.sandbox-daemon-unreachable] an unreachable daemon is a sandbox_docker_unavailable error naming the socket", async () => {
    const docker = connectDocker({ DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    await expect(assertDaemonReachable(docker)).rejects.toMatchObject({
      category: "sandbox_docker_unavailable",
      message: expect.stringContaining("unix:///nonexistent/docker.sock is not reachable"),
    });
  });
});
