import type { BlockerRef, Issue } from "@baton/domain";
import { normalizeLabels, normalizePriority, normalizeState, normalizeTimestamp } from "@baton/domain";

/** What decides `dispatchable` besides the issue itself. */
export interface DispatchRules {
  terminalStates: readonly string[];
  /** Resolved Linear user id the issue must be assigned to, or null when any assignee is fine. */
  assigneeId: string | null;
}

export type NormalizedNode = { issue: Issue } | { malformed: string; id: string | null };

/** The state in which blockers hold an issue back, as the reference implementation does. */
const GATED_STATE = "todo";
const BLOCKING_RELATION = "blocks";

/**
 * Maps one Linear `Issue` node (see queries.ts) to the normalized Issue of SPEC 4.1.1 / 11.3.
 * Required fields missing make the node malformed; unusable optional values become null or are
 * dropped.
 */
export function normalizeLinearIssue(node: unknown, rules: DispatchRules): NormalizedNode {
  const record = asRecord(node);
  const id = text(record?.id);
  if (record === null) return { malformed: "the issue node is not an object", id: null };
  const identifier = text(record.identifier);
  const title = text(record.title);
  const state = text(asRecord(record.state)?.name);
  const missing = [
    ["id", id],
    ["identifier", identifier],
    ["title", title],
    ["state.name", state],
  ].find(([, value]) => value === null);
  if (missing !== undefined) return { malformed: `${missing[0]} is missing or blank`, id };

  const team = asRecord(record.team);
  const blockedBy = blockers(record.inverseRelations);
  const assigneeId = text(asRecord(record.assignee)?.id);
  const terminal = new Set(rules.terminalStates.map(normalizeState));
  const waitsOnBlocker =
    normalizeState(state!) === GATED_STATE &&
    blockedBy.some((blocker) => blocker.state === null || !terminal.has(normalizeState(blocker.state)));
  const assignedAsRequired = rules.assigneeId === null || assigneeId === rules.assigneeId;

  return {
    issue: {
      id: id!,
      native_ref: {
        id: id!,
        identifier: identifier!,
        team_id: text(team?.id),
        team_key: text(team?.key),
      },
      identifier: identifier!,
      title: title!,
      description: text(record.description, false),
      priority: normalizePriority(record.priority),
      state: state!,
      branch_name: text(record.branchName),
      url: text(record.url),
      assignee_id: assigneeId,
      labels: normalizeLabels(nodes(record.labels).map((label) => asRecord(label)?.name)),
      blocked_by: blockedBy,
      dispatchable: assignedAsRequired && !waitsOnBlocker,
      created_at: normalizeTimestamp(record.createdAt),
      updated_at: normalizeTimestamp(record.updatedAt),
    },
  };
}

/** Inverse relations of type `blocks` are the issues blocking this one; a relation without a usable issue stays as an unknown blocker. */
function blockers(connection: unknown): BlockerRef[] {
  return nodes(connection).flatMap((relation) => {
    const record = asRecord(relation);
    if (record?.type !== BLOCKING_RELATION) return [];
    const issue = asRecord(record.issue);
    return [
      { id: text(issue?.id), identifier: text(issue?.identifier), state: text(asRecord(issue?.state)?.name) },
    ];
  });
}

function nodes(connection: unknown): unknown[] {
  const list = asRecord(connection)?.nodes;
  return Array.isArray(list) ? list : [];
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Non-blank text (trimmed unless `trim` is false), else null. */
function text(value: unknown, trim = true): string | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  return trim ? value.trim() : value;
}
