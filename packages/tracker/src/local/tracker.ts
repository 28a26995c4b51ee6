import { type FSWatcher, watch as watchFolder } from "node:fs";
import type {
  AgentToolSpec,
  Issue,
  Logger,
  ToolContext,
  ToolResult,
  TrackerAdapter,
  TrackerComment,
  TrackerConfigContext,
  TrackerSettings,
} from "@baton/domain";
import { silentLogger } from "@baton/domain";
import { executeLocalTrackerTool, LOCAL_TRACKER_TOOL, localTrackerToolSpec } from "./agent-tool.ts";
import { LocalTicketStore } from "./store.ts";
import { identifierFromFileName } from "./ticket-format.ts";

export interface LocalTrackerOptions {
  /** Absolute path of the ticket folder. */
  folder: string;
  prefix?: string;
  activeStates: readonly string[];
  terminalStates: readonly string[];
  /** Directory that `native_ref.path` and messages are relative to (the WORKFLOW.md directory). */
  relativeTo?: string;
  logger?: Logger;
  now?: () => Date;
}

/**
 * After a signal, folder events are gathered for this long into at most one more signal: the first
 * event of a burst is told at once (pickup latency), the rest of the burst once (one save, few ticks).
 */
const WATCH_COALESCE_MS = 50;

/** Authors Baton writes comments as: its own (`baton`) and its agent's tool (`agent`). */
const BATON_AUTHORS = new Set(["baton", "agent"]);

/** The `local` tracker kind: tickets are Markdown files in one folder (see docs/trackers/local.md). */
export class LocalTracker implements TrackerAdapter {
  readonly kind = "local";
  readonly store: LocalTicketStore;
  private readonly logger: Logger;
  private readonly stops = new Set<() => void>();

  constructor(options: LocalTrackerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.store = new LocalTicketStore(options.folder, { ...options, logger: this.logger });
  }

  async fetchIssuesByStates(stateNames: readonly string[]): Promise<Issue[]> {
    if (stateNames.length === 0) return [];
    return this.store.list(stateNames);
  }

  async fetchIssuesByIds(issueIds: readonly string[]): Promise<Issue[]> {
    if (issueIds.length === 0) return [];
    return this.store.find(issueIds);
  }

  async fetchIssue(issueId: string): Promise<Issue | null> {
    return (await this.store.find([issueId]))[0] ?? null;
  }

  secretEnvironmentNames(): string[] {
    return [];
  }

  /** B.budget write-back: a comment by `baton` on the ticket. */
  async commentOnIssue(issueId: string, body: string): Promise<void> {
    for (const issue of await this.store.find([issueId]))
      await this.store.comment(issue.identifier, body, "baton");
  }

  async moveIssue(issueId: string, stateName: string): Promise<void> {
    for (const issue of await this.store.find([issueId])) await this.store.move(issue.identifier, stateName);
  }

  /**
   * Comments in the ticket file dated after `since`, oldest first. A comment's id is its timestamp
   * plus its place among comments with the same timestamp (`<timestamp>#<n>`), stable while the
   * file only grows; its author is the text in its heading.
   */
  async fetchCommentsSince(issueId: string, since: string): Promise<TrackerComment[]> {
    const sinceMs = Date.parse(since);
    const { comments } = await this.store.details(issueId);
    const seen = new Map<string, number>();
    const found: TrackerComment[] = [];
    for (const comment of comments) {
      const n = (seen.get(comment.timestamp) ?? 0) + 1;
      seen.set(comment.timestamp, n);
      const at = Date.parse(comment.timestamp);
      if (!Number.isFinite(at) || !(at > sinceMs)) continue;
      found.push({
        id: `${comment.timestamp}#${n}`,
        created_at: new Date(at).toISOString(),
        body: comment.body,
        author: comment.author,
        author_keys: [comment.author.toLowerCase()],
        by_baton: BATON_AUTHORS.has(comment.author.toLowerCase()),
      });
    }
    return found.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  agentTools(): AgentToolSpec[] {
    return [localTrackerToolSpec];
  }

  async executeAgentTool(name: string, args: unknown, context: ToolContext): Promise<ToolResult> {
    if (name !== LOCAL_TRACKER_TOOL) {
      return {
        success: false,
        output: { error: { message: `unknown tool ${name}; available: local_tracker` } },
      };
    }
    return executeLocalTrackerTool(this.store, args, context);
  }

  /**
   * Signals `onChange` when a ticket file in the folder is written, moved or removed: at once for
   * the first event, then at most once per WATCH_COALESCE_MS while events keep coming. Each signal
   * names the tickets whose files changed (their ids are their identifiers), or nothing when an
   * event did not name a ticket file (another file, or a platform that gives no file name).
   */
  watch(onChange: (issueIds?: readonly string[]) => void): () => void {
    const folder = this.store.folder;
    let timer: NodeJS.Timeout | undefined;
    /** What changed since the last signal: ticket identifiers, or null once something unnamed did. */
    let pending: Set<string> | null | undefined;
    let watcher: FSWatcher;
    const notify = (changed: Set<string> | null) => {
      try {
        if (changed === null) onChange();
        else onChange([...changed]);
      } catch (error) {
        this.logger.error({ folder, error: String(error) }, "ticket folder change listener failed");
      }
    };
    const quiet = () => {
      timer = undefined;
      if (pending === undefined) return;
      const changed = pending;
      pending = undefined;
      notify(changed);
      timer = setTimeout(quiet, WATCH_COALESCE_MS);
    };
    try {
      watcher = watchFolder(folder, (_event, fileName) => {
        // Our own temp and lock files are dot-files; the rename that publishes a ticket is reported under its name.
        if (fileName?.startsWith(".")) return;
        const identifier = fileName ? identifierFromFileName(fileName) : null;
        if (timer === undefined) {
          notify(identifier === null ? null : new Set([identifier]));
          timer = setTimeout(quiet, WATCH_COALESCE_MS);
          return;
        }
        if (identifier === null) pending = null;
        else if (pending !== null) {
          pending ??= new Set();
          pending.add(identifier);
        }
      });
    } catch (error) {
      this.logger.warn(
        { folder, reason: String(error) },
        "cannot watch the ticket folder; ticket changes are noticed at the next poll",
      );
      return () => {};
    }
    const stop = () => {
      clearTimeout(timer);
      watcher.close();
      this.stops.delete(stop);
    };
    watcher.on("error", (error) => {
      this.logger.warn({ folder, reason: String(error) }, "stopped watching the ticket folder");
      stop();
    });
    this.stops.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    for (const stop of [...this.stops]) stop();
  }
}

/** Builds the adapter from resolved settings (`provider.path` absolute, `provider.prefix` checked). */
export function createLocalTracker(
  settings: TrackerSettings,
  context: TrackerConfigContext & { logger?: Logger },
): LocalTracker {
  return new LocalTracker({
    folder: settings.provider.path as string,
    prefix: settings.provider.prefix as string,
    activeStates: settings.active_states,
    terminalStates: settings.terminal_states,
    relativeTo: context.workflowDir,
    ...(context.logger ? { logger: context.logger } : {}),
  });
}
