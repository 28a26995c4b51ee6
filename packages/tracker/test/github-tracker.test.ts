import { createServer } from "node:net";
import type { Issue } from "@baton/domain";
import { type FakeGitHub, startFakeGitHub } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createTracker, GitHubTracker, type StateLabelSettings } from "../src/index.ts";
import { type LogRecord, recordingLogger } from "./helpers.ts";

const REPO = "octo-org/web";
const TOKEN = "ghp_fakeTokenForTests0123456789";
const LABELS: StateLabelSettings = { prefix: "status:", default_state: null };

const servers: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fakeGitHub(): Promise<FakeGitHub> {
  const github = await startFakeGitHub({ repo: REPO, token: TOKEN });
  servers.push(github);
  return github;
}

interface Setup {
  stateLabels?: StateLabelSettings | null;
  active?: string[];
  terminal?: string[];
  timeoutMs?: number;
  now?: () => number;
  apiUrl?: string;
}

function trackerFor(github: FakeGitHub, setup: Setup = {}, records: LogRecord[] = []): GitHubTracker {
  const labels = setup.stateLabels ?? null;
  return new GitHubTracker({
    provider: {
      repo: REPO,
      token: TOKEN,
      api_url: setup.apiUrl ?? github.url,
      timeout_ms: setup.timeoutMs ?? 5_000,
      state_labels: labels,
    },
    activeStates: setup.active ?? (labels ? ["Todo", "In Progress"] : ["open"]),
    terminalStates: setup.terminal ?? (labels ? ["closed", "Done"] : ["closed"]),
    logger: recordingLogger(records),
    ...(setup.now ? { now: setup.now } : {}),
  });
}

/** Resolves with the BatonError a promise rejects with. */
async function failureOf(
  promise: Promise<unknown>,
): Promise<{ category: string; message: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { category: string; message: string; details: Record<string, unknown> };
  }
  throw new Error("expected a failure");
}

const identifiers = (issues: Issue[]) => issues.map((issue) => issue.identifier);

describe("GitHubTracker state reads (GitHub's open/closed)", () => {
  it("[S11.1-github-candidate-read][S11.2-github-construction] lists the repository's open issues, oldest first, authenticated and versioned", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "First", created_at: "2026-03-01T10:00:00Z" });
    github.addIssue({ title: "Done already", state: "closed", created_at: "2026-03-02T10:00:00Z" });
    github.addIssue({ title: "Third", created_at: "2026-03-03T10:00:00Z" });
    github.addIssue({ title: "A pull request", pullRequest: true, created_at: "2026-03-04T10:00:00Z" });
    const tracker = createTracker(
      {
        kind: "github",
        provider: { repo: REPO, token: TOKEN, api_url: github.url },
        required_labels: [],
        active_states: ["Open"],
        terminal_states: ["closed"],
      },
      { workflowDir: "/w", env: {} },
    );

    const issues = await tracker.fetchIssuesByStates(["Open"]);

    expect(tracker).toBeInstanceOf(GitHubTracker);
    expect(issues.map((issue) => [issue.identifier, issue.state, issue.dispatchable])).toEqual([
      ["GH-1", "open", true],
      ["GH-3", "open", true],
      // Candidate reads include what the scheduler must filter out itself.
      ["GH-4", "open", false],
    ]);
    const [request] = github.requests;
    expect(request).toMatchObject({
      method: "GET",
      path: `/repos/${REPO}/issues`,
      query: { state: "open", sort: "created", direction: "asc", per_page: "100" },
      status: 200,
    });
    expect(request!.headers.authorization).toMatch(new RegExp(`^(token|bearer) ${TOKEN}$`, "i"));
    expect(request!.headers["x-github-api-version"]).toBe("2022-11-28");
    expect(request!.headers.accept).toBe("application/vnd.github+json");
  });

  it("[S11.1-github-candidate-read] asks for closed or all issues only when those states are requested", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Open one" });
    github.addIssue({ title: "Closed one", state: "closed" });
    const tracker = trackerFor(github);

    expect(identifiers(await tracker.fetchIssuesByStates(["closed"]))).toEqual(["GH-2"]);
    expect(identifiers(await tracker.fetchIssuesByStates(["open", "CLOSED"]))).toEqual(["GH-1", "GH-2"]);
    expect(github.requests.map((request) => request.query.state)).toEqual(["closed", "all"]);
  });

  it("[S11.1-github-empty-no-request] answers [] without a request for no states, no ids and states GitHub cannot have", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Open one" });
    const tracker = trackerFor(github);

    await expect(tracker.fetchIssuesByStates([])).resolves.toEqual([]);
    await expect(tracker.fetchIssuesByStates(["Todo"])).resolves.toEqual([]);
    await expect(tracker.fetchIssuesByIds([])).resolves.toEqual([]);
    await expect(tracker.fetchIssuesByIds(["GH-1", "abc", "0"])).resolves.toEqual([]);
    expect(github.requests).toEqual([]);
  });

  it("[S11.1-github-pagination] follows Link headers across pages of 100 and keeps GitHub's order", async () => {
    const github = await fakeGitHub();
    for (let day = 0; day < 250; day++) {
      github.addIssue({
        title: `Issue ${day + 1}`,
        created_at: new Date(Date.UTC(2026, 0, 1) + day * 3_600_000).toISOString(),
      });
    }
    const tracker = trackerFor(github);

    const issues = await tracker.fetchIssuesByStates(["open"]);

    expect(identifiers(issues)).toEqual(Array.from({ length: 250 }, (_, index) => `GH-${index + 1}`));
    // Pages 2 and 3 come from the Link header (GitHub points them at /repositories/{id}/...).
    expect(github.requests.map((request) => [request.path, request.query.page ?? "1"])).toEqual([
      [`/repos/${REPO}/issues`, "1"],
      [`/repositories/${github.repositoryId}/issues`, "2"],
      [`/repositories/${github.repositoryId}/issues`, "3"],
    ]);
  });

  it("[S11.1-github-pagination] returns an issue once even when pages overlap (an issue reopened while paging)", async () => {
    const github = await fakeGitHub();
    for (let index = 0; index < 120; index++) github.addIssue({ title: `Issue ${index + 1}` });
    // The second page starts 50 issues early, as it does when issues move into the listing mid-read.
    github.injectFault(
      {
        type: "link",
        link: `<${github.url}/repositories/${github.repositoryId}/issues?state=open&sort=created&direction=asc&per_page=50&page=2>; rel="next"`,
      },
      { match: (request) => request.path === `/repos/${REPO}/issues` },
    );

    const issues = await trackerFor(github).fetchIssuesByStates(["open"]);

    expect(identifiers(issues)).toEqual(Array.from({ length: 120 }, (_, index) => `GH-${index + 1}`));
  });
});

describe("GitHubTracker normalization", () => {
  it("[S11.3-github-normalization][S11.3-github-native-ref] maps every Issue field from GitHub's issue record", async () => {
    const github = await fakeGitHub();
    const raw = github.addIssue({
      number: 42,
      title: "  Add a login page ",
      body: "Users need to sign in.",
      labels: ["Frontend", " Auth ", "frontend"],
      assignee: "ada",
      created_at: "2026-03-01T10:00:00Z",
      updated_at: "2026-03-02T11:30:00Z",
    });
    const tracker = trackerFor(github);

    const [issue] = await tracker.fetchIssuesByStates(["open"]);

    expect(issue).toEqual({
      id: "42",
      native_ref: { id: raw.id, node_id: raw.node_id, number: 42, repo: REPO },
      identifier: "GH-42",
      title: "Add a login page",
      description: "Users need to sign in.",
      priority: null,
      state: "open",
      branch_name: null,
      url: raw.html_url,
      assignee_id: "ada",
      labels: ["frontend", "auth"],
      blocked_by: [],
      dispatchable: true,
      created_at: "2026-03-01T10:00:00.000Z",
      updated_at: "2026-03-02T11:30:00.000Z",
    });
    expect(JSON.parse(JSON.stringify(issue!.native_ref))).toEqual(issue!.native_ref);
  });

  it("[S11.3-github-dispatchable] never makes a pull request dispatchable, in reads and refreshes", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Fix the build", pullRequest: true });
    github.addIssue({ title: "Real issue" });
    const tracker = trackerFor(github);

    const listed = await tracker.fetchIssuesByStates(["open"]);
    const refreshed = await tracker.fetchIssuesByIds(["1", "2"]);

    expect(listed.map((issue) => issue.dispatchable)).toEqual([false, true]);
    expect(refreshed.map((issue) => [issue.identifier, issue.dispatchable])).toEqual([
      ["GH-1", false],
      ["GH-2", true],
    ]);
  });

  it("[S11.3-github-optional-fallbacks] turns unusable optional metadata into null or [] and keeps the issue", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Odd record", labels: ["ok"] });
    github.corruptIssue(1, {
      body: "   ",
      labels: [42, { name: null }, { name: "Kept" }, "plain-string"],
      assignee: { id: 7 },
      html_url: 12,
      created_at: "yesterday",
      updated_at: null,
      id: "not-a-number",
      node_id: undefined,
    });
    const tracker = trackerFor(github);

    const [issue] = await tracker.fetchIssuesByStates(["open"]);

    expect(issue).toMatchObject({
      identifier: "GH-1",
      title: "Odd record",
      state: "open",
      description: null,
      labels: ["kept", "plain-string"],
      assignee_id: null,
      url: null,
      created_at: null,
      updated_at: null,
      native_ref: { id: null, node_id: null, number: 1, repo: REPO },
      dispatchable: true,
    });
  });

  it("[S11.1-github-malformed] drops unreadable records from state reads with a warning naming the issue", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Fine" });
    github.addIssue({ title: "Blank title" });
    github.addIssue({ title: "Odd state" });
    github.corruptIssue(2, { title: "  " });
    github.corruptIssue(3, { state: "merged" });
    const records: LogRecord[] = [];
    const tracker = trackerFor(github, {}, records);

    expect(identifiers(await tracker.fetchIssuesByStates(["open", "closed"]))).toEqual(["GH-1"]);
    const warnings = records.filter((record) => record.level === "warn").map((record) => record.obj);
    expect(warnings).toEqual([
      expect.objectContaining({ issue: "GH-2", reason: "title is missing or blank" }),
      expect.objectContaining({ issue: "GH-3", reason: expect.stringContaining('"merged"') }),
    ]);
  });
});

describe("GitHubTracker refresh by id", () => {
  it("[S11.1-github-fetch-by-ids] returns current full snapshots by issue number, each once, omitting issues that are gone", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Running" });
    github.addIssue({ title: "Deleted" });
    github.addIssue({ title: "Moved" });
    const tracker = trackerFor(github);
    github.editIssue(1, { labels: ["needs-review"], state: "closed" });
    github.removeIssue(2);
    // A transferred issue is answered (after a redirect) from another repository.
    github.corruptIssue(3, { repository_url: `${github.url}/repos/octo-org/other` });

    const issues = await tracker.fetchIssuesByIds(["1", "2", "1", "3", "99"]);

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      id: "1",
      identifier: "GH-1",
      state: "closed",
      labels: ["needs-review"],
      native_ref: { number: 1, repo: REPO },
    });
    expect(github.requests.map((request) => request.path).sort()).toEqual([
      `/repos/${REPO}/issues/1`,
      `/repos/${REPO}/issues/2`,
      `/repos/${REPO}/issues/3`,
      `/repos/${REPO}/issues/99`,
    ]);
  });

  it("[S11.1-github-malformed] fails a refresh whose requested issue cannot be read, naming it", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Fine" });
    github.addIssue({ title: "Broken" });
    github.corruptIssue(2, { title: null });
    const tracker = trackerFor(github);

    expect(await failureOf(tracker.fetchIssuesByIds(["1", "2"]))).toMatchObject({
      category: "tracker_response",
      message: `GitHub issue GH-2 in ${REPO} cannot be read: title is missing or blank`,
    });
  });
});

describe("GitHubTracker label-driven states", () => {
  it("[S11.2-github-label-states][S11.3-github-state-spelling] takes each open issue's state from its state label", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Queued", labels: ["status: Todo", "backend"] });
    github.addIssue({ title: "Working", labels: ["Status:In Progress"] });
    github.addIssue({ title: "Waiting", labels: ["status: human review"] });
    github.addIssue({ title: "Untriaged", labels: ["bug"] });
    github.addIssue({ title: "Closed while in progress", labels: ["status: in progress"], state: "closed" });
    const tracker = trackerFor(github, { stateLabels: LABELS });

    const active = await tracker.fetchIssuesByStates(["todo", "IN PROGRESS"]);

    expect(active.map((issue) => [issue.identifier, issue.state])).toEqual([
      ["GH-1", "Todo"],
      ["GH-2", "In Progress"],
    ]);
    expect(active[0]!.labels).toEqual(["status: todo", "backend"]);
    expect(github.requests.map((request) => request.query.state)).toEqual(["open"]);

    const refreshed = await tracker.fetchIssuesByIds(["3", "4", "5"]);
    expect(refreshed.map((issue) => [issue.identifier, issue.state])).toEqual([
      ["GH-3", "human review"],
      ["GH-4", "open"],
      ["GH-5", "closed"],
    ]);

    const terminal = await tracker.fetchIssuesByStates(["closed", "Done"]);
    expect(terminal.map((issue) => [issue.identifier, issue.state])).toEqual([["GH-5", "closed"]]);
    expect(github.requests.at(-1)!.query.state).toBe("all");
  });

  it("[S11.2-github-label-states] gives open issues without a state label the configured default state", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Untriaged", labels: ["bug"] });
    github.addIssue({ title: "Started", labels: ["status: In Progress"] });
    const tracker = trackerFor(github, { stateLabels: { prefix: "status:", default_state: "Todo" } });

    const issues = await tracker.fetchIssuesByStates(["Todo"]);

    expect(issues.map((issue) => [issue.identifier, issue.state])).toEqual([["GH-1", "Todo"]]);
  });

  it("[S11.2-github-state-label-conflict] drops an issue with two state labels from state reads and fails its refresh, naming both labels", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Fine", labels: ["status: todo"] });
    github.addIssue({ title: "Confused", labels: ["status: todo", "bug", "Status: Done"] });
    github.addIssue({ title: "Same state twice", labels: ["status: todo", "status:Todo"] });
    const records: LogRecord[] = [];
    const tracker = trackerFor(github, { stateLabels: LABELS }, records);

    expect(identifiers(await tracker.fetchIssuesByStates(["Todo", "Done"]))).toEqual(["GH-1", "GH-3"]);
    expect(records.filter((record) => record.level === "warn").map((record) => record.obj)).toEqual([
      expect.objectContaining({
        issue: "GH-2",
        reason: 'it carries more than one state label: "status: todo" and "Status: Done"',
      }),
    ]);
    expect(await failureOf(tracker.fetchIssuesByIds(["2"]))).toMatchObject({
      category: "tracker_response",
      message: `GitHub issue GH-2 in ${REPO} cannot be read: it carries more than one state label: "status: todo" and "Status: Done"`,
    });
  });

  it("[S11.2-github-construction] rejects active and terminal states the state model cannot produce, naming the key", () => {
    const github = { url: "http://127.0.0.1:9" } as FakeGitHub;
    const build = (setup: Setup) => () => trackerFor(github, setup);
    expect(build({ active: ["open", "Todo"] })).toThrow(
      expect.objectContaining({
        category: "invalid_tracker_config",
        message: expect.stringMatching(/^tracker\.active_states may only contain "open" .*got "Todo"$/),
        details: { field: "tracker.active_states" },
      }),
    );
    expect(build({ terminal: ["Done"] })).toThrow(
      expect.objectContaining({ details: { field: "tracker.terminal_states" } }),
    );
    expect(build({ stateLabels: LABELS, active: ["Todo", "open"] })).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('tracker.active_states cannot contain "open"'),
      }),
    );
    expect(build({ stateLabels: LABELS, terminal: ["Done"] })).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('tracker.terminal_states must contain "closed"'),
      }),
    );
    expect(build({ stateLabels: LABELS, terminal: ["closed", "Open"] })).toThrow(
      expect.objectContaining({ details: { field: "tracker.terminal_states" } }),
    );
    expect(build({ stateLabels: LABELS })).not.toThrow();
  });
});

describe("GitHubTracker politeness", () => {
  it("[S11.2-github-conditional-requests] revalidates with ETags and reuses the cached pages on 304", async () => {
    const github = await fakeGitHub();
    for (let index = 0; index < 120; index++) github.addIssue({ title: `Issue ${index + 1}` });
    const tracker = trackerFor(github);

    const first = await tracker.fetchIssuesByStates(["open"]);
    const second = await tracker.fetchIssuesByStates(["open"]);

    expect(second).toEqual(first);
    expect(second).toHaveLength(120);
    const [, , page1, page2] = github.requests;
    expect(page1).toMatchObject({
      status: 304,
      headers: { "if-none-match": expect.stringMatching(/^W\/"/) },
    });
    // The second page's URL came from the cached first page's Link header.
    expect(page2).toMatchObject({ status: 304, query: { page: "2" } });

    github.editIssue(3, { title: "Renamed" });
    const third = await tracker.fetchIssuesByStates(["open"]);
    expect(third[2]!.title).toBe("Renamed");
    expect(github.requests.slice(4).map((request) => request.status)).toEqual([200, 304]);

    await tracker.fetchIssuesByIds(["7"]);
    await tracker.fetchIssuesByIds(["7"]);
    expect(github.requests.slice(6).map((request) => request.status)).toEqual([200, 304]);
  });

  it("[S11.2-github-conditional-requests] spends no quota on 304 answers", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "One" });
    const tracker = trackerFor(github);
    // Two requests left: had the 304s counted, the quota would run out on the second poll.
    github.setRateLimit({ remaining: 2 });

    for (let poll = 0; poll < 4; poll++)
      await expect(tracker.fetchIssuesByStates(["open"])).resolves.toHaveLength(1);
    await expect(tracker.fetchIssuesByIds(["1"])).resolves.toHaveLength(1);

    expect(github.requests.map((request) => request.status)).toEqual([200, 304, 304, 304, 200]);
  });

  it("[S11.2-github-rate-limits][S11.4-github-error-categories] stops calling GitHub after a secondary rate limit until retry-after has passed", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "One" });
    let clock = Date.parse("2026-03-01T10:00:00Z");
    const tracker = trackerFor(github, { now: () => clock });
    github.injectFault({ type: "secondary_limit", retryAfterSeconds: 30 });

    const limited = await failureOf(tracker.fetchIssuesByStates(["open"]));
    expect(limited).toMatchObject({
      category: "tracker_rate_limited",
      message: expect.stringContaining("secondary rate limit"),
      details: { retry_after_ms: 30_000 },
    });

    clock += 10_000;
    const stillLimited = await failureOf(tracker.fetchIssuesByIds(["1"]));
    expect(stillLimited).toMatchObject({
      category: "tracker_rate_limited",
      details: { retry_after_ms: 20_000 },
    });
    expect(github.requests).toHaveLength(1);

    clock += 20_001;
    await expect(tracker.fetchIssuesByIds(["1"])).resolves.toHaveLength(1);
    expect(github.requests).toHaveLength(2);
  });

  it("[S11.2-github-rate-limits] treats 429 and an exhausted hourly quota as rate limits, and a permission 403 as a status error", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "One" });
    let clock = Date.now();
    const tracker = trackerFor(github, { now: () => clock });

    github.injectFault({ type: "too_many_requests", retryAfterSeconds: 5 });
    expect(await failureOf(tracker.fetchIssuesByIds(["1"]))).toMatchObject({
      category: "tracker_rate_limited",
      details: { retry_after_ms: 5_000 },
    });
    clock += 5_000;

    // The last request of the hour succeeds; the next one waits for the announced reset.
    const resetEpochSeconds = Math.floor(clock / 1000) + 120;
    github.setRateLimit({ remaining: 1, resetEpochSeconds });
    await expect(tracker.fetchIssuesByStates(["open"])).resolves.toHaveLength(1);
    const quota = await failureOf(tracker.fetchIssuesByStates(["open"]));
    expect(quota).toMatchObject({
      category: "tracker_rate_limited",
      message: expect.stringContaining("hourly request quota"),
    });
    expect(quota.details.retry_after_ms).toBe(resetEpochSeconds * 1000 - clock);
    expect(github.requests).toHaveLength(2);

    clock = resetEpochSeconds * 1000 + 1;
    github.setRateLimit({ remaining: 0, resetEpochSeconds: resetEpochSeconds + 3600 });
    expect(await failureOf(tracker.fetchIssuesByStates(["open"]))).toMatchObject({
      category: "tracker_rate_limited",
      details: { retry_after_ms: 3_600_000 - 1 },
    });

    clock += 3_600_000;
    github.setRateLimit({ remaining: 100 });
    github.injectFault({
      type: "status",
      status: 403,
      message: "Resource not accessible by personal access token",
    });
    expect(await failureOf(tracker.fetchIssuesByStates(["open"]))).toMatchObject({
      category: "tracker_status",
      message: `GitHub answered GET /repos/${REPO}/issues?state=open&sort=created&direction=asc&per_page=100 with HTTP 403: Resource not accessible by personal access token`,
    });
    await expect(tracker.fetchIssuesByStates(["open"])).resolves.toHaveLength(1);
  });

  it("[S11.2-github-timeouts][S11.4-github-error-categories] gives up on a request GitHub never answers", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "One" });
    const tracker = trackerFor(github, { timeoutMs: 200 });
    github.injectFault({ type: "hang" });

    expect(await failureOf(tracker.fetchIssuesByStates(["open"]))).toMatchObject({
      category: "tracker_request",
      message: `GitHub did not answer GET /repos/${REPO}/issues?state=open&sort=created&direction=asc&per_page=100 within 200 ms`,
    });
    await expect(tracker.fetchIssuesByStates(["open"])).resolves.toHaveLength(1);
  });
});

describe("GitHubTracker error mapping", () => {
  it("[S11.4-github-error-categories] maps server errors, bad JSON, bad paging, transport and auth failures to categories", async () => {
    const github = await fakeGitHub();
    for (let index = 0; index < 150; index++) github.addIssue({ title: `Issue ${index + 1}` });
    // A new adapter each time, so no cached page hides the injected answer.
    const read = () => failureOf(trackerFor(github).fetchIssuesByStates(["open"]));

    github.injectFault({ type: "status", status: 502, message: "Bad Gateway" });
    expect(await read()).toMatchObject({ category: "tracker_status", details: { status: 502 } });

    github.injectFault({ type: "malformed_json" });
    expect(await read()).toMatchObject({
      category: "tracker_response",
      message: `GitHub answered the issue listing of ${REPO} (page 1) with something that is not a JSON list`,
    });

    github.injectFault(
      { type: "status", status: 500 },
      { match: (request) => request.path.startsWith("/repositories/") },
    );
    expect(await read()).toMatchObject({ category: "tracker_status", details: { status: 500 } });

    github.injectFault({ type: "link", link: '<https://evil.example/steal?page=2>; rel="next"' });
    expect(await read()).toMatchObject({
      category: "tracker_pagination",
      message: expect.stringContaining(`leaves the API (${github.url})`),
    });
    expect(github.requests.some((request) => request.path === "/steal")).toBe(false);

    const firstPage = `${github.url}/repositories/${github.repositoryId}/issues?page=2`;
    github.injectFault({ type: "link", link: `<${firstPage}>; rel="next"` }, { times: 2 });
    expect(await read()).toMatchObject({
      category: "tracker_pagination",
      message: expect.stringContaining("repeats a page already read"),
    });

    const wrongToken = new GitHubTracker({
      provider: {
        repo: REPO,
        token: "ghp_wrong",
        api_url: github.url,
        timeout_ms: 5_000,
        state_labels: null,
      },
      activeStates: ["open"],
      terminalStates: ["closed"],
    });
    expect(await failureOf(wrongToken.fetchIssuesByIds(["1"]))).toMatchObject({
      category: "tracker_status",
      message: `GitHub answered GET /repos/${REPO}/issues/1 with HTTP 401: Bad credentials`,
    });
  });

  it("[S11.4-github-error-categories] reports an unreachable API as tracker_request", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address() as { port: number };
        probe.close(() => resolve(address.port));
      });
    });
    const github = { url: `http://127.0.0.1:${port}` } as FakeGitHub;
    const error = await failureOf(trackerFor(github).fetchIssuesByIds(["1"]));
    expect(error).toMatchObject({
      category: "tracker_request",
      message: expect.stringMatching(new RegExp(`^cannot reach GitHub for GET /repos/${REPO}/issues/1: `)),
    });
    expect(error.message).not.toContain(TOKEN);
  });
});

describe("GitHub targeted refresh and write-back", () => {
  it("[B.webhook-targeted-fetch] fetchIssue reads one issue with one GET; a removed issue or a bad number is null", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Wanted", labels: ["bug"] });
    github.addIssue({ title: "Removed" });
    github.removeIssue(2);
    const adapter = trackerFor(github);
    expect(await adapter.fetchIssue("1")).toMatchObject({ id: "1", identifier: "GH-1", state: "open" });
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /repos/${REPO}/issues/1`,
    ]);
    expect(await adapter.fetchIssue("2")).toBeNull();
    expect(await adapter.fetchIssue("not-a-number")).toBeNull();
    expect(github.requests).toHaveLength(2);
  });

  it("[B.budget-exceeded-writeback] moves an issue: open/closed natively; in label mode its one state label is replaced, other labels kept", async () => {
    const github = await fakeGitHub();
    github.addIssue({ title: "Native" });
    github.addIssue({ title: "Labelled", labels: ["bug", "status: In Progress"] });
    await trackerFor(github).moveIssue("1", "closed");
    expect(github.issue(1)!.state).toBe("closed");
    expect(await failureOf(trackerFor(github).moveIssue("1", "Human Review"))).toMatchObject({
      category: "invalid_tracker_config",
      message: expect.stringContaining(
        'cannot move GH-1 to "Human Review": GitHub issues are open or closed',
      ),
    });

    const labelled = trackerFor(github, { stateLabels: LABELS });
    await labelled.moveIssue("2", "Human Review");
    expect(github.issue(2)!.state).toBe("open");
    expect(await labelled.fetchIssue("2")).toMatchObject({
      state: "Human Review",
      labels: ["bug", "status: human review"],
    });
    await labelled.moveIssue("2", "closed");
    expect((await labelled.fetchIssue("2"))!.state).toBe("closed");
    await labelled.commentOnIssue("2", "Baton stopped this run: budget.");
    expect(github.comments(2).map((comment) => comment.body)).toEqual(["Baton stopped this run: budget."]);
  });
});
