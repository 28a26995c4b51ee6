import type { AgentEvent } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { budgetIneligibility, emptyLedger, periodKey, recordSpend as spendOf } from "../src/budget.ts";
import type { OrchestratorInput, StepResult } from "../src/core.ts";
import { step } from "../src/core.ts";
import type { OrchestratorConfig } from "../src/ports.ts";
import type { Claim, OrchestratorState } from "../src/state.ts";
import { CLAIM_DEFAULTS, emptyState, newSession } from "../src/state.ts";
import { issue, makeConfig, T0, tokens } from "./helpers.ts";

function running(id: string): Claim {
  return {
    status: "running",
    issue: issue(id),
    pipeline: null,
    run_id: `run-${id}`,
    attempt: null,
    started_at_ms: T0,
    stop_request: null,
    processes: [],
    ...CLAIM_DEFAULTS,
    due_at_ms: null,
    retry: null,
    blocked_at_ms: null,
    last_error: null,
    workspace_path: `/ws/BAT-${id}`,
    session: newSession(),
    recent_events: [],
  };
}

/** A token-usage event as the Codex client reports it: absolute thread total plus the delta. */
function usage(thread: string, total: number, delta: number): AgentEvent {
  return {
    event: "notification",
    timestamp: new Date(T0).toISOString(),
    thread_id: thread,
    session_id: `${thread}-turn`,
    usage_totals: tokens(total, 0),
    usage_delta: tokens(delta, 0),
    summary: "token usage",
  } as AgentEvent;
}

const eventFor = (id: string, event: AgentEvent): OrchestratorInput => ({
  type: "agent_event",
  issue_id: id,
  run_id: `run-${id}`,
  event,
});

function run(
  state: OrchestratorState,
  config: OrchestratorConfig,
  ...inputs: OrchestratorInput[]
): StepResult {
  let result: StepResult = { state, effects: [], events: [], changed: [], completed: [] };
  for (const input of inputs) result = step(result.state, input, T0, config);
  return result;
}

const withRunning = (id: string): OrchestratorState => ({ ...emptyState(), claims: { [id]: running(id) } });

describe("token budgets in the pure core", () => {
  it("[B.budget-issue-ceiling] stops the run on the first event that crosses agent.max_tokens_per_issue, ends it as budget_exceeded without retry and holds the issue", () => {
    const config = makeConfig({ agent: { max_tokens_per_issue: 1000 } });
    const under = run(withRunning("1"), config, eventFor("1", usage("t1", 900, 900)));
    expect(under.effects).toEqual([]);
    const crossed = run(under.state, config, eventFor("1", usage("t1", 1100, 200)));
    expect(crossed.effects).toEqual([
      { kind: "cancel_run", issue_id: "1", run_id: "run-1", reason: "budget_exceeded" },
    ]);
    const exited = run(crossed.state, config, {
      type: "run_exited",
      issue_id: "1",
      run_id: "run-1",
      exit: { kind: "cancelled", reason: "budget_exceeded" },
    });
    expect(exited.events.find((event) => event.type === "worker_exited")).toMatchObject({
      outcome: "budget_exceeded",
    });
    expect(exited.events.find((event) => event.type === "budget_exceeded")).toMatchObject({
      scope: "issue",
      limit: 1000,
      used: 1100,
    });
    expect(exited.effects.map((effect) => effect.kind)).toEqual(["report_budget_exceeded"]);
    expect(exited.state.claims["1"]).toBeUndefined();
    // Not dispatched again until the ceiling is raised (a live reload brings the new config).
    const again = step(exited.state, { type: "dispatch", issue: issue("1"), run_id: "run-2" }, T0, config);
    expect(again.effects).toEqual([]);
    expect(again.events[0]).toMatchObject({ type: "dispatch_skipped", reason: "recheck: budget_exceeded" });
    const raised = makeConfig({ agent: { max_tokens_per_issue: 5000 } });
    const redispatched = step(
      exited.state,
      { type: "dispatch", issue: issue("1"), run_id: "run-2" },
      T0,
      raised,
    );
    expect(redispatched.effects.map((effect) => effect.kind)).toEqual(["start_run"]);
  });

  it("[B.budget-session-ceiling] stops a session past agent.max_tokens_per_session and moves the ticket to budget.on_exceeded_state", () => {
    const config = makeConfig({
      agent: { max_tokens_per_session: 500 },
      budget: { period: "day", max_tokens: null, on_exceeded_state: "Human Review" },
    });
    const crossed = run(withRunning("1"), config, eventFor("1", usage("t1", 501, 501)));
    expect(crossed.effects.map((effect) => effect.kind)).toEqual(["cancel_run"]);
    const exited = run(crossed.state, config, {
      type: "run_exited",
      issue_id: "1",
      run_id: "run-1",
      exit: { kind: "normal", turns: 1, reason: "turn ended" },
    });
    expect(exited.effects).toEqual([
      expect.objectContaining({ kind: "report_budget_exceeded", move_to_state: "Human Review" }),
    ]);
    expect(exited.state.completed["1"]).toBeUndefined();
    expect(exited.state.budget.issues["1"]?.held).toBeNull();
  });

  it("[B.budget-high-water] counts absolute totals against a per-session high-water mark: repeated or replayed totals never count twice", () => {
    const config = makeConfig();
    let ledger = emptyLedger();
    const recordSpend = (...args: Parameters<typeof spendOf>) => {
      const change = spendOf(...args);
      return change === null
        ? args[0]
        : { issues: { ...args[0].issues, "1": change.issue }, period: change.period };
    };
    ledger = recordSpend(ledger, config, { id: "1", identifier: "BAT-1" }, "t1", usage("t1", 300, 300), T0);
    ledger = recordSpend(ledger, config, { id: "1", identifier: "BAT-1" }, "t1", usage("t1", 300, 0), T0);
    // A restarted Baton that hears the same thread's total again adds nothing.
    ledger = recordSpend(ledger, config, { id: "1", identifier: "BAT-1" }, "t1", usage("t1", 300, 300), T0);
    ledger = recordSpend(ledger, config, { id: "1", identifier: "BAT-1" }, "t1", usage("t1", 450, 150), T0);
    ledger = recordSpend(ledger, config, { id: "1", identifier: "BAT-1" }, "t2", usage("t2", 100, 100), T0);
    expect(ledger.issues["1"]?.tokens).toBe(550);
    const state = JSON.parse(JSON.stringify({ ...emptyState(), budget: ledger })) as OrchestratorState;
    expect(state.budget).toEqual(ledger);
  });

  it("[B.budget-period] an exhausted period budget blocks new dispatches, lets running turns finish, and lifts on rollover or a raised budget", () => {
    const config = makeConfig({ budget: { period: "day", max_tokens: 1000, on_exceeded_state: null } });
    const spent = run(withRunning("1"), config, eventFor("1", usage("t1", 1200, 1200)));
    // The running turn is not interrupted by the period budget.
    expect(spent.effects).toEqual([]);
    expect(budgetIneligibility(spent.state.budget, config, "2", T0)).toBe("period_budget_exhausted");
    const blocked = step(spent.state, { type: "dispatch", issue: issue("2"), run_id: "r" }, T0, config);
    expect(blocked.effects).toEqual([]);
    const raised = makeConfig({ budget: { period: "day", max_tokens: 5000, on_exceeded_state: null } });
    expect(budgetIneligibility(spent.state.budget, raised, "2", T0)).toBeNull();
    const tomorrow = T0 + 24 * 3600 * 1000;
    expect(budgetIneligibility(spent.state.budget, config, "2", tomorrow)).toBeNull();
  });

  it("[B.budget-period] names periods in UTC: day, ISO week and month", () => {
    const at = Date.parse("2027-01-01T10:00:00Z"); // a Friday in ISO week 53 of 2026
    expect(periodKey("day", at)).toBe("2027-01-01");
    expect(periodKey("week", at)).toBe("2026-W53");
    expect(periodKey("month", at)).toBe("2027-01");
  });
});
