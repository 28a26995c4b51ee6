/**
 * The error categories whose value decides behaviour, in one typed catalog. A category here says
 * what the orchestrator does when a run fails with it (`run`: retry with backoff, or block the
 * claim until the ticket leaves active states) and which HTTP status the status API answers with.
 * Categories not listed are still valid BatonErrors: a run failing with one is retried, and the
 * API answers 500.
 */
export const ERROR_CATALOG = {
  // Agent runs (SPEC 10.6, Baton's blocked outcome).
  approval_required: { run: "block" },
  turn_input_required: { run: "block" },
  /** B.phases: a gated agent request went unanswered for approvals.agent_wait_ms; the issue waits for the answer. */
  agent_request_unanswered: { run: "block" },
  turn_failed: { run: "retry" },
  turn_timeout: { run: "retry" },
  turn_cancelled: { run: "retry" },
  agent_spawn_failed: { run: "retry" },
  worker_error: { run: "retry" },
  worker_crashed: { run: "retry" },
  stalled: { run: "retry" },
  /** The Baton that ran the attempt died; the run is counted as failed and retried. */
  orchestrator_restarted: { run: "retry" },
  /** The durable state could not be written: nothing new is dispatched (no effect without its record). */
  state_store_failed: { run: "retry" },
  // Status API.
  bad_request: { http: 400 },
  unauthorized: { http: 401 },
  forbidden_host: { http: 403 },
  cross_origin_refused: { http: 403 },
  not_found: { http: 404 },
  issue_not_found: { http: 404 },
  method_not_allowed: { http: 405 },
  conflict: { http: 409 },
  payload_too_large: { http: 413 },
  unsupported_media_type: { http: 415 },
  json_required: { http: 415 },
  internal_error: { http: 500 },
  snapshot_unavailable: { http: 503 },
  orchestrator_unavailable: { http: 503 },
  snapshot_timeout: { http: 504 },
} as const satisfies Record<string, { run?: "retry" | "block"; http?: number }>;

export type ErrorCategory = keyof typeof ERROR_CATALOG;

function entryOf(category: string): { run?: "retry" | "block"; http?: number } | undefined {
  return Object.hasOwn(ERROR_CATALOG, category) ? ERROR_CATALOG[category as ErrorCategory] : undefined;
}

/** What the orchestrator does with a run that failed with this category. */
export function runFailureDisposition(category: string): "retry" | "block" {
  return entryOf(category)?.run ?? "retry";
}

/** The HTTP status the status API answers an error of this category with, or undefined when it has none. */
export function httpStatusOf(category: string): number | undefined {
  return entryOf(category)?.http;
}

/** A BatonError as plain data: what the durable state keeps and the API shows. */
export interface ErrorRecord {
  category: string;
  message: string;
  details: Record<string, unknown>;
}
