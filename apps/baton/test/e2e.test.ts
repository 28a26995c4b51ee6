import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ModelReply, ModelRequest } from "@baton/testkit";
import { scripts } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Project, waitFor } from "./harness.ts";

let project: Project | undefined;

afterEach(async () => {
  await project?.close();
  project = undefined;
});

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Each turn hands the ticket to Human Review through the local tracker tool. */
const handOff = scripts.toolThenMessage(
  "local_tracker",
  { action: "set_state", state: "Human Review" },
  "handed off",
);

/** Turns that never finish until the process is stopped: the provider never answers. */
const hang = (): ModelReply => ({ type: "hang" });

function userTexts(requests: ModelRequest[]): string[] {
  return [...new Set(requests.map((request) => request.lastUserText ?? ""))];
}

describe("baton end to end on the local tracker with the real codex binary", () => {
  it("[S17.7-cli-positional-path][S8.2-sort-order][S7.1-first-turn-full-prompt] dispatches tickets in priority order and the agent hands each one off", async () => {
    project = await Project.create({
      frontMatter: "agent:\n  max_concurrent_agents: 1",
      script: handOff,
      tickets: [
        { title: "Low priority", priority: 3 },
        { title: "Urgent", priority: 1 },
        { title: "Normal", priority: 2 },
      ],
    });
    const baton = project.start();
    await waitFor(
      async () => (await project!.store.list(["Human Review"])).length === 3,
      60_000,
      () => `all tickets in Human Review\n${baton.tail()}`,
    );
    const order = baton.find("action=dispatch outcome=started").map((line) => line.issue_identifier);
    expect(order.slice(0, 3)).toEqual(["BAT-2", "BAT-3", "BAT-1"]);
    expect(userTexts(project.provider.requests)).toContain("Work on BAT-2: Urgent.");
    // A handoff state is not terminal: the workspaces stay for review.
    for (const id of ["BAT-1", "BAT-2", "BAT-3"]) expect(await exists(project.workspace(id))).toBe(true);
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  });

  it("[S7.1-continue-same-thread][S8.4-continuation-retry][S7.1-continuation-guidance-only][S16.5-max-turns] keeps the thread going while the ticket stays active, then re-checks it 1 s after a normal exit", async () => {
    project = await Project.create({
      frontMatter: "agent:\n  max_turns: 2",
      script: scripts.message("still working"),
      tickets: [{ title: "Long task", priority: 1 }],
    });
    const baton = project.start();
    const retry = await baton.waitForLog(["action=retry outcome=scheduled", "kind=continuation"], 30_000);
    expect(retry).toMatchObject({ issue_identifier: "BAT-1", attempt: 1, delay_ms: 1000 });
    const texts = userTexts(project.provider.requests);
    expect(texts[0]).toBe("Work on BAT-1: Long task.");
    expect(texts[1]).toMatch(/^Continuation guidance:/);
    expect(texts[1]).toContain("This is continuation turn #2 of 2 for the current agent run.");
    // Same thread for both turns: exactly one session started for the first run.
    await baton.waitForLog(["action=dispatch outcome=started", "attempt=1"], 10_000);
    await project.store.move("BAT-1", "Done");
    await baton.stop();
  });

  it("[S8.4-failure-backoff][S14.2-worker-failure] retries a failing agent with 10 s-based exponential backoff", async () => {
    project = await Project.create({
      script: () => ({ type: "error", status: 500, message: "provider down" }),
      tickets: [{ title: "Doomed", priority: 1 }],
    });
    const baton = project.start();
    const first = await baton.waitForLog(["action=retry outcome=scheduled", "kind=failure"], 30_000);
    expect(first).toMatchObject({ issue_identifier: "BAT-1", attempt: 1, delay_ms: 10_000 });
    expect(String(first.reason)).toMatch(/turn_failed/);
    const second = await baton.waitForLog(["action=retry outcome=scheduled", "kind=failure"], 30_000, 2);
    expect(second).toMatchObject({ attempt: 2, delay_ms: 20_000 });
    await baton.stop();
  });

  it("[S8.5-terminal-stop-clean][S9.4-after-run-ignored][S16.5-cancellation] stops the agent and removes the workspace when the ticket moves to a terminal state", async () => {
    project = await Project.create({
      frontMatter: `hooks:\n  after_run: echo after_run >> ../../after_run.log`,
      script: hang,
      tickets: [{ title: "Cancelled mid-run", priority: 1 }],
    });
    const baton = project.start();
    await waitFor(
      () => project!.provider.requests.length > 0,
      30_000,
      () => `a model request\n${baton.tail()}`,
    );
    expect(await exists(project.workspace("BAT-1"))).toBe(true);
    const moved = await project.cli(["issue", "move", "BAT-1", "Done", "--workflow", project.workflowPath]);
    expect(moved.stdout).toContain("moved BAT-1: Todo -> Done");
    await waitFor(
      async () => !(await exists(project!.workspace("BAT-1"))),
      20_000,
      () => `workspace removed\n${baton.tail()}`,
    );
    expect(await readFile(join(project.dir, "after_run.log"), "utf8")).toBe("after_run\n");
    await baton.stop();
  });

  it("[S8.5-non-active-stop] stops the agent but keeps the workspace when the ticket leaves the active states", async () => {
    project = await Project.create({ script: hang, tickets: [{ title: "Parked", priority: 1 }] });
    const baton = project.start();
    await waitFor(
      () => project!.provider.requests.length > 0,
      30_000,
      () => `a model request\n${baton.tail()}`,
    );
    await project.cli(["issue", "move", "BAT-1", "Backlog", "--workflow", project.workflowPath]);
    await baton.waitForLog(["action=worker_exit"], 20_000);
    expect(await exists(project.workspace("BAT-1"))).toBe(true);
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(1);
    await baton.stop();
  });

  it("[S10.5-approval-policy][S10.5-no-stall-approval][S7.1-blocked-claim] blocks the issue when the agent needs an approval the policy does not grant", async () => {
    project = await Project.create({
      codex: "approval_policy: untrusted",
      script: scripts.shellThenMessage("touch made-by-agent.txt", "done"),
      tickets: [{ title: "Needs approval", priority: 1 }],
    });
    const baton = project.start();
    const blocked = await baton.waitForLog(["action=block outcome=held"], 30_000);
    expect(blocked).toMatchObject({ issue_identifier: "BAT-1", retry: "none" });
    expect(String(blocked.reason)).toMatch(/^approval_required: /);
    expect(await exists(join(project.workspace("BAT-1"), "made-by-agent.txt"))).toBe(false);
    // The claim is kept: later ticks do not dispatch the issue again while it stays active.
    const ticksSoFar = baton.find("action=tick outcome=completed").length;
    await baton.waitForLog(["action=tick outcome=completed"], 10_000, ticksSoFar + 3);
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(1);
    await baton.stop();
  });
});
