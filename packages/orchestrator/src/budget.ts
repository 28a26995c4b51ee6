import type { AgentEvent, TokenCounts } from "@baton/domain";

/**
 * Token budgets (B.budget) as pure functions of the ledger, the config, an agent event and the
 * time. The core folds every agent event into the ledger and asks `budgetBreach` whether the run
 * must stop; dispatch asks `budgetIneligibility`. The ledger is plain data saved with the state.
 */

export type BudgetPeriod = "day" | "week" | "month";

export interface BudgetConfig {
  agent: { max_tokens_per_issue: number | null; max_tokens_per_session: number | null };
  budget: {
    period: BudgetPeriod;
    max_tokens: number | null;
    /** Where a ticket whose run hit a ceiling is moved; null releases the claim and holds dispatch. */
    on_exceeded_state: string | null;
    /** Price per million tokens: only shown, never enforced. */
    token_rates?: { input: number; output: number; currency: string } | null;
  } | null;
}

export type BudgetScope = "session" | "issue";

/** Tokens spent: `tokens` is the total the ceilings compare with; input and output price the cost. */
export interface Spend {
  tokens: number;
  input_tokens: number;
  output_tokens: number;
}

export interface IssueSpend extends Spend {
  /** The ticket's identifier when it last spent, for views of issues no longer claimed. */
  identifier: string;
  /** Highest absolute totals seen per agent thread: a repeated or restarted total never counts twice. */
  sessions: Record<string, TokenCounts>;
  /** Set when a run was stopped for its budget: dispatch waits until the limit of `scope` is raised above `limit`. */
  held: { scope: BudgetScope; limit: number } | null;
}

export interface BudgetLedger {
  issues: Record<string, IssueSpend>;
  /** Spend of the current period; `key` names it (`2026-12-06`, `2026-W49`, `2026-12`). */
  period: Spend & { key: string };
}

export function emptyLedger(): BudgetLedger {
  return { issues: {}, period: { key: "", ...NO_SPEND } };
}

const NO_SPEND: Spend = Object.freeze({ tokens: 0, input_tokens: 0, output_tokens: 0 });
const EMPTY_SPEND: IssueSpend = Object.freeze({
  ...NO_SPEND,
  identifier: "",
  sessions: {},
  held: null,
}) as IssueSpend;

export function issueSpend(ledger: BudgetLedger, issueId: string): IssueSpend {
  // Own keys only: a missing key (most candidates of a tick) would walk the prototype chain.
  return Object.hasOwn(ledger.issues, issueId) ? ledger.issues[issueId]! : EMPTY_SPEND;
}

/** The UTC period containing `nowMs`: ISO date, ISO week (`YYYY-Www`) or month. */
export function periodKey(period: BudgetPeriod, nowMs: number): string {
  const date = new Date(nowMs);
  const iso = date.toISOString();
  if (period === "day") return iso.slice(0, 10);
  if (period === "month") return iso.slice(0, 7);
  // ISO week: the week belongs to the year of its Thursday.
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** Tokens spent in the period containing `nowMs` (0 once it rolled over or without a period budget). */
export function periodTokens(ledger: BudgetLedger, config: BudgetConfig, nowMs: number): number {
  if (config.budget === null) return 0;
  return ledger.period.key === periodKey(config.budget.period, nowMs) ? ledger.period.tokens : 0;
}

/** What one agent event changes in the ledger: the issue's spend and the period's, both as new objects. */
export interface SpendChange {
  issue: IssueSpend;
  period: BudgetLedger["period"];
}

/**
 * Folds one agent event's usage into the issue's and the period's spend. With an absolute total
 * and a thread id, the increase over the thread's high-water mark counts; otherwise the client's
 * delta does. Returns null when nothing was spent. It returns the two changed entries rather than
 * a new ledger, so the core writes them into its step's own copy: a burst of agent events copies
 * the ledger's issue table once, not once per token update.
 */
export function recordSpend(
  ledger: BudgetLedger,
  config: BudgetConfig,
  issue: { id: string; identifier: string },
  threadKey: string | null,
  event: Pick<AgentEvent, "usage_totals" | "usage_delta">,
  nowMs: number,
): SpendChange | null {
  // Most agent events carry no usage: nothing to look up for them.
  if ((event.usage_totals === undefined || threadKey === null) && event.usage_delta === undefined)
    return null;
  const spend = issueSpend(ledger, issue.id);
  // Plain numbers and literal objects of one shape: this runs for every token update of every session.
  let tokens: number;
  let input: number;
  let output: number;
  let sessions = spend.sessions;
  if (event.usage_totals !== undefined && threadKey !== null) {
    const seen = spend.sessions[threadKey];
    const now = event.usage_totals;
    tokens = Math.max(now.total_tokens - (seen?.total_tokens ?? 0), 0);
    input = Math.max(now.input_tokens - (seen?.input_tokens ?? 0), 0);
    output = Math.max(now.output_tokens - (seen?.output_tokens ?? 0), 0);
    if (tokens > 0) {
      const highWater: TokenCounts = {
        input_tokens: Math.max(now.input_tokens, seen?.input_tokens ?? 0),
        output_tokens: Math.max(now.output_tokens, seen?.output_tokens ?? 0),
        total_tokens: now.total_tokens,
      };
      sessions = { ...spend.sessions, [threadKey]: highWater };
    }
  } else if (event.usage_delta !== undefined) {
    const delta = event.usage_delta;
    tokens = Math.max(delta.total_tokens, 0);
    input = Math.max(delta.input_tokens, 0);
    output = Math.max(delta.output_tokens, 0);
  } else {
    return null;
  }
  if (tokens === 0) return null;
  const key = config.budget === null ? ledger.period.key : periodKey(config.budget.period, nowMs);
  const period = ledger.period.key === key ? ledger.period : { key, ...NO_SPEND };
  return {
    issue: {
      tokens: spend.tokens + tokens,
      input_tokens: spend.input_tokens + input,
      output_tokens: spend.output_tokens + output,
      identifier: issue.identifier,
      sessions,
      held: spend.held,
    },
    period: {
      key,
      tokens: period.tokens + tokens,
      input_tokens: period.input_tokens + input,
      output_tokens: period.output_tokens + output,
    },
  };
}

/** Cost of `spend` at `rates` (per million tokens), rounded to hundredths of a cent. */
export function spendCost(spend: Spend, rates: { input: number; output: number }): number {
  const cost = (spend.input_tokens * rates.input + spend.output_tokens * rates.output) / 1_000_000;
  return Math.round(cost * 10_000) / 10_000;
}

export interface BudgetBreach {
  scope: BudgetScope;
  limit: number;
  used: number;
}

/** Whether the run must stop now: its session or its issue went past a ceiling. */
export function budgetBreach(
  ledger: BudgetLedger,
  config: BudgetConfig,
  issueId: string,
  sessionTokens: number,
): BudgetBreach | null {
  const perSession = config.agent.max_tokens_per_session;
  if (perSession !== null && sessionTokens > perSession)
    return { scope: "session", limit: perSession, used: sessionTokens };
  const perIssue = config.agent.max_tokens_per_issue;
  const used = issueSpend(ledger, issueId).tokens;
  if (perIssue !== null && used > perIssue) return { scope: "issue", limit: perIssue, used };
  return null;
}

export type BudgetIneligibility = "budget_exceeded" | "period_budget_exhausted";

/**
 * Why the budget forbids a new dispatch of the issue: it was stopped at a ceiling that has not
 * been raised since, its spend is at the issue ceiling, or the period's budget is used up.
 */
export function budgetIneligibility(
  ledger: BudgetLedger,
  config: BudgetConfig,
  issueId: string,
  nowMs: number,
): BudgetIneligibility | null {
  const spend = issueSpend(ledger, issueId);
  if (spend.held !== null) {
    const current =
      spend.held.scope === "session"
        ? config.agent.max_tokens_per_session
        : config.agent.max_tokens_per_issue;
    if (current !== null && current <= spend.held.limit) return "budget_exceeded";
  }
  const perIssue = config.agent.max_tokens_per_issue;
  if (perIssue !== null && spend.tokens >= perIssue) return "budget_exceeded";
  const periodMax = config.budget?.max_tokens ?? null;
  if (periodMax !== null && periodTokens(ledger, config, nowMs) >= periodMax)
    return "period_budget_exhausted";
  return null;
}

/** Marks the issue as held at `breach` (or clears the hold with null). */
export function holdIssue(ledger: BudgetLedger, issueId: string, breach: BudgetBreach | null): BudgetLedger {
  const spend = issueSpend(ledger, issueId);
  const held = breach === null ? null : { scope: breach.scope, limit: breach.limit };
  return { ...ledger, issues: { ...ledger.issues, [issueId]: { ...spend, held } } };
}

/** The comment a ticket gets when its run was stopped for its budget. */
export function budgetExceededMessage(breach: BudgetBreach): string {
  const ceiling = breach.scope === "session" ? "agent.max_tokens_per_session" : "agent.max_tokens_per_issue";
  return `Baton stopped the agent: ${breach.used} tokens used, ${ceiling} is ${breach.limit}. Raise it in WORKFLOW.md to let Baton work on this issue again.`;
}

/** Spend against budget for `GET /api/v1/state` and the dashboard (B.budget-visible). */
export interface BudgetView {
  period: {
    name: BudgetPeriod | null;
    key: string | null;
    tokens: number;
    max_tokens: number | null;
    exhausted: boolean;
    cost: number | null;
  };
  max_tokens_per_issue: number | null;
  max_tokens_per_session: number | null;
  currency: string | null;
  issues: {
    issue_id: string;
    issue_identifier: string;
    tokens: number;
    max_tokens: number | null;
    cost: number | null;
    /** True while the issue is held back from dispatch by its budget. */
    held: boolean;
  }[];
}

/** How many issues the view lists (the biggest spenders first). */
export const BUDGET_VIEW_ISSUES = 100;

export function budgetView(ledger: BudgetLedger, config: BudgetConfig, nowMs: number): BudgetView {
  const rates = config.budget?.token_rates ?? null;
  const cost = (spend: Spend) => (rates === null ? null : spendCost(spend, rates));
  const tokens = periodTokens(ledger, config, nowMs);
  const max = config.budget?.max_tokens ?? null;
  const current = tokens > 0 ? ledger.period : { ...ledger.period, ...NO_SPEND };
  const issues = Object.entries(ledger.issues)
    .sort(([, a], [, b]) => b.tokens - a.tokens)
    .slice(0, BUDGET_VIEW_ISSUES)
    .map(([id, spend]) => ({
      issue_id: id,
      issue_identifier: spend.identifier,
      tokens: spend.tokens,
      max_tokens: config.agent.max_tokens_per_issue,
      cost: cost(spend),
      held: budgetIneligibility({ ...ledger, period: { key: "", ...NO_SPEND } }, config, id, nowMs) !== null,
    }));
  return {
    period: {
      name: config.budget?.period ?? null,
      key: config.budget === null ? null : periodKey(config.budget.period, nowMs),
      tokens,
      max_tokens: max,
      exhausted: max !== null && tokens >= max,
      cost: cost(current),
    },
    max_tokens_per_issue: config.agent.max_tokens_per_issue,
    max_tokens_per_session: config.agent.max_tokens_per_session,
    currency: rates?.currency ?? null,
    issues,
  };
}
