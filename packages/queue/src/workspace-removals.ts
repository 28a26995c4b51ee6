import { lstat, readFile, rename, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@baton/domain";
import { toBatonError } from "@baton/domain";
import type { RunSpec } from "@baton/runner";
import type { Redis } from "ioredis";
import { entryMessages, queueKeys, type WorkspaceRemovalRequest } from "./wire.ts";

/** What a worker needs of a workspace manager to remove a terminal issue's workspace. */
export interface WorkspaceRemover {
  pathFor(identifier: string): Promise<string>;
  /** Runs `before_remove` in the workspace, then deletes it; a missing workspace is a no-op. */
  remove(identifier: string): Promise<void>;
}

/**
 * Where a worker with `--workspace-root` keeps the id of the last removal request it handled, so a
 * restarted worker catches up on those made while it was away. Never a workspace's name: keys
 * have no `~` (packages/workspace/src/key.ts).
 */
export const REMOVALS_CURSOR_FILE = ".baton~removals";
/** How long one worker of a host holds a workspace's removal (its `before_remove` hook included). */
const REMOVING_LOCK_MS = 10 * 60 * 1000;
/**
 * Releases a removal lock only while this worker holds it: one that outlived its expiry may be
 * another worker's by then, and deleting that would let a third remove the same path at once.
 */
const RELEASE_IF_MINE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface WorkspaceRemovalsOptions {
  redis: Redis;
  queueName: string;
  /** This worker: its host names the lock that keeps workers sharing a root from removing twice. */
  worker: { id: string; host: string };
  /** `--workspace-root`, which replaces the workflow's root on this host; null keeps the workflow's. */
  workspaceRoot: string | null;
  workspacesFor: (
    settings: Pick<RunSpec, "workspace" | "hooks" | "sandbox">,
  ) => WorkspaceRemover | Promise<WorkspaceRemover>;
  logger: Logger;
}

/**
 * A queue worker's side of terminal-workspace cleanup (SPEC 8.5, 8.6): the orchestrator cannot reach
 * the workers' disks, so it adds a request to the queue's removal stream and every worker removes
 * its own copy, running `before_remove` here. Requests are handled one after another, off the
 * inbox loop, so a slow hook never delays a tool call's answer. A copy an attempt on this worker
 * is using stays; an attempt that starts meanwhile waits for the removal to finish.
 */
export class WorkspaceRemovals {
  private readonly keys;
  /** The last request handled (null until known); those up to `caughtUpTo` predate this worker. */
  private lastId: string | null = null;
  private caughtUpTo = "0-0";
  private handled: Promise<void> = Promise.resolve();
  private readonly attempts = new Map<string, number>();
  private readonly removing = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly options: WorkspaceRemovalsOptions) {
    this.keys = queueKeys(options.queueName);
  }

  get stream(): string {
    return this.keys.removals;
  }

  /**
   * Where to read requests from: the cursor saved in this host's workspace root (requests made
   * while no worker ran here), else the newest request (nothing here predates this worker).
   */
  async cursor(): Promise<string> {
    if (this.lastId !== null) return this.lastId;
    const newest = (await this.options.redis.xrevrange(this.keys.removals, "+", "-", "COUNT", 1)) as [
      string,
      string[],
    ][];
    this.caughtUpTo = newest[0]?.[0] ?? "0-0";
    const path = this.cursorPath();
    const saved = (path === null ? null : await readFile(path, "utf8").catch(() => null))?.trim() ?? "";
    this.lastId = /^\d+-\d+$/.test(saved) ? saved : this.caughtUpTo;
    return this.lastId;
  }

  /** Stream entries read from `cursor()` on, handled in order after those before them. */
  handle(entries: [string, string[]][]): void {
    this.lastId = entries.at(-1)?.[0] ?? this.lastId;
    this.handled = this.handled.then(async () => {
      for (const [id, fields] of entries) {
        if (this.stopped) return;
        for (const request of this.requestsOf(id, fields)) await this.remove(id, request);
        await this.saveCursor(id);
      }
    });
  }

  /**
   * An attempt of the issue starts on this worker: no removal takes its workspace until `leave`.
   * Resolves once a removal already under way has finished.
   */
  enter(identifier: string): Promise<void> {
    this.attempts.set(identifier, (this.attempts.get(identifier) ?? 0) + 1);
    return this.removing.get(identifier) ?? Promise.resolve();
  }

  leave(identifier: string): void {
    const left = (this.attempts.get(identifier) ?? 1) - 1;
    if (left > 0) this.attempts.set(identifier, left);
    else this.attempts.delete(identifier);
  }

  /** Dates a workspace's last use: a request made before it, read while catching up, leaves it. */
  async used(path: string): Promise<void> {
    const now = new Date();
    await utimes(path, now, now).catch(() => {});
  }

  /** Stops after the request being handled (its hook is bounded by `hooks.timeout_ms`). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.handled;
  }

  /** An unreadable entry is logged and passed over: it must not stop the requests after it. */
  private requestsOf(id: string, fields: string[]): WorkspaceRemovalRequest[] {
    try {
      return entryMessages<WorkspaceRemovalRequest>(fields);
    } catch (error) {
      this.options.logger.warn(
        { request_id: id, reason: `unreadable removal request: ${(error as Error).message}` },
        "action=workspace_cleanup outcome=failed",
      );
      return [];
    }
  }

  private cursorPath(): string | null {
    return this.options.workspaceRoot === null
      ? null
      : join(this.options.workspaceRoot, REMOVALS_CURSOR_FILE);
  }

  private async saveCursor(id: string): Promise<void> {
    const path = this.cursorPath();
    if (path === null) return;
    const temporary = `${path}.${process.pid}`;
    await writeFile(temporary, `${id}\n`)
      .then(() => rename(temporary, path))
      .catch((error: unknown) =>
        this.options.logger.warn(
          { path, reason: (error as Error).message },
          "action=workspace_cleanup outcome=cursor_not_saved",
        ),
      );
  }

  private async remove(requestId: string, request: WorkspaceRemovalRequest): Promise<void> {
    const { identifier } = request;
    const { workspaceRoot, redis, logger } = this.options;
    const settings = workspaceRoot === null ? request : { ...request, workspace: { root: workspaceRoot } };
    const log = { issue_identifier: identifier, request_id: requestId };
    const skip = (reason: string) =>
      logger.info({ ...log, reason }, "action=workspace_cleanup outcome=skipped");
    try {
      const workspaces = await this.options.workspacesFor(settings);
      const path = await workspaces.pathFor(identifier);
      const entry = await lstat(path).catch(() => null);
      if (entry === null) return;
      // A request made before this worker started, about a workspace used since (the issue came back).
      if (compareIds(requestId, this.caughtUpTo) <= 0 && entry.mtimeMs > Number(requestId.split("-")[0]))
        return skip("the workspace was used after the removal was requested");
      const lock = this.keys.removing(this.options.worker.host, path);
      const mine = this.options.worker.id;
      if ((await redis.set(lock, mine, "PX", REMOVING_LOCK_MS, "NX")) === null) return;
      const release = () => redis.eval(RELEASE_IF_MINE, 1, lock, mine).catch(() => 0);
      // Checked in the same turn as the removal starts: an attempt entering later waits for it.
      if (this.attempts.has(identifier)) {
        await release();
        return skip("an attempt of the issue runs on this worker");
      }
      const removal = workspaces.remove(identifier);
      this.removing.set(
        identifier,
        removal.catch(() => {}),
      );
      try {
        await removal;
        logger.info({ ...log, workspace_path: path }, "action=workspace_cleanup outcome=completed");
      } finally {
        this.removing.delete(identifier);
        await release();
      }
    } catch (error) {
      logger.warn(
        { ...log, reason: toBatonError(error, "workspace_cleanup_failed").toString() },
        "action=workspace_cleanup outcome=failed",
      );
    }
  }
}

/** Stream ids (`<ms>-<seq>`) in order. */
function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split("-").map(Number) as [number, number];
  const [bMs, bSeq] = b.split("-").map(Number) as [number, number];
  return aMs - bMs || aSeq - bSeq;
}
