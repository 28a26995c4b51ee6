import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { LocalTicketStore } from "../src/index.ts";
import { readTicketFile, recordingLogger, removeTempRepos, tempRepo, writeTicket } from "./helpers.ts";

afterEach(removeTempRepos);

const clock = (iso: string) => () => new Date(iso);

describe("LocalTicketStore", () => {
  it("[S11.2-local-store-create] creates numbered Markdown tickets with complete front matter", async () => {
    const { folder } = await tempRepo();
    const store = new LocalTicketStore(folder, { now: clock("2026-03-01T10:00:00Z") });

    const first = await store.create({ title: "Set up CI" });
    const second = await store.create({
      title: "Add login",
      state: "In Progress",
      priority: 1,
      labels: ["Backend", "backend"],
      description: "Users need to *log in*.",
      blockedBy: ["BAT-1"],
    });

    expect(first).toMatchObject({ identifier: "BAT-1", state: "Todo", priority: null, description: null });
    expect(second).toMatchObject({
      id: "BAT-2",
      labels: ["backend"],
      description: "Users need to *log in*.",
      blocked_by: [{ id: "BAT-1", identifier: "BAT-1", state: "Todo" }],
      created_at: "2026-03-01T10:00:00.000Z",
      updated_at: "2026-03-01T10:00:00.000Z",
    });
    const file = readTicketFile(await readFile(join(folder, "BAT-2.md"), "utf8"));
    expect(file.data).toEqual({
      identifier: "BAT-2",
      title: "Add login",
      state: "In Progress",
      priority: 1,
      labels: ["backend"],
      blocked_by: ["BAT-1"],
      assignee: null,
      branch_name: null,
      created_at: "2026-03-01T10:00:00.000Z",
      updated_at: "2026-03-01T10:00:00.000Z",
    });
    expect(file.content).toBe("Users need to *log in*.\n");
    await expect(store.list()).resolves.toHaveLength(2);
  });

  it("[S11.2-local-store-create] gives racing creators distinct identifiers and continues after the highest number", async () => {
    const { repo } = await tempRepo();
    const folder = join(repo, "new-folder");
    const store = new LocalTicketStore(folder, { prefix: "WEB" });

    const created = await Promise.all(
      Array.from({ length: 12 }, (_, index) => store.create({ title: `T${index}` })),
    );
    await writeTicket(folder, "WEB-40", { title: "Imported", state: "Todo" });
    const next = await store.create({ title: "After import" });

    expect(new Set(created.map((issue) => issue.identifier)).size).toBe(12);
    expect(created.map((issue) => issue.identifier).sort()).toEqual(
      Array.from({ length: 12 }, (_, index) => `WEB-${index + 1}`).sort(),
    );
    expect(next.identifier).toBe("WEB-41");
  });

  it("[S11.2-local-store-create] rejects invalid new-ticket fields, naming the field and value", async () => {
    const { folder } = await tempRepo();
    const store = new LocalTicketStore(folder);
    await expect(store.create({ title: "  " })).rejects.toMatchObject({
      category: "invalid_ticket_input",
      message: 'ticket field "title" must be non-empty text, got "  "',
    });
    await expect(store.create({ title: "T", priority: 1.5 })).rejects.toMatchObject({
      message: 'ticket field "priority" must be an integer or null, got 1.5',
    });
    await expect(store.create({ title: "T", blockedBy: ["../etc/passwd"] })).rejects.toMatchObject({
      message: expect.stringContaining('"identifier" must be a ticket identifier'),
    });
    expect(() => new LocalTicketStore(folder, { prefix: "bat" })).toThrow(/prefix "bat"/);
    await expect(readdir(folder)).resolves.toEqual([]);
  });

  it("[S11.2-local-store-update] moves a ticket and appends comments without disturbing other content", async () => {
    const { folder } = await tempRepo();
    await writeTicket(
      folder,
      "BAT-3",
      {
        title: "Fix bug",
        state: "Todo",
        labels: ["bug"],
        team_note: "keep me",
        updated_at: "2026-01-01T00:00:00Z",
      },
      "Steps to reproduce:\n\n1. open the app\n",
    );
    let minute = 0;
    const store = new LocalTicketStore(folder, {
      now: () => {
        minute++;
        return new Date(Date.parse("2026-03-01T10:00:00Z") + minute * 60_000);
      },
    });

    const moved = await store.move("BAT-3", "In Progress");
    await store.comment("BAT-3", "Found the cause.\n\nIt is the cache.", "agent");
    const commented = await store.comment("BAT-3", "Fixed in abc123.", "alice");

    expect(moved).toMatchObject({ state: "In Progress", updated_at: "2026-03-01T10:01:00.000Z" });
    expect(commented).toMatchObject({
      state: "In Progress",
      description: "Steps to reproduce:\n\n1. open the app",
    });
    const text = await readFile(join(folder, "BAT-3.md"), "utf8");
    expect(readTicketFile(text).data).toMatchObject({
      team_note: "keep me",
      labels: ["bug"],
      updated_at: "2026-03-01T10:03:00.000Z",
    });
    expect(readTicketFile(text).content).toBe(
      "Steps to reproduce:\n\n1. open the app\n\n## Comments\n\n" +
        "### 2026-03-01T10:02:00.000Z — agent\n\nFound the cause.\n\nIt is the cache.\n\n" +
        "### 2026-03-01T10:03:00.000Z — alice\n\nFixed in abc123.\n",
    );
    await expect(store.details("BAT-3")).resolves.toMatchObject({
      comments: [
        {
          timestamp: "2026-03-01T10:02:00.000Z",
          author: "agent",
          body: "Found the cause.\n\nIt is the cache.",
        },
        { timestamp: "2026-03-01T10:03:00.000Z", author: "alice", body: "Fixed in abc123." },
      ],
    });
  });

  it("[S11.2-local-store-update] lists tickets by state and reports unknown or malformed tickets by file", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "A", state: "Todo" });
    await writeTicket(folder, "BAT-2", { title: "B", state: "Done" });
    await writeTicket(folder, "BAT-3", {
      title: "C",
      state: "Todo",
      priority: "urgent",
      identifier: "BAT-33",
    });
    const logger = recordingLogger();
    const store = new LocalTicketStore(folder, { relativeTo: repo, logger });

    await expect(store.list(["done"])).resolves.toMatchObject([{ identifier: "BAT-2" }]);
    expect(logger.records).toMatchObject([{ level: "warn", obj: { file: join("tickets", "BAT-3.md") } }]);
    await expect(store.get("BAT-9")).rejects.toMatchObject({
      category: "ticket_not_found",
      message: `no ticket BAT-9: ${join("tickets", "BAT-9.md")} does not exist`,
    });
    await expect(store.move("BAT-9", "Done")).rejects.toMatchObject({ category: "ticket_not_found" });
    await expect(store.move("BAT-3", "Done")).rejects.toMatchObject({
      category: "tracker_response",
      message: expect.stringContaining('"identifier" is "BAT-33" but the file name says "BAT-3"'),
    });
    await expect(store.move("BAT-1", "")).rejects.toMatchObject({ category: "invalid_ticket_input" });
    await expect(store.comment("BAT-1", "hi", "two\nlines")).rejects.toMatchObject({
      category: "invalid_ticket_input",
    });
    await expect(readdir(folder)).resolves.toEqual(["BAT-1.md", "BAT-2.md", "BAT-3.md"]);
  });

  it("[B.pickup-ticket-reads] reuses a settled ticket's parse but never hides an edit: in place, same size, modification time put back; nor a removal", async () => {
    const { folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "T", state: "Todo" });
    await writeTicket(folder, "BAT-2", { title: "U", state: "Todo" });
    // A clock a minute ahead: every file counts as settled, so its parse is kept from the first read.
    const store = new LocalTicketStore(folder, { now: () => new Date(Date.now() + 60_000) });
    const file = store.pathOf("BAT-1");
    // A whole second, so that putting it back later restores it to the nanosecond.
    const modified = 1_700_000_000;
    await utimes(file, modified, modified);
    await expect(store.list(["todo"])).resolves.toMatchObject([{ state: "Todo" }, { state: "Todo" }]);

    const before = await stat(file, { bigint: true });
    // Past the file system's timestamp tick, so the in-place write gets a new status-change time.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("state: Todo", "state: Done"));
    await utimes(file, modified, modified);
    const after = await stat(file, { bigint: true });
    expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
    await expect(store.get("BAT-1")).resolves.toMatchObject({ state: "Done" });
    await expect(store.list(["todo"])).resolves.toMatchObject([{ identifier: "BAT-2" }]);

    await rm(store.pathOf("BAT-2"));
    await expect(store.list(["todo", "done"])).resolves.toMatchObject([{ identifier: "BAT-1" }]);
    await expect(store.find(["BAT-2"])).resolves.toEqual([]);
  });

  it("[S11.2-local-store-update] refuses front matter in other languages instead of evaluating it", async () => {
    const { folder } = await tempRepo();
    const marker = join(folder, "evaluated");
    await writeFile(
      join(folder, "BAT-1.md"),
      `---js\n{ identifier: "BAT-1", title: require("fs").writeFileSync(${JSON.stringify(marker)}, "x") || "T", state: "Todo" }\n---\n`,
    );
    await expect(new LocalTicketStore(folder).get("BAT-1")).rejects.toMatchObject({
      category: "tracker_response",
    });
    await expect(readdir(folder)).resolves.toEqual(["BAT-1.md"]);
  });

  it("[S11.2-local-store-atomic-writes] keeps an edit saved by hand while an update is in flight", async () => {
    const { folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "T", state: "Todo" }, "Original.\n");
    const path = join(folder, "BAT-1.md");
    let editorSaved = false;
    const store = new LocalTicketStore(folder, {
      now: () => {
        // An editor saves the file between the store's read and its rename.
        if (!editorSaved) {
          editorSaved = true;
          writeFileSync(
            path,
            "---\nidentifier: BAT-1\ntitle: Retitled by hand\nstate: Todo\n---\nOriginal.\n",
          );
        }
        return new Date("2026-03-01T10:00:00Z");
      },
    });

    await store.move("BAT-1", "In Progress");

    await expect(store.get("BAT-1")).resolves.toMatchObject({
      title: "Retitled by hand",
      state: "In Progress",
    });
  });

  it("[S11.2-local-store-atomic-writes] loses no update when two processes hammer the same ticket, and readers never see a torn file", async () => {
    const { folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "Shared", state: "Todo" }, "Shared ticket.\n");
    const store = new LocalTicketStore(folder);
    const rounds = 15;
    const hammer = fileURLToPath(new URL("./fixtures/hammer.ts", import.meta.url));
    const children = ["a", "b"].map((tag) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", hammer, folder, "BAT-1", tag, String(rounds)],
        {
          cwd: fileURLToPath(new URL("..", import.meta.url)),
          stdio: ["ignore", "inherit", "inherit"],
        },
      );
      return new Promise<number | null>((resolve) => child.on("close", resolve));
    });
    let running = true;
    const exits = Promise.all(children).finally(() => {
      running = false;
    });
    let reads = 0;
    while (running) {
      await store.get("BAT-1"); // throws on a partial or empty file
      reads++;
    }

    expect(await exits).toEqual([0, 0]);
    expect(reads).toBeGreaterThan(0);
    const { issue, comments } = await store.details("BAT-1");
    expect(["a", "b"].map((tag) => `${tag}-${rounds - 1}`)).toContain(issue.state);
    expect(issue.description).toBe("Shared ticket.");
    const notes = comments.map((comment) => `${comment.author}:${comment.body}`).sort();
    const expected = ["a", "b"].flatMap((tag) =>
      Array.from({ length: rounds }, (_, i) => `${tag}:${tag} note ${i}`),
    );
    expect(notes).toEqual(expected.sort());
    await expect(readdir(folder)).resolves.toEqual(["BAT-1.md"]);
  }, 60_000);
});
