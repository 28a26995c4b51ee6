/**
 * The black-box profile against Baton itself, as CI runs it: every scenario must pass. Each test
 * title names the requirements its scenario proves (checked against the scenario's own list).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBlackBox, type ScenarioResult } from "../src/blackbox/runner.ts";
import { scenarios } from "../src/blackbox/scenarios.ts";
import { BATON_TEMPLATE, REPO_ROOT } from "../src/paths.ts";

let results: ScenarioResult[] = [];

beforeAll(async () => {
  results = await runBlackBox({
    implementation: { template: BATON_TEMPLATE, here: REPO_ROOT },
    concurrency: 3,
  });
}, 300_000);

afterAll(() => {
  const failed = results.filter((result) => result.outcome !== "pass");
  if (failed.length > 0) {
    console.error(failed.map((result) => `${result.outcome} ${result.name}: ${result.reason}`).join("\n"));
  }
});

function expectScenarioPassed(name: string): void {
  const scenario = scenarios.find((candidate) => candidate.name === name);
  const title = expect.getState().currentTestName ?? "";
  const named = [...title.matchAll(/\[(S[^\]]+)\]/g)].map((match) => match[1]);
  expect(named, "the test title names exactly the scenario's requirements").toEqual(scenario?.requirements);
  const result = results.find((candidate) => candidate.name === name);
  expect(result, `scenario ${name} ran`).toBeDefined();
  expect({ outcome: result!.outcome, reason: result!.reason }).toEqual({ outcome: "pass", reason: null });
}

describe("black-box profile against Baton", () => {
  it("[S17-behaviour-tests] runs every scenario", () => {
    expect(results.map((result) => result.name).sort()).toEqual(
      scenarios.map((scenario) => scenario.name).sort(),
    );
  });

  it("[S8.2-eligible][S8.2-active-not-terminal][S5.3.6-app-server-protocol][S10.1-launch-bash-lc][S10.2-handshake][S10.2-cwd-absolute-workspace][S10.2-first-turn-prompt][S10.7-workspace-per-issue][S9.2-create-missing][S12.3-attempt-null-first] dispatches an active issue into its own workspace over the app-server protocol", () => {
    expectScenarioPassed("dispatch");
  });

  it("[S8.2-sort-order][S11.3-priority-ranking][S8.3-global-limit] dispatches by priority, then oldest creation time, within the global limit", () => {
    expectScenarioPassed("ordering");
  });

  it("[S5.3.1-required-labels-dispatch][S8.2-required-labels][S8.5-unroutable-stop] dispatches only issues carrying every required label, matched case-insensitively", () => {
    expectScenarioPassed("labels");
  });

  it("[S8.2-not-dispatchable][S4.1.1-dispatchable-required][S11.3-dispatchable-explicit] holds a Todo issue while a blocker is unfinished and dispatches it once the blocker is done", () => {
    expectScenarioPassed("blockers");
  });

  it("[S8.3-per-state-limit][S5.3.5-by-state-normalized][S5.3.1-states-case-insensitive] applies per-state concurrency limits with normalized state names", () => {
    expectScenarioPassed("per-state-limit");
  });

  it("[S4.2-workspace-key][S9.5-key-sanitized][S9.5-key-hash-suffix][S9.5-key-unchanged][S9.5-key-collision-resistant][S9.5-root-containment][S9.5-agent-cwd][S9.1-path-layout][S15.2-path-under-root][S15.2-sanitized-names] derives sanitized, collision-resistant workspace keys contained in the root", () => {
    expectScenarioPassed("workspace-keys");
  });

  it("[S5.3.4-after-create][S5.3.4-before-run][S5.3.4-after-run][S5.3.4-before-remove][S9.2-after-create-only-new][S9.2-reuse-existing][S9.1-reuse-across-runs][S9.4-hooks-supported][S9.4-hook-cwd][S15.4-hook-in-workspace] runs after_create once, before_run and after_run around every attempt, before_remove on cleanup", () => {
    expectScenarioPassed("hooks");
  });

  it("[S9.4-hook-timeout][S9.4-after-create-fatal][S9.4-before-run-fatal][S9.4-after-run-ignored][S9.4-before-remove-ignored][S16.5-before-run-aborts][S15.4-hook-timeout-required] hook failures and timeouts abort (after_create, before_run) or are ignored (after_run, before_remove)", () => {
    expectScenarioPassed("hook-failures");
  });

  it("[S5.4-inputs][S12.1-inputs][S12.2-nested-values][S10.7-prompt-from-template] renders the prompt from issue fields and attempt", () => {
    expectScenarioPassed("prompt");
  });

  it("[S5.4-unknown-variable][S12.2-strict-variables][S12.4-fail-attempt][S5.5-template-errors-per-attempt][S16.5-prompt-error-fails][S6.2-adjust-live] fails the attempt on an unknown template variable and recovers after the template is fixed", () => {
    expectScenarioPassed("prompt-strict");
  });

  it("[S7.1-continue-same-thread][S7.1-first-turn-full-prompt][S7.1-continuation-guidance-only][S10.2-continuation-same-thread][S10.3-process-alive-across-turns][S16.5-max-turns][S8.4-continuation-retry][S12.3-attempt-integer-later][S9.1-no-auto-delete][S10.7-preserve-workspace] continues on the same thread up to max_turns, then schedules a 1 s continuation retry", () => {
    expectScenarioPassed("continuation");
  });

  it("[S8.4-failure-backoff][S10.3-turn-failure][S7.3-abnormal-exit][S14.2-worker-failure] retries a failed run after 10 s (10 s-based exponential backoff)", () => {
    expectScenarioPassed("failure-backoff");
  });

  it("[S8.4-backoff-cap][S8.4-retry-entry][S4.1.5-attempt-retry-number] caps failure backoff at agent.max_retry_backoff_ms and counts attempts up", () => {
    expectScenarioPassed("backoff-cap");
  });

  it("[S8.5-stall-detection][S7.3-stall-kill] kills a silent session after codex.stall_timeout_ms and retries it", () => {
    expectScenarioPassed("stall");
  });

  it("[S8.5-terminal-stop-clean][S8.5-non-active-stop][S8.5-refresh-active-update][S7.3-reconcile-stop][S16.5-cancellation] stops runs whose issue went terminal (cleaning the workspace) or non-active (keeping it)", () => {
    expectScenarioPassed("reconcile");
  });

  it("[S8.6-startup-cleanup][S7.4-startup-cleanup] removes workspaces of terminal issues at startup and keeps the others", () => {
    expectScenarioPassed("startup-cleanup");
  });

  it("[S6.2-detect-changes][S6.2-reapply][S6.2-invalid-reload-keeps-last-good][S5.5-dispatch-gating][S6.3-per-tick-validation][S14.4-workflow-edit] applies WORKFLOW.md edits live; a bad edit blocks dispatch visibly until fixed, reconciliation continues", () => {
    expectScenarioPassed("live-reload");
  });

  it("[S5.3.2-interval-live][S5.3.5-max-concurrent-live][S6.2-inflight-untouched] applies a reloaded poll interval and concurrency limit without restart, leaving running agents alone", () => {
    expectScenarioPassed("live-settings");
  });

  it("[S8.6-cleanup-fetch-failure][S11.4-cleanup-failure-continues][S11.4-candidate-fetch-failure][S11.4-refresh-failure-keeps-workers][S8.5-refresh-failure-keeps][S14.2-candidate-fetch-failure][S14.2-refresh-failure] survives tracker failures: startup cleanup, candidate fetch and refresh errors", () => {
    expectScenarioPassed("tracker-faults");
  });

  it("[S15.3-var-indirection][S15.3-agent-env-no-secrets][S10.5-secrets-not-inherited][S15.3-no-secret-logs][S3.3-secrets-not-inherited] resolves the tracker key from $VAR, uses it host-side only and never hands it to the agent or the logs", () => {
    expectScenarioPassed("secrets");
  });

  it("[S10.5-approval-policy][S10.5-no-stall-approval][S10.5-user-input-policy][S10.5-no-stall-user-input] answers approval and user-input requests at once, per its documented policy", () => {
    expectScenarioPassed("approvals");
  });

  it("[S10.5-unsupported-tool-call] rejects a call to a tool it never advertised without stalling the turn", () => {
    expectScenarioPassed("unknown-tool");
  });

  it("[S4.1.1-id-required][S4.2-issue-id-keys][S11.2-orchestrator-opaque][S4.2-native-ref-opaque] refreshes by the opaque issue id, names workspaces by identifier and passes native_ref through", () => {
    expectScenarioPassed("opaque-ids");
  });

  it("[S15.3-tools-in-host][S11.5-tools-use-host-credentials][S10.5-host-side-tools][S10.2-advertise-tools][S3.1-adapter-tools] executes the advertised linear_graphql tool host-side with the configured key", () => {
    expectScenarioPassed("tracker-tool");
  });

  it("[S13.5-absolute-totals][S13.5-ignore-last-usage][S13.5-delta-vs-last-reported][S13.5-accumulate-in-orchestrator][S13.5-runtime-on-session-end][S13.5-rate-limits][S4.1.8-codex-totals][S4.1.8-rate-limits] accounts tokens from absolute thread totals and reports rate limits", () => {
    expectScenarioPassed("tokens");
  });

  it("[S13.7.2-state-endpoint][S13.7.2-issue-endpoint][S13.7.2-issue-not-found][S13.7.2-refresh][S13.7.2-error-envelope][S13.7-cli-port-wins] serves state, issue detail, 404 envelope and refresh on --port", () => {
    expectScenarioPassed("http-api");
  });

  it("[S17.7-cli-positional-path][S17.7-cli-missing-file][S17.7-cli-startup-failure][S17.7-cli-clean-exit][S17.7-cli-exit-codes][S5.1-cwd-default][S5.1-missing-file][S5.3.1-empty-secret-missing][S15.3-validate-secrets-silently] takes the workflow path as argument or ./WORKFLOW.md, fails startup visibly, exits 0 on SIGTERM", () => {
    expectScenarioPassed("cli");
  });
});
