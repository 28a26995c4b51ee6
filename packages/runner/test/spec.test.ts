import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startPipeline } from "@baton/orchestrator";
import { makeIssue, trackerProfiles } from "@baton/tracker";
import { WorkflowStore } from "@baton/workflow";
import { LocalLauncher } from "@baton/workspace";
import { afterEach, describe, expect, it } from "vitest";
import { createAttemptDeps, runSpecFrom } from "../src/index.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const WORKFLOW = `---
tracker:
  kind: linear
  api_key: $LINEAR_API_KEY
  project_slug: baton
agent:
  max_turns: 7
codex:
  command: codex app-server
---
Work on {{ issue.identifier }}
`;

describe("runSpecFrom", () => {
  it("[B.runner-run-spec] takes the snapshot's config, template and content hash, names secret variables without their values, and is a frozen copy", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "baton-runspec-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, "WORKFLOW.md");
    await writeFile(file, WORKFLOW);
    const env = { LINEAR_API_KEY: "lin_api_SECRET0123456789" };
    const store = await WorkflowStore.open(file, { env, trackerProfiles });
    cleanups.push(async () => store.close());
    const snapshot = store.current();

    const spec = runSpecFrom(snapshot, { tools: [], secretEnvNames: ["LINEAR_API_KEY", "LINEAR_API_KEY"] });

    expect(spec.workflow).toEqual({
      path: file,
      content_hash: createHash("sha256").update(WORKFLOW).digest("hex"),
    });
    expect(spec.prompt_template).toBe("Work on {{ issue.identifier }}");
    expect(spec.agent).toEqual({ kind: "codex", max_turns: 7, env: {} });
    expect(spec.codex.command).toBe("codex app-server");
    expect(spec.tracker.kind).toBe("linear");
    expect(spec.withheld_env).toEqual(["LINEAR_API_KEY"]);
    // Plain JSON with no secret in it, so it can travel to another host.
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(JSON.stringify(spec)).not.toContain(env.LINEAR_API_KEY);
    // A copy: changing the live config later cannot reach a run that already has its spec.
    snapshot.config.tracker.active_states.push("Later");
    expect(spec.tracker.active_states).not.toContain("Later");
  });
});

describe("phases: the definition a run started with", () => {
  it("[B.phases-reload-keeps-definition] a first run starts the spec's pipeline; a resumed run keeps the definition saved in its progress, whatever the reloaded spec says", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "baton-runspec-phases-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, "WORKFLOW.md");
    const phases = (prompt: string) =>
      WORKFLOW.replace(
        "---\nWork on",
        `phases:\n  - { name: only, kind: agent, prompt: "${prompt}" }\n---\nWork on`,
      );
    await writeFile(file, phases("before the reload"));
    const store = await WorkflowStore.open(file, { env: { LINEAR_API_KEY: "x" }, trackerProfiles });
    cleanups.push(async () => store.close());
    const before = runSpecFrom(store.current(), { tools: [], secretEnvNames: [] });
    expect(before.pipeline?.phases[0]).toMatchObject({ name: "only", prompt: "before the reload" });

    await writeFile(file, phases("after the reload"));
    await store.reloadIfChanged();
    const after = runSpecFrom(store.current(), { tools: [], secretEnvNames: [] });
    expect(after.pipeline?.phases[0]).toMatchObject({ prompt: "after the reload" });

    const options = {
      launcher: new LocalLauncher(),
      hookLauncher: new LocalLauncher(),
      env: {},
      gateway: async () => ({ type: "issue" as const, issue: null }),
    };
    const issue = makeIssue({ id: "1", identifier: "MT-1", state: "Todo" });
    const fresh = createAttemptDeps(
      { run_id: "r1", issue, attempt: null, spec: after, pipeline: null },
      options,
    );
    expect(fresh.pipeline?.pipeline.phases[0]).toMatchObject({ prompt: "after the reload" });
    const saved = startPipeline(before.pipeline!);
    const resumed = createAttemptDeps(
      { run_id: "r2", issue, attempt: 1, spec: after, pipeline: saved },
      options,
    );
    expect(resumed.pipeline?.pipeline.phases[0]).toMatchObject({ prompt: "before the reload" });
  });
});
