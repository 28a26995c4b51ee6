import type { Issue, ToolResult } from "@baton/domain";
import { type FakeGitHub, startFakeGitHub } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { GITHUB_API_TOOL, GitHubTracker, githubApiToolSpec } from "../src/index.ts";

const REPO = "Octo-Org/web";
const TOKEN = "ghp_toolTestToken0123456789";

const servers: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setup(
  now?: () => number,
): Promise<{ github: FakeGitHub; tracker: GitHubTracker; issue: Issue }> {
  const github = await startFakeGitHub({ repo: REPO, token: TOKEN });
  servers.push(github);
  github.addIssue({ title: "Add a login page", labels: ["status: in progress"] });
  const tracker = new GitHubTracker({
    provider: { repo: REPO, token: TOKEN, api_url: github.url, timeout_ms: 5_000, state_labels: null },
    activeStates: ["open"],
    terminalStates: ["closed"],
    ...(now ? { now } : {}),
  });
  const [issue] = await tracker.fetchIssuesByIds(["1"]);
  github.requests.length = 0;
  return { github, tracker, issue: issue! };
}

function call(tracker: GitHubTracker, issue: Issue, args: unknown): Promise<ToolResult> {
  return tracker.executeAgentTool(GITHUB_API_TOOL, args, { issue });
}

describe("github_api agent tool", () => {
  it("[S11.5-github-api-tool] is offered with the reference's argument schema", async () => {
    const { tracker } = await setup();
    expect(tracker.agentTools()).toEqual([githubApiToolSpec]);
    expect(githubApiToolSpec).toMatchObject({
      name: "github_api",
      inputSchema: {
        type: "object",
        properties: {
          method: { enum: ["GET", "POST", "PATCH", "PUT", "DELETE"] },
          path: { type: "string" },
          params: { type: ["object", "null"] },
        },
        required: ["method", "path"],
        additionalProperties: false,
      },
    });
    expect(Object.keys((githubApiToolSpec.inputSchema as { properties: object }).properties)).toEqual([
      "method",
      "path",
      "params",
      "body",
    ]);
  });

  it("[S11.5-github-api-tool] comments on, relabels and closes the issue host-side with Baton's token", async () => {
    const { github, tracker, issue } = await setup();

    const comment = await call(tracker, issue, {
      method: "POST",
      path: "/repos/octo-org/web/issues/1/comments",
      body: { body: "Opened PR #31." },
    });
    expect(comment).toMatchObject({
      success: true,
      output: { status: 201, body: { body: "Opened PR #31." } },
    });

    const relabel = await call(tracker, issue, {
      method: "delete",
      path: "/repos/octo-org/web/issues/1/labels/status: in progress".replaceAll(" ", "%20"),
    });
    expect(relabel).toMatchObject({ success: true, output: { status: 200, body: [] } });
    await call(tracker, issue, {
      method: "POST",
      path: "/repos/octo-org/web/issues/1/labels",
      body: { labels: ["status:done"] },
    });

    const close = await call(tracker, issue, {
      method: "PATCH",
      path: "/repos/Octo-Org/web/issues/1",
      body: { state: "closed", state_reason: "completed" },
    });
    expect(close).toMatchObject({
      success: true,
      output: { status: 200, body: { state: "closed", number: 1 } },
    });

    expect(github.issue(1)).toMatchObject({ state: "closed", labels: [{ name: "status:done" }] });
    expect(github.comments(1).map((entry) => entry.body)).toEqual(["Opened PR #31."]);
    // A label with a colon in its name reaches GitHub intact.
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /repos/octo-org/web/issues/1/comments",
      "DELETE /repos/octo-org/web/issues/1/labels/status: in progress",
      "POST /repos/octo-org/web/issues/1/labels",
      "PATCH /repos/Octo-Org/web/issues/1",
    ]);
    for (const request of github.requests) {
      expect(request.headers.authorization).toMatch(new RegExp(`^(token|bearer) ${TOKEN}$`, "i"));
    }
    expect(JSON.stringify([comment, relabel, close])).not.toContain(TOKEN);
  });

  it("[S11.5-github-api-tool] sends params as the query string and reports non-2xx answers as failures with their status and body", async () => {
    const { github, tracker, issue } = await setup();
    github.addIssue({ title: "Bug", labels: ["bug", "p1"] });
    github.addIssue({ title: "Other bug", labels: ["bug"] });

    const listed = await call(tracker, issue, {
      method: "GET",
      path: "/repos/octo-org/web/issues",
      params: { labels: "bug,p1", state: "open", per_page: 5, pulls: false },
    });
    expect(listed.success).toBe(true);
    expect((listed.output as { body: { number: number }[] }).body.map((entry) => entry.number)).toEqual([2]);
    expect(github.requests[0]!.query).toEqual({
      labels: "bug,p1",
      state: "open",
      per_page: "5",
      pulls: "false",
    });

    const missing = await call(tracker, issue, { method: "GET", path: "/repos/octo-org/web/issues/404" });
    expect(missing).toEqual({
      success: false,
      output: {
        status: 404,
        body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" },
      },
    });
    const invalid = await call(tracker, issue, {
      method: "PATCH",
      path: "/repos/octo-org/web/issues/1",
      body: { state: "merged" },
    });
    expect(invalid).toMatchObject({
      success: false,
      output: { status: 422, body: { message: "Validation Failed" } },
    });
  });

  it("[S11.5-github-api-tool-validation] refuses bad arguments and unsafe paths without calling GitHub", async () => {
    const { github, tracker, issue } = await setup();
    const refused = async (args: unknown, message: string | RegExp) => {
      const result = await call(tracker, issue, args);
      expect(result.success).toBe(false);
      expect((result.output as { error: { message: string } }).error.message).toMatch(message);
    };

    await refused("GET /repos", /arguments must be a JSON object/);
    await refused({ method: "GET" }, /path must be a string starting with "\/"/);
    await refused(
      { method: "HEAD", path: "/repos/octo-org/web" },
      /method must be one of GET, POST, PATCH, PUT, DELETE/,
    );
    await refused({ method: "GET", path: "/repos/octo-org/web", query: {} }, /unknown argument "query"/);
    await refused({ method: "GET", path: "repos/octo-org/web" }, /starting with "\/"/);
    await refused(
      { method: "GET", path: "/repos/octo-org/web/https://evil.example" },
      /not a URL \(it contains :\/\/\)/,
    );
    await refused({ method: "GET", path: "/repos/octo-org/web/issues\n1" }, /CR, LF or NUL/);
    await refused({ method: "GET", path: "/repos/octo-org/web/issues\r" }, /CR, LF or NUL/);
    await refused({ method: "GET", path: "/repos/octo-org/web/issues\u0000" }, /CR, LF or NUL/);
    await refused(
      { method: "GET", path: "/repos/octo-org/web/issues?state=all" },
      /pass query parameters in params/,
    );
    await refused({ method: "GET", path: "/repos/octo-org/web/{issues}" }, /not allowed in a URL path/);
    await refused(
      { method: "GET", path: "/repos/octo-org/web/issues", body: { a: 1 } },
      /GET requests take no body/,
    );
    await refused(
      { method: "GET", path: "/repos/octo-org/web/issues", params: { labels: ["a"] } },
      /params\.labels must be/,
    );
    await refused(
      { method: "GET", path: "/repos/octo-org/web/issues", params: "state=open" },
      /params must be an object/,
    );
    expect(github.requests).toEqual([]);
  });

  it("[S11.5-github-api-tool-scope] only reaches paths of the configured repository", async () => {
    const { github, tracker, issue } = await setup();
    const outside = [
      "/user",
      "/repos/octo-org/other/issues",
      "/repos/octo-org/web-private/issues",
      "/repos/octo-org",
      "/repos/octo-org/web/../other/issues",
      "/repos/octo-org/web/%2e%2e/%2E%2E/evil/repo",
      "/repos/octo-org/web/./issues",
      "/repos/octo-org%2Fweb/issues",
      "//repos/octo-org/web/issues",
      "/repos/octo-org/web//issues",
      "/graphql",
    ];
    for (const path of outside) {
      const result = await call(tracker, issue, { method: "GET", path });
      expect(result, path).toMatchObject({
        success: false,
        output: { error: { message: expect.any(String) } },
      });
    }
    expect(github.requests).toEqual([]);
    const own = await call(tracker, issue, { method: "GET", path: "/repos/octo-org/web" });
    expect(own.success).toBe(false); // the fake serves only issues; the path itself was allowed through
    expect(github.requests.map((request) => request.path)).toEqual(["/repos/octo-org/web"]);
  });

  it("[S11.5-github-api-tool-rate-limited] reports GitHub's rate limit as a structured failure and holds further calls", async () => {
    let clock = Date.parse("2026-03-01T10:00:00Z");
    const { github, tracker, issue } = await setup(() => clock);
    github.injectFault({ type: "secondary_limit", retryAfterSeconds: 60 });
    const closeIt = { method: "PATCH", path: "/repos/octo-org/web/issues/1", body: { state: "closed" } };

    const first = await call(tracker, issue, closeIt);
    expect(first).toMatchObject({
      success: false,
      output: { error: { category: "tracker_rate_limited", retry_after_ms: 60_000 } },
    });
    clock += 1_000;
    expect(await call(tracker, issue, closeIt)).toMatchObject({
      success: false,
      output: { error: { category: "tracker_rate_limited", retry_after_ms: 59_000 } },
    });
    // Reads share the same hold.
    await expect(tracker.fetchIssuesByIds(["1"])).rejects.toMatchObject({ category: "tracker_rate_limited" });
    expect(github.requests).toHaveLength(1);
    expect(github.issue(1)!.state).toBe("open");

    clock += 60_000;
    expect(await call(tracker, issue, closeIt)).toMatchObject({ success: true, output: { status: 200 } });
    expect(github.issue(1)!.state).toBe("closed");
  });

  it("[S11.5-github-api-tool] answers an unknown tool name with a structured failure", async () => {
    const { github, tracker, issue } = await setup();
    expect(await tracker.executeAgentTool("linear_graphql", {}, { issue })).toEqual({
      success: false,
      output: { error: { message: "unknown tool linear_graphql; available: github_api" } },
    });
    expect(github.requests).toEqual([]);
  });
});
