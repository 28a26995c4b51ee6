/** Best-effort reference to an issue that blocks this one (SPEC 4.1.1). */
export interface BlockerRef {
  id: string | null;
  identifier: string | null;
  state: string | null;
}

/**
 * The normalized schedulable work item (SPEC 4.1.1, 11.3). Field names are snake_case because the
 * record is exposed as-is to prompt templates (`{{ issue.branch_name }}`) and the HTTP API.
 * Timestamps are RFC 3339 strings in UTC (`Date#toISOString`) or null.
 */
export interface Issue {
  id: string;
  native_ref: Record<string, unknown> | null;
  identifier: string;
  title: string;
  description: string | null;
  priority: number | null;
  state: string;
  branch_name: string | null;
  url: string | null;
  assignee_id: string | null;
  labels: string[];
  blocked_by: BlockerRef[];
  dispatchable: boolean;
  created_at: string | null;
  updated_at: string | null;
}

/** Normalized states by raw name: a tracker uses a handful, and a tick normalizes them for every candidate. */
const normalizedStates = new Map<string, string>();
const NORMALIZED_STATES_LIMIT = 1_000;

/** States compare after trim + lowercase (SPEC 4.2). */
export function normalizeState(state: string): string {
  let normalized = normalizedStates.get(state);
  if (normalized === undefined) {
    normalized = state.trim().toLowerCase();
    // Bounded: a tracker that invents state names cannot grow it without limit.
    if (normalizedStates.size >= NORMALIZED_STATES_LIMIT) normalizedStates.clear();
    normalizedStates.set(state, normalized);
  }
  return normalized;
}

/** Labels are trimmed, lowercased, blank ones dropped and duplicates removed (SPEC 11.3). */
export function normalizeLabels(labels: Iterable<unknown>): string[] {
  const seen = new Set<string>();
  for (const label of labels) {
    if (typeof label !== "string") continue;
    const normalized = label.trim().toLowerCase();
    if (normalized !== "") seen.add(normalized);
  }
  return [...seen];
}

/** Parses an RFC 3339 timestamp into canonical UTC form; unusable values become null (SPEC 11.3). */
export function normalizeTimestamp(value: unknown): string | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Integer priority or null (SPEC 11.3). */
export function normalizePriority(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) ? value : null;
}
