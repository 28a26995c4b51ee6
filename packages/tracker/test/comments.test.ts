import { FAKE_LINEAR_PROJECT, type FakeGitHub, startFakeGitHub, startFakeLinear } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { GitHubTracker, LinearTracker, LocalTicketStore, LocalTracker } from "../src/index.ts";
import { removeTempRepos, tempRepo, writeTicket } from "./helpers.ts";

/** The approval channel's read: comments newer than a time, oldest first, with who wrote them. */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await removeTempRepos();
});

describe("comments newer than a time", () => {
  it("[B.phases-approval-comment-read] local: reads comments of the ticket file after the time, with the heading's author", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "One", state: "Todo" });
    const store = new LocalTicketStore(folder, { activeStates: ["Todo"], terminalStates: ["Done"] });
    await store.comment("BAT-1", "before the gate", "ada");
    const tracker = new LocalTracker({
      folder,
      activeStates: ["Todo"],
      terminalStates: ["Done"],
      relativeTo: repo,
    });
    const [old] = await tracker.fetchCommentsSince("BAT-1", "2000-01-01T00:00:00Z");
    const since = old!.created_at;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.comment("BAT-1", "/baton approve", "Ada");
    await store.comment("BAT-1", "/baton reject too vague", "agent");
    const comments = await tracker.fetchCommentsSince("BAT-1", since);
    expect(
      comments.map(({ body, author, author_keys, by_baton }) => ({ body, author, author_keys, by_baton })),
    ).toEqual([
      { body: "/baton approve", author: "Ada", author_keys: ["ada"], by_baton: false },
      { body: "/baton reject too vague", author: "agent", author_keys: ["agent"], by_baton: true },
    ]);
    expect(new Set(comments.map((comment) => comment.id)).size).toBe(2);
    // Ids are stable across reads, so a processed command is recognised at the next poll.
    expect((await tracker.fetchCommentsSince("BAT-1", since)).map((comment) => comment.id)).toEqual(
      comments.map((comment) => comment.id),
    );
  });

  it("[B.phases-approval-comment-read] GitHub: pages through the issue's comments since the time and keys authors by login", async () => {
    const github: FakeGitHub = await startFakeGitHub({ repo: "acme/app", token: "t0ken" });
    closers.push(() => github.close());
    github.addIssue({ title: "Gated" });
    github.commentAs(1, "early-bird", "/baton approve");
    const since = new Date(Date.now() + 1000).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 2100));
    for (let n = 0; n < 120; n++) github.commentAs(1, n === 119 ? "Octo-Cat" : "someone", `note ${n}`);
    const tracker = new GitHubTracker({
      provider: {
        repo: "acme/app",
        token: "t0ken",
        api_url: github.url,
        timeout_ms: 5000,
        state_labels: null,
      },
      activeStates: ["open"],
      terminalStates: ["closed"],
    });
    const comments = await tracker.fetchCommentsSince("1", since);
    expect(comments).toHaveLength(120);
    expect(comments.at(-1)).toMatchObject({
      body: "note 119",
      author: "Octo-Cat",
      author_keys: ["octo-cat"],
    });
    const reads = github.requests.filter(
      (request) => request.path.endsWith("/comments") && request.method === "GET",
    );
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads[0]!.query.since).toBe(since);
    expect(await tracker.fetchCommentsSince("99", since)).toEqual([]);
  });

  it("[B.phases-approval-comment-read] Linear: asks for comments created after the time (schema-valid) and keys authors by email and id", async () => {
    const fake = await startFakeLinear();
    closers.push(() => fake.close());
    const issue = fake.store.addIssue({ title: "Gated" });
    const ada = fake.store.addUser("Ada", "ada@example.com");
    fake.store.addComment(issue.id, "/baton approve", { author: ada, createdAt: "2026-05-01T10:00:00.000Z" });
    for (let n = 0; n < 3; n++)
      fake.store.addComment(issue.id, `note ${n}`, { author: ada, createdAt: `2026-05-01T11:00:0${n}.000Z` });
    fake.store.addComment(issue.id, "from an integration", {
      author: null,
      createdAt: "2026-05-01T12:00:00.000Z",
    });
    const tracker = new LinearTracker({
      endpoint: fake.endpoint,
      apiKey: fake.apiKey,
      projectSlug: FAKE_LINEAR_PROJECT,
      assignee: null,
      terminalStates: ["Done"],
      pageSize: 2,
    });
    const comments = await tracker.fetchCommentsSince(issue.id, "2026-05-01T10:30:00Z");
    expect(comments.map(({ body, author, author_keys }) => ({ body, author, author_keys }))).toEqual([
      { body: "note 0", author: "Ada", author_keys: ["ada@example.com", ada.id.toLowerCase()] },
      { body: "note 1", author: "Ada", author_keys: ["ada@example.com", ada.id.toLowerCase()] },
      { body: "note 2", author: "Ada", author_keys: ["ada@example.com", ada.id.toLowerCase()] },
      { body: "from an integration", author: "(unknown)", author_keys: [] },
    ]);
    // The viewer (Baton's own user) once, then the comment pages.
    expect(fake.requests.map((request) => request.variables.after)).toEqual([
      undefined,
      null,
      expect.any(String),
    ]);
    expect(comments.map((comment) => comment.by_baton)).toEqual([false, false, false, false]);
    await tracker.commentOnIssue(issue.id, "written with Baton's key");
    const own = await tracker.fetchCommentsSince(issue.id, "2000-01-01T00:00:00Z");
    expect(own.find((comment) => comment.body === "written with Baton's key")?.by_baton).toBe(true);
  });
});
