import { spawn } from "node:child_process";
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type CodexHome,
  codexBinary,
  type FakeGitHub,
  type FakeModelProvider,
  type ModelScript,
  prepareCodexHome,
  startFakeGitHub,
  startFakeModelProvider,
} from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { BatonProcess, waitFor } from "./harness.ts";

const BATON_BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/baton.js");
const REPO = "octo-org/web";
const TOKEN = "ghp_e2eSecretToken0123456789abcdef";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The agent of this test: it reads the issue number from the prompt, comments on the issue and
 * closes it, both through the host-side `github_api` tool, then reports.
 */
const closeThroughGitHubApi: ModelScript = (request) => {
  const number = /issue #(\d+)/.exec(request.lastUserText ?? "")?.[1];
  const path = `/repos/${REPO}/issues/${number}`;
  switch (request.turnToolOutputs.length) {
    case 0:
      return {
        type: "tool",
        name: "github_api",
        arguments: { method: "POST", path: `${path}/comments`, body: { body: "Fixed in the workspace." } },
      };
    case 1:
      return {
        type: "tool",
        name: "github_api",
        arguments: { method: "PATCH", path, body: { state: "closed", state_reason: "completed" } },
      };
    default:
      return { type: "message", text: "Commented and closed the issue." };
  }
};

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe("baton end to end on GitHub Issues with label-driven states", () => {
  it("[S17.3-github-end-to-end][S11.5-github-api-tool][S15.3-github-token-not-in-child] picks up the issue labelled into an active state and the agent closes it through github_api", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baton-github-e2e-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const home = join(dir, "home");
    await mkdir(home);
    const github: FakeGitHub = await startFakeGitHub({ repo: REPO, token: TOKEN });
    cleanups.push(() => github.close());
    const provider: FakeModelProvider = await startFakeModelProvider(closeThroughGitHubApi);
    cleanups.push(() => provider.close());
    const codexHome: CodexHome = await prepareCodexHome({ baseUrl: provider.baseUrl });
    cleanups.push(() => codexHome.cleanup());

    github.addIssue({ title: "Add a login page", labels: ["status: Todo", "frontend"] });
    github.addIssue({ title: "Someday", labels: ["status: Backlog"] });
    github.addIssue({ title: "A pull request", labels: ["status: Todo"], pullRequest: true });
    github.addIssue({ title: "Mislabelled", labels: ["status: Todo", "status: In Progress"] });

    // The launch command records the environment the agent process gets before starting Codex.
    const agentEnvFile = join(dir, "agent-env.txt");
    const codexCommand = `env > '${agentEnvFile}' && CODEX_HOME='${codexHome.home}' '${codexBinary()}' app-server`;
    const workflowPath = join(dir, "WORKFLOW.md");
    await writeFile(
      workflowPath,
      `---
tracker:
  kind: github
  provider:
    repo: ${REPO}
    api_url: ${github.url}
    state_labels:
      prefix: "status:"
  active_states: [Todo, In Progress]
  terminal_states: [closed, Done]
polling:
  interval_ms: 500
workspace:
  root: workspaces
codex:
  command: ${JSON.stringify(codexCommand)}
  read_timeout_ms: 20000
---
Work on {{ issue.identifier }} (issue #{{ issue.native_ref.number }} in {{ issue.native_ref.repo }}): {{ issue.title }}.
`,
    );

    const child = spawn(process.execPath, [BATON_BIN, workflowPath], {
      cwd: dir,
      env: { ...process.env, HOME: home, GITHUB_TOKEN: TOKEN, BATON_LOG_LEVEL: "debug", INIT_CWD: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const baton = new BatonProcess(child);
    cleanups.push(async () => {
      await baton.stop("SIGKILL");
    });

    await waitFor(
      () => github.issue(1)?.state === "closed",
      60_000,
      () => `GH-1 closed\n${baton.tail()}`,
    );
    // Closed is terminal: the next reconciliation removes the workspace.
    const workspace = join(dir, "workspaces", "GH-1");
    await waitFor(
      async () => !(await exists(workspace)),
      30_000,
      () => `GH-1 workspace removed\n${baton.tail()}`,
    );
    expect(await baton.stop()).toEqual({ code: 0, signal: null });

    // Only the issue labelled into an active state ran; the rest were never dispatched.
    const dispatched = baton.find("action=dispatch outcome=started").map((line) => line.issue_identifier);
    expect(new Set(dispatched)).toEqual(new Set(["GH-1"]));
    expect(provider.requests[0]!.lastUserText).toBe(`Work on GH-1 (issue #1 in ${REPO}): Add a login page.`);
    expect(provider.requests[0]!.tools.map((tool: { name?: string }) => tool.name)).toContain("github_api");
    // The issue with two state labels is reported, naming it and both labels.
    expect(
      baton.logs.some(
        (line) => line.issue === "GH-4" && String(line.reason).includes('"status: In Progress"'),
      ),
    ).toBe(true);

    // The agent's tool calls reached GitHub from Baton, with Baton's token.
    const mutations = github.requests.filter((request) => request.method !== "GET");
    expect(mutations.map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST /repos/${REPO}/issues/1/comments`,
      `PATCH /repos/${REPO}/issues/1`,
    ]);
    for (const request of mutations) expect(request.headers.authorization).toMatch(new RegExp(`${TOKEN}$`));
    expect(github.comments(1).map((comment) => comment.body)).toEqual(["Fixed in the workspace."]);
    expect(github.issue(2)!.state).toBe("open");
    const toolOutputs = provider.requests.flatMap((request) =>
      request.turnToolOutputs.map((output) => output.output),
    );
    expect(
      toolOutputs.some((output) => output.includes('"status":200') || output.includes('"status": 200')),
    ).toBe(true);

    // The agent never had the token: not as GITHUB_TOKEN, not under any name, not in what the model saw.
    const agentEnv = await readFile(agentEnvFile, "utf8");
    expect(agentEnv).toContain(`HOME=${home}`);
    expect(agentEnv).not.toMatch(/^GITHUB_TOKEN=/m);
    expect(agentEnv).not.toContain(TOKEN);
    expect(JSON.stringify(provider.requests.map((request) => request.body))).not.toContain(TOKEN);
    expect(baton.logs.map((line) => JSON.stringify(line)).join("\n")).not.toContain(TOKEN);
  });
});
