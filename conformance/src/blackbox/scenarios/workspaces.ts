/** Black-box scenarios for SPEC 9: workspace keys, hooks and their failures, startup cleanup. */
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { check, shellQuote, sleep, waitUntil } from "../harness.ts";
import { exists, LONG_TURN, QUIET_MS, retryRow, type Scenario } from "./shared.ts";

export const workspacesScenarios: Scenario[] = [
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
];
