/** Black-box scenarios for SPEC 5, 6 and 12: prompt rendering, strict templates and live reload. */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { check, isAlive, sleep, tail, waitUntil } from "../harness.ts";
import { exists, LONG_TURN, QUIET_MS, retryRow, type Scenario } from "./shared.ts";

export const workflowScenarios: Scenario[] = [
  {
    name: "prompt",
    title: "renders the prompt from issue fields and attempt",
    requirements: ["S5.4-inputs", "S12.1-inputs", "S12.2-nested-values", "S10.7-prompt-from-template"],
    async run(ctx) {
      const issue = ctx.store.addIssue({
        title: "Render me",
        description: "Line one",
        priority: 2,
        labels: ["Frontend", "bug"],
      });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow({
        prompt:
          "{{ issue.identifier }}|{{ issue.title }}|{{ issue.description }}|{{ issue.state }}|{{ issue.priority }}|{{ issue.labels | join: ',' }}|{{ issue.url }}|{% if attempt %}retry{% else %}first{% endif %}",
      });
      await ctx.start();
      const [turn] = await waitUntil(() => ctx.turnStarts().then((t) => t.length > 0 && t), "turn/start");
      const want = `${issue.identifier}|Render me|Line one|Todo|2|frontend,bug|${issue.url}|first`;
      check(
        turn!.text === want,
        `prompt was ${JSON.stringify(turn!.text)}, expected ${JSON.stringify(want)}`,
      );
    },
  },
  {
    name: "prompt-strict",
    title: "fails the attempt on an unknown template variable and recovers after the template is fixed",
    requirements: [
      "S5.4-unknown-variable",
      "S12.2-strict-variables",
      "S12.4-fail-attempt",
      "S5.5-template-errors-per-attempt",
      "S16.5-prompt-error-fails",
      "S6.2-adjust-live",
    ],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "strict" });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow({
        prompt: "Do {{ issue.no_such_field }}",
        agent: { max_retry_backoff_ms: 1_000 },
      });
      const running = await ctx.start();
      await sleep(QUIET_MS * 2);
      check((await ctx.turnStarts()).length === 0, "a prompt with an unknown variable was sent to the agent");
      check(!running.hasExited(), "the implementation exited over a template error");
      if (ctx.apiAvailable) {
        const row = await waitUntil(
          () => retryRow(ctx, issue.identifier),
          "a retry row for the render failure",
        );
        check(
          /template|render|no_such_field/i.test(String(row.error)),
          `retry error ${row.error} does not name the template failure`,
        );
      }
      await ctx.writeWorkflow({
        prompt: "Fixed {{ issue.identifier }}",
        agent: { max_retry_backoff_ms: 1_000 },
      });
      const turns = await waitUntil(
        () => ctx.turnStarts().then((t) => t.length > 0 && t),
        "a turn after the fix",
        20_000,
      );
      check(
        turns[0]!.text === `Fixed ${issue.identifier}`,
        `prompt after the fix was ${JSON.stringify(turns[0]!.text)}`,
      );
    },
  },
  {
    name: "live-reload",
    title:
      "applies WORKFLOW.md edits live; a bad edit blocks dispatch visibly until fixed, reconciliation continues",
    requirements: [
      "S6.2-detect-changes",
      "S6.2-reapply",
      "S6.2-invalid-reload-keeps-last-good",
      "S5.5-dispatch-gating",
      "S6.3-per-tick-validation",
      "S14.4-workflow-edit",
    ],
    async run(ctx) {
      const first = ctx.store.addIssue({ title: "first" });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow({ prompt: "v1 {{ issue.identifier }}" });
      const running = await ctx.start();
      await waitUntil(() => ctx.turnStarts().then((t) => t.length === 1), "first turn");
      await ctx.writeWorkflow({ prompt: "v2 {{ issue.identifier }}" });
      await sleep(300);
      const second = ctx.store.addIssue({ title: "second" });
      await waitUntil(() => ctx.turnStarts().then((t) => t.length === 2), "second turn");
      check(
        (await ctx.turnStarts())[1]!.text === `v2 ${second.identifier}`,
        "the edited prompt was not used",
      );
      const good = ctx.workflowText();
      await writeFile(ctx.workflowPath, "---\ntracker: [unclosed\n---\nbroken {{ issue.identifier }}\n");
      await sleep(500);
      const third = ctx.store.addIssue({ title: "third" });
      ctx.store.moveIssue(first.identifier, "Done");
      await waitUntil(
        () => exists(path.join(ctx.root, first.identifier)).then((there) => !there),
        "reconciliation while the workflow is broken",
      );
      await sleep(QUIET_MS);
      check(
        !running.hasExited(),
        `the implementation exited on a bad WORKFLOW.md:\n${tail(running.output())}`,
      );
      check(
        (await ctx.launchesIn(third.identifier)).length === 0,
        "an issue was dispatched while WORKFLOW.md was invalid",
      );
      if (ctx.apiAvailable) {
        const state = await ctx.state();
        const visible = JSON.stringify([state.last_error, state.workflow]);
        check(
          /parse|yaml|workflow/i.test(visible),
          `the bad workflow is not visible in /api/v1/state: ${visible}`,
        );
      }
      await writeFile(ctx.workflowPath, good.replace("v2 {{", "v3 {{"));
      await waitUntil(
        () => ctx.launchesIn(third.identifier).then((l) => l.length > 0),
        "dispatch after the fix",
      );
      const turns = await waitUntil(() => ctx.turnStarts().then((t) => t.length >= 3 && t), "third turn");
      check(turns.at(-1)!.text === `v3 ${third.identifier}`, `prompt after the fix: ${turns.at(-1)!.text}`);
    },
  },
  {
    name: "live-settings",
    title:
      "applies a reloaded poll interval and concurrency limit without restart, leaving running agents alone",
    requirements: ["S5.3.2-interval-live", "S5.3.5-max-concurrent-live", "S6.2-inflight-untouched"],
    async run(ctx) {
      ctx.store.addIssue({ title: "one" });
      ctx.store.addIssue({ title: "two" });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow({ pollIntervalMs: 3_000, agent: { max_concurrent_agents: 1 } });
      await ctx.start();
      const [first] = await waitUntil(() => ctx.launches().then((l) => l.length > 0 && l), "the first run");
      const requestsWhileSlow = ctx.linear.requests.length;
      await sleep(QUIET_MS);
      // One tick reads the tracker a few times (refresh, candidates, re-check): at most one tick here.
      check(ctx.linear.requests.length - requestsWhileSlow <= 4, "polled more often than every 3 s");
      check((await ctx.launches()).length === 1, "ran two agents with max_concurrent_agents 1");
      await ctx.writeWorkflow({ pollIntervalMs: 200, agent: { max_concurrent_agents: 2 } });
      await waitUntil(
        () => ctx.launches().then((l) => l.length === 2),
        "the second run after raising the limit",
      );
      // Over 3 s a 200 ms cadence makes ~15 ticks; 3 ticks' worth leaves ample room for a loaded machine.
      const fastFrom = ctx.linear.requests.length;
      await sleep(2 * QUIET_MS);
      check(ctx.linear.requests.length - fastFrom >= 6, "the 200 ms poll interval was not applied");
      check(isAlive(first!.pid), "the reload restarted a running agent");
    },
  },
];
