import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { githubApiToolSpec, githubTrackerProfile } from "../src/index.ts";

const root = new URL("../../../", import.meta.url);
const readDoc = () => readFile(new URL("docs/trackers/github.md", root), "utf8");

/** Section body under a `## <title>` heading. */
function section(doc: string, title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`docs/trackers/github.md has no "## ${title}" section`);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

describe("github tracker profile document", () => {
  it("[S11.2-github-adapter-profile-doc] documents kind, provider keys, states, scope, identity, normalization and the tool as shipped", async () => {
    const doc = await readDoc();
    expect(section(doc, "Kind")).toContain(`kind: ${githubTrackerProfile.kind}`);
    const keys = section(doc, "Provider keys");
    const resolved = githubTrackerProfile.resolveProvider(
      { repo: "o/r" },
      { workflowDir: "/w", env: { GITHUB_TOKEN: "t" } },
    );
    for (const key of Object.keys(resolved)) expect(keys).toContain(`| \`${key}\` |`);
    for (const name of githubTrackerProfile.secretEnvironmentNames({})) expect(keys).toContain(`\`${name}\``);
    expect(section(doc, "States")).toContain("state_labels");
    const scope = section(doc, "Scope, pagination, request limits");
    for (const topic of [
      "per_page=100",
      "Link",
      "If-None-Match",
      "304",
      "retry-after",
      "x-ratelimit-reset",
      "timeout_ms",
    ]) {
      expect(scope).toContain(topic);
    }
    const identity = section(doc, "Identity: `id` and `native_ref`");
    for (const field of ['"id"', '"node_id"', '"number"', '"repo"', "GH-42"])
      expect(identity).toContain(field);
    const normalization = section(doc, "Normalization");
    for (const field of ["labels", "priority", "created_at", "dispatchable", "pull_request", "Malformed"]) {
      expect(normalization).toContain(field);
    }
    const tool = section(doc, `Agent tool \`${githubApiToolSpec.name}\``);
    const schema = JSON.parse(/```json\n([\s\S]*?)```/.exec(tool)![1]!) as Record<string, unknown>;
    const shipped = githubApiToolSpec.inputSchema as {
      properties: Record<string, { type?: unknown; enum?: unknown }>;
      required: string[];
    };
    expect(Object.keys(schema.properties as object)).toEqual(Object.keys(shipped.properties));
    expect(schema).toMatchObject({ required: shipped.required, additionalProperties: false });
    expect((schema.properties as typeof shipped.properties).method!.enum).toEqual(
      shipped.properties.method!.enum,
    );
    expect((schema.properties as typeof shipped.properties).params!.type).toEqual(
      shipped.properties.params!.type,
    );
    for (const argument of Object.keys(shipped.properties)) expect(tool).toContain(`| \`${argument}\` |`);
  });

  it("[S11.4-github-error-mapping-documented] maps every error category the adapter can raise to a documented cause", async () => {
    const sourceDir = new URL("../src/", import.meta.url);
    const files = [
      "trackers.ts",
      ...(await readdir(new URL("github/", sourceDir))).map((name) => join("github", name)),
    ];
    const raised = new Set<string>();
    for (const file of files) {
      const source = await readFile(new URL(file, sourceDir), "utf8");
      for (const match of source.matchAll(/new BatonError\(\s*"([a-z_]+)"/g)) raised.add(match[1]!);
    }
    expect(raised.size).toBeGreaterThanOrEqual(8);
    const errors = section(await readDoc(), "Errors");
    for (const category of raised) expect(errors).toContain(`| \`${category}\` |`);
  });
});
