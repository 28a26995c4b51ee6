import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalTracker, localTrackerToolSpec } from "../src/index.ts";
import { readTicketFile, removeTempRepos, tempRepo, writeTicket } from "./helpers.ts";

afterEach(removeTempRepos);

async function setup() {
  const { repo, folder } = await tempRepo();
  await writeTicket(
    folder,
    "BAT-1",
    { title: "Current", state: "In Progress", labels: ["api"] },
    "Build the API.\n",
  );
  await writeTicket(folder, "BAT-2", { title: "Other", state: "Todo", priority: 3 });
  const tracker = new LocalTracker({
    folder,
    activeStates: ["Todo", "In Progress"],
    terminalStates: ["Done"],
    relativeTo: repo,
  });
  const [current] = await tracker.fetchIssuesByIds(["BAT-1"]);
  const call = (args: unknown) => tracker.executeAgentTool("local_tracker", args, { issue: current! });
  return { repo, folder, tracker, call };
}

describe("local_tracker agent tool", () => {
  it("[S11.5-local-tool-mutations] is advertised with a closed schema of four actions", async () => {
    const { tracker } = await setup();
    expect(tracker.agentTools()).toEqual([localTrackerToolSpec]);
    expect(localTrackerToolSpec.inputSchema).toMatchObject({
      type: "object",
      required: ["action"],
      additionalProperties: false,
      properties: { action: { enum: ["get", "set_state", "comment", "list"] } },
    });
  });

  it("[S11.5-tool-context-issue][S11.5-local-tool-mutations] reads the current ticket by default, with its comments", async () => {
    const { call } = await setup();
    const result = await call({ action: "get" });
    expect(result).toEqual({
      success: true,
      output: {
        ticket: expect.objectContaining({
          identifier: "BAT-1",
          description: "Build the API.",
          native_ref: { path: join("tickets", "BAT-1.md") },
          comments: [],
        }),
      },
    });
    expect(JSON.parse(JSON.stringify(result.output))).toEqual(result.output);
  });

  it("[S11.5-local-tool-mutations] moves the ticket and comments as the agent, in the ticket file", async () => {
    const { folder, call } = await setup();

    const moved = await call({ action: "set_state", state: "Human Review" });
    const commented = await call({ action: "comment", body: "Opened PR #7.", identifier: "BAT-1" });
    const other = await call({ action: "set_state", identifier: "BAT-2", state: "Done" });

    expect(moved).toMatchObject({ success: true, output: { ticket: { state: "Human Review" } } });
    expect(commented).toMatchObject({
      success: true,
      output: { ticket: { comments: [{ author: "agent", body: "Opened PR #7." }] } },
    });
    expect(other).toMatchObject({
      success: true,
      output: { ticket: { identifier: "BAT-2", state: "Done" } },
    });
    const file = readTicketFile(await readFile(join(folder, "BAT-1.md"), "utf8"));
    expect(file.data.state).toBe("Human Review");
    expect(file.content).toMatch(/^Build the API\.\n\n## Comments\n\n### \S+ — agent\n\nOpened PR #7\.\n$/);
  });

  it("[S11.5-local-tool-mutations] lists tickets, optionally in one state", async () => {
    const { call } = await setup();
    const all = await call({ action: "list" });
    const todo = await call({ action: "list", state: "todo" });
    expect(all).toMatchObject({
      success: true,
      output: { tickets: [{ identifier: "BAT-1" }, { identifier: "BAT-2" }] },
    });
    expect(todo).toEqual({
      success: true,
      output: {
        tickets: [
          { identifier: "BAT-2", title: "Other", state: "Todo", priority: 3, labels: [], dispatchable: true },
        ],
      },
    });
  });

  it("[S11.5-local-tool-invalid-args] answers invalid calls with a structured failure and changes nothing", async () => {
    const { folder, call, tracker } = await setup();
    const before = await readFile(join(folder, "BAT-1.md"), "utf8");
    const failures: Array<[unknown, string]> = [
      ["get", "arguments must be a JSON object"],
      [{ action: "delete" }, 'action must be one of get, set_state, comment, list; got "delete"'],
      [{ action: "set_state" }, 'set_state needs the "state" argument'],
      [{ action: "set_state", state: "  " }, 'ticket field "state" must be non-empty text'],
      [{ action: "comment", body: "" }, 'ticket field "body" must be non-empty text'],
      [{ action: "set_state", state: "Done", body: "finished" }, 'argument "body" is not used by set_state'],
      [{ action: "get", verbose: true }, 'argument "verbose" is not used by get'],
      [{ action: "get", identifier: 7 }, 'argument "identifier" must be a string'],
      [{ action: "get", identifier: "BAT-404" }, "no ticket BAT-404"],
    ];
    for (const [args, message] of failures) {
      const result = await call(args);
      expect(result.success, JSON.stringify(args)).toBe(false);
      expect((result.output as { error: { message: string } }).error.message).toContain(message);
    }
    await expect(
      tracker.executeAgentTool("linear_graphql", {}, { issue: undefined as never }),
    ).resolves.toMatchObject({
      success: false,
      output: { error: { message: expect.stringContaining("unknown tool linear_graphql") } },
    });
    await expect(readFile(join(folder, "BAT-1.md"), "utf8")).resolves.toBe(before);
  });

  it("[S11.5-local-tool-scope] cannot reach files outside the ticket folder", async () => {
    const { repo, folder, call } = await setup();
    await writeTicket(repo, "SECRET", { title: "Outside", state: "Todo" });
    for (const identifier of ["../SECRET", "..", "/etc/passwd", "sub/BAT-1", "BAT-1/../../SECRET"]) {
      for (const args of [
        { action: "get", identifier },
        { action: "set_state", identifier, state: "Done" },
        { action: "comment", identifier, body: "x" },
      ]) {
        const result = await call(args);
        expect(result, JSON.stringify(args)).toMatchObject({
          success: false,
          output: { error: { category: "invalid_ticket_input" } },
        });
      }
    }
    expect(readTicketFile(await readFile(join(repo, "SECRET.md"), "utf8")).data.state).toBe("Todo");
    await expect(readdir(folder)).resolves.toEqual(["BAT-1.md", "BAT-2.md"]);
  });
});
