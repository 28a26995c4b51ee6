import type { Logger } from "@baton/domain";
import type { OrchestratorEvent } from "./events.ts";
import type { LogFields, LogLevel } from "./log-line.ts";
import { writeLog } from "./log-line.ts";

interface LogEntry {
  level: LogLevel;
  fields: LogFields;
}

/** The key=value line of a transition (SPEC 13.1), or null when it is not logged. */
export function logEntryOf(event: OrchestratorEvent, debug: boolean): LogEntry | null {
  switch (event.type) {
    case "dispatched":
      return {
        level: "info",
        fields: { action: "dispatch", outcome: "started", attempt: event.attempt, state: event.state },
      };
    case "dispatch_skipped":
      return { level: "info", fields: { action: "dispatch", outcome: "skipped", reason: event.reason } };
    case "dispatch_failed":
      return {
        level: "error",
        fields: {
          action: "dispatch",
          outcome: "failed",
          attempt: event.attempt,
          reason: `${event.error.category}: ${event.error.message}`,
        },
      };
    case "workspace_ready":
      return debug
        ? { level: "debug", fields: { action: "workspace", outcome: "ready", path: event.path } }
        : null;
    case "worker_assigned":
      return {
        level: "info",
        fields: {
          action: "worker",
          outcome: "assigned",
          worker_host: event.worker_host,
          worker_pid: event.worker_pid,
        },
      };
    case "process_started":
      return { level: "debug", fields: { action: "agent_process", outcome: "started", pid: event.pid } };
    case "agent_event":
      if (event.turn_started !== undefined) {
        return {
          level: "info",
          fields: { action: "turn", outcome: "started", turn_count: event.turn_started },
        };
      }
      return debug
        ? {
            level: "debug",
            fields: { action: "agent_event", event: event.event.event, message: event.event.summary },
          }
        : null;
    case "worker_exited":
      return {
        level: event.outcome === "normal" || event.outcome === "cancelled" ? "info" : "warn",
        fields: {
          action: "worker_exit",
          outcome: event.outcome,
          turns: event.turns ?? undefined,
          reason: event.reason ?? undefined,
        },
      };
    case "retry_scheduled":
      return {
        level: "info",
        fields: {
          action: "retry",
          outcome: "scheduled",
          attempt: event.attempt,
          kind: event.kind,
          delay_ms: event.delay_ms,
          reason: event.error ?? undefined,
        },
      };
    case "blocked":
      return {
        level: "warn",
        fields: { action: "block", outcome: "held", reason: event.error, retry: "none" },
      };
    case "budget_exceeded":
      return {
        level: "warn",
        fields: {
          action: "budget",
          outcome: "exceeded",
          scope: event.scope,
          used: event.used,
          limit: event.limit,
          move_to_state: event.move_to_state,
          retry: "none",
        },
      };
    case "tool_call":
      return null;
    case "handoff_recorded":
      return { level: "info", fields: { action: "handoff", outcome: "recorded", state: event.state } };
    case "reconcile_deferred":
      return { level: "debug", fields: { action: "reconcile", outcome: event.outcome, state: event.state } };
    case "operator_stopped":
      return {
        level: "info",
        fields: { action: "operator_stop", outcome: "held", reason: event.reason, retry: "none" },
      };
    case "operator_retry":
      return {
        level: "info",
        fields: { action: "operator_retry", outcome: "queued", from: event.from, attempt: event.attempt },
      };
    case "released":
      return { level: "info", fields: { action: "release", outcome: "released", reason: event.reason } };
    case "workflow_phase":
      return {
        level: event.status === "failed" ? "warn" : "info",
        fields: {
          action: "workflow_phase",
          outcome: event.status,
          cycles: event.cycles,
          reason: event.message,
        },
      };
    case "gate_waiting":
      return { level: "info", fields: { action: "gate", outcome: "waiting", gate: event.gate_id } };
    case "gate_decided":
      return {
        level: "info",
        fields: {
          action: "gate",
          outcome: event.decision === "approve" ? "approved" : "rejected",
          gate: event.gate_id,
          by: event.by ?? undefined,
          reason: event.reason ?? undefined,
        },
      };
    case "approval_comment_ignored":
      return {
        level: "warn",
        fields: {
          action: "approval_comment",
          outcome: "ignored",
          comment_id: event.comment_id,
          author: event.author,
          reason: event.reason,
        },
      };
    case "pipeline_ended":
      return {
        level: event.outcome === "succeeded" ? "info" : "warn",
        fields: {
          action: "pipeline",
          outcome: event.outcome,
          move_to_state: event.move_to_state ?? undefined,
          reason: event.reason ?? undefined,
        },
      };
    case "stopped":
      return {
        level: "info",
        fields: {
          action: "stop",
          outcome: "requested",
          reason: event.reason,
          cleanup: event.cleanup,
          elapsed_ms: event.elapsed_ms,
          state: event.state,
        },
      };
    case "workspace_cleanup":
      return event.ok
        ? {
            level: "info",
            fields: { action: "workspace_cleanup", outcome: event.requested ? "requested" : "completed" },
          }
        : { level: "warn", fields: { action: "workspace_cleanup", outcome: "failed", reason: event.error } };
    case "state_restored":
      return {
        level: event.warnings.length > 0 ? "warn" : "info",
        fields: {
          action: "state_restore",
          outcome: "loaded",
          running_lost: event.running_lost,
          running_reattached: event.running_reattached,
          retrying: event.retrying,
          blocked: event.blocked,
          stopped: event.stopped,
          awaiting_approval: event.awaiting_approval,
          warnings: event.warnings.length > 0 ? event.warnings.join("; ") : undefined,
        },
      };
    case "leftover_killed":
      return {
        level: "warn",
        fields: { action: "leftover_cleanup", outcome: "killed", pids: event.pids.join(",") },
      };
    case "state_store_failed":
      return {
        level: "error",
        fields: {
          action: "state_store",
          outcome: "failed",
          reason: `${event.error.category}: ${event.error.message}`,
          dispatch: "paused",
        },
      };
    case "state_store_recovered":
      return { level: "info", fields: { action: "state_store", outcome: "recovered", dispatch: "resumed" } };
    case "tick_completed":
      return {
        level: "debug",
        fields: {
          action: "tick",
          outcome: "completed",
          dispatched: event.dispatched,
          running: event.running,
          retrying: event.retrying,
          blocked: event.blocked,
          stopped: event.stopped,
        },
      };
    case "preflight_failed":
      return {
        level: "error",
        fields: {
          action: "preflight",
          outcome: "failed",
          reason: `${event.error.category}: ${event.error.message}`,
          dispatch: "skipped",
        },
      };
    case "tracker_error":
      return {
        level: "warn",
        fields: {
          action: event.operation,
          outcome: "failed",
          reason: `${event.error.category}: ${event.error.message}`,
        },
      };
    case "startup_cleanup":
      return event.ok
        ? {
            level: "info",
            fields: {
              action: "startup_cleanup",
              outcome: "completed",
              terminal_issues: event.terminal_issues,
            },
          }
        : { level: "warn", fields: { action: "startup_cleanup", outcome: "skipped", reason: event.error } };
    case "shutdown":
      return {
        level: event.timed_out ? "warn" : "info",
        fields: {
          action: "shutdown",
          outcome: event.timed_out ? "timed_out" : "completed",
          still_running: event.still_running,
        },
      };
  }
}

/**
 * The log subscriber: one key=value line per logged transition, on a child logger carrying the
 * issue (and session) it concerns. A failing log sink never takes the scheduler down (SPEC 14.2).
 */
export function eventLogger(logger: Logger): (event: OrchestratorEvent) => void {
  const debug = logger.isLevelEnabled?.("debug") ?? false;
  return (event) => {
    const entry = logEntryOf(event, debug);
    if (entry === null) return;
    try {
      let target = logger;
      if ("issue_id" in event) {
        const bindings: Record<string, unknown> = {
          issue_id: event.issue_id,
          issue_identifier: event.issue_identifier,
        };
        if ("session_id" in event && event.session_id) bindings.session_id = event.session_id;
        if (event.workflow_phase !== undefined) bindings.workflow_phase = event.workflow_phase;
        target = logger.child(bindings);
      }
      writeLog(target, entry.level, entry.fields);
    } catch {
      // A failing log sink must not take the scheduler down with it (SPEC 14.2).
    }
  };
}
