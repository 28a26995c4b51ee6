import type { ModelReply } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { api, type Json, Project, waitFor, waitForState } from "./harness.ts";

let project: Project | undefined;

afterEach(async () => {
  await project?.close();
  project = undefined;
});

/** A runaway agent: it never stops calling tools, so its turn never ends on its own. */
const runaway = (): ModelReply => ({ type: "shell", command: "true" });

/** Tokens each of the scripted model's responses reports (100 input + 20 output). */
const TOKENS_PER_RESPONSE = 120;
const ISSUE_CEILING = 1200;

/** BAT-1's spend as the API shows it (0 before its first token event). */
const issueSpend = (state: Json): number =>
  state.budget.issues.find((row: Json) => row.issue_identifier === "BAT-1")?.tokens ?? 0;

describe("token budgets, end to end with the real codex binary", () => {
  it("[B.budget-session-ceiling][B.budget-issue-ceiling] stops a runaway agent at its ceiling, ends the run as budget_exceeded without retry, and comments on and moves the ticket", async () => {
    project = await Project.create({
      script: runaway,
      frontMatter:
        "agent:\n  max_tokens_per_session: 400\nbudget:\n  period: day\n  on_exceeded_state: Human Review",
      tickets: [{ title: "Loop forever", priority: 1 }],
    });
    const baton = project.start();
    const exceeded = await baton.waitForLog(["action=budget outcome=exceeded"], 60_000);
    expect(exceeded).toMatchObject({ issue_identifier: "BAT-1", scope: "session", limit: 400 });
    const requestsAtStop = project.provider.requests.length;
    // Every model response reports its usage: the one that crossed 400 tokens was the last one
    // the agent got to make (one more may have been in flight when the turn was interrupted).
    expect(Number(exceeded.used)).toBeGreaterThan(400);
    const exit = await baton.waitForLog(["action=worker_exit"], 30_000);
    expect(exit).toMatchObject({ issue_identifier: "BAT-1", outcome: "budget_exceeded" });
    expect(project.provider.requests.length).toBeLessThanOrEqual(requestsAtStop + 1);

    // The comment and the move are carried out after the exit, as an effect of it.
    await waitFor(
      async () => (await project!.store.get("BAT-1")).state === "Human Review",
      20_000,
      () => `BAT-1 moved to Human Review\n${baton.tail()}`,
    );
    const details = await project.store.details("BAT-1");
    expect(details.comments.map((comment) => comment.body).join("\n")).toContain(
      "agent.max_tokens_per_session is 400",
    );
    // Not retried: ticks go by without a second dispatch.
    const ticks = baton.find("action=tick outcome=completed").length;
    await baton.waitForLog(["action=tick outcome=completed"], 10_000, ticks + 3);
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(1);
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  }, 120_000);

  it("[B.budget-issue-ceiling][B.budget-high-water][B.durable-restart-totals] across SIGKILLs: the issue's spend survives, the retried run is stopped within one token event of crossing the per-issue ceiling, and the issue is never dispatched again", async () => {
    project = await Project.create({
      script: runaway,
      frontMatter: `agent:\n  max_tokens_per_issue: ${ISSUE_CEILING}\n  max_retry_backoff_ms: 1000`,
      tickets: [{ title: "Loop forever", priority: 1 }],
    });
    // Killed mid-turn about halfway to the ceiling.
    const first = project.start(["--port", "0"]);
    const beforeCrash = issueSpend(
      await waitForState(
        first,
        "BAT-1 halfway to its ceiling",
        (state) => issueSpend(state) >= ISSUE_CEILING / 2,
      ),
    );
    expect(beforeCrash).toBeLessThan(ISSUE_CEILING);
    first.child.kill("SIGKILL");
    await first.exited;

    const second = project.start(["--port", "0"]);
    await second.waitForLog(["action=state_restore outcome=loaded"], 30_000);
    const restored = issueSpend(await api(second, "/api/v1/state"));
    expect(restored).toBeGreaterThanOrEqual(beforeCrash);
    // The lost run is retried (orchestrator_restarted), and its new session counts on top of the saved spend.
    const exceeded = await second.waitForLog(["action=budget outcome=exceeded"], 60_000);
    const requestsAtStop = project.provider.requests.length;
    expect(exceeded).toMatchObject({ issue_identifier: "BAT-1", scope: "issue", limit: ISSUE_CEILING });
    const used = Number(exceeded.used);
    expect(used).toBeGreaterThan(ISSUE_CEILING);
    expect(used - ISSUE_CEILING).toBeLessThanOrEqual(TOKENS_PER_RESPONSE);
    // The new session alone spent well under the ceiling: only the spend from before the crash explains the stop.
    expect(used - restored).toBeLessThan(ISSUE_CEILING);
    // The first exit this instance logs is the lost run of the dead one; then the budget stop.
    expect(await second.waitForLog(["action=worker_exit", "outcome=budget_exceeded"], 30_000)).toMatchObject({
      issue_identifier: "BAT-1",
    });
    expect(second.find("action=worker_exit").map((line) => line.outcome)).toEqual([
      "lost",
      "budget_exceeded",
    ]);
    expect(project.provider.requests.length).toBeLessThanOrEqual(requestsAtStop + 1);
    const held = await waitForState(second, "BAT-1 held by its budget", (state) =>
      state.budget.issues.some((row: Json) => row.issue_identifier === "BAT-1" && row.held),
    );
    const spentAtExit = issueSpend(held);
    second.child.kill("SIGKILL");
    await second.exited;

    // After another crash the ticket is still in Todo, but its saved spend keeps it from running again.
    const third = project.start(["--port", "0"]);
    await third.waitForLog(["action=tick outcome=completed"], 30_000, 3);
    const after = await api(third, "/api/v1/state");
    expect(issueSpend(after)).toBeGreaterThanOrEqual(spentAtExit);
    expect(after.budget.issues.find((row: Json) => row.issue_identifier === "BAT-1")).toMatchObject({
      held: true,
    });
    expect((await project.store.get("BAT-1")).state).toBe("Todo");
    expect(third.find("action=dispatch outcome=started")).toHaveLength(0);
    expect(after.running).toEqual([]);
    expect(await third.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);
});
