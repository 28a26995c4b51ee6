/** Black-box scenarios for SPEC 8.1–8.3: candidate selection, ordering, eligibility and concurrency limits. */
import path from "node:path";
import { check, field, isAlive, sleep, waitUntil } from "../harness.ts";
import { exists, LONG_TURN, launchedKeys, QUIET_MS, type Scenario } from "./shared.ts";

export const schedulingScenarios: Scenario[] = [
  {
    name: "dispatch",
    title: "dispatches an active issue into its own workspace over the app-server protocol",
    requirements: [
      "S8.2-eligible",
      "S8.2-active-not-terminal",
      "S5.3.6-app-server-protocol",
      "S10.1-launch-bash-lc",
      "S10.2-handshake",
      "S10.2-cwd-absolute-workspace",
      "S10.2-first-turn-prompt",
      "S10.7-workspace-per-issue",
      "S9.2-create-missing",
      "S12.3-attempt-null-first",
    ],
    async run(ctx) {
      const todo = ctx.store.addIssue({ title: "Fix login", state: "Todo" });
      ctx.store.addIssue({ title: "Someday", state: "Backlog" });
      ctx.store.addIssue({ title: "Shipped", state: "Done" });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow();
      await ctx.start();
      const turns = await waitUntil(async () => {
        const starts = await ctx.turnStarts();
        return starts.length > 0 && starts;
      }, "the first turn/start");
      const workspace = path.join(ctx.root, todo.identifier);
      const methods = (await ctx.received()).map((message) => message.method ?? "(response)");
      const order = ["initialize", "initialized", "thread/start", "turn/start"].map((m) =>
        methods.indexOf(m),
      );
      check(
        order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1]!)),
        `expected initialize, initialized, thread/start, turn/start in order, got ${methods.join(", ")}`,
      );
      const threadStart = (await ctx.received()).find((message) => message.method === "thread/start")!;
      check(
        field(threadStart.params, "cwd") === workspace,
        `thread/start cwd ${JSON.stringify(field(threadStart.params, "cwd"))} is not ${workspace}`,
      );
      check(turns[0]!.cwd === undefined || turns[0]!.cwd === workspace, `turn/start cwd is not ${workspace}`);
      check(
        turns[0]!.text === `Work on ${todo.identifier}: Fix login (attempt ).`,
        `first prompt was ${JSON.stringify(turns[0]!.text)}`,
      );
      const launches = await ctx.launches();
      check(
        launches.length === 1 && launches[0]!.cwd === workspace,
        `expected one agent launch in ${workspace}, got ${JSON.stringify(launches)}`,
      );
      await sleep(QUIET_MS);
      check((await ctx.workspaceDirs()).join() === todo.identifier, "only the Todo issue gets a workspace");
    },
  },
  {
    name: "ordering",
    title: "dispatches by priority, then oldest creation time, within the global limit",
    requirements: ["S8.2-sort-order", "S11.3-priority-ranking", "S8.3-global-limit"],
    async run(ctx) {
      const low = ctx.store.addIssue({ title: "low", priority: 3 });
      const none = ctx.store.addIssue({ title: "no priority", priority: 0 });
      const urgentOld = ctx.store.addIssue({ title: "urgent, older", priority: 1 });
      const urgentNew = ctx.store.addIssue({ title: "urgent, newer", priority: 1 });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow({ agent: { max_concurrent_agents: 1 } });
      await ctx.start();
      const expected = [urgentOld, urgentNew, low, none].map((issue) => issue.identifier);
      for (let index = 0; index < expected.length; index++) {
        const keys = await waitUntil(
          async () => {
            const launched = await launchedKeys(ctx);
            return launched.length > index && launched;
          },
          `launch #${index + 1}`,
        );
        await sleep(QUIET_MS / 3);
        const now = await launchedKeys(ctx);
        check(
          now.length === index + 1,
          `more than one agent ran at once with max_concurrent_agents 1: ${now}`,
        );
        check(keys[index] === expected[index], `dispatch order ${keys} is not ${expected}`);
        ctx.store.moveIssue(expected[index]!, "Done");
      }
    },
  },
  {
    name: "labels",
    title: "dispatches only issues carrying every required label, matched case-insensitively",
    requirements: ["S5.3.1-required-labels-dispatch", "S8.2-required-labels", "S8.5-unroutable-stop"],
    async run(ctx) {
      const labelled = ctx.store.addIssue({ title: "labelled", labels: ["BATON", "bug"] });
      const unlabelled = ctx.store.addIssue({ title: "not labelled", labels: ["bug"] });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow({ tracker: 'required_labels: [" Baton "]' });
      await ctx.start();
      const [launch] = await waitUntil(
        () => ctx.launchesIn(labelled.identifier).then((l) => l.length > 0 && l),
        "labelled launch",
      );
      await sleep(QUIET_MS);
      check(
        !(await launchedKeys(ctx)).includes(unlabelled.identifier),
        "an issue without the label was dispatched",
      );
      // Losing the label makes the running issue ineligible: stopped, workspace kept.
      labelled.labels = ["bug"];
      await waitUntil(() => !isAlive(launch!.pid), "the agent of the issue that lost its label to stop");
      check(
        await exists(path.join(ctx.root, labelled.identifier)),
        "the workspace of an unroutable issue was removed",
      );
    },
  },
  {
    name: "blockers",
    title: "holds a Todo issue while a blocker is unfinished and dispatches it once the blocker is done",
    requirements: ["S8.2-not-dispatchable", "S4.1.1-dispatchable-required", "S11.3-dispatchable-explicit"],
    async run(ctx) {
      const blocker = ctx.store.addIssue({ title: "blocker", state: "Backlog" });
      const blocked = ctx.store.addIssue({ title: "blocked", state: "Todo" });
      const started = ctx.store.addIssue({ title: "already started", state: "In Progress" });
      ctx.store.addBlocker(blocker.identifier, blocked.identifier);
      ctx.store.addBlocker(blocker.identifier, started.identifier);
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow();
      await ctx.start();
      await waitUntil(
        () => ctx.launchesIn(started.identifier).then((l) => l.length > 0),
        "the In Progress issue to run",
      );
      await sleep(QUIET_MS);
      check(
        (await ctx.launchesIn(blocked.identifier)).length === 0,
        "a Todo issue with an open blocker was dispatched",
      );
      ctx.store.moveIssue(blocker.identifier, "Done");
      await waitUntil(
        () => ctx.launchesIn(blocked.identifier).then((l) => l.length > 0),
        "the unblocked issue to run",
      );
    },
  },
  {
    name: "per-state-limit",
    title: "applies per-state concurrency limits with normalized state names",
    requirements: ["S8.3-per-state-limit", "S5.3.5-by-state-normalized", "S5.3.1-states-case-insensitive"],
    async run(ctx) {
      const first = ctx.store.addIssue({ title: "todo one", state: "Todo" });
      const second = ctx.store.addIssue({ title: "todo two", state: "Todo" });
      const doing = ctx.store.addIssue({ title: "in progress", state: "In Progress" });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow({
        activeStates: ["todo", "IN PROGRESS"],
        agent: { max_concurrent_agents_by_state: { " TODO ": 1 } },
      });
      await ctx.start();
      await waitUntil(async () => (await ctx.launches()).length >= 2, "two launches");
      await sleep(QUIET_MS);
      const keys = await launchedKeys(ctx);
      check(keys.includes(doing.identifier), `the In Progress issue did not run: ${keys}`);
      check(
        keys.filter((key) => key === first.identifier || key === second.identifier).length === 1,
        `expected exactly one Todo issue running with the todo limit 1, got ${keys}`,
      );
      const runningTodo = keys.includes(first.identifier) ? first : second;
      const waitingTodo = runningTodo === first ? second : first;
      ctx.store.moveIssue(runningTodo.identifier, "Done");
      await waitUntil(
        () => ctx.launchesIn(waitingTodo.identifier).then((l) => l.length > 0),
        "the second Todo issue",
      );
    },
  },
];
