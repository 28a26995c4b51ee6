import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createFakeAppServer } from "@baton/testkit";
import { makeIssue, trackerProfiles } from "@baton/tracker";
import { WorkflowStore } from "@baton/workflow";
import { LocalLauncher } from "@baton/workspace";
import { afterEach, describe, expect, it } from "vitest";
import { createAttemptDeps, runSpecFrom } from "../src/index.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `NAME=value` lines as a map. */
function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

/**
 * One attempt's processes as the CLI builds them: createAttemptDeps with separate local launchers
 * for the agent and the hooks, from a real WORKFLOW.md. The after_create hook and the agent command
 * each write the environment they really got (through `bash -lc`) into the workspace.
 */
async function launchAttempt(declared: { agent?: string; hooks?: string }, batonEnv: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), "baton-env-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const fake = await createFakeAppServer({});
  cleanups.push(() => fake.cleanup());
  const workflow = path.join(dir, "WORKFLOW.md");
  await writeFile(
    workflow,
    `---
tracker:
  kind: linear
  api_key: $LINEAR_API_KEY
  project_slug: baton
workspace:
  root: ${path.join(dir, "workspaces")}
hooks:
  after_create: env > hook-env.txt
${declared.hooks ?? ""}
agent:
  max_turns: 1
${declared.agent ?? ""}
codex:
  command: env > agent-env.txt && ${fake.command}
---
Work on {{ issue.identifier }}
`,
  );
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...batonEnv };
  const store = await WorkflowStore.open(workflow, { env, trackerProfiles });
  cleanups.push(async () => store.close());
  const spec = runSpecFrom(store.current(), { tools: [], secretEnvNames: ["LINEAR_API_KEY"] });
  const issue = makeIssue({ id: "i-1", identifier: "ABC-1" });
  const launcher = new LocalLauncher();
  const hookLauncher = new LocalLauncher();
  cleanups.push(() => Promise.all([launcher.close(), hookLauncher.close()]));
  const deps = createAttemptDeps(
    { run_id: "run-env-1", issue, attempt: null, spec: JSON.parse(JSON.stringify(spec)), pipeline: null },
    { launcher, hookLauncher, env, gateway: async () => ({ type: "issue", issue: null }), stateDir: dir },
  );
  const workspace = await deps.workspace.prepare(issue.identifier);
  const session = await deps.startSession({
    workspacePath: workspace.path,
    issue,
    tools: [],
    executeTool: async () => ({ success: false, output: "no tools" }),
    onEvent: () => {},
  });
  await session.stop();
  return {
    spec,
    stateDir: dir,
    hook: parseEnv(await readFile(path.join(workspace.path, "hook-env.txt"), "utf8")),
    agent: parseEnv(await readFile(path.join(workspace.path, "agent-env.txt"), "utf8")),
  };
}

describe("the environment of agents and hooks", () => {
  it("[B.env-agent-allowlist][B.env-hook-allowlist][B.env-declared][S15.3-agent-env-no-secrets] gives each only its allowlist, what WORKFLOW.md declares and the run's marks; an unlisted secret reaches neither", async () => {
    const { spec, stateDir, hook, agent } = await launchAttempt(
      {
        agent: "  env:\n    DEPLOY_TARGET: staging\n    GH_TOKEN: $BATON_TEST_GH_SOURCE",
        hooks: "  env:\n    HOOK_MODE: fast",
      },
      {
        BATON_TEST_SECRET: "s3cret-never-listed",
        BATON_TEST_GH_SOURCE: "gh-token-for-the-agent",
        LINEAR_API_KEY: "lin_api_tracker_secret_0123",
        OPENAI_API_KEY: "sk-model-key-0123",
        ANTHROPIC_API_KEY: "sk-ant-other-agent-0123",
        LANG: "C.UTF-8",
        LC_ALL: "C.UTF-8",
        TZ: "Europe/Paris",
        TERM: "xterm-256color",
        GIT_AUTHOR_NAME: "Baton Bot",
        SSH_AUTH_SOCK: "/run/ssh-agent.sock",
      },
    );
    for (const env of [agent, hook]) {
      expect(JSON.stringify(env)).not.toContain("s3cret-never-listed");
      expect(JSON.stringify(env)).not.toContain("lin_api_tracker_secret_0123");
      expect(env).toMatchObject({
        LANG: "C.UTF-8",
        LC_ALL: "C.UTF-8",
        TZ: "Europe/Paris",
        TERM: "xterm-256color",
        HOME: stateDir,
        BATON_RUN_ID: "run-env-1",
        BATON_STATE_DIR: stateDir,
      });
    }
    // The agent: its model provider's key (Codex: OPENAI_*, not Anthropic's) and agent.env.
    expect(agent).toMatchObject({
      OPENAI_API_KEY: "sk-model-key-0123",
      DEPLOY_TARGET: "staging",
      GH_TOKEN: "gh-token-for-the-agent",
    });
    for (const name of [
      "ANTHROPIC_API_KEY",
      "GIT_AUTHOR_NAME",
      "SSH_AUTH_SOCK",
      "HOOK_MODE",
      "BATON_TEST_GH_SOURCE",
    ])
      expect(agent[name]).toBeUndefined();
    // The hooks: git and ssh, hooks.env; no model key, nothing from agent.env.
    expect(hook).toMatchObject({
      GIT_AUTHOR_NAME: "Baton Bot",
      SSH_AUTH_SOCK: "/run/ssh-agent.sock",
      HOOK_MODE: "fast",
    });
    for (const name of ["OPENAI_API_KEY", "DEPLOY_TARGET", "GH_TOKEN"]) expect(hook[name]).toBeUndefined();
    // The run spec carries the declaration, never the value behind $VAR.
    expect(spec.agent.env).toEqual({ DEPLOY_TARGET: "staging", GH_TOKEN: "$BATON_TEST_GH_SOURCE" });
    expect(JSON.stringify(spec)).not.toContain("gh-token-for-the-agent");
  });

  it("[B.env-withheld-wins] keeps a tracker secret from the agent even when agent.env names it or refers to it", async () => {
    const { agent } = await launchAttempt(
      { agent: "  env:\n    LINEAR_API_KEY: $LINEAR_API_KEY\n    TRACKER_COPY: $LINEAR_API_KEY" },
      { LINEAR_API_KEY: "lin_api_tracker_secret_0123" },
    );
    expect(JSON.stringify(agent)).not.toContain("lin_api_tracker_secret_0123");
    expect(agent.LINEAR_API_KEY).toBeUndefined();
    expect(agent.TRACKER_COPY).toBeUndefined();
  });
});
