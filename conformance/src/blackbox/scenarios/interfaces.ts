/** Black-box scenarios for SPEC 13 and 17: the HTTP API and the command line. */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { check, field, postJson, shellQuote, tail, waitUntil } from "../harness.ts";
import { LONG_TURN, type Scenario, withDeadline } from "./shared.ts";

export const interfacesScenarios: Scenario[] = [
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
