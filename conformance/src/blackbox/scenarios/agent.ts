/** Black-box scenarios for SPEC 10: approvals, unsupported tools, token accounting. */
import type { FakeTurnStep } from "@baton/testkit";
import { check, field, isAlive, waitUntil } from "../harness.ts";
import type { Scenario } from "./shared.ts";

export const agentScenarios: Scenario[] = [
  {
    name: "approvals",
    title: "answers approval and user-input requests at once, per its documented policy",
    requirements: [
      "S10.5-approval-policy",
      "S10.5-no-stall-approval",
      "S10.5-user-input-policy",
      "S10.5-no-stall-user-input",
    ],
    async run(ctx) {
      const approve = ctx.store.addIssue({ title: "needs approval" });
      const ask = ctx.store.addIssue({ title: "asks the user" });
      const approvalTurn: FakeTurnStep[] = [
        {
          type: "request",
          method: "item/commandExecution/requestApproval",
          params: {
            threadId: "thr_fake",
            turnId: "turn_1",
            itemId: "item_1",
            command: "rm -rf build",
            cwd: "/tmp",
          },
        },
        {
          type: "request",
          method: "item/fileChange/requestApproval",
          params: {
            threadId: "thr_fake",
            turnId: "turn_1",
            itemId: "item_2",
            reason: "edit",
            grantRoot: null,
          },
        },
        { type: "complete" },
      ];
      const inputTurn: FakeTurnStep[] = [
        {
          type: "request",
          method: "item/tool/requestUserInput",
          params: {
            threadId: "thr_fake",
            turnId: "turn_1",
            itemId: "item_3",
            questions: [{ id: "q1", header: "Which?", question: "Pick one", options: null, isOther: false }],
          },
        },
        { type: "sleep", ms: 60_000 },
      ];
      await ctx.useAgent(
        {},
        { [approve.identifier]: { turns: [approvalTurn] }, [ask.identifier]: { turns: [inputTurn] } },
      );
      await ctx.writeWorkflow();
      await ctx.start();
      const answers = async (key: string) =>
        (await ctx.received(key)).filter((message) => message.method === undefined && "id" in message);
      await waitUntil(
        async () => (await answers(approve.identifier)).length >= 2,
        "answers to both approval requests",
      );
      for (const answer of await answers(approve.identifier)) {
        const decision = field(answer.result, "decision");
        check(
          answer.error !== undefined || typeof decision === "string",
          `approval answered without a decision: ${JSON.stringify(answer)}`,
        );
      }
      await waitUntil(
        async () => (await answers(ask.identifier)).length >= 1,
        "an answer to the user-input request",
      );
      const [launch] = await ctx.launchesIn(ask.identifier);
      // The documented policy ends a run that needs user input rather than leaving it waiting.
      await waitUntil(() => !isAlive(launch!.pid), "the run waiting on user input to end", 15_000);
    },
  },
  {
    name: "unknown-tool",
    title: "rejects a call to a tool it never advertised without stalling the turn",
    requirements: ["S10.5-unsupported-tool-call"],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "tool call" });
      await ctx.useAgent({
        turns: [
          [
            {
              type: "request",
              method: "item/tool/call",
              params: {
                threadId: "thr_fake",
                turnId: "turn_1",
                callId: "call_1",
                tool: "no_such_tool",
                arguments: {},
              },
            },
            { type: "agentMessage", text: "carried on" },
            { type: "complete" },
          ],
        ],
      });
      await ctx.writeWorkflow();
      await ctx.start();
      const answer = await waitUntil(
        async () => (await ctx.received()).find((message) => message.method === undefined && "id" in message),
        "an answer to the tool call",
      );
      check(
        field(answer.result, "success") === false || answer.error !== undefined,
        `unknown tool call answered as a success: ${JSON.stringify(answer)}`,
      );
      // The turn completed normally, so the issue comes back on a short continuation retry.
      await waitUntil(
        () => ctx.launchesIn(issue.identifier).then((l) => l.length > 1),
        "the run to end normally and continue",
        8_000,
      );
    },
  },
  {
    name: "tokens",
    title: "accounts tokens from absolute thread totals and reports rate limits",
    requirements: [
      "S13.5-absolute-totals",
      "S13.5-ignore-last-usage",
      "S13.5-delta-vs-last-reported",
      "S13.5-accumulate-in-orchestrator",
      "S13.5-runtime-on-session-end",
      "S13.5-rate-limits",
      "S4.1.8-codex-totals",
      "S4.1.8-rate-limits",
    ],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "counts tokens" });
      const rateLimits = { primary: { usedPercent: 42, windowDurationMins: 300, resetsAt: 1_900_000_000 } };
      await ctx.useAgent({
        turns: [
          [
            { type: "tokens", input: 100, output: 20 },
            { type: "tokens", input: 250, output: 50 },
            { type: "rateLimits", rateLimits },
            { type: "sleep", ms: 120_000 },
          ],
        ],
      });
      await ctx.writeWorkflow();
      await ctx.start();
      ctx.requireApi("token totals");
      const row = await waitUntil(async () => {
        const state = await ctx.state();
        const running = state.running.find((r) => r.issue_identifier === issue.identifier);
        return running?.tokens?.total_tokens === 300 && state.rate_limits !== null && running;
      }, "running row with 300 tokens and rate limits");
      check(
        row.tokens?.input_tokens === 250 && row.tokens.output_tokens === 50,
        `tokens ${JSON.stringify(row.tokens)}`,
      );
      ctx.store.moveIssue(issue.identifier, "Done");
      const state = await waitUntil(async () => {
        const current = await ctx.state();
        return current.running.length === 0 && current;
      }, "the run to stop");
      const totals = state.codex_totals;
      check(
        totals.input_tokens === 250 && totals.output_tokens === 50 && totals.total_tokens === 300,
        `codex_totals ${JSON.stringify(totals)} (expected 250/50/300)`,
      );
      check(totals.seconds_running > 0, "the ended session's runtime was not added");
      check(
        JSON.stringify(state.rate_limits).includes("42"),
        `rate_limits ${JSON.stringify(state.rate_limits)}`,
      );
    },
  },
];
