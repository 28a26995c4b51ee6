import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { linearGraphqlToolSpec, linearTrackerProfile } from "../src/index.ts";

const readDoc = () => readFile(new URL("../../../docs/trackers/linear.md", import.meta.url), "utf8");

function section(doc: string, title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`docs/trackers/linear.md has no "## ${title}" section`);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

describe("linear tracker profile document", () => {
  it("[S11.2-linear-profile-doc] documents kind, provider keys, defaults, scope, identity, normalization and the tool as shipped", async () => {
    const doc = await readDoc();
    expect(section(doc, "Kind")).toContain(`kind: ${linearTrackerProfile.kind}`);
    const keys = section(doc, "Provider keys");
    const resolved = linearTrackerProfile.resolveProvider(
      { project_slug: "p" },
      { workflowDir: "/w", env: { LINEAR_API_KEY: "k" } },
    );
    for (const key of Object.keys(resolved)) expect(keys).toContain(`| \`${key}\` |`);
    for (const state of [
      ...linearTrackerProfile.defaultActiveStates!,
      ...linearTrackerProfile.defaultTerminalStates!,
    ]) {
      expect(keys).toContain(`\`${state}\``);
    }
    for (const name of linearTrackerProfile.secretEnvironmentNames({})) expect(keys).toContain(`\`${name}\``);
    expect(section(doc, "Scope, pagination, request limits")).toMatch(/endCursor/);
    expect(section(doc, "Identity: `id` and `native_ref`")).toContain('"team_key"');
    const normalization = section(doc, "Normalization");
    for (const field of ["labels", "priority", "created_at", "blocked_by", "dispatchable", "Malformed"]) {
      expect(normalization).toContain(field);
    }
    const tool = section(doc, `Agent tool \`${linearGraphqlToolSpec.name}\``);
    const schema = JSON.parse(/```json\n([\s\S]*?)```/.exec(tool)![1]!) as Record<string, unknown>;
    expect(schema).toEqual(stripDescriptions(linearGraphqlToolSpec.inputSchema));
  });

  it("[S11.4-linear-error-mapping-documented] maps every error category the adapter can raise to a documented cause", async () => {
    const sourceDir = new URL("../src/linear/", import.meta.url);
    const raised = new Set<string>();
    for (const file of await readdir(sourceDir)) {
      const source = await readFile(new URL(file, sourceDir), "utf8");
      for (const match of source.matchAll(/(?:new BatonError\(|fail\()\s*"([a-z_]+)"/g))
        raised.add(match[1]!);
    }
    expect([...raised].sort()).toEqual([
      "invalid_tracker_config",
      "missing_tracker_secret",
      "tracker_pagination",
      "tracker_rate_limited",
      "tracker_request",
      "tracker_response",
      "tracker_status",
    ]);
    const errors = section(await readDoc(), "Errors");
    for (const category of [...raised, "unsupported_tracker_kind"])
      expect(errors).toContain(`| \`${category}\` |`);
  });
});

function stripDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDescriptions);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "description")
      .map(([key, inner]) => [key, stripDescriptions(inner)]),
  );
}
