import type { ModelReply } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Project, waitFor } from "./harness.ts";

let project: Project | undefined;

afterEach(async () => {
  await project?.close();
  project = undefined;
});

/** A runaway agent: it never stops calling tools, so its turn never ends on its own. */
const runaway = (): ModelReply => ({ type: "shell", command: "true" });

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
});
