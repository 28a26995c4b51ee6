import { afterEach, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "../src/index.ts";

const REPO = "octo-org/web";
const TOKEN = "ghp_fakeServerTest";

const servers: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(): Promise<FakeGitHub> {
  const github = await startFakeGitHub({ repo: REPO, token: TOKEN });
  servers.push(github);
  return github;
}

function api(github: FakeGitHub, path: string, init: RequestInit = {}): Promise<Response> {
  const url = path.startsWith("http") ? path : `${github.url}${path}`;
  return fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...init.headers },
  });
}

/** Required keys of GitHub's `issue` schema (components.schemas.issue in the REST OpenAPI description). */
const ISSUE_REQUIRED_KEYS = [
  "id",
  "node_id",
  "url",
  "repository_url",
  "labels_url",
  "comments_url",
  "events_url",
  "html_url",
  "number",
  "state",
  "title",
  "user",
  "labels",
  "assignee",
  "milestone",
  "locked",
  "comments",
  "closed_at",
  "created_at",
  "updated_at",
];

describe("fake GitHub REST server", () => {
  it("[S17.3-github-fake-server] serves issues and pull requests in GitHub's documented shape, to the right token only", async () => {
    const github = await start();
    github.addIssue({ title: "Bug", labels: ["bug"], assignee: "ada", body: "Steps..." });
    github.addIssue({ title: "Fix", pullRequest: true });

    const response = await api(github, `/repos/${REPO}/issues/1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const issue = (await response.json()) as Record<string, unknown>;
    for (const key of ISSUE_REQUIRED_KEYS) expect(issue, key).toHaveProperty(key);
    expect(issue).toMatchObject({
      number: 1,
      state: "open",
      title: "Bug",
      body: "Steps...",
      labels: [{ name: "bug", color: "ededed" }],
      assignee: { login: "ada" },
      html_url: `https://github.example/${REPO}/issues/1`,
      repository_url: `${github.url}/repos/${REPO}`,
    });
    expect(issue).not.toHaveProperty("pull_request");
    const pull = (await (await api(github, `/repos/${REPO}/issues/2`)).json()) as Record<string, unknown>;
    expect(pull).toMatchObject({ pull_request: { url: `${github.url}/repos/${REPO}/pulls/2` } });

    const anonymous = await fetch(`${github.url}/repos/${REPO}/issues/1`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ message: "Bad credentials" });
    expect((await api(github, "/repos/octo-org/other/issues/1")).status).toBe(404);
    expect(github.requests.map((request) => request.status)).toEqual([200, 200, 401, 404]);
  });

  it("[S17.3-github-fake-server] pages listings with Link headers and filters by state and labels", async () => {
    const github = await start();
    for (let index = 0; index < 7; index++) {
      github.addIssue({ title: `Issue ${index + 1}`, labels: index % 2 === 0 ? ["even", "x"] : ["odd"] });
    }
    github.editIssue(7, { state: "closed" });

    const first = await api(github, `/repos/${REPO}/issues?per_page=2&sort=created&direction=asc`);
    expect(((await first.json()) as { number: number }[]).map((issue) => issue.number)).toEqual([1, 2]);
    const link = first.headers.get("link")!;
    const base = `${github.url}/repositories/${github.repositoryId}/issues?per_page=2&sort=created&direction=asc`;
    expect(link).toBe(`<${base}&page=2>; rel="next", <${base}&page=3>; rel="last"`);

    const last = await api(github, `${base}&page=3`);
    expect(((await last.json()) as { number: number }[]).map((issue) => issue.number)).toEqual([5, 6]);
    expect(last.headers.get("link")).toBe(`<${base}&page=2>; rel="prev", <${base}&page=1>; rel="first"`);

    const labelled = await api(github, `/repos/${REPO}/issues?state=all&labels=EVEN,x&direction=asc`);
    expect(((await labelled.json()) as { number: number }[]).map((issue) => issue.number)).toEqual([
      1, 3, 5, 7,
    ]);
    const closed = await api(github, `/repos/${REPO}/issues?state=closed`);
    expect(((await closed.json()) as { number: number }[]).map((issue) => issue.number)).toEqual([7]);
  });

  it("[S17.3-github-fake-server] answers conditional requests with 304 without spending quota and enforces the quota", async () => {
    const github = await start();
    github.addIssue({ title: "One" });
    github.setRateLimit({ remaining: 2, resetEpochSeconds: 2_000_000_000 });

    const first = await api(github, `/repos/${REPO}/issues/1`);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    expect(first.headers.get("x-ratelimit-remaining")).toBe("1");
    expect(first.headers.get("x-ratelimit-reset")).toBe("2000000000");

    const again = await api(github, `/repos/${REPO}/issues/1`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("x-ratelimit-remaining")).toBe("1");

    github.editIssue(1, { title: "Renamed" });
    const changed = await api(github, `/repos/${REPO}/issues/1`, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("x-ratelimit-remaining")).toBe("0");

    const exhausted = await api(github, `/repos/${REPO}/issues/1`);
    expect(exhausted.status).toBe(403);
    expect(await exhausted.json()).toMatchObject({
      message: expect.stringContaining("API rate limit exceeded"),
    });
  });

  it("[S17.3-github-fake-server] injects failures on matching requests only, as many times as asked", async () => {
    const github = await start();
    github.addIssue({ title: "One" });
    github.injectFault(
      { type: "status", status: 500 },
      { times: 2, match: (request) => request.method === "GET" },
    );
    github.injectFault(
      { type: "secondary_limit", retryAfterSeconds: 30 },
      { match: (r) => r.method === "PATCH" },
    );

    expect((await api(github, `/repos/${REPO}/issues/1`)).status).toBe(500);
    expect((await api(github, `/repos/${REPO}/issues/1`)).status).toBe(500);
    expect((await api(github, `/repos/${REPO}/issues/1`)).status).toBe(200);
    const limited = await api(github, `/repos/${REPO}/issues/1`, { method: "PATCH", body: "{}" });
    expect(limited.status).toBe(403);
    expect(limited.headers.get("retry-after")).toBe("30");
    expect(await limited.json()).toMatchObject({ message: expect.stringContaining("secondary rate limit") });

    github.injectFault({ type: "too_many_requests", retryAfterSeconds: 5 });
    const tooMany = await api(github, `/repos/${REPO}/issues/1`);
    expect([tooMany.status, tooMany.headers.get("retry-after")]).toEqual([429, "5"]);

    github.injectFault({ type: "malformed_json" });
    const malformed = await api(github, `/repos/${REPO}/issues`);
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow();

    github.injectFault({ type: "hang" });
    await expect(
      api(github, `/repos/${REPO}/issues/1`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ name: "TimeoutError" });
    expect(github.requests.at(-1)!.status).toBe(0);
  });

  it("[S17.3-github-fake-server] supports the mutations the github_api tool needs", async () => {
    const github = await start();
    github.addIssue({ title: "One", labels: ["status: todo"] });
    const path = `/repos/${REPO}/issues/1`;

    const comment = await api(github, `${path}/comments`, {
      method: "POST",
      body: JSON.stringify({ body: "Hi" }),
    });
    expect(comment.status).toBe(201);
    expect(await comment.json()).toMatchObject({ body: "Hi", user: { login: "baton-bot" } });

    const removed = await api(github, `${path}/labels/${encodeURIComponent("status: todo")}`, {
      method: "DELETE",
    });
    expect([removed.status, await removed.json()]).toEqual([200, []]);
    const added = await api(github, `${path}/labels`, {
      method: "POST",
      body: JSON.stringify({ labels: ["status: review"] }),
    });
    expect(((await added.json()) as { name: string }[]).map((label) => label.name)).toEqual([
      "status: review",
    ]);

    const closed = await api(github, path, { method: "PATCH", body: JSON.stringify({ state: "closed" }) });
    expect(await closed.json()).toMatchObject({
      state: "closed",
      state_reason: "completed",
      closed_at: expect.any(String),
    });
    const invalid = await api(github, path, { method: "PATCH", body: JSON.stringify({ state: "merged" }) });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({
      message: "Validation Failed",
      errors: [{ field: "state" }],
    });

    expect(github.issue(1)).toMatchObject({
      state: "closed",
      comments: 1,
      labels: [{ name: "status: review" }],
    });
    expect(github.comments(1)).toHaveLength(1);
    expect(github.requests.find((request) => request.method === "PATCH")!.body).toEqual({ state: "closed" });
  });
});
