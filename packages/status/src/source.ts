import type {
  IssueDetail,
  OperatorActionResult,
  OrchestratorEvent,
  OrchestratorSnapshot,
  RefreshResult,
} from "@baton/orchestrator";

export interface ErrorView {
  category: string;
  message: string;
}

/** The live WORKFLOW.md as operators see it (part of `GET /api/v1/state`). */
export interface WorkflowStatus {
  path: string;
  last_reload: { outcome: "applied" | "rejected"; at: string; error: ErrorView | null } | null;
  /** Set while the newest file version is invalid (the last good one stays in effect). */
  error: (ErrorView & { at: string }) | null;
}

export type WorkflowEvent =
  | { type: "workflow_reloaded"; at: string; path: string; warnings: string[] }
  | { type: "workflow_reload_failed"; at: string; path: string; error: ErrorView };

/** What the event stream carries: orchestrator changes plus config reload results. */
export type StatusEvent = OrchestratorEvent | WorkflowEvent;

export interface SessionLogRef {
  label: string;
  path: string;
  url: string | null;
}

export type IssueDetailView = IssueDetail & { logs: { codex_session_logs: SessionLogRef[] } };

/** Whether Baton's own log files are being written (part of `GET /api/v1/state`). */
export interface LogsStatus {
  root: string;
  /** `failing` once a log file could not be written; Baton keeps scheduling without it. */
  status: "ok" | "failing";
  problems: { sink: string; path: string; reason: string; at: string }[];
}

/** One page of an issue's session log: events from `cursor` on, and where the next page starts. */
export interface SessionEventsPage {
  events: Record<string, unknown>[];
  next_cursor: number;
  has_more: boolean;
}

export type StateView = OrchestratorSnapshot & { workflow: WorkflowStatus; logs: LogsStatus | null };

/**
 * Everything the status server reads, so tests can stand in for the orchestrator (e.g. a snapshot
 * that never answers). `snapshot` and `issueDetail` reject with BatonError `snapshot_unavailable`
 * when the orchestrator is not running; the server bounds how long it waits for them.
 */
export interface StatusSource {
  snapshot(): OrchestratorSnapshot | Promise<OrchestratorSnapshot>;
  issueDetail(identifier: string): IssueDetailView | null | Promise<IssueDetailView | null>;
  /** `queued: false` means the orchestrator is not running. */
  requestRefresh(): RefreshResult;
  workflow(): WorkflowStatus;
  /** The log files' health, when the service writes any. */
  logs?(): LogsStatus | null;
  /** Operator stop (B.operator-stop); `reason` is required. */
  stopIssue(identifier: string, reason: string): Promise<OperatorActionResult>;
  /** Operator retry now (B.operator-retry). */
  retryIssue(identifier: string): Promise<OperatorActionResult>;
  /** Approve the gate the issue waits at (B.phases-gate-approve); `by` names who, for the log. */
  approveGate(identifier: string, by: string | null, note?: string | null): Promise<OperatorActionResult>;
  /** Reject it with a reason that goes back to the gate's `on_reject` phase (B.phases-gate-reject). */
  rejectGate(identifier: string, reason: string, by: string | null): Promise<OperatorActionResult>;
  /**
   * A page of the issue's session log (B.operator-session-events): `limit` events after byte
   * `cursor`; null when the service keeps no log for that issue.
   */
  sessionEvents(identifier: string, cursor: number, limit: number): Promise<SessionEventsPage | null>;
  subscribe(listener: (event: StatusEvent) => void): () => void;
}
