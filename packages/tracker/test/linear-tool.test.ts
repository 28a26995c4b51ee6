import type { Issue } from "@baton/domain";
import { FAKE_LINEAR_PROJECT, type FakeLinearServer, startFakeLinear } from "@baton/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LINEAR_GRAPHQL_TOOL, LinearTracker, linearGraphqlToolSpec } from "../src/index.ts";

let fake: FakeLinearServer;
beforeEach(async () => {
  fake = await startFakeLinear();
});
afterEach(async () => {
  await fake.close();
});

const tracker = (apiKey = fake.apiKey, endpoint = fake.endpoint) =>
  new LinearTracker({
    endpoint,
    apiKey,
    projectSlug: FAKE_LINEAR_PROJECT,
    assignee: null,
    terminalStates: ["Done"],
  });

async function currentIssue(adapter: LinearTracker): Promise<Issue> {
  const [issue] = await adapter.fetchIssuesByStates(["Todo"]);
  return issue!;
}

const MOVE = `mutation Move($id: String!, $stateId: String!) {
  issueUpdate(id: $id, input: { stateId: $stateId }) { success issue { identifier state { name } } }
}`;

describe("linear_graphql tool", () => {
  it("[S17.5-linear-tool-advertised] offers exactly linear_graphql with a closed {query, variables} schema", () => {
    expect(tracker().agentTools()).toEqual([linearGraphqlToolSpec]);
    expect(linearGraphqlToolSpec).toMatchObject({
      name: LINEAR_GRAPHQL_TOOL,
      inputSchema: {
        type: "object",
        required: ["query"],
        additionalProperties: false,
        properties: { query: { type: "string" }, variables: { type: ["object", "null"] } },
      },
    });
  });

  it("[S17.5-linear-tool-host-auth] runs queries and mutations in Baton with the configured key, using the issue's native ids", async () => {
    fake.store.addIssue({ title: "Ship it" });
    const adapter = tracker();
    const issue = await currentIssue(adapter);
    const done = fake.store.state("Done");
    const result = await adapter.executeAgentTool(
      LINEAR_GRAPHQL_TOOL,
      { query: MOVE, variables: { id: (issue.native_ref as { id: string }).id, stateId: done.id } },
      { issue },
    );
    expect(result).toEqual({
      success: true,
      output: {
        data: { issueUpdate: { success: true, issue: { identifier: "BAT-1", state: { name: "Done" } } } },
      },
    });
    expect(fake.store.stateName("BAT-1")).toBe("Done");
    expect(fake.requests.at(-1)).toMatchObject({
      authorization: fake.apiKey,
      variables: { stateId: done.id },
    });

    const comment = await adapter.executeAgentTool(
      LINEAR_GRAPHQL_TOOL,
      `mutation { commentCreate(input: { issueId: "BAT-1", body: "PR opened" }) { success } }`,
      { issue },
    );
    expect(comment).toEqual({ success: true, output: { data: { commentCreate: { success: true } } } });
    expect(fake.store.comments.map((entry) => entry.body)).toEqual(["PR opened"]);
  });

  it("[S17.5-linear-tool-graphql-errors] reports a response with GraphQL errors as a failure carrying Linear's errors", async () => {
    fake.store.addIssue({ title: "A" });
    const adapter = tracker();
    const issue = await currentIssue(adapter);
    const result = await adapter.executeAgentTool(
      LINEAR_GRAPHQL_TOOL,
      { query: MOVE, variables: { id: issue.id, stateId: "no-such-state" } },
      { issue },
    );
    expect(result.success).toBe(false);
    expect(result.output).toMatchObject({
      error: {
        category: "tracker_response",
        message: expect.stringContaining("Entity not found: WorkflowState"),
      },
      errors: [{ message: expect.stringContaining("Entity not found"), path: ["issueUpdate"] }],
      data: null,
    });
    const invalid = await adapter.executeAgentTool(
      LINEAR_GRAPHQL_TOOL,
      { query: "{ viewer { password } }" },
      { issue },
    );
    expect(invalid).toMatchObject({
      success: false,
      output: {
        error: { category: "tracker_status" },
        errors: [{ message: expect.stringContaining("password") }],
      },
    });
    expect(fake.store.stateName("BAT-1")).toBe("Todo");
  });

  it("[S17.5-linear-tool-invalid-args] refuses invalid arguments with a structured failure and sends nothing", async () => {
    const issue = { identifier: "BAT-1" } as Issue;
    const adapter = tracker();
    for (const args of [
      null,
      42,
      [],
      {},
      { query: "  " },
      { query: "{ viewer { id } }", variables: [1] },
      { query: "{ viewer { id } }", extra: 1 },
    ]) {
      const result = await adapter.executeAgentTool(LINEAR_GRAPHQL_TOOL, args, { issue });
      expect(result).toEqual({ success: false, output: { error: { message: expect.any(String) } } });
    }
    expect(fake.requests).toHaveLength(0);
    await expect(
      adapter.executeAgentTool(
        LINEAR_GRAPHQL_TOOL,
        { query: "{ viewer { id } }", variables: null },
        { issue },
      ),
    ).resolves.toEqual({ success: true, output: { data: { viewer: { id: fake.store.viewer.id } } } });
  });

  it("[S17.5-linear-tool-missing-auth] reports a key Linear does not accept as a structured failure without the key", async () => {
    const result = await tracker("lin_api_revoked_key_999").executeAgentTool(
      LINEAR_GRAPHQL_TOOL,
      { query: "{ viewer { id } }" },
      { issue: {} as Issue },
    );
    expect(result).toMatchObject({
      success: false,
      output: {
        error: { category: "tracker_status", message: expect.stringContaining("the API key was rejected") },
      },
    });
    expect(JSON.stringify(result)).not.toContain("lin_api_revoked_key_999");
  });

  it("[S17.5-linear-tool-transport-failure] reports transport failures and rate limits as structured failures", async () => {
    const adapter = tracker();
    fake.inject({ type: "rate_limit", retryAfterSeconds: 30 });
    const limited = await adapter.executeAgentTool(
      LINEAR_GRAPHQL_TOOL,
      { query: "{ viewer { id } }" },
      { issue: {} as Issue },
    );
    expect(limited).toMatchObject({
      success: false,
      output: { error: { category: "tracker_rate_limited", retry_after_ms: 30_000 } },
    });
    const endpoint = fake.endpoint;
    await fake.close();
    const down = await tracker(fake.apiKey, endpoint).executeAgentTool(
      LINEAR_GRAPHQL_TOOL,
      { query: "{ viewer { id } }" },
      { issue: {} as Issue },
    );
    expect(down).toMatchObject({ success: false, output: { error: { category: "tracker_request" } } });
    fake = await startFakeLinear();
  });

  it("[S17.5-linear-tool-unsupported-name] answers an unknown tool name with a failure", async () => {
    await expect(
      tracker().executeAgentTool("local_tracker", { action: "get" }, { issue: {} as Issue }),
    ).resolves.toEqual({
      success: false,
      output: { error: { message: "unknown tool local_tracker; available: linear_graphql" } },
    });
  });
});
