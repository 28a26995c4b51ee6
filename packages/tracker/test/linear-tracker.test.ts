import type { Issue } from "@baton/domain";
import { FAKE_LINEAR_PROJECT, type FakeLinearServer, startFakeLinear } from "@baton/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTracker, LinearTracker, type LinearTrackerOptions } from "../src/index.ts";
import { recordingLogger } from "./helpers.ts";

const TERMINAL = ["Closed", "Cancelled", "Canceled", "Duplicate", "Done"];
let fake: FakeLinearServer;

beforeEach(async () => {
  fake = await startFakeLinear();
});
afterEach(async () => {
  await fake.close();
});

function tracker(options: Partial<LinearTrackerOptions> = {}): LinearTracker {
  return new LinearTracker({
    endpoint: fake.endpoint,
    apiKey: fake.apiKey,
    projectSlug: FAKE_LINEAR_PROJECT,
    assignee: null,
    terminalStates: TERMINAL,
    ...options,
  });
}

async function failure(
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

describe("Linear reads", () => {
  it("[S17.3-linear-candidate-scope] returns only the project's issues in the requested states, matching state names case-insensitively", async () => {
    const { store } = fake;
    store.addIssue({ title: "A", state: "Todo" });
    store.addIssue({ title: "B", state: "In Progress" });
    store.addIssue({ title: "C", state: "Backlog" });
    store.addIssue({ title: "D", state: "Todo", projectSlug: "another-project" });
    store.addIssue({ title: "E", state: "Done" });
    const issues = await tracker().fetchIssuesByStates(["todo", " In Progress "]);
    expect(identifiers(issues)).toEqual(["BAT-1", "BAT-2"]);
    expect(issues.map((issue) => issue.state)).toEqual(["Todo", "In Progress"]);
    expect(identifiers(await tracker().fetchIssuesByStates(["Done"]))).toEqual(["BAT-5"]);
  });

  it("[S17.3-linear-empty-no-request] answers empty state and id lists without any request", async () => {
    fake.store.addIssue({ title: "A" });
    const adapter = tracker({ assignee: "me" });
    await expect(adapter.fetchIssuesByStates([])).resolves.toEqual([]);
    await expect(adapter.fetchIssuesByIds([])).resolves.toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it("[S17.3-linear-pagination-order] follows endCursor page by page and keeps Linear's order", async () => {
    for (let n = 1; n <= 5; n++)
      fake.store.addIssue({ title: `Issue ${n}`, state: n % 2 ? "Todo" : "In Progress" });
    const issues = await tracker({ pageSize: 2 }).fetchIssuesByStates(["Todo", "In Progress"]);
    expect(identifiers(issues)).toEqual(["BAT-1", "BAT-2", "BAT-3", "BAT-4", "BAT-5"]);
    expect(fake.requests.map((request) => request.variables.after)).toEqual([
      null,
      expect.any(String),
      expect.any(String),
    ]);
    fake.requests.length = 0;
    for (let n = 6; n <= 120; n++) fake.store.addIssue({ title: `Issue ${n}` });
    const all = await tracker().fetchIssuesByStates(["Todo", "In Progress"]);
    expect(identifiers(all)).toEqual(Array.from({ length: 120 }, (_, index) => `BAT-${index + 1}`));
    expect(fake.requests).toHaveLength(3);
  });

  it("[S17.3-linear-one-request-per-page] gets state, labels, assignee, team and blockers of a whole page in one request", async () => {
    const { store } = fake;
    const ada = store.addUser("Ada");
    const blocker = store.addIssue({ title: "Blocker", state: "In Progress" });
    for (let n = 0; n < 10; n++) {
      const issue = store.addIssue({ title: `Work ${n}`, labels: ["Backend"], assigneeId: ada.id });
      store.addBlocker(blocker.identifier, issue.identifier);
    }
    const issues = await tracker().fetchIssuesByStates(["Todo", "In Progress"]);
    expect(issues).toHaveLength(11);
    expect(issues[1]).toMatchObject({
      labels: ["backend"],
      assignee_id: ada.id,
      blocked_by: [{ id: blocker.id, identifier: blocker.identifier, state: "In Progress" }],
    });
    expect(fake.requests).toHaveLength(1);
  });

  it("[S17.3-linear-normalization][S17.3-linear-native-ref] normalizes every field: labels lowercased and deduplicated, priority, timestamps, native_ref with Linear's ids", async () => {
    const issue = fake.store.addIssue({
      title: "Add login",
      description: "Users need to sign in.",
      priority: 2,
      labels: [" Frontend", "frontend", "AUTH", "  "],
    });
    const [normalized] = await tracker().fetchIssuesByStates(["Todo"]);
    expect(normalized).toEqual({
      id: issue.id,
      native_ref: { id: issue.id, identifier: "BAT-1", team_id: fake.store.team.id, team_key: "BAT" },
      identifier: "BAT-1",
      title: "Add login",
      description: "Users need to sign in.",
      priority: 2,
      state: "Todo",
      branch_name: "bat/bat-1",
      url: "https://linear.app/baton/issue/BAT-1",
      assignee_id: null,
      labels: ["frontend", "auth"],
      blocked_by: [],
      dispatchable: true,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
    });
  });

  it("[S17.3-linear-optional-fallbacks] turns unusable optional metadata into null or [] and keeps the issue", async () => {
    const issue = fake.store.addIssue({ title: "Odd", description: "   ", priority: 1.5 });
    issue.createdAt = "not a timestamp";
    issue.branchName = " ";
    const [normalized] = await tracker().fetchIssuesByStates(["Todo"]);
    expect(normalized).toMatchObject({
      identifier: "BAT-1",
      description: null,
      priority: null,
      created_at: null,
      branch_name: null,
      assignee_id: null,
      labels: [],
      blocked_by: [],
    });
  });

  it("[S17.3-linear-malformed] omits a malformed issue from state reads with a warning, but fails a refresh that asks for it", async () => {
    const good = fake.store.addIssue({ title: "Good" });
    const bad = fake.store.addIssue({ title: "   " });
    const logger = recordingLogger();
    const adapter = tracker({ logger });
    expect(identifiers(await adapter.fetchIssuesByStates(["Todo"]))).toEqual([good.identifier]);
    expect(logger.records).toContainEqual({
      level: "warn",
      obj: { issue_id: bad.id, reason: "title is missing or blank" },
      msg: "omitting a malformed Linear issue from the state read",
    });
    expect(await failure(adapter.fetchIssuesByIds([good.id, bad.id]))).toMatchObject({
      category: "tracker_response",
      message: `Linear issue ${bad.id} is malformed: title is missing or blank`,
    });
  });

  it("[S17.3-linear-refresh-snapshots] refreshes ids in batches, completely, once each, omitting issues gone from the project", async () => {
    const created = Array.from({ length: 5 }, (_, n) => fake.store.addIssue({ title: `Issue ${n + 1}` }));
    const elsewhere = fake.store.addIssue({ title: "Moved away", projectSlug: "another-project" });
    fake.store.moveIssue(created[3]!.id, "Done");
    const ids = [
      created[4]!.id,
      created[0]!.id,
      created[0]!.id,
      created[3]!.id,
      "gone",
      elsewhere.id,
      created[2]!.id,
    ];
    const issues = await tracker({ pageSize: 2 }).fetchIssuesByIds(ids);
    expect(identifiers(issues)).toEqual(["BAT-5", "BAT-1", "BAT-4", "BAT-3"]);
    expect(issues[2]).toMatchObject({ state: "Done", title: "Issue 4", native_ref: { id: created[3]!.id } });
    expect(fake.requests.map((request) => request.variables.ids)).toEqual([
      [created[4]!.id, created[0]!.id],
      [created[3]!.id, "gone"],
      [elsewhere.id, created[2]!.id],
    ]);
  });
});

describe("Linear dispatchable", () => {
  it("[S17.3-linear-dispatchable] holds back a Todo issue while a blocker is unfinished or unknown, never an issue already in progress", async () => {
    const { store } = fake;
    const open = store.addIssue({ title: "Open blocker", state: "In Progress" });
    const done = store.addIssue({ title: "Done blocker", state: "Done" });
    const waiting = store.addIssue({ title: "Waits", state: "Todo" });
    const free = store.addIssue({ title: "Free", state: "Todo" });
    const running = store.addIssue({ title: "Running", state: "In Progress" });
    store.addBlocker(open.identifier, waiting.identifier);
    store.addBlocker(done.identifier, free.identifier);
    store.addBlocker(open.identifier, running.identifier);
    const issues = await tracker().fetchIssuesByStates(["Todo", "In Progress"]);
    const dispatchable = Object.fromEntries(issues.map((issue) => [issue.title, issue.dispatchable]));
    expect(dispatchable).toEqual({ "Open blocker": true, Waits: false, Free: true, Running: true });

    store.moveIssue(open.identifier, "Canceled");
    const [refreshed] = await tracker().fetchIssuesByIds([waiting.id]);
    expect(refreshed).toMatchObject({ dispatchable: true, blocked_by: [{ state: "Canceled" }] });

    const node = {
      id: "i-1",
      identifier: "BAT-9",
      title: "Blocked by something unreadable",
      state: { name: "Todo" },
      inverseRelations: {
        nodes: [
          { type: "blocks", issue: null },
          { type: "related", issue: null },
        ],
      },
    };
    fake.inject({
      type: "malformed",
      body: JSON.stringify({ data: { issues: { nodes: [node], pageInfo: { hasNextPage: false } } } }),
    });
    expect(await tracker().fetchIssuesByStates(["Todo"])).toMatchObject([
      { identifier: "BAT-9", dispatchable: false, blocked_by: [{ id: null, identifier: null, state: null }] },
    ]);
  });

  it("[S17.3-linear-dispatchable] routes by assignee: a user id, or `me` resolved once through the viewer", async () => {
    const { store } = fake;
    const ada = store.addUser("Ada");
    store.addIssue({ title: "Mine", assigneeId: store.viewer.id });
    store.addIssue({ title: "Ada's", assigneeId: ada.id });
    store.addIssue({ title: "Nobody's" });
    const byTitle = (issues: Issue[]) =>
      Object.fromEntries(issues.map((issue) => [issue.title, issue.dispatchable]));

    expect(byTitle(await tracker({ assignee: ada.id }).fetchIssuesByStates(["Todo"]))).toEqual({
      Mine: false,
      "Ada's": true,
      "Nobody's": false,
    });
    fake.requests.length = 0;
    const me = tracker({ assignee: "me" });
    expect(byTitle(await me.fetchIssuesByStates(["Todo"]))).toEqual({
      Mine: true,
      "Ada's": false,
      "Nobody's": false,
    });
    await me.fetchIssuesByStates(["Todo"]);
    expect(
      fake.requests.map((request) => request.operationName ?? /query (\w+)/.exec(request.query)?.[1]),
    ).toEqual(["BatonLinearViewer", "BatonLinearIssuesByStates", "BatonLinearIssuesByStates"]);
  });
});

describe("Linear errors", () => {
  it("[S17.3-linear-error-mapping] maps non-success statuses, a rejected key and malformed payloads to their categories", async () => {
    fake.store.addIssue({ title: "A" });
    const adapter = tracker();
    fake.inject({ type: "status", status: 500 });
    expect(await failure(adapter.fetchIssuesByStates(["Todo"]))).toMatchObject({
      category: "tracker_status",
      message: "Linear answered the issue list (page 1) with HTTP 500",
      details: { status: 500 },
    });
    fake.inject({ type: "malformed", body: "{not json" });
    expect(await failure(adapter.fetchIssuesByStates(["Todo"]))).toMatchObject({
      category: "tracker_response",
      message: expect.stringContaining("invalid JSON"),
    });
    fake.inject({ type: "malformed", body: "<html>maintenance</html>", contentType: "text/html" });
    expect(await failure(adapter.fetchIssuesByStates(["Todo"]))).toMatchObject({
      category: "tracker_response",
      message:
        "Linear answered the issue list (page 1) with a payload that is not a GraphQL result (HTTP 200)",
    });
    fake.inject({ type: "malformed", body: JSON.stringify({ data: { issues: { nodes: "nope" } } }) });
    expect(await failure(adapter.fetchIssuesByIds(["x"]))).toMatchObject({
      category: "tracker_response",
      message: "Linear's answer to the refresh of 1 issue(s) has no issues.nodes list",
    });

    const wrongKey = tracker({ apiKey: "lin_api_wrong_key_123" });
    const rejected = await failure(wrongKey.fetchIssuesByStates(["Todo"]));
    expect(rejected).toMatchObject({ category: "tracker_status", details: { status: 401 } });
    expect(rejected.message).toContain("the API key was rejected");
    expect(rejected.message).not.toContain("lin_api_wrong_key_123");
  });

  it("[S17.3-linear-error-mapping] fails paging that cannot continue with tracker_pagination", async () => {
    const page = (pageInfo: unknown) => JSON.stringify({ data: { issues: { nodes: [], pageInfo } } });
    fake.inject({ type: "malformed", body: page({ hasNextPage: true, endCursor: null }) });
    expect(await failure(tracker().fetchIssuesByStates(["Todo"]))).toMatchObject({
      category: "tracker_pagination",
      message: "Linear said page 1 of the issue list has a next page but gave no endCursor",
    });
    fake.inject(
      { type: "malformed", body: page({ hasNextPage: true, endCursor: "c1" }) },
      { type: "malformed", body: page({ hasNextPage: true, endCursor: "c1" }) },
    );
    expect(await failure(tracker().fetchIssuesByStates(["Todo"]))).toMatchObject({
      category: "tracker_pagination",
      message: "Linear returned the same endCursor twice while paging the issue list (page 2)",
    });
  });

  it("[S17.3-linear-error-mapping] maps unreachable and hanging servers to tracker_request within the request timeout", async () => {
    fake.inject({ type: "hang" });
    expect(await failure(tracker({ requestTimeoutMs: 300 }).fetchIssuesByStates(["Todo"]))).toMatchObject({
      category: "tracker_request",
      message: `Linear did not answer the issue list (page 1) within 300 ms (${fake.endpoint})`,
    });
    const endpoint = fake.endpoint;
    await fake.close();
    const unreachable = await failure(tracker({ endpoint }).fetchIssuesByIds(["x"]));
    expect(unreachable).toMatchObject({ category: "tracker_request" });
    expect(unreachable.message).toMatch(
      /^could not reach Linear at http:\/\/127\.0\.0\.1:\d+\/graphql for the refresh of 1 issue\(s\): ECONNREFUSED/,
    );
    fake = await startFakeLinear();
  });

  it("[S17.3-linear-rate-limited] reports RATELIMITED with Linear's retry time and sends nothing until it has passed", async () => {
    fake.store.addIssue({ title: "A" });
    let now = 1_000_000;
    const logger = recordingLogger();
    const adapter = tracker({ now: () => now, logger });
    fake.inject({ type: "rate_limit", retryAfterSeconds: 2 });
    expect(await failure(adapter.fetchIssuesByStates(["Todo"]))).toMatchObject({
      category: "tracker_rate_limited",
      details: { retry_after_ms: 2000 },
      message: expect.stringContaining("Too many requests; try again later."),
    });
    expect(logger.records.at(-1)).toMatchObject({ level: "warn", obj: { retry_after_ms: 2000 } });
    now += 1500;
    expect(await failure(adapter.fetchIssuesByIds(["x"]))).toMatchObject({
      category: "tracker_rate_limited",
      details: { retry_after_ms: 500 },
    });
    expect(fake.requests).toHaveLength(1);
    now += 500;
    await expect(adapter.fetchIssuesByStates(["Todo"])).resolves.toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it("[S17.3-linear-rate-limited] takes the wait from an HTTP 429's rate-limit reset header when there is no Retry-After", async () => {
    fake.inject({ type: "rate_limit", status: 429, resetAt: Date.now() + 45_000 });
    const limited = await failure(tracker().fetchIssuesByStates(["Todo"]));
    expect(limited.category).toBe("tracker_rate_limited");
    expect(limited.details.retry_after_ms).toBeGreaterThan(30_000);
    expect(limited.details.retry_after_ms).toBeLessThanOrEqual(45_000);
  });
});

describe("createTracker with kind linear", () => {
  it("[S11.2-linear-construction] builds the Linear adapter from the effective settings and declares its secrets", async () => {
    fake.store.addIssue({ title: "A", state: "Human Review" });
    const adapter = createTracker(
      {
        kind: "linear",
        provider: { endpoint: fake.endpoint, project_slug: FAKE_LINEAR_PROJECT, api_key: "$MY_LINEAR_KEY" },
        required_labels: [],
        active_states: ["Human Review"],
        terminal_states: ["Done"],
      },
      { workflowDir: "/repo", env: { MY_LINEAR_KEY: fake.apiKey, COPY_OF_KEY: fake.apiKey, OTHER: "x" } },
    );
    expect(adapter).toBeInstanceOf(LinearTracker);
    expect(identifiers(await adapter.fetchIssuesByStates(["Human Review"]))).toEqual(["BAT-1"]);
    expect(fake.requests[0]!.authorization).toBe(fake.apiKey);
    expect(adapter.secretEnvironmentNames().sort()).toEqual([
      "COPY_OF_KEY",
      "LINEAR_API_KEY",
      "MY_LINEAR_KEY",
    ]);
  });
});

describe("Linear targeted refresh and write-back", () => {
  it("[B.webhook-targeted-fetch] fetchIssue reads one issue of the project in one request; another project's or an unknown id is null", async () => {
    const { store } = fake;
    const wanted = store.addIssue({ title: "Wanted", state: "Todo", labels: ["Bug"] });
    const elsewhere = store.addIssue({ title: "Elsewhere", projectSlug: "another-project" });
    const adapter = tracker();
    const issue = await adapter.fetchIssue(wanted.id);
    expect(issue).toMatchObject({
      id: wanted.id,
      identifier: wanted.identifier,
      state: "Todo",
      labels: ["bug"],
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.query).toContain("query BatonLinearIssueById");
    expect(fake.requests[0]!.variables).toMatchObject({ id: wanted.id, projectSlug: FAKE_LINEAR_PROJECT });
    expect(await adapter.fetchIssue(elsewhere.id)).toBeNull();
    expect(await adapter.fetchIssue("00000000-0000-0000-0000-000000000000")).toBeNull();
    expect(fake.requests.map((request) => request.query).join("\n")).not.toContain(
      "BatonLinearIssuesByStates",
    );
  });

  it("[B.budget-exceeded-writeback] comments on an issue and moves it to its team's state of that name (any case)", async () => {
    const issue = fake.store.addIssue({ title: "Runaway", state: "In Progress" });
    const adapter = tracker();
    await adapter.commentOnIssue(issue.id, "Baton stopped this run: budget.");
    await adapter.moveIssue(issue.id, "human review");
    expect(fake.store.stateName(issue.id)).toBe("Human Review");
    expect(fake.store.comments.map((comment) => [comment.issueId, comment.body])).toEqual([
      [issue.id, "Baton stopped this run: budget."],
    ]);
    expect(await failure(adapter.moveIssue(issue.id, "Parked"))).toMatchObject({
      category: "invalid_tracker_config",
      message: `the team of Linear issue ${issue.id} has no workflow state named "Parked"`,
    });
    expect(fake.store.stateName(issue.id)).toBe("Human Review");
  });
});
