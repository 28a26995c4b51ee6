import { spawn } from "node:child_process";
import { access, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  codexBinary,
  type FakeGitHub,
  type ModelScript,
  prepareCodexHome,
  startFakeGitHub,
  startFakeModelProvider,
} from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { BatonProcess, Project, waitFor } from "./harness.ts";

/**
 * The approval channels end to end with the real codex binary and the offline model: a plan gate
 * approved by a ticket comment (local tracker, and GitHub with an allowed and a refused author),
 * and a Codex command approval under `on-request` answered through the API.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Plan phase: writes .baton/plan.md; implement phase: writes hello.txt. */
const phasedModel: ModelScript = (request) => {
  const prompt = request.lastUserText ?? "";
  const first = request.turnToolOutputs.length === 0;
  if (prompt.includes("PLAN-PHASE"))
    return first
      ? { type: "shell", command: "mkdir -p .baton && printf 'Step 1: write hello.txt\\n' > .baton/plan.md" }
      : { type: "message", text: "Planned." };
  if (prompt.includes("IMPLEMENT-PHASE"))
    return first
      ? { type: "shell", command: "printf hello > hello.txt" }
      : { type: "message", text: "Done." };
  return { type: "message", text: "Nothing to do." };
};

const PHASES = `phases:
  - name: plan
    kind: agent
    prompt: "PLAN-PHASE {{ issue.identifier }}: write the plan to .baton/plan.md"
    output: .baton/plan.md
  - name: implement
    kind: agent
    prompt: "IMPLEMENT-PHASE {{ issue.identifier }}: follow .baton/plan.md"
gates:
  - after: plan`;

describe("approval gates answered by ticket comments, end to end", () => {
  it("[B.phases-approval-e2e-comment] local tracker: a plan gate is approved by a /baton approve comment in the ticket file; the agent's own comment never counts", async () => {
    const project = await Project.create({
      script: phasedModel,
      tickets: [{ title: "Say hello", priority: 1 }],
      frontMatter: `${PHASES}\non_success: { state: Human Review, comment: "All phases passed." }`,
    });
    cleanups.push(() => project.close());
    const baton = project.start();
    await baton.waitForLog(["action=gate", "outcome=waiting"], 60_000);
    await waitFor(
      async () =>
        (await project.store.details("BAT-1")).comments.some((comment) => comment.author === "baton"),
      20_000,
      () => `the gate comment on BAT-1\n${baton.tail()}`,
    );
    const gated = await project.store.details("BAT-1");
    expect(gated.comments.at(-1)).toMatchObject({ author: "baton" });
    expect(gated.comments.at(-1)?.body).toContain("Step 1: write hello.txt");
    expect(await exists(join(project.workspace("BAT-1"), "hello.txt"))).toBe(false);

    // Written as the agent's tool would: ignored, and reported once.
    await project.cli(["issue", "comment", "BAT-1", "/baton approve", "--author", "agent"]);
    await baton.waitForLog(["action=approval_comment", "outcome=ignored"], 20_000);
    const ticks = baton.find("action=tick outcome=completed").length;
    await baton.waitForLog(["action=tick outcome=completed"], 10_000, ticks + 2);
    expect(baton.find("action=approval_comment", "outcome=ignored")).toHaveLength(1);
    expect(baton.find("action=gate", "outcome=approved")).toHaveLength(0);

    const approve = await project.cli([
      "issue",
      "comment",
      "BAT-1",
      "/baton approve looks right",
      "--author",
      "ada",
    ]);
    expect(approve.code).toBe(0);
    const approved = await baton.waitForLog(["action=gate", "outcome=approved"], 20_000);
    expect(approved).toMatchObject({ issue_identifier: "BAT-1", by: "ada" });
    await waitFor(
      async () => (await project.store.get("BAT-1")).state === "Human Review",
      60_000,
      () => `BAT-1 in Human Review\n${baton.tail()}`,
    );
    expect(await exists(join(project.workspace("BAT-1"), "hello.txt"))).toBe(true);
    expect(baton.find("action=gate", "outcome=approved")).toHaveLength(1);
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);

  it("[B.phases-approval-e2e-comment] GitHub: only a login in approvals.approvers approves by comment; another author is ignored and reported", async () => {
    const REPO = "octo-org/web";
    const TOKEN = "ghp_e2eApprovalToken0123456789abcd";
    const dir = await mkdtemp(join(tmpdir(), "baton-approvals-e2e-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const home = join(dir, "home");
    await mkdir(home);
    const github: FakeGitHub = await startFakeGitHub({ repo: REPO, token: TOKEN });
    cleanups.push(() => github.close());
    const provider = await startFakeModelProvider(phasedModel);
    cleanups.push(() => provider.close());
    const codexHome = await prepareCodexHome({ baseUrl: provider.baseUrl });
    cleanups.push(() => codexHome.cleanup());
    github.addIssue({ title: "Say hello", labels: ["status: Todo"] });
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
  command: ${JSON.stringify(`CODEX_HOME='${codexHome.home}' '${codexBinary()}' app-server`)}
  read_timeout_ms: 20000
approvals:
  approvers: [Octocat]
${PHASES}
---
unused
`,
    );
    const child = spawn(
      process.execPath,
      [resolve(dirname(fileURLToPath(import.meta.url)), "../bin/baton.js"), workflowPath],
      {
        cwd: dir,
        env: { ...process.env, HOME: home, GITHUB_TOKEN: TOKEN, BATON_LOG_LEVEL: "debug", INIT_CWD: dir },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const baton = new BatonProcess(child);
    cleanups.push(async () => {
      await baton.stop("SIGKILL");
    });

    await baton.waitForLog(["action=gate", "outcome=waiting"], 60_000);
    await waitFor(
      () => github.comments(1).some((comment) => (comment.body ?? "").includes("waiting for approval")),
      20_000,
      () => `the gate comment on GH-1\n${baton.tail()}`,
    );
    github.commentAs(1, "mallory", "/baton approve");
    const ignored = await baton.waitForLog(["action=approval_comment", "outcome=ignored"], 20_000);
    expect(ignored).toMatchObject({
      author: "mallory",
      reason: "author mallory is not in approvals.approvers",
    });
    expect(baton.find("action=gate", "outcome=approved")).toHaveLength(0);

    github.commentAs(1, "octocat", "/baton approve");
    expect(await baton.waitForLog(["action=gate", "outcome=approved"], 20_000)).toMatchObject({
      issue_identifier: "GH-1",
      by: "octocat",
    });
    await waitFor(
      () => exists(join(dir, "workspaces", "GH-1", "hello.txt")),
      60_000,
      () => `the implement phase's file\n${baton.tail()}`,
    );
    // Comments were read through the issue's comments endpoint, only while the gate waited.
    const reads = github.requests.filter(
      (request) => request.path === `/repos/${REPO}/issues/1/comments` && request.method === "GET",
    );
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((request) => typeof request.query.since === "string")).toBe(true);
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);
});

describe("a Codex approval request under on-request, end to end", () => {
  it("[B.phases-approval-e2e-agent] waits for a person, shows the command in the API, and the approval from the API reaches the agent, which runs it and goes on", async () => {
    const script: ModelScript = (request) => {
      switch (request.turnToolOutputs.length) {
        case 0:
          return {
            type: "shell",
            command: "printf approved > approved.txt",
            escalate: "it needs to run outside the sandbox",
          };
        case 1:
          return {
            type: "tool",
            name: "local_tracker",
            arguments: { action: "set_state", state: "Human Review" },
          };
        default:
          return { type: "message", text: "Ran the approved command and handed the ticket off." };
      }
    };
    const project = await Project.create({
      script,
      tickets: [{ title: "Needs an escalated command", priority: 1 }],
      codex: "approval_policy: on-request",
      frontMatter: "approvals:\n  agent_requests: gate",
    });
    cleanups.push(() => project.close());
    const baton = project.start(["--port", "0"]);
    const url = String((await baton.waitForLog(["action=http_server outcome=listening"], 30_000)).url);
    await baton.waitForLog(["action=gate", "outcome=waiting"], 60_000);

    const detail = (await (await fetch(`${url}/api/v1/BAT-1`)).json()) as {
      status: string;
      agent_request: { kind: string; command: string; reason: string } | null;
    };
    expect(detail.status).toBe("running");
    expect(detail.agent_request).toMatchObject({
      kind: "command",
      reason: "it needs to run outside the sandbox",
    });
    expect(detail.agent_request?.command).toContain("printf approved > approved.txt");
    const state = (await (await fetch(`${url}/api/v1/state`)).json()) as {
      running: { issue_identifier: string; agent_request?: { command: string } }[];
    };
    expect(state.running[0]?.agent_request?.command).toContain("approved.txt");
    expect(await exists(join(project.workspace("BAT-1"), "approved.txt"))).toBe(false);

    const approve = await fetch(`${url}/api/v1/BAT-1/approve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ by: "ada" }),
    });
    expect(approve.status).toBe(202);
    expect(await approve.json()).toMatchObject({ status: "resumed" });
    await waitFor(
      async () => (await project.store.get("BAT-1")).state === "Human Review",
      60_000,
      () => `BAT-1 handed off\n${baton.tail()}`,
    );
    expect(await exists(join(project.workspace("BAT-1"), "approved.txt"))).toBe(true);
    // One run did it all: the agent waited, got the answer, and went on in the same turn.
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(1);
    expect(baton.find("action=gate", "outcome=approved")[0]).toMatchObject({
      by: "ada",
      gate: "agent:command",
    });
    expect(baton.find("outcome=blocked")).toHaveLength(0);
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);

  it("[B.phases-approval-e2e-agent-resume] when nobody answers in time the run ends and the issue waits; the approval from the CLI resumes it on a fresh run that is told, and the same command is not asked again", async () => {
    const script: ModelScript = (request) => {
      switch (request.turnToolOutputs.length) {
        case 0:
          return { type: "shell", command: "printf later > later.txt", escalate: "outside the sandbox" };
        case 1:
          return {
            type: "tool",
            name: "local_tracker",
            arguments: { action: "set_state", state: "Human Review" },
          };
        default:
          return { type: "message", text: "Done." };
      }
    };
    const project = await Project.create({
      script,
      tickets: [{ title: "Approved late", priority: 1 }],
      codex: "approval_policy: on-request",
      frontMatter: "approvals:\n  agent_requests: gate\n  agent_wait_ms: 1000",
    });
    cleanups.push(() => project.close());
    const baton = project.start(["--port", "0"]);
    const url = String((await baton.waitForLog(["action=http_server outcome=listening"], 30_000)).url);
    await baton.waitForLog(["action=worker_exit"], 60_000);
    await waitFor(
      async () => {
        const state = (await (await fetch(`${url}/api/v1/state`)).json()) as {
          awaiting_approval: { issue_identifier: string; gate_id: string }[];
        };
        return state.awaiting_approval.some((row) => row.gate_id === "agent:command");
      },
      20_000,
      () => `BAT-1 awaiting approval\n${baton.tail()}`,
    );
    expect(await exists(join(project.workspace("BAT-1"), "later.txt"))).toBe(false);
    // Waiting holds no slot and no retry: nothing is dispatched while nobody answers.
    const ticks = baton.find("action=tick outcome=completed").length;
    await baton.waitForLog(["action=tick outcome=completed"], 10_000, ticks + 2);
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(1);

    const approve = await project.cli(["approve", "BAT-1", "--url", url]);
    expect(approve, baton.tail()).toMatchObject({ code: 0 });
    await waitFor(
      async () => (await project.store.get("BAT-1")).state === "Human Review",
      60_000,
      () => `BAT-1 handed off\n${baton.tail()}`,
    );
    expect(await exists(join(project.workspace("BAT-1"), "later.txt"))).toBe(true);
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(2);
    const told = project.provider.requests.find((request) =>
      (request.lastUserText ?? "").includes("Decision on your earlier request"),
    );
    expect(told?.lastUserText).toContain("APPROVED your request to run");
    expect(told?.lastUserText).toContain("Work on BAT-1");
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);
});
