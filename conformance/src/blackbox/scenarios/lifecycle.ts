/** Black-box scenarios for SPEC 7 and 8.4–8.5: continuation turns, retries with backoff, stalls, reconciliation. */
import path from "node:path";
import { check, isAlive, sleep, waitUntil } from "../harness.ts";
import { exists, LONG_TURN, observedRetryDelay, QUIET_MS, type Scenario } from "./shared.ts";

export const lifecycleScenarios: Scenario[] = [
  {
    name: "continuation",
    title: "continues on the same thread up to max_turns, then schedules a 1 s continuation retry",
    requirements: [
      "S7.1-continue-same-thread",
      "S7.1-first-turn-full-prompt",
      "S7.1-continuation-guidance-only",
      "S10.2-continuation-same-thread",
      "S10.3-process-alive-across-turns",
      "S16.5-max-turns",
      "S8.4-continuation-retry",
      "S12.3-attempt-integer-later",
      "S9.1-no-auto-delete",
      "S10.7-preserve-workspace",
    ],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "keep going" });
      await ctx.useAgent({});
      await ctx.writeWorkflow({ agent: { max_turns: 2 } });
      await ctx.start();
      const turns = await waitUntil(async () => {
        const starts = await ctx.turnStarts();
        return starts.length >= 3 && starts;
      }, "a second run (continuation retry)");
      check(turns.length >= 3, `expected two turns in the first run and one more, got ${turns.length}`);
      check(
        turns[0]!.text === `Work on ${issue.identifier}: keep going (attempt ).`,
        `first prompt ${turns[0]!.text}`,
      );
      check(
        turns[1]!.text !== turns[0]!.text && turns[1]!.text !== "",
        "the second turn resent the full prompt",
      );
      check(turns[1]!.threadId === turns[0]!.threadId, "the second turn did not reuse the thread");
      const initializes = (await ctx.received()).filter((message) => message.method === "initialize").length;
      check(initializes === (await ctx.launches()).length, "a session was initialized twice in one process");
      check(
        turns.some((turn) => turn.text === `Work on ${issue.identifier}: keep going (attempt 1).`),
        `the continuation run did not render attempt 1: ${turns.map((t) => t.text).join(" / ")}`,
      );
      check(
        await exists(path.join(ctx.root, issue.identifier)),
        "the workspace was deleted after a successful run",
      );
      if (ctx.apiAvailable) {
        const { row, delayMs } = await observedRetryDelay(ctx, issue.identifier, 1).catch(async () =>
          observedRetryDelay(ctx, issue.identifier, 1),
        );
        check(row.error === null, `a continuation retry carries error ${row.error}`);
        check(delayMs <= 1_100, `continuation retry scheduled ${delayMs} ms ahead (expected about 1000)`);
      }
    },
  },
  {
    name: "failure-backoff",
    title: "retries a failed run after 10 s (10 s-based exponential backoff)",
    requirements: [
      "S8.4-failure-backoff",
      "S10.3-turn-failure",
      "S7.3-abnormal-exit",
      "S14.2-worker-failure",
    ],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "fails" });
      await ctx.useAgent({ turns: [[{ type: "complete", status: "failed", error: "model exploded" }]] });
      await ctx.writeWorkflow();
      await ctx.start();
      if (ctx.apiAvailable) {
        const { row, delayMs } = await observedRetryDelay(ctx, issue.identifier, 1);
        check(typeof row.error === "string" && row.error !== "", "a failure retry has no error");
        // Read as soon as the row appears (a loaded machine may see it late): above any short delay, at most 10 s.
        check(
          delayMs > 5_000 && delayMs <= 10_100,
          `first failure retry scheduled ${delayMs} ms ahead, expected 10000`,
        );
        return;
      }
      const firstLaunch = await waitUntil(
        () => ctx.launchesIn(issue.identifier).then((l) => l.length > 0 && Date.now()),
        "first run",
      );
      await waitUntil(() => ctx.launchesIn(issue.identifier).then((l) => l.length > 1), "the retry", 20_000);
      check(Date.now() - firstLaunch >= 9_000, "the failed run was retried before 10 s");
    },
  },
  {
    name: "backoff-cap",
    title: "caps failure backoff at agent.max_retry_backoff_ms and counts attempts up",
    requirements: ["S8.4-backoff-cap", "S8.4-retry-entry", "S4.1.5-attempt-retry-number"],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "keeps failing" });
      await ctx.useAgent({ turns: [[{ type: "complete", status: "failed", error: "again" }]] });
      await ctx.writeWorkflow({ agent: { max_retry_backoff_ms: 1_500 } });
      await ctx.start();
      await waitUntil(
        () => ctx.launchesIn(issue.identifier).then((l) => l.length >= 3),
        "three runs within the cap",
        15_000,
      );
      if (ctx.apiAvailable) {
        const { row, delayMs } = await observedRetryDelay(ctx, issue.identifier, 3);
        check(delayMs <= 1_600, `retry #3 scheduled ${delayMs} ms ahead despite the 1500 ms cap`);
        check(
          row.issue_identifier === issue.identifier && typeof row.due_at === "string",
          "retry row lacks fields",
        );
      }
    },
  },
  {
    name: "stall",
    title: "kills a silent session after codex.stall_timeout_ms and retries it",
    requirements: ["S8.5-stall-detection", "S7.3-stall-kill"],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "goes quiet" });
      await ctx.useAgent({ turns: [[{ type: "hang" }]] });
      await ctx.writeWorkflow({ codex: { stall_timeout_ms: 800 }, agent: { max_retry_backoff_ms: 1_000 } });
      await ctx.start();
      const [first] = await waitUntil(
        () => ctx.launchesIn(issue.identifier).then((l) => l.length > 0 && l),
        "first run",
      );
      await waitUntil(() => !isAlive(first!.pid), "the stalled agent to be killed", 15_000);
      await waitUntil(
        () => ctx.launchesIn(issue.identifier).then((l) => l.length > 1),
        "a retry after the stall",
        15_000,
      );
    },
  },
  {
    name: "reconcile",
    title: "stops runs whose issue went terminal (cleaning the workspace) or non-active (keeping it)",
    requirements: [
      "S8.5-terminal-stop-clean",
      "S8.5-non-active-stop",
      "S8.5-refresh-active-update",
      "S7.3-reconcile-stop",
      "S16.5-cancellation",
    ],
    async run(ctx) {
      const finishing = ctx.store.addIssue({ title: "will be done" });
      const parked = ctx.store.addIssue({ title: "will be parked" });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow();
      await ctx.start();
      await waitUntil(async () => (await ctx.launches()).length >= 2, "both runs");
      const pid = async (key: string) => (await ctx.launchesIn(key))[0]!.pid;
      const finishingPid = await pid(finishing.identifier);
      const parkedPid = await pid(parked.identifier);
      ctx.store.moveIssue(finishing.identifier, "In Progress");
      if (ctx.apiAvailable) {
        await waitUntil(async () => {
          const state = await ctx.state();
          return state.running.some(
            (row) => row.issue_identifier === finishing.identifier && row.state === "In Progress",
          );
        }, "the running row to show the refreshed state");
      }
      await sleep(QUIET_MS);
      check(isAlive(finishingPid), "an issue moving between active states was stopped");
      ctx.store.moveIssue(finishing.identifier, "Done");
      ctx.store.moveIssue(parked.identifier, "Backlog");
      await waitUntil(() => !isAlive(finishingPid) && !isAlive(parkedPid), "both agents to stop");
      await waitUntil(
        () => exists(path.join(ctx.root, finishing.identifier)).then((there) => !there),
        "terminal cleanup",
      );
      check(
        await exists(path.join(ctx.root, parked.identifier)),
        "the non-active issue's workspace was removed",
      );
      await sleep(QUIET_MS);
      check((await ctx.launches()).length === 2, "a stopped issue was dispatched again");
    },
  },
];
