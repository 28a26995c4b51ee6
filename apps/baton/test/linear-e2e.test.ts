import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type CodexHome,
  codexBinary,
  FAKE_LINEAR_PROJECT,
  type FakeLinearServer,
  type FakeModelProvider,
  prepareCodexHome,
  scripts,
  startFakeLinear,
  startFakeModelProvider,
} from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { BatonProcess, waitFor } from "./harness.ts";

const BATON_BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/baton.js");

const MOVE = `mutation Move($id: String!, $stateId: String!) {
  issueUpdate(id: $id, input: { stateId: $stateId }) { success issue { identifier state { name } } }
}`;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("baton end to end on the linear tracker", () => {
  it("[S17.5-linear-e2e][S15.3-linear-secret-stripped] picks up a ticket moved to Todo in Linear and the agent's linear_graphql call hands it off, never seeing the key", {
    timeout: 120_000,
  }, async () => {
    const fake: FakeLinearServer = await startFakeLinear();
    cleanups.push(() => fake.close());
    const issue = fake.store.addIssue({ title: "Wire the login page", state: "Backlog" });
    const handOff = fake.store.state("Human Review");

    const provider: FakeModelProvider = await startFakeModelProvider(
      scripts.toolThenMessage("linear_graphql", {
        query: MOVE,
        variables: { id: issue.id, stateId: handOff.id },
      }),
    );
    cleanups.push(() => provider.close());
    const codexHome: CodexHome = await prepareCodexHome({ baseUrl: provider.baseUrl });
    cleanups.push(() => codexHome.cleanup());

    const dir = await mkdtemp(join(tmpdir(), "baton-linear-e2e-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const home = join(dir, "home");
    await mkdir(home);
    // A login profile that exports the key again: Baton must unset it after the profile ran.
    await writeFile(join(home, ".bash_profile"), `export LINEAR_API_KEY='${fake.apiKey}'\n`);
    // The agent command records the environment the agent process really gets, then becomes codex.
    const agentEnv = join(dir, "agent-env.txt");
    await writeFile(
      join(dir, "agent.sh"),
      `env > '${agentEnv}'\nCODEX_HOME='${codexHome.home}' exec '${codexBinary()}' app-server\n`,
    );
    // The reference implementation's flat tracker keys, as its WORKFLOW.md files use them.
    await writeFile(
      join(dir, "WORKFLOW.md"),
      `---
tracker:
  kind: linear
  endpoint: ${fake.endpoint}
  api_key: $LINEAR_API_KEY
  project_slug: ${FAKE_LINEAR_PROJECT}
polling:
  interval_ms: 300
workspace:
  root: workspaces
agent:
  max_turns: 2
codex:
  command: bash '${join(dir, "agent.sh")}'
  read_timeout_ms: 20000
---
Work on {{ issue.identifier }} (Linear id {{ issue.native_ref.id }}): {{ issue.title }}.
`,
    );

    const child = spawn(process.execPath, [BATON_BIN, join(dir, "WORKFLOW.md")], {
      cwd: dir,
      env: { ...process.env, HOME: home, LINEAR_API_KEY: fake.apiKey, BATON_LOG_LEVEL: "debug" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const baton = new BatonProcess(child);
    cleanups.push(() => baton.stop("SIGKILL"));

    // Baton polls Linear but leaves the Backlog ticket alone.
    await waitFor(
      () => fake.requests.length >= 2,
      30_000,
      () => `two polls of the fake Linear\n${baton.tail()}`,
    );
    expect(provider.requests).toHaveLength(0);

    fake.store.moveIssue(issue.identifier, "Todo");
    await waitFor(
      () => fake.store.stateName(issue.identifier) === "Human Review",
      60_000,
      () => `${issue.identifier} in Human Review\n${baton.tail()}`,
    );

    expect(provider.requests[0]!.lastUserText).toBe(
      `Work on ${issue.identifier} (Linear id ${issue.id}): Wire the login page.`,
    );
    const mutation = fake.requests.find((request) => request.query === MOVE);
    expect(mutation).toMatchObject({
      authorization: fake.apiKey,
      variables: { id: issue.id, stateId: handOff.id },
    });
    // Codex got the tool's success back (the run may then end normally or be stopped by reconciliation).
    await baton.waitForLog(["event=tool_call_completed", "tool linear_graphql succeeded"]);

    const environment = await readFile(agentEnv, "utf8");
    expect(environment).toMatch(/^PATH=/m);
    expect(environment).not.toContain("LINEAR_API_KEY");
    expect(environment).not.toContain(fake.apiKey);

    expect(await baton.stop()).toEqual({ code: 0, signal: null });
    expect(JSON.stringify(baton.logs) + baton.stderr).not.toContain(fake.apiKey);
  });
});
