import { BatonError } from "@baton/domain";
import type { Claim, OrchestratorState } from "@baton/orchestrator";
import { CLAIM_DEFAULTS, emptyState, STATE_SCHEMA_VERSION } from "@baton/orchestrator";

/**
 * How every store writes the state: one JSON record per claim, one per issue's token spend, the
 * completed issue ids, and one small meta record for the rest. Shared so that the stores read and
 * repair alike. Each issue's spend has its own record because it changes with every token event:
 * in one meta record, 200 issues made every save (and every state answer saves) ~50 KB long.
 */
export interface MetaRecord {
  schema_version: number;
  totals: OrchestratorState["totals"];
  rate_limits: unknown;
  retry_seq: number;
  /** The period's spend (B.budget). */
  budget_period?: OrchestratorState["budget"]["period"];
  /** Read only: spend per issue and period as states saved before spend records kept it. */
  budget?: OrchestratorState["budget"];
}

export interface StateRecords {
  meta: string | null;
  claims: [issueId: string, json: string][];
  /** Each issue's token spend (absent in states saved before spend records existed). */
  spend?: [issueId: string, json: string][];
  completed: string[];
}

export function metaRecord(state: OrchestratorState): MetaRecord {
  return {
    schema_version: STATE_SCHEMA_VERSION,
    totals: state.totals,
    rate_limits: state.rate_limits,
    retry_seq: state.retry_seq,
    budget_period: state.budget.period,
  };
}

type IssueSpend = OrchestratorState["budget"]["issues"][string];

/**
 * The issues whose spend differs from what `written` holds (spend objects are replaced, never
 * changed in place, so identity says it). Issues are never dropped from the ledger, so there is
 * nothing to delete.
 */
export function changedSpend(
  state: OrchestratorState,
  written: ReadonlyMap<string, IssueSpend>,
): [issueId: string, spend: IssueSpend][] {
  const changed: [string, IssueSpend][] = [];
  const issues = state.budget.issues;
  for (const id in issues) {
    const spend = issues[id]!;
    if (written.get(id) !== spend) changed.push([id, spend]);
  }
  return changed;
}

/** Marks the spend records a load read as written: only those, so spend from an older meta record gets its own. */
export function markLoadedSpend(
  state: OrchestratorState | null,
  records: StateRecords,
  badSpend: readonly string[],
  written: Map<string, IssueSpend>,
): void {
  if (state === null) return;
  for (const [id] of records.spend ?? [])
    if (!badSpend.includes(id)) written.set(id, state.budget.issues[id]!);
}

function isIssueSpend(value: unknown): value is IssueSpend {
  if (typeof value !== "object" || value === null) return false;
  const spend = value as Partial<IssueSpend>;
  return typeof spend.tokens === "number" && typeof spend.sessions === "object" && spend.sessions !== null;
}

function isClaim(value: unknown): value is Claim {
  if (typeof value !== "object" || value === null) return false;
  const claim = value as Partial<Claim>;
  return (
    (claim.status === "running" ||
      claim.status === "retry_queued" ||
      claim.status === "blocked" ||
      claim.status === "stopped" ||
      claim.status === "awaiting_approval") &&
    typeof claim.run_id === "string" &&
    typeof claim.issue === "object" &&
    claim.issue !== null &&
    Array.isArray(claim.recent_events) &&
    typeof claim.session === "object"
  );
}

/** The schema version a meta record names, or undefined when it is unreadable. */
export function schemaVersionOf(meta: string | null): number | undefined {
  if (meta === null) return undefined;
  try {
    const version = (JSON.parse(meta) as Partial<MetaRecord>).schema_version;
    return typeof version === "number" ? version : undefined;
  } catch {
    return undefined;
  }
}

/** An older Baton refuses a newer state rather than misreading it. */
export function checkSchemaVersion(meta: string | null, where: string, moveAsideHint: string): void {
  const version = schemaVersionOf(meta);
  if (version !== undefined && version > STATE_SCHEMA_VERSION) {
    throw new BatonError(
      "state_schema_newer",
      `${where} was written by a newer Baton (state schema ${version}; this Baton reads up to ${STATE_SCHEMA_VERSION}). Upgrade Baton, or ${moveAsideHint} to start afresh.`,
      { path: where, schema_version: version },
    );
  }
}

/**
 * The state the records hold (null when there are none), with the records that could not be
 * read: `badMeta` when the meta record did not parse, `badClaims` the issue ids of claims that
 * did not. Dropping them is the caller's decision (and its warning).
 */
export function stateFromRecords(records: StateRecords): {
  state: OrchestratorState | null;
  badMeta: boolean;
  badClaims: string[];
  /** Issue ids whose spend record did not parse. */
  badSpend: string[];
} {
  const badClaims: string[] = [];
  const badSpend: string[] = [];
  const spend = records.spend ?? [];
  if (
    records.meta === null &&
    records.claims.length === 0 &&
    records.completed.length === 0 &&
    spend.length === 0
  )
    return { state: null, badMeta: false, badClaims, badSpend };
  const state = emptyState();
  let badMeta = false;
  if (records.meta !== null) {
    let meta: Partial<MetaRecord> | null = null;
    try {
      meta = JSON.parse(records.meta) as Partial<MetaRecord>;
    } catch {
      badMeta = true;
    }
    if (meta !== null) {
      if (meta.totals) state.totals = meta.totals;
      state.rate_limits = meta.rate_limits ?? null;
      state.retry_seq = meta.retry_seq ?? 0;
      if (meta.budget) state.budget = meta.budget;
      if (meta.budget_period) state.budget = { ...state.budget, period: meta.budget_period };
    }
  }
  for (const [issueId, json] of spend) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      parsed = null;
    }
    if (isIssueSpend(parsed)) state.budget.issues[issueId] = parsed;
    else badSpend.push(issueId);
  }
  for (const [issueId, json] of records.claims) {
    let claim: unknown;
    try {
      claim = JSON.parse(json);
    } catch {
      claim = null;
    }
    if (isClaim(claim))
      state.claims[issueId] = { ...CLAIM_DEFAULTS, ...claim, pipeline: claim.pipeline ?? null };
    else badClaims.push(issueId);
  }
  for (const issueId of records.completed) state.completed[issueId] = true;
  return { state, badMeta, badClaims, badSpend };
}
