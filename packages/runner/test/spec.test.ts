import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { trackerProfiles } from "@baton/tracker";
import { WorkflowStore } from "@baton/workflow";
import { afterEach, describe, expect, it } from "vitest";
import { runSpecFrom } from "../src/index.ts";

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
