import { createHash } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { BatonError, Logger } from "@baton/domain";
import { silentLogger, toBatonError } from "@baton/domain";
import { type ResolveConfigOptions, resolveConfig, type ServiceConfig } from "./config.ts";
import { parseWorkflow, readWorkflowSource, type WorkflowDefinition } from "./loader.ts";

/** The effective workflow: the last version that loaded and validated. */
export interface WorkflowSnapshot {
  definition: WorkflowDefinition;
  config: ServiceConfig;
  /** sha256 of the file's content this snapshot was read from (recorded in every run's spec). */
  contentHash: string;
}

/** Why the newest version of WORKFLOW.md was rejected, and when. */
export interface WorkflowLoadFailure {
  error: BatonError;
  at: Date;
}

export type WorkflowStoreEvent =
  | ({ type: "reloaded" } & WorkflowSnapshot)
  | ({ type: "reload_failed" } & WorkflowLoadFailure);

export interface WorkflowStoreOptions extends ResolveConfigOptions {
  /** How often the file is stat-ed in case a watch event was missed. */
  pollIntervalMs?: number;
  /** Where errors thrown by subscribers (and unexpected check failures) are reported. */
  logger?: Logger;
}

// Editors save in several steps (write temp, rename); wait for the burst of watch events to settle.
const WATCH_SETTLE_MS = 30;
const MISSING_FILE = "missing";
/**
 * A file written in place is empty or half-written for a moment (truncate, then write): a version
 * is applied only once the file has not changed for this long and was the same before and after
 * the read. A file that never stays quiet is applied as read after MAX_QUIET_WAITS waits.
 */
const WRITE_QUIET_MS = 100;
const MAX_QUIET_WAITS = 20;

/**
 * Owns the live WORKFLOW.md (SPEC 6.2): detects edits through a directory watch (which sees
 * editors' rename-over saves), a periodic stat and on-demand checks; re-reads, validates and swaps
 * the effective config. A bad edit keeps the last good version and is reported, never thrown.
 */
export class WorkflowStore {
  private snapshot: WorkflowSnapshot;
  private failure: WorkflowLoadFailure | null = null;
  /** Hash of the content last evaluated (good or bad), so unchanged content never re-emits. */
  private seenContent: string;
  private seenStamp: string | null = null;
  private readonly listeners = new Set<(event: WorkflowStoreEvent) => void>();
  private checks: Promise<void> = Promise.resolve();
  private watcher: FSWatcher | null = null;
  private settleTimer: NodeJS.Timeout | null = null;
  private readonly pollTimer: NodeJS.Timeout;
  private closed = false;
  private readonly logger: Logger;

  /** Loads the workflow and starts watching it; rejects when the startup version is invalid (SPEC 6.3). */
  static async open(path: string, options: WorkflowStoreOptions): Promise<WorkflowStore> {
    const absolute = resolve(path);
    // Waits keep the process alive: nothing else does yet while a start reads its workflow.
    const { source, stamp } = await readWhenQuiet(absolute, { ref: true });
    const snapshot = evaluate(source, absolute, options);
    return new WorkflowStore(absolute, options, snapshot, contentHash(source), stamp);
  }

  private constructor(
    readonly path: string,
    private readonly options: WorkflowStoreOptions,
    snapshot: WorkflowSnapshot,
    contentDigest: string,
    stamp: string | null,
  ) {
    this.snapshot = snapshot;
    this.logger = options.logger ?? silentLogger;
    this.seenContent = contentDigest;
    this.seenStamp = stamp;
    this.startWatching();
    this.pollTimer = setInterval(
      () => void this.enqueue(() => this.checkStat()),
      options.pollIntervalMs ?? 1000,
    );
    this.pollTimer.unref();
  }

  /** The effective (last known good) workflow and config. */
  current(): WorkflowSnapshot {
    return this.snapshot;
  }

  /** Set while the newest file version is invalid; cleared by the next good version. */
  lastError(): WorkflowLoadFailure | null {
    return this.failure;
  }

  /** Receives every reload outcome; returns the unsubscribe function. */
  subscribe(listener: (event: WorkflowStoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the file now and applies it if its content changed (defensive check before dispatch). */
  reloadIfChanged(): Promise<void> {
    return this.enqueue(() => this.checkContent());
  }

  close(): void {
    this.closed = true;
    clearInterval(this.pollTimer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.watcher?.close();
    this.watcher = null;
  }

  private startWatching(): void {
    const fileName = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed !== fileName) return;
        if (this.settleTimer) clearTimeout(this.settleTimer);
        this.settleTimer = setTimeout(() => void this.enqueue(() => this.checkContent()), WATCH_SETTLE_MS);
      });
      // A vanished directory or exhausted watch handles must not crash us; the periodic stat remains.
      this.watcher.on("error", () => {
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null;
    }
  }

  /** Checks run one at a time, in order, and never reject. */
  private enqueue(check: () => Promise<void>): Promise<void> {
    this.checks = this.checks
      .then(() => (this.closed ? undefined : check()))
      .catch((error: unknown) => this.logger.error({ err: error, path: this.path }, "workflow check failed"));
    return this.checks;
  }

  private async checkStat(): Promise<void> {
    const stamp = (await statStamp(this.path))?.stamp ?? null;
    if (stamp !== null && stamp === this.seenStamp) return;
    await this.checkContent();
  }

  private async checkContent(): Promise<void> {
    let read: { source: string; stamp: string | null };
    try {
      // Reloads never hold the process open (a stopping service is not kept by a pending check).
      read = await readWhenQuiet(this.path, { ref: false });
    } catch (error) {
      this.seenStamp = null;
      this.apply(MISSING_FILE, () => {
        throw error;
      });
      return;
    }
    const { source, stamp } = read;
    this.seenStamp = stamp;
    this.apply(contentHash(source), () => evaluate(source, this.path, this.options));
  }

  private apply(digest: string, load: () => WorkflowSnapshot): void {
    if (digest === this.seenContent || this.closed) return;
    this.seenContent = digest;
    try {
      this.snapshot = load();
      this.failure = null;
      this.emit({ type: "reloaded", ...this.snapshot });
    } catch (error) {
      this.failure = { error: toBatonError(error, "workflow_parse_error"), at: new Date() };
      this.emit({ type: "reload_failed", ...this.failure });
    }
  }

  private emit(event: WorkflowStoreEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(
          { err: error, event: event.type, path: this.path },
          "workflow store subscriber failed",
        );
      }
    }
  }
}

/**
 * The file's content once it has not changed for WRITE_QUIET_MS and was the same before and after
 * the read (startup and every reload), with the stamp it was read at; rejects as reading does.
 */
async function readWhenQuiet(
  path: string,
  { ref }: { ref: boolean },
): Promise<{ source: string; stamp: string | null }> {
  for (let waits = 0; ; waits++) {
    const before = await statStamp(path);
    const sinceChangeMs = before === null ? Number.POSITIVE_INFINITY : Date.now() - before.mtimeMs;
    const settled = waits >= MAX_QUIET_WAITS;
    // A modification time ahead of the clock (skew) says nothing about an ongoing write.
    if (!settled && sinceChangeMs >= 0 && sinceChangeMs < WRITE_QUIET_MS) {
      await sleep(WRITE_QUIET_MS - sinceChangeMs, undefined, { ref });
      continue;
    }
    const source = await readWorkflowSource(path);
    const after = await statStamp(path);
    if (!settled && after?.stamp !== before?.stamp) continue;
    return { source, stamp: after?.stamp ?? null };
  }
}

function evaluate(source: string, path: string, options: ResolveConfigOptions): WorkflowSnapshot {
  const definition = parseWorkflow(source, path);
  return { definition, config: resolveConfig(definition, options), contentHash: contentHash(source) };
}

function contentHash(source: string): string {
  return createHash("sha256").update(source).digest("hex");
}

/** mtime + size: a cheap signal that the file may have changed; the content hash decides. */
async function statStamp(path: string): Promise<{ stamp: string; mtimeMs: number } | null> {
  try {
    const info = await stat(path);
    return { stamp: `${info.mtimeMs}:${info.size}`, mtimeMs: info.mtimeMs };
  } catch {
    return null;
  }
}
