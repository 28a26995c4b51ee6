import type { Issue } from "@baton/domain";
import { normalizeLabels, normalizeTimestamp } from "@baton/domain";
import type { StateLabelSettings } from "./profile.ts";
import { readState } from "./states.ts";

export const IDENTIFIER_PREFIX = "GH-";

export type Normalized = { ok: true; issue: Issue } | { ok: false; number: number | null; reason: string };

/**
 * Maps one issue of GitHub's REST API (`GET /repos/{owner}/{repo}/issues[/{number}]`) to the
 * normalized Issue. Required: a positive `number`, a non-blank `title`, a readable state. Everything
 * else falls back to null/empty when missing or unusable.
 */
export function normalizeIssue(raw: unknown, repo: string, labels: StateLabelSettings | null): Normalized {
  if (!isRecord(raw)) return { ok: false, number: null, reason: "the record is not a JSON object" };
  const number = raw.number;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number < 1) {
    return { ok: false, number: null, reason: "number is missing or not a positive integer" };
  }
  if (typeof raw.title !== "string" || raw.title.trim() === "") {
    return { ok: false, number, reason: "title is missing or blank" };
  }
  const labelNames = labelNamesOf(raw.labels);
  const state = readState(raw.state, labelNames, labels);
  if (!state.ok) return { ok: false, number, reason: state.reason };
  const assignee = isRecord(raw.assignee) ? raw.assignee.login : null;
  return {
    ok: true,
    issue: {
      id: String(number),
      native_ref: {
        id: typeof raw.id === "number" ? raw.id : null,
        node_id: typeof raw.node_id === "string" ? raw.node_id : null,
        number,
        repo,
      },
      identifier: `${IDENTIFIER_PREFIX}${number}`,
      title: raw.title.trim(),
      description: typeof raw.body === "string" && raw.body.trim() !== "" ? raw.body : null,
      priority: null,
      state: state.state,
      branch_name: null,
      url: typeof raw.html_url === "string" && raw.html_url !== "" ? raw.html_url : null,
      assignee_id: typeof assignee === "string" && assignee !== "" ? assignee : null,
      labels: normalizeLabels(labelNames),
      blocked_by: [],
      // Pull requests come back from the issues endpoint too; they are never work items.
      dispatchable: !isRecord(raw.pull_request),
      created_at: normalizeTimestamp(raw.created_at),
      updated_at: normalizeTimestamp(raw.updated_at),
    },
  };
}

/** Label names as written; GitHub documents each entry as a string or an object with `name`. */
function labelNamesOf(labels: unknown): string[] {
  if (!Array.isArray(labels)) return [];
  return labels.flatMap((label) => {
    const name = isRecord(label) ? label.name : label;
    return typeof name === "string" ? [name] : [];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
