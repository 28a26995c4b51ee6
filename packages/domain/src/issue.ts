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

/** States compare after trim + lowercase (SPEC 4.2). */
export function normalizeState(state: string): string {
  return state.trim().toLowerCase();
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
