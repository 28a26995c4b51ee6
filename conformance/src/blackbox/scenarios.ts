/**
 * Black-box scenarios: each drives the implementation through the fake Linear and judges what an
 * operator could observe (tracker requests, agent transcripts, the filesystem, the HTTP API).
 */
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FakeTurnStep } from "@baton/testkit";
import {
  type ApiRow,
  CheckFailed,
  check,
  field,
  isAlive,
  postJson,
  type ScenarioContext,
  ScenarioSkipped,
  shellQuote,
  sleep,
  tail,
  waitUntil,
} from "./harness.ts";

export interface Scenario {
  name: string;
  title: string;
  requirements: string[];
  run(ctx: ScenarioContext): Promise<void>;
}

const LONG_TURN: FakeTurnStep[] = [
  { type: "agentMessage", text: "working" },
  { type: "sleep", ms: 120_000 },
];
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );
/** A few poll intervals: long enough for a conforming implementation to have acted. */
const QUIET_MS = 1_500;

async function launchedKeys(ctx: ScenarioContext): Promise<string[]> {
  return (await ctx.launches()).map((launch) => path.basename(launch.cwd));
}

async function retryRow(
  ctx: ScenarioContext,
  identifier: string,
  attempt?: number,
): Promise<ApiRow | undefined> {
  const state = await ctx.state();
  return state.retrying.find(
    (row) => row.issue_identifier === identifier && (attempt === undefined || row.attempt === attempt),
  );
}

/** The delay a retry row was scheduled with, measured from when it was first seen. */
async function observedRetryDelay(ctx: ScenarioContext, identifier: string, attempt: number) {
  const row = await waitUntil(
    () => retryRow(ctx, identifier, attempt),
    `retry row ${identifier} #${attempt}`,
  );
  return { row, delayMs: Date.parse(row.due_at ?? "") - Date.now() };
}

export const scenarios: Scenario[] = [
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
  {
    name: "workspace-keys",
    title: "derives sanitized, collision-resistant workspace keys contained in the root",
    requirements: [
      "S4.2-workspace-key",
      "S9.5-key-sanitized",
      "S9.5-key-hash-suffix",
      "S9.5-key-unchanged",
      "S9.5-key-collision-resistant",
      "S9.5-root-containment",
      "S9.5-agent-cwd",
      "S9.1-path-layout",
      "S15.2-path-under-root",
      "S15.2-sanitized-names",
    ],
    async run(ctx) {
      const plain = ctx.store.addIssue({ title: "plain" });
      const slash = ctx.store.addIssue({ title: "slash" });
      const colon = ctx.store.addIssue({ title: "colon" });
      const escaping = ctx.store.addIssue({ title: "escape" });
      slash.identifier = "BAT/7";
      colon.identifier = "BAT:7";
      escaping.identifier = "../../escape";
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow();
      await ctx.start();
      await waitUntil(async () => (await ctx.launches()).length >= 4, "four launches", 30_000);
      const launches = await ctx.launches();
      for (const launch of launches) {
        check(
          path.dirname(launch.cwd) === ctx.root,
          `agent cwd ${launch.cwd} is not a direct child of ${ctx.root}`,
        );
        check(
          /^[A-Za-z0-9._-]+$/.test(path.basename(launch.cwd)),
          `workspace key ${launch.cwd} has unsafe characters`,
        );
      }
      const keys = launches.map((launch) => path.basename(launch.cwd));
      check(keys.includes(plain.identifier), `an identifier needing no sanitizing kept its key: ${keys}`);
      const sanitized = keys.filter((key) => key.startsWith("BAT_7"));
      check(
        sanitized.length === 2 && sanitized[0] !== sanitized[1],
        `BAT/7 and BAT:7 need distinct keys: ${keys}`,
      );
      // 64 bits over the 64 allowed characters need at least 11 of them.
      check(
        sanitized.every((key) => key.length >= "BAT_7".length + 11),
        `hash suffix too short: ${sanitized}`,
      );
      check(
        keys.some((key) => key.startsWith(".._.._escape")),
        `../../escape was not sanitized in place: ${keys}`,
      );
      check(!(await exists(path.join(ctx.dir, "escape"))), "a workspace escaped the root");
      check(
        (await ctx.workspaceDirs()).every((name) => keys.includes(name)),
        "workspaces exist that no agent was launched in",
      );
    },
  },
  {
    name: "hooks",
    title: "runs after_create once, before_run and after_run around every attempt, before_remove on cleanup",
    requirements: [
      "S5.3.4-after-create",
      "S5.3.4-before-run",
      "S5.3.4-after-run",
      "S5.3.4-before-remove",
      "S9.2-after-create-only-new",
      "S9.2-reuse-existing",
      "S9.1-reuse-across-runs",
      "S9.4-hooks-supported",
      "S9.4-hook-cwd",
      "S15.4-hook-in-workspace",
    ],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "hooked" });
      const removed = path.join(ctx.dir, "removed.log");
      await ctx.useAgent({});
      await ctx.writeWorkflow({
        hooks: {
          after_create: "echo created >> hooks.log",
          before_run: "echo before_run >> hooks.log",
          after_run: "echo after_run >> hooks.log",
          before_remove: `pwd >> ${shellQuote(removed)}`,
        },
      });
      await ctx.start();
      const log = path.join(ctx.root, issue.identifier, "hooks.log");
      const want = "created\nbefore_run\nafter_run\nbefore_run\nafter_run\n";
      const text = await waitUntil(async () => {
        const current = await readFile(log, "utf8").catch(() => "");
        return current.startsWith(want) && current;
      }, "two attempts' hooks in hooks.log");
      check(
        text.split("\n").filter((line) => line === "created").length === 1,
        "after_create ran more than once",
      );
      check((await ctx.launchesIn(issue.identifier)).length >= 2, "expected two runs in the same workspace");
      ctx.store.moveIssue(issue.identifier, "Done");
      await waitUntil(
        () => exists(path.join(ctx.root, issue.identifier)).then((there) => !there),
        "workspace removal",
      );
      const removedLog = await readFile(removed, "utf8").catch(() => "");
      check(
        removedLog.trim() === path.join(ctx.root, issue.identifier),
        `before_remove ran in ${removedLog || "nowhere"}`,
      );
    },
  },
  {
    name: "hook-failures",
    title:
      "hook failures and timeouts abort (after_create, before_run) or are ignored (after_run, before_remove)",
    requirements: [
      "S9.4-hook-timeout",
      "S9.4-after-create-fatal",
      "S9.4-before-run-fatal",
      "S9.4-after-run-ignored",
      "S9.4-before-remove-ignored",
      "S16.5-before-run-aborts",
      "S15.4-hook-timeout-required",
    ],
    async run(ctx) {
      const slowBeforeRun = ctx.store.addIssue({ title: "before_run hangs" });
      const slowAfterRun = ctx.store.addIssue({ title: "after_run hangs" });
      const failingCreate = ctx.store.addIssue({ title: "after_create fails" });
      const done = ctx.store.addIssue({ title: "finished", state: "Done" });
      await mkdir(path.join(ctx.root, done.identifier), { recursive: true });
      const when = (key: string, action: string) => `if [ "\${PWD##*/}" = ${key} ]; then ${action}; fi`;
      await ctx.useAgent({});
      await ctx.writeWorkflow({
        hooks: {
          timeout_ms: 1_000,
          after_create: when(failingCreate.identifier, "exit 3"),
          before_run: when(slowBeforeRun.identifier, "sleep 30"),
          after_run: when(slowAfterRun.identifier, "sleep 30"),
          before_remove: "exit 1",
        },
      });
      await ctx.start();
      // before_remove failing does not keep the terminal workspace.
      await waitUntil(
        () => exists(path.join(ctx.root, done.identifier)).then((there) => !there),
        "startup cleanup despite a failing before_remove",
      );
      // after_run timing out is ignored: the run ends normally and continues on a short retry.
      if (ctx.apiAvailable) {
        const row = await waitUntil(
          () => retryRow(ctx, slowAfterRun.identifier),
          "a retry row after the after_run timeout",
        );
        check(row.error === null, `an after_run timeout turned the run into a failure: ${row.error}`);
      } else {
        // Without the API only timing tells a 1 s continuation from a 10 s failure backoff.
        await waitUntil(() => ctx.launchesIn(slowAfterRun.identifier).then((l) => l.length > 0), "a run");
        await waitUntil(
          () => ctx.launchesIn(slowAfterRun.identifier).then((l) => l.length >= 2),
          "a second run soon after an after_run timeout (a failure would wait 10 s)",
          9_000,
        );
      }
      await sleep(QUIET_MS);
      check(
        (await ctx.launchesIn(slowBeforeRun.identifier)).length === 0,
        "the agent started although before_run timed out",
      );
      check(
        (await ctx.launchesIn(failingCreate.identifier)).length === 0,
        "the agent started although after_create failed",
      );
      if (ctx.apiAvailable) {
        const row = await waitUntil(
          () => retryRow(ctx, slowBeforeRun.identifier),
          "a retry row for the before_run timeout",
        );
        check(
          typeof row.error === "string" && row.error !== "",
          "the before_run failure has no error in its retry row",
        );
      }
    },
  },
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
  {
    name: "startup-cleanup",
    title: "removes workspaces of terminal issues at startup and keeps the others",
    requirements: ["S8.6-startup-cleanup", "S7.4-startup-cleanup"],
    async run(ctx) {
      const done = ctx.store.addIssue({ title: "done", state: "Done" });
      const canceled = ctx.store.addIssue({ title: "canceled", state: "Canceled" });
      const parked = ctx.store.addIssue({ title: "parked", state: "Backlog" });
      for (const issue of [done, canceled, parked])
        await mkdir(path.join(ctx.root, issue.identifier), { recursive: true });
      await ctx.useAgent({});
      await ctx.writeWorkflow();
      await ctx.start();
      await waitUntil(
        async () => (await ctx.workspaceDirs()).join() === parked.identifier,
        "terminal workspaces removed",
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
  {
    name: "tracker-faults",
    title: "survives tracker failures: startup cleanup, candidate fetch and refresh errors",
    requirements: [
      "S8.6-cleanup-fetch-failure",
      "S11.4-cleanup-failure-continues",
      "S11.4-candidate-fetch-failure",
      "S11.4-refresh-failure-keeps-workers",
      "S8.5-refresh-failure-keeps",
      "S14.2-candidate-fetch-failure",
      "S14.2-refresh-failure",
    ],
    async run(ctx) {
      ctx.linear.inject({ type: "status", status: 500 }, { type: "malformed", body: "{not json" });
      const issue = ctx.store.addIssue({ title: "survivor" });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow();
      const running = await ctx.start();
      const [launch] = await waitUntil(
        () => ctx.launchesIn(issue.identifier).then((l) => l.length > 0 && l),
        "a run despite tracker errors",
      );
      const before = ctx.linear.requests.length;
      ctx.linear.inject(
        { type: "status", status: 502 },
        { type: "malformed", body: '{"data":null}' },
        { type: "rate_limit", resetAt: Date.now() + 500 },
        { type: "status", status: 503 },
      );
      await waitUntil(() => ctx.linear.requests.length >= before + 5, "polling to go on through the faults");
      check(!running.hasExited(), "the implementation exited on tracker errors");
      check(isAlive(launch!.pid), "a refresh failure stopped the running agent");
      const late = ctx.store.addIssue({ title: "after the faults" });
      await waitUntil(
        () => ctx.launchesIn(late.identifier).then((l) => l.length > 0),
        "dispatch after recovery",
      );
    },
  },
  {
    name: "secrets",
    title:
      "resolves the tracker key from $VAR, uses it host-side only and never hands it to the agent or the logs",
    requirements: [
      "S15.3-var-indirection",
      "S15.3-agent-env-no-secrets",
      "S10.5-secrets-not-inherited",
      "S15.3-no-secret-logs",
      "S3.3-secrets-not-inherited",
    ],
    async run(ctx) {
      ctx.store.addIssue({ title: "secret" });
      await ctx.useAgent({});
      await ctx.writeWorkflow();
      const running = await ctx.start();
      await waitUntil(async () => (await ctx.agentEnvironments()).length > 0, "an agent launch");
      check(
        ctx.linear.requests.every((request) => request.authorization === ctx.linear.apiKey),
        "a tracker request did not carry the key from $LINEAR_API_KEY",
      );
      for (const environment of await ctx.agentEnvironments()) {
        check(!environment.includes(ctx.linear.apiKey), "the agent's environment contains the tracker key");
        check(!/^LINEAR_API_KEY=/m.test(environment), "the agent's environment has LINEAR_API_KEY");
      }
      await running.stop();
      check(!running.output().includes(ctx.linear.apiKey), "the implementation printed the tracker key");
    },
  },
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
    name: "opaque-ids",
    title: "refreshes by the opaque issue id, names workspaces by identifier and passes native_ref through",
    requirements: [
      "S4.1.1-id-required",
      "S4.2-issue-id-keys",
      "S11.2-orchestrator-opaque",
      "S4.2-native-ref-opaque",
    ],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "opaque" });
      issue.id = `opaque:${issue.id}/with spaces`;
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow({ prompt: "{{ issue.identifier }} {{ issue.native_ref | json }}" });
      await ctx.start();
      const [turn] = await waitUntil(() => ctx.turnStarts().then((t) => t.length > 0 && t), "turn/start");
      check(
        turn!.text.includes(issue.id),
        `native_ref did not carry the tracker's id through: ${turn!.text}`,
      );
      check(
        (await ctx.workspaceDirs()).join() === issue.identifier,
        "the workspace is not named by the identifier",
      );
      const before = ctx.linear.requests.length;
      await waitUntil(
        () =>
          ctx.linear.requests
            .slice(before)
            .some((request) => JSON.stringify(request.variables).includes(JSON.stringify(issue.id))),
        "a refresh naming the opaque id exactly",
      );
      if (ctx.apiAvailable) {
        const state = await ctx.state();
        check(state.running[0]?.issue_id === issue.id, `running row issue_id ${state.running[0]?.issue_id}`);
      }
    },
  },
  {
    name: "tracker-tool",
    title: "executes the advertised linear_graphql tool host-side with the configured key",
    requirements: [
      "S15.3-tools-in-host",
      "S11.5-tools-use-host-credentials",
      "S10.5-host-side-tools",
      "S10.2-advertise-tools",
      "S3.1-adapter-tools",
    ],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "hand me off" });
      const review = ctx.store.state("Human Review");
      const query = `mutation { issueUpdate(id: "${issue.id}", input: { stateId: "${review.id}" }) { success } }`;
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
                tool: "linear_graphql",
                arguments: { query },
              },
            },
            { type: "complete" },
          ],
        ],
      });
      await ctx.writeWorkflow();
      await ctx.start();
      const threadStart = await waitUntil(
        async () => (await ctx.received()).find((message) => message.method === "thread/start"),
        "thread/start",
      );
      const advertised = field(threadStart.params, "dynamicTools");
      const tools = (Array.isArray(advertised) ? advertised : []).map((tool) => field(tool, "name"));
      if (!tools.includes("linear_graphql")) throw new ScenarioSkipped("no linear_graphql tool advertised");
      const answer = await waitUntil(
        async () => (await ctx.received()).find((message) => message.method === undefined && "id" in message),
        "the tool call's answer",
      );
      check(field(answer.result, "success") === true, `linear_graphql answered ${JSON.stringify(answer)}`);
      check(
        ctx.store.stateName(issue.identifier) === "Human Review",
        "the tool call did not reach the tracker",
      );
      const mutation = ctx.linear.requests.find((request) => request.query === query);
      check(mutation?.authorization === ctx.linear.apiKey, "the tool call did not use the configured key");
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
  {
    name: "http-api",
    title: "serves state, issue detail, 404 envelope and refresh on --port",
    requirements: [
      "S13.7.2-state-endpoint",
      "S13.7.2-issue-endpoint",
      "S13.7.2-issue-not-found",
      "S13.7.2-refresh",
      "S13.7.2-error-envelope",
      "S13.7-cli-port-wins",
    ],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "observed" });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow();
      const running = await ctx.start();
      ctx.requireApi("the HTTP API");
      const state = await waitUntil(async () => {
        const current = await ctx.state();
        return current.running.length === 1 && current;
      }, "a running row");
      const row = state.running[0]!;
      check(
        row.issue_identifier === issue.identifier && row.issue_id === issue.id,
        `running row ${JSON.stringify(row)}`,
      );
      for (const key of ["running", "retrying", "codex_totals", "rate_limits", "counts", "generated_at"]) {
        check(key in state, `/api/v1/state lacks ${key}`);
      }
      const detail = await ctx.api(`/api/v1/${issue.identifier}`);
      check(
        detail.status === 200 && field(detail.body, "issue_identifier") === issue.identifier,
        `issue detail ${detail.status}`,
      );
      const missing = await ctx.api("/api/v1/NOPE-404");
      check(
        missing.status === 404 &&
          typeof field(field(missing.body, "error"), "code") === "string" &&
          typeof field(field(missing.body, "error"), "message") === "string",
        `unknown issue answered ${missing.status} ${JSON.stringify(missing.body)}`,
      );
      const refresh = await postJson(running.port, "/api/v1/refresh");
      check(refresh.status === 202, `POST /api/v1/refresh answered ${refresh.status}`);
    },
  },
  {
    name: "cli",
    title: "takes the workflow path as argument or ./WORKFLOW.md, fails startup visibly, exits 0 on SIGTERM",
    requirements: [
      "S17.7-cli-positional-path",
      "S17.7-cli-missing-file",
      "S17.7-cli-startup-failure",
      "S17.7-cli-clean-exit",
      "S17.7-cli-exit-codes",
      "S5.1-cwd-default",
      "S5.1-missing-file",
      "S5.3.1-empty-secret-missing",
      "S15.3-validate-secrets-silently",
    ],
    async run(ctx) {
      await ctx.useAgent({});
      const missing = await ctx.start({
        workflowArg: shellQuote(path.join(ctx.dir, "nope.md")),
        waitForTracker: false,
      });
      const missingExit = await withDeadline(missing.exited, 30_000, "exit on a missing workflow file");
      check(missingExit.code !== 0, "a missing explicit workflow file did not fail startup");
      check(
        /nope\.md|missing|not found|no such/i.test(missing.output()),
        `no visible error: ${tail(missing.output())}`,
      );

      await ctx.writeWorkflow({ raw: "---\ntracker:\n  kind: definitely_not_a_tracker\n---\nhi\n" });
      const invalid = await ctx.start({ waitForTracker: false });
      const invalidExit = await withDeadline(invalid.exited, 30_000, "exit on an invalid workflow");
      check(invalidExit.code !== 0, "an invalid workflow did not fail startup");
      check(invalid.output().trim() !== "", "startup failed without any message");

      await ctx.writeWorkflow();
      await writeFile(
        ctx.workflowPath,
        ctx.workflowText().replaceAll("$LINEAR_API_KEY", "$CONFORMANCE_EMPTY_SECRET"),
      );
      const emptySecret = await ctx.start({ waitForTracker: false, env: { CONFORMANCE_EMPTY_SECRET: "" } });
      const emptyExit = await withDeadline(emptySecret.exited, 30_000, "exit on an empty tracker secret");
      check(emptyExit.code !== 0, "a tracker secret from an empty variable did not fail startup");
      check(!emptySecret.output().includes(ctx.linear.apiKey), "the startup error printed a secret");

      await ctx.writeWorkflow();
      const viaDefault = await ctx.start({ workflowArg: "" });
      const stopped = await viaDefault.stop();
      check(stopped.code === 0, `SIGTERM ended the service with ${JSON.stringify(stopped)}`);
    },
  },
];

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailed(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
