import type { Logger } from "@baton/domain";
import type { Claim, OrchestratorState } from "@baton/orchestrator";
import { CLAIM_DEFAULTS, emptyState, newSession } from "@baton/orchestrator";
import { makeIssue } from "@baton/tracker";

/** A logger that keeps every line (message and fields) so tests can read what an operator would. */
export function recordingLogger(): Logger & { lines: { level: string; msg: string; fields: string }[] } {
  const lines: { level: string; msg: string; fields: string }[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, msg?: string): void => {
      lines.push({ level, msg: msg ?? "", fields: JSON.stringify(fields) });
    };
  const logger = {
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A saved claim with every field set, as the orchestrator writes one. */
export function claim(id: string, fields: Partial<Claim> = {}): Claim {
  return {
    status: "retry_queued",
    issue: makeIssue({ id, identifier: `BAT-${id}`, state: "Todo" }),
    pipeline: null,
    run_id: `run-${id}`,
    attempt: 2,
    started_at_ms: null,
    stop_request: null,
    processes: [],
    ...CLAIM_DEFAULTS,
    due_at_ms: 1_000_000,
    retry: { kind: "failure", cause: "failure", seq: 3 },
    blocked_at_ms: null,
    last_error: { category: "turn_failed", message: "boom", details: { turn: 1 } },
    workspace_path: `/ws/BAT-${id}`,
    session: newSession(),
    recent_events: [{ at_ms: 1, event: "dispatched", message: "first attempt" }],
    ...fields,
  };
}

export function stateWith(...claims: Claim[]): OrchestratorState {
  return {
    ...emptyState(),
    claims: Object.fromEntries(claims.map((entry) => [entry.issue.id, entry])),
    totals: { input_tokens: 10, output_tokens: 5, total_tokens: 15, ended_seconds: 3 },
    rate_limits: { primary: { used_percent: 10 } },
    retry_seq: 3,
  };
}
