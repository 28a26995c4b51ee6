import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isBatonError } from "@baton/domain";
import { afterEach, describe, expect, it } from "vitest";
import { LocalTicketStore, LocalTracker } from "../src/index.ts";
import { recordingLogger, removeTempRepos, tempRepo, waitUntil, writeTicket } from "./helpers.ts";

const ACTIVE = ["Todo", "In Progress"];
const TERMINAL = ["Done", "Cancelled"];

function trackerFor(repo: string, folder: string, logger = recordingLogger()): LocalTracker {
  return new LocalTracker({
    folder,
    activeStates: ACTIVE,
    terminalStates: TERMINAL,
    relativeTo: repo,
    logger,
  });
}

afterEach(removeTempRepos);

describe("LocalTracker reads", () => {
  it("[S11.1-empty-states-no-request] answers [] for no states without touching the filesystem", async () => {
    const { repo } = await tempRepo();
    // The folder does not exist, so any read would fail: only a call that reads nothing can succeed.
    const tracker = trackerFor(repo, join(repo, "missing"));
    await expect(tracker.fetchIssuesByStates([])).resolves.toEqual([]);
    await expect(tracker.fetchIssuesByStates(["Todo"])).rejects.toMatchObject({
      category: "tracker_request",
    });
  });

  it("[S11.1-empty-ids-no-request] answers [] for no ids without touching the filesystem", async () => {
    const { repo } = await tempRepo();
    const tracker = trackerFor(repo, join(repo, "missing"));
    await expect(tracker.fetchIssuesByIds([])).resolves.toEqual([]);
    await writeFile(join(repo, "missing"), "a file where the folder should be");
    await expect(tracker.fetchIssuesByIds(["BAT-1"])).rejects.toMatchObject({ category: "tracker_request" });
  });

  it("[S11.1-fetch-by-states][S11.1-scope-and-pagination][S11.3-state-spelling-preserved] returns only tickets of the folder in the requested states", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "One", state: "Todo" });
    await writeTicket(folder, "BAT-2", { title: "Two", state: "in progress" });
    await writeTicket(folder, "BAT-3", { title: "Three", state: "Done" });
    await writeFile(join(folder, "README.md"), "# How we use tickets\n");
    await writeFile(join(folder, "notes.txt"), "not a ticket");
    await mkdir(join(folder, "archive"));
    await writeTicket(join(folder, "archive"), "BAT-9", { title: "Old", state: "Todo" });
    await writeTicket(repo, "BAT-8", { title: "Outside", state: "Todo" });

    const issues = await trackerFor(repo, folder).fetchIssuesByStates([" TODO ", "In Progress"]);

    expect(issues.map((issue) => [issue.identifier, issue.state]).sort()).toEqual([
      ["BAT-1", "Todo"],
      ["BAT-2", "in progress"],
    ]);
  });

  it("[S11.1-include-undispatchable] includes active tickets that are not dispatchable", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "Blocked", state: "Todo", blocked_by: ["BAT-2"] });
    await writeTicket(folder, "BAT-2", { title: "Blocker", state: "In Progress" });
    const issues = await trackerFor(repo, folder).fetchIssuesByStates(["Todo"]);
    expect(issues).toMatchObject([{ identifier: "BAT-1", dispatchable: false }]);
  });

  it("[S11.1-malformed-state-list-omit] drops malformed tickets from state reads and logs the file and reason", async () => {
    const { repo, folder } = await tempRepo();
    const logger = recordingLogger();
    await writeTicket(folder, "BAT-1", { title: "Fine", state: "Todo" });
    await writeTicket(folder, "BAT-2", { state: "Todo" });
    await writeFile(join(folder, "BAT-3.md"), "---\ntitle: [unclosed\n---\n");
    await writeTicket(folder, "BAT-4", { identifier: "BAT-40", title: "Renamed", state: "Todo" });
    await mkdir(join(folder, "BAT-5.md"));

    const issues = await trackerFor(repo, folder, logger).fetchIssuesByStates(["Todo"]);

    expect(issues.map((issue) => issue.identifier)).toEqual(["BAT-1"]);
    const warnings = logger.records.filter((record) => record.level === "warn").map((record) => record.obj);
    expect(warnings).toEqual([
      { file: join("tickets", "BAT-2.md"), reason: expect.stringContaining('"title" is missing') },
      { file: join("tickets", "BAT-3.md"), reason: expect.stringContaining("not valid YAML") },
      { file: join("tickets", "BAT-4.md"), reason: expect.stringContaining('"BAT-40"') },
      { file: join("tickets", "BAT-5.md"), reason: expect.stringContaining("is a directory") },
    ]);
  });

  it("[S11.1-malformed-id-refresh-fails][S11.3-required-nonempty][S11.1-error-category] fails an id refresh that asks for a malformed ticket, naming the file and field", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "Fine", state: "Todo" });
    await writeTicket(folder, "BAT-2", { title: "No state", state: "  " });

    const tracker = trackerFor(repo, folder);
    const failure = await tracker.fetchIssuesByIds(["BAT-1", "BAT-2"]).catch((error: unknown) => error);

    expect(isBatonError(failure, "tracker_response")).toBe(true);
    expect((failure as Error).message).toBe(
      `${join("tickets", "BAT-2.md")}: front matter field "state" must be a non-empty string, got "  "`,
    );
    await expect(tracker.fetchIssuesByIds(["BAT-1"])).resolves.toHaveLength(1);
  });

  it("[S11.1-fetch-by-ids][S11.1-ids-missing-omitted][S11.1-ids-as-set] refreshes by id as a set and omits tickets that are gone", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "One", state: "Todo" });
    await writeTicket(folder, "BAT-2", { title: "Two", state: "Done" });

    const issues = await trackerFor(repo, folder).fetchIssuesByIds([
      "BAT-2",
      "BAT-1",
      "BAT-2",
      "BAT-7",
      "../BAT-1",
    ]);

    expect(issues.map((issue) => issue.id).sort()).toEqual(["BAT-1", "BAT-2"]);
  });

  it("[S11.1-full-snapshots][S11.3-all-fields-present][S11.3-native-ref-safe] returns a full normalized snapshot with the file path as native_ref", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(
      folder,
      "BAT-5",
      {
        title: "Add login",
        state: "In Progress",
        priority: 2,
        labels: ["Backend", " backend", "", "Auth "],
        blocked_by: ["BAT-1"],
        assignee: "alice",
        branch_name: "bat-5-login",
        url: "https://example.test/BAT-5",
        created_at: "2026-02-24T20:15:30+02:00",
        updated_at: "2026-02-25T08:00:00Z",
      },
      "Users need to log in.\n\n## Comments\n\n### 2026-02-25T08:00:00.000Z — agent\n\nStarted.\n",
    );
    await writeTicket(folder, "BAT-1", { title: "Schema", state: "Done" });

    const [issue] = await trackerFor(repo, folder).fetchIssuesByIds(["BAT-5"]);

    expect(issue).toEqual({
      id: "BAT-5",
      native_ref: { path: join("tickets", "BAT-5.md") },
      identifier: "BAT-5",
      title: "Add login",
      description: "Users need to log in.",
      priority: 2,
      state: "In Progress",
      branch_name: "bat-5-login",
      url: "https://example.test/BAT-5",
      assignee_id: "alice",
      labels: ["backend", "auth"],
      blocked_by: [{ id: "BAT-1", identifier: "BAT-1", state: "Done" }],
      dispatchable: true,
      created_at: "2026-02-24T18:15:30.000Z",
      updated_at: "2026-02-25T08:00:00.000Z",
    });
    expect(JSON.parse(JSON.stringify(issue))).toEqual(issue);
  });

  it("[S11.3-labels-normalized] lowercases, trims and deduplicates labels and drops blank or non-text ones", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", {
      title: "T",
      state: "Todo",
      labels: ["Bug", "BUG ", " ", 7, "Needs Review"],
    });
    const [issue] = await trackerFor(repo, folder).fetchIssuesByStates(["Todo"]);
    expect(issue?.labels).toEqual(["bug", "needs review"]);
  });

  it("[S11.3-optional-fallbacks][S11.1-optional-fallback-not-malformed][S11.3-priority-integer][S11.3-timestamps-rfc3339] turns unusable optional values into null or [] and keeps the ticket", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", {
      title: 1234,
      state: "Todo",
      priority: "high",
      labels: "bug",
      blocked_by: "BAT-2",
      assignee: ["alice"],
      branch_name: "",
      created_at: "last tuesday",
      updated_at: 17,
    });
    await writeTicket(folder, "BAT-2", { title: "Bare minimum", state: "Todo", priority: 1.5 });

    const issues = await trackerFor(repo, folder).fetchIssuesByIds(["BAT-1", "BAT-2"]);

    expect(issues.find((issue) => issue.id === "BAT-1")).toMatchObject({
      title: "1234",
      priority: null,
      labels: [],
      blocked_by: [],
      assignee_id: null,
      branch_name: null,
      url: null,
      description: null,
      created_at: null,
      updated_at: null,
      dispatchable: true,
    });
    expect(issues.find((issue) => issue.id === "BAT-2")).toMatchObject({ priority: null, created_at: null });
  });

  it("[S11.3-dispatchable-explicit][S11.3-blockers-best-effort] keeps Todo tickets with unfinished or unknown blockers out of dispatch", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "Open blocker", state: "Todo", blocked_by: ["BAT-10"] });
    await writeTicket(folder, "BAT-2", { title: "Finished blocker", state: "todo", blocked_by: ["BAT-11"] });
    await writeTicket(folder, "BAT-3", { title: "Unknown blocker", state: "Todo", blocked_by: ["BAT-99"] });
    await writeTicket(folder, "BAT-4", {
      title: "Started anyway",
      state: "In Progress",
      blocked_by: ["BAT-10"],
    });
    await writeTicket(folder, "BAT-5", { title: "Mixed", state: "Todo", blocked_by: ["BAT-11", "BAT-10"] });
    await writeTicket(folder, "BAT-10", { title: "Blocker", state: "In Progress" });
    await writeTicket(folder, "BAT-11", { title: "Blocker", state: " cancelled" });

    const tracker = trackerFor(repo, folder);
    const byStates = await tracker.fetchIssuesByStates(ACTIVE);
    const byIds = await tracker.fetchIssuesByIds(["BAT-1", "BAT-2", "BAT-3", "BAT-4", "BAT-5"]);

    for (const issues of [byStates, byIds]) {
      const dispatchable = Object.fromEntries(issues.map((issue) => [issue.id, issue.dispatchable]));
      expect(dispatchable).toMatchObject({
        "BAT-1": false,
        "BAT-2": true,
        "BAT-3": false,
        "BAT-4": true,
        "BAT-5": false,
      });
    }
    expect(byIds.find((issue) => issue.id === "BAT-3")?.blocked_by).toEqual([
      { id: null, identifier: "BAT-99", state: null },
    ]);
  });

  it("[S11.2-construction-from-config] gates blockers on the first configured active state", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "Ready", state: "Ready", blocked_by: ["BAT-2"] });
    await writeTicket(folder, "BAT-2", { title: "Blocker", state: "Shipped" });
    const tracker = (terminalStates: string[]) =>
      new LocalTracker({ folder, activeStates: ["Ready", "Doing"], terminalStates, relativeTo: repo });

    await expect(tracker(["Archived"]).fetchIssuesByIds(["BAT-1"])).resolves.toMatchObject([
      { dispatchable: false },
    ]);
    await expect(tracker(["Shipped"]).fetchIssuesByIds(["BAT-1"])).resolves.toMatchObject([
      { dispatchable: true },
    ]);
  });

  it("[S11.5-tools-use-host-credentials] needs no secrets and strips none from agents", async () => {
    const { repo, folder } = await tempRepo();
    expect(trackerFor(repo, folder).secretEnvironmentNames()).toEqual([]);
  });
});

describe("LocalTracker watch", () => {
  it("[S11.2-local-watch] tells a running service that a ticket was moved by another writer, until closed", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "One", state: "Todo" });
    const tracker = trackerFor(repo, folder);
    let signals = 0;
    tracker.watch(() => signals++);

    await new LocalTicketStore(folder).move("BAT-1", "In Progress");
    await waitUntil(() => signals > 0);

    await tracker.close();
    const before = signals;
    await new LocalTicketStore(folder).move("BAT-1", "Done");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(signals).toBe(before);
  });

  it("[S11.2-local-watch][B.pickup-named-change] names the tickets whose files changed; a change to another file names none", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "One", state: "Backlog" });
    await writeTicket(folder, "BAT-2", { title: "Two", state: "Backlog" });
    const tracker = trackerFor(repo, folder);
    const signals: (readonly string[] | undefined)[] = [];
    tracker.watch((issueIds) => signals.push(issueIds));

    // The first event is told at once, the rest of a burst once the burst settles.
    await new LocalTicketStore(folder).move("BAT-1", "Todo");
    await new LocalTicketStore(folder).move("BAT-2", "Todo");
    await waitUntil(() => signals.flat().includes("BAT-2"));
    expect(signals[0]).toEqual(["BAT-1"]);
    expect(new Set(signals.flat())).toEqual(new Set(["BAT-1", "BAT-2"]));

    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = signals.length;
    await writeFile(join(folder, "NOTES.txt"), "not a ticket\n");
    await waitUntil(() => signals.length > before);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(signals.slice(before).every((issueIds) => issueIds === undefined)).toBe(true);
    await tracker.close();
  });

  it("[S11.2-local-watch] logs instead of failing when the folder cannot be watched", async () => {
    const { repo } = await tempRepo();
    const logger = recordingLogger();
    const stop = trackerFor(repo, join(repo, "missing"), logger).watch(() => {});
    expect(logger.records).toMatchObject([{ level: "warn", obj: { folder: join(repo, "missing") } }]);
    stop();
  });
});

describe("LocalTracker budget write-back", () => {
  it("[B.budget-issue-ceiling] comments on the ticket as baton and moves it to the configured state", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "One", state: "Todo" });
    const tracker = trackerFor(repo, folder);
    const [issue] = await tracker.fetchIssuesByStates(["Todo"]);
    await tracker.commentOnIssue(issue!.id, "Baton stopped the agent: 1001 tokens used");
    await tracker.moveIssue(issue!.id, "Human Review");
    const details = await tracker.store.details("BAT-1");
    expect(details.issue.state).toBe("Human Review");
    expect(JSON.stringify(details)).toContain("Baton stopped the agent: 1001 tokens used");
  });
});
