import { existsSync } from "node:fs";
import { BatonError } from "@baton/domain";
import type { Orchestrator } from "@baton/orchestrator";
import type {
  ErrorView,
  LogsStatus,
  SessionEventsPage,
  StatusEvent,
  StatusSource,
  WorkflowEvent,
  WorkflowStatus,
} from "./source.ts";

/** The parts of @baton/workflow's WorkflowStore the status views read. */
export interface WatchedWorkflow {
  readonly path: string;
  lastError(): { error: BatonError; at: Date } | null;
  subscribe(
    listener: (
      event:
        | { type: "reloaded"; config: { warnings: string[] } }
        | { type: "reload_failed"; error: BatonError; at: Date },
    ) => void,
  ): () => void;
}

export interface OrchestratorStatusSourceOptions {
  orchestrator: Pick<
    Orchestrator,
    | "snapshot"
    | "issueDetail"
    | "requestRefresh"
    | "subscribe"
    | "stopIssue"
    | "retryIssue"
    | "approveGate"
    | "rejectGate"
  >;
  workflow: WatchedWorkflow;
  /** False before the orchestrator started and after it stopped: reads then answer 503. */
  isRunning(): boolean;
  /** Where an issue's agent session log is written, if the service keeps one. */
  sessionLogPath?: (identifier: string) => string;
  /** Where the older part of a capped session log is kept after it rolled over. */
  previousSessionLogPath?: (identifier: string) => string;
  /** Health of the service's log files. */
  logs?: () => LogsStatus;
  /** Reads a page of an issue's session log (null when there is none); the one reader of those files. */
  readSessionLog?: (identifier: string, cursor: number, limit: number) => Promise<SessionEventsPage | null>;
  now?: () => Date;
}

function errorView(error: BatonError): ErrorView {
  return { category: error.category, message: error.message };
}

function unavailable(): BatonError {
  return new BatonError("snapshot_unavailable", "the orchestrator is not running (starting up or stopped)");
}

/**
 * The status views of a live Baton: orchestrator snapshots and events, plus the outcome of every
 * WORKFLOW.md reload (kept from construction on, so the last one is known even with no client).
 */
export class OrchestratorStatusSource implements StatusSource {
  private lastReload: WorkflowStatus["last_reload"] = null;
  private readonly listeners = new Set<(event: StatusEvent) => void>();
  private readonly stopWatching: () => void;
  private readonly now: () => Date;

  constructor(private readonly options: OrchestratorStatusSourceOptions) {
    this.now = options.now ?? (() => new Date());
    this.stopWatching = options.workflow.subscribe((event) => {
      const path = options.workflow.path;
      let published: WorkflowEvent;
      if (event.type === "reloaded") {
        const at = this.now().toISOString();
        this.lastReload = { outcome: "applied", at, error: null };
        published = { type: "workflow_reloaded", at, path, warnings: event.config.warnings };
      } else {
        const at = event.at.toISOString();
        this.lastReload = { outcome: "rejected", at, error: errorView(event.error) };
        published = { type: "workflow_reload_failed", at, path, error: errorView(event.error) };
      }
      for (const listener of this.listeners) listener(published);
    });
  }

  snapshot() {
    if (!this.options.isRunning()) throw unavailable();
    return this.options.orchestrator.snapshot();
  }

  issueDetail(identifier: string) {
    if (!this.options.isRunning()) throw unavailable();
    const detail = this.options.orchestrator.issueDetail(identifier);
    if (detail === null) return null;
    const files = [
      { label: "latest", path: this.options.sessionLogPath?.(identifier) },
      { label: "previous", path: this.options.previousSessionLogPath?.(identifier) },
    ];
    const logs = files
      .filter(
        (file): file is { label: string; path: string } => file.path !== undefined && existsSync(file.path),
      )
      .map((file) => ({ ...file, url: null }));
    return { ...detail, logs: { codex_session_logs: logs } };
  }

  requestRefresh() {
    return this.options.orchestrator.requestRefresh();
  }

  stopIssue(identifier: string, reason: string) {
    return this.options.orchestrator.stopIssue(identifier, reason);
  }

  retryIssue(identifier: string) {
    return this.options.orchestrator.retryIssue(identifier);
  }

  approveGate(identifier: string, by: string | null, note: string | null = null) {
    return this.options.orchestrator.approveGate(identifier, by, note);
  }

  rejectGate(identifier: string, reason: string, by: string | null) {
    return this.options.orchestrator.rejectGate(identifier, reason, by);
  }

  async sessionEvents(identifier: string, cursor: number, limit: number): Promise<SessionEventsPage | null> {
    return (await this.options.readSessionLog?.(identifier, cursor, limit)) ?? null;
  }

  workflow(): WorkflowStatus {
    const failure = this.options.workflow.lastError();
    return {
      path: this.options.workflow.path,
      last_reload: this.lastReload,
      error: failure ? { ...errorView(failure.error), at: failure.at.toISOString() } : null,
    };
  }

  logs(): LogsStatus | null {
    return this.options.logs?.() ?? null;
  }

  subscribe(listener: (event: StatusEvent) => void): () => void {
    this.listeners.add(listener);
    const stopOrchestrator = this.options.orchestrator.subscribe(listener);
    return () => {
      this.listeners.delete(listener);
      stopOrchestrator();
    };
  }

  close(): void {
    this.stopWatching();
    this.listeners.clear();
  }
}
