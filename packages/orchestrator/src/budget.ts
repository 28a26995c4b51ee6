import type { AgentEvent } from "@baton/domain";

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
  } | null;
}

export type BudgetScope = "session" | "issue";

export interface IssueSpend {
  /** Tokens spent on the issue across every attempt and session. */
  tokens: number;
  /** Highest absolute total seen per agent thread: a repeated or restarted total never counts twice. */
  sessions: Record<string, number>;
  /** Set when a run was stopped for its budget: dispatch waits until the limit of `scope` is raised above `limit`. */
  held: { scope: BudgetScope; limit: number } | null;
}

export interface BudgetLedger {
  issues: Record<string, IssueSpend>;
  /** Spend of the current period; `key` names it (`2026-12-06`, `2026-W49`, `2026-12`). */
  period: { key: string; tokens: number };
}

export function emptyLedger(): BudgetLedger {
  return { issues: {}, period: { key: "", tokens: 0 } };
}

const EMPTY_SPEND: IssueSpend = Object.freeze({ tokens: 0, sessions: {}, held: null }) as IssueSpend;

export function issueSpend(ledger: BudgetLedger, issueId: string): IssueSpend {
  return ledger.issues[issueId] ?? EMPTY_SPEND;
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

/**
 * Folds one agent event's usage into the ledger. With an absolute total and a thread id, the
 * increase over the thread's high-water mark counts; otherwise the client's delta does. Returns
 * the same ledger when nothing was spent.
 */
export function recordSpend(
  ledger: BudgetLedger,
  config: BudgetConfig,
  issueId: string,
  threadKey: string | null,
  event: Pick<AgentEvent, "usage_totals" | "usage_delta">,
  nowMs: number,
): BudgetLedger {
  const spend = issueSpend(ledger, issueId);
  let increase = 0;
  let sessions = spend.sessions;
  if (event.usage_totals !== undefined && threadKey !== null) {
    const seen = spend.sessions[threadKey] ?? 0;
    increase = Math.max(event.usage_totals.total_tokens - seen, 0);
    if (increase > 0) sessions = { ...spend.sessions, [threadKey]: event.usage_totals.total_tokens };
  } else if (event.usage_delta !== undefined) {
    increase = Math.max(event.usage_delta.total_tokens, 0);
  }
  if (increase === 0) return ledger;
  const key = config.budget === null ? ledger.period.key : periodKey(config.budget.period, nowMs);
  const periodSoFar = ledger.period.key === key ? ledger.period.tokens : 0;
  return {
    issues: { ...ledger.issues, [issueId]: { ...spend, tokens: spend.tokens + increase, sessions } },
    period: { key, tokens: periodSoFar + increase },
  };
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
