import type { BatonError } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { parseWorkflow, resolveConfig } from "../src/index.ts";
import { testEnv, testProfiles } from "./support.ts";

const WORKFLOW_PATH = "/repo/WORKFLOW.md";
const LOCAL = "tracker:\n  kind: linear\n  provider:\n    project_slug: web-app";

function resolveYaml(frontMatter: string) {
  const definition = parseWorkflow(`---\n${frontMatter}\n---\nprompt`, WORKFLOW_PATH);
  return resolveConfig(definition, { env: testEnv, trackerProfiles: testProfiles });
}

function problemOf(frontMatter: string): string {
  try {
    resolveYaml(frontMatter);
  } catch (error) {
    return (error as BatonError).message;
  }
  throw new Error("expected a config error");
}

describe("approvals:", () => {
  it("[B.phases-approval-config] reads approvers (lowercased), agent_requests and agent_wait_ms, defaulting to the SPEC behaviour", () => {
    expect(resolveYaml(LOCAL).approvals).toEqual({
      approvers: null,
      agent_requests: "block",
      agent_wait_ms: 600_000,
    });
    const config = resolveYaml(
      `${LOCAL}\napprovals:\n  approvers: [Octo-Cat, " Ada@Example.com "]\n  agent_requests: gate\n  agent_wait_ms: 5000`,
    );
    expect(config.approvals).toEqual({
      approvers: ["octo-cat", "ada@example.com"],
      agent_requests: "gate",
      agent_wait_ms: 5000,
    });
  });

  it("[B.phases-approval-config] rejects bad values naming the field", () => {
    expect(problemOf(`${LOCAL}\napprovals:\n  approvers: octocat`)).toContain("approvals.approvers");
    expect(problemOf(`${LOCAL}\napprovals:\n  approvers: ["  "]`)).toContain("approvals.approvers");
    expect(problemOf(`${LOCAL}\napprovals:\n  agent_requests: ask`)).toMatch(
      /approvals\.agent_requests.*must be one of: block, gate/,
    );
    expect(problemOf(`${LOCAL}\napprovals:\n  agent_wait_ms: 10`)).toContain("approvals.agent_wait_ms");
  });
});
