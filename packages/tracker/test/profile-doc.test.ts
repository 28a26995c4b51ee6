import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localTrackerProfile, localTrackerToolSpec } from "../src/index.ts";

const root = new URL("../../../", import.meta.url);
const readDoc = () => readFile(new URL("docs/trackers/local.md", root), "utf8");

/** Section body under a `## <title>` heading. */
function section(doc: string, title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`docs/trackers/local.md has no "## ${title}" section`);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

describe("local tracker profile document", () => {
  it("[S11.2-adapter-profile-doc] documents kind, provider keys, defaults, scope, identity, normalization and the tool as shipped", async () => {
    const doc = await readDoc();
    expect(section(doc, "Kind")).toContain(`kind: ${localTrackerProfile.kind}`);
    const keys = section(doc, "Provider keys");
    for (const key of Object.keys(localTrackerProfile.resolveProvider({}, { workflowDir: "/w", env: {} }))) {
      expect(keys).toContain(`| \`${key}\` |`);
    }
    for (const state of [
      ...(localTrackerProfile.defaultActiveStates ?? []),
      ...(localTrackerProfile.defaultTerminalStates ?? []),
    ]) {
      expect(keys).toContain(`\`${state}\``);
    }
    expect(section(doc, "Scope, pagination, request limits")).toMatch(/pagination/);
    expect(section(doc, "Identity: `id` and `native_ref`")).toContain('"path"');
    const normalization = section(doc, "Normalization");
    for (const field of ["labels", "priority", "created_at", "dispatchable", "Malformed"]) {
      expect(normalization).toContain(field);
    }
    const tool = section(doc, `Agent tool \`${localTrackerToolSpec.name}\``);
    const schema = JSON.parse(/```json\n([\s\S]*?)```/.exec(tool)![1]!) as Record<string, unknown>;
    const shipped = localTrackerToolSpec.inputSchema as { properties: Record<string, { enum?: unknown }> };
    expect(Object.keys(schema.properties as object)).toEqual(Object.keys(shipped.properties));
    expect(schema).toMatchObject({ required: ["action"], additionalProperties: false });
    for (const action of shipped.properties.action!.enum as string[])
      expect(tool).toContain(`| \`${action}\` |`);
  });

  it("[S11.4-error-mapping-documented] maps every error category the adapter can raise to a documented cause", async () => {
    const sourceDir = new URL("../src/", import.meta.url);
    const files = [
      "trackers.ts",
      ...(await readdir(new URL("local/", sourceDir))).map((name) => join("local", name)),
    ];
    const raised = new Set<string>();
    for (const file of files) {
      const source = await readFile(new URL(file, sourceDir), "utf8");
      for (const match of source.matchAll(/new BatonError\(\s*"([a-z_]+)"/g)) raised.add(match[1]!);
    }
    expect(raised.size).toBeGreaterThanOrEqual(5);
    const errors = section(await readDoc(), "Errors");
    for (const category of raised) expect(errors).toContain(`| \`${category}\` |`);
    for (const category of [
      "missing_tracker_secret",
      "tracker_status",
      "tracker_pagination",
      "tracker_rate_limited",
    ]) {
      expect(errors).toContain(`\`${category}\``);
    }
  });
});
