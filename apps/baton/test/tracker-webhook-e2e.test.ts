import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  codexBinary,
  FAKE_LINEAR_PROJECT,
  type FakeModelProvider,
  type ModelReply,
  prepareCodexHome,
  startFakeGitHub,
  startFakeLinear,
  startFakeModelProvider,
} from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { BatonProcess, waitFor } from "./harness.ts";

const BATON_BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/baton.js");
const WEBHOOK_SECRET = "whsec_e2eWebhookSecret0123456789";
const REPO = "octo-org/web";
const GITHUB_TOKEN = "ghp_e2eWebhookToken0123456789abcdef";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A runaway agent: it never stops calling tools, so its turn only ends when Baton interrupts it. */
const runaway = (): ModelReply => ({ type: "shell", command: "true" });

/**
 * The real CLI and the real codex (against the scripted model) on a tracker given as front-matter
 * lines, polling every 60 s, with signed webhooks on, a session ceiling of 400 tokens and
 * `budget.on_exceeded_state`. Resolves once the first poll is done, with the webhook base URL.
 */
async function startBaton(tracker: string, env: Record<string, string>, onExceeded: string) {
  const dir = await mkdtemp(join(tmpdir(), "baton-webhook-e2e-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const home = join(dir, "home");
  await mkdir(home);
  const provider: FakeModelProvider = await startFakeModelProvider(runaway);
  cleanups.push(() => provider.close());
  const codexHome = await prepareCodexHome({ baseUrl: provider.baseUrl });
  cleanups.push(() => codexHome.cleanup());
  const workflowPath = join(dir, "WORKFLOW.md");
  await writeFile(
    workflowPath,
    `---
${tracker}
polling:
  interval_ms: 60000
workspace:
  root: workspaces
agent:
  max_tokens_per_session: 400
budget:
  period: day
  on_exceeded_state: ${onExceeded}
server:
  webhooks:
    linear: { secret: $WEBHOOK_SECRET }
    github: { secret: $WEBHOOK_SECRET }
codex:
  command: ${JSON.stringify(`CODEX_HOME='${codexHome.home}' '${codexBinary()}' app-server`)}
  read_timeout_ms: 20000
---
Work on {{ issue.identifier }}: {{ issue.title }}.
`,
  );
  const child = spawn(process.execPath, [BATON_BIN, workflowPath, "--port", "0"], {
    cwd: dir,
    // A private HOME keeps the machine's shell profile out of the agent's login shell.
    env: {
      ...process.env,
      HOME: home,
      INIT_CWD: dir,
      BATON_LOG_LEVEL: "debug",
      WEBHOOK_SECRET,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const baton = new BatonProcess(child);
  cleanups.push(() => baton.stop("SIGKILL"));
  const listening = await baton.waitForLog(["action=http_server outcome=listening"], 30_000);
  await baton.waitForLog(["action=tick outcome=completed"], 30_000);
  return { baton, provider, url: String(listening.url) };
}

describe("signed webhooks refresh one issue; budget write-back on Linear and GitHub (real CLI, real codex)", () => {
  it("[B.webhook-targeted-fetch][B.webhook-pickup][B.budget-exceeded-writeback][B.budget-session-ceiling] Linear: a delivery costs one targeted query (no candidate query) and the agent gets turn/start; stopped at its ceiling, the issue gets the comment and moves to on_exceeded_state", async () => {
    const fake = await startFakeLinear();
    cleanups.push(() => fake.close());
    const issue = fake.store.addIssue({ title: "Loop forever", state: "Backlog" });
    const { baton, provider, url } = await startBaton(
      `tracker:\n  kind: linear\n  endpoint: ${fake.endpoint}\n  api_key: $LINEAR_API_KEY\n  project_slug: ${FAKE_LINEAR_PROJECT}`,
      { LINEAR_API_KEY: fake.apiKey },
      "Human Review",
    );
    // Polling is at 60 s: only the webhook can bring the ticket in during this test.
    fake.store.moveIssue(issue.identifier, "Todo");
    const mark = fake.requests.length;
    const status = await fake.deliverWebhook(
      { url: `${url}/api/v1/webhooks/linear`, secret: WEBHOOK_SECRET },
      issue.id,
      "update",
    );
    expect(status).toBe(202);
    await waitFor(
      () => provider.requests.length > 0,
      30_000,
      () => `the agent's first model request\n${baton.tail()}`,
    );
    const operation = (query: string) => /(?:query|mutation) (\w+)/.exec(query)?.[1];
    expect(fake.requests.slice(mark).map((request) => operation(request.query))).toEqual([
      "BatonLinearIssueById",
    ]);
    // The turn's log line comes through Baton's stdout, which may trail the agent's model request.
    await waitFor(
      () => baton.find("action=turn outcome=started").length > 0,
      30_000,
      () => `the turn started log line\n${baton.tail()}`,
    );
    expect(baton.find("action=turn outcome=started")[0]).toMatchObject({
      issue_identifier: issue.identifier,
    });

    const exceeded = await baton.waitForLog(["action=budget outcome=exceeded"], 60_000);
    expect(exceeded).toMatchObject({ issue_identifier: issue.identifier, scope: "session", limit: 400 });
    await waitFor(
      () => fake.store.stateName(issue.id) === "Human Review",
      20_000,
      () => `${issue.identifier} moved to Human Review\n${baton.tail()}`,
    );
    expect(fake.store.comments.filter((comment) => comment.issueId === issue.id)).toEqual([
      expect.objectContaining({ body: expect.stringContaining("agent.max_tokens_per_session is 400") }),
    ]);
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(1);
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  }, 120_000);

  it("[B.webhook-targeted-fetch][B.webhook-pickup][B.budget-exceeded-writeback][B.budget-session-ceiling] GitHub (state labels): a delivery costs one GET of that issue (no listing); stopped at its ceiling, the issue gets the comment and its state label becomes on_exceeded_state", async () => {
    const github = await startFakeGitHub({ repo: REPO, token: GITHUB_TOKEN });
    cleanups.push(() => github.close());
    const number = github.addIssue({ title: "Loop forever", labels: ["status: Backlog", "frontend"] }).number;
    const { baton, provider, url } = await startBaton(
      `tracker:\n  kind: github\n  provider:\n    repo: ${REPO}\n    api_url: ${github.url}\n    state_labels:\n      prefix: "status:"\n  active_states: [Todo]\n  terminal_states: [closed, Done]`,
      { GITHUB_TOKEN },
      "Human Review",
    );
    github.editIssue(number, { labels: ["status: Todo", "frontend"] });
    const mark = github.requests.length;
    const status = await github.deliverWebhook(
      { url: `${url}/api/v1/webhooks/github`, secret: WEBHOOK_SECRET },
      number,
      "labeled",
    );
    expect(status).toBe(202);
    await waitFor(
      () => provider.requests.length > 0,
      30_000,
      () => `the agent's first model request\n${baton.tail()}`,
    );
    expect(github.requests.slice(mark).map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /repos/${REPO}/issues/${number}`,
    ]);

    await baton.waitForLog(["action=budget outcome=exceeded"], 60_000);
    const labels = () =>
      (github.issue(number)?.labels ?? []).map((label) => (typeof label === "string" ? label : label.name));
    await waitFor(
      () => labels().includes("status: Human Review"),
      20_000,
      () => `GH-${number} labelled status: Human Review (has ${labels().join(", ")})\n${baton.tail()}`,
    );
    expect(labels().sort()).toEqual(["frontend", "status: Human Review"]);
    expect(github.issue(number)!.state).toBe("open");
    expect(github.comments(number).map((comment) => comment.body)).toEqual([
      expect.stringContaining("agent.max_tokens_per_session is 400"),
    ]);
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(1);
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  }, 120_000);
});
