import { readFile } from "node:fs/promises";
import path from "node:path";
import { type CodexSession, startCodexSession } from "@baton/agent";
import { type FakeModelProvider, scripts, startFakeModelProvider } from "@baton/testkit";
import { WorkspaceManager } from "@baton/workspace";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import {
  assertDaemonReachable,
  assertImagePresent,
  connectDocker,
  DockerLauncher,
  LABELS,
  ModelRelay,
  reapLeftoverContainers,
} from "../src/index.ts";
import {
  collect,
  describeWithDockerd,
  type SandboxFixture,
  sandboxSettings,
  startSandboxFixture,
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

describeWithDockerd("Docker sandbox", () => {
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
    cleanups.push(() => launcher.killAll());
    return launcher;
  }

  async function ourContainers(): Promise<string[]> {
    const listed = await fixture.docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.instance}=sandbox-test`] },
    });
    return listed.map((container) => container.Id);
  }

  it("[B.sandbox-codex-in-container][B.sandbox-workspace-mount][B.sandbox-model-relay][B.sandbox-env-allowlist] runs the real codex in a container: its command runs in /workspace and the file appears in the host workspace", async () => {
    const command = "pwd > where.txt && echo made-in-sandbox > made.txt && env > env.txt";
    const provider = await startFakeModelProvider(scripts.shellThenMessage(command, "done"));
    cleanups.push(() => provider.close());
    const ws = await tempWorkspace();
    cleanups.push(() => ws.cleanup());
    const launcher = await agentLauncher(provider);
    const events: string[] = [];
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
      onEvent: (event) => events.push(event.summary),
    });
    cleanups.push(() => session.stop());
    expect(await ourContainers()).toHaveLength(1);
    await session.runTurn({ prompt: "ABC-1: make the file", title: "ABC-1: Make the file" });

    expect(await readFile(path.join(ws.workspace, "made.txt"), "utf8")).toBe("made-in-sandbox\n");
    expect((await readFile(path.join(ws.workspace, "where.txt"), "utf8")).trim()).toBe("/workspace");
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
});
