import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "@baton/domain";
import { BatonError, silentLogger, toBatonError } from "@baton/domain";
import type { RunOutcome } from "@baton/orchestrator";
import {
  type AttemptDeps,
  outcomeMessage,
  type RunOutcomeMessage,
  type RunStartMessage,
  runAttempt,
  type ToolGateway,
  type ToolGatewayReply,
} from "@baton/runner";
import type { RedisConnection } from "@baton/state/redis";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { connectQueueRedis } from "./connection.ts";
import {
  type DownMessage,
  entryMessages,
  GATEWAY_RESEND_MS,
  GATEWAY_TIMEOUT_MS,
  MARK_TTL_SECONDS,
  QUEUE_PREFIX,
  queueKeys,
  STREAM_MAX_ENTRIES,
  type UpMessage,
  type WorkerInfo,
} from "./wire.ts";
import { WorkspaceRemovals, type WorkspaceRemovalsOptions } from "./workspace-removals.ts";

/** Removal requests read at once while catching up. */
const REMOVALS_READ_COUNT = 500;

export interface QueueWorkerOptions {
  redisUrl: string;
  queueName: string;
  /** Attempts run at the same time on this worker. */
  concurrency: number;
  /** Replaces the workflow's `workspace.root` on this host; null keeps the workflow's. */
  workspaceRoot: string | null;
  /**
   * How long a job stays locked to this worker without renewal (BullMQ renews it at half that):
   * after a crash, the job fails and is retried elsewhere about this long after.
   */
  lockDurationMs: number;
  /**
   * Builds an attempt's dependencies on this host from its start message and the remote gateway
   * (a rejection, such as no Docker daemon for a sandboxed spec, fails the attempt naming this host).
   */
  depsFor: (message: RunStartMessage, gateway: ToolGateway) => AttemptDeps | Promise<AttemptDeps>;
  /** The workspace manager for a removal request's settings on this host (root already replaced). */
  workspacesFor: WorkspaceRemovalsOptions["workspacesFor"];
  logger?: Logger;
}

/**
 * A `baton worker` (B.queue): takes attempt jobs from the queue and runs them on this host
 * (workspace, hooks, agent), streaming reports back and reaching the tracker only through the
 * orchestrator's tool gateway. It holds no tracker credentials and reads no WORKFLOW.md.
 */
export class QueueWorker {
  readonly info: WorkerInfo;
  private readonly keys;
  private readonly logger: Logger;
  private readonly redis: Redis;
  private readonly inboxReader: Redis;
  private readonly worker: Worker;
  private readonly connections: RedisConnection[];
  private readonly running = new Map<string, AbortController>();
  private readonly pendingReplies = new Map<string, (reply: ToolGatewayReply) => void>();
  private pending: UpMessage[] = [];
  private lastInboxId = "0-0";
  private readonly removals: WorkspaceRemovals;
  private closed = false;
  private readonly inboxLoop: Promise<void>;

  constructor(private readonly options: QueueWorkerOptions) {
    this.info = {
      id: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      host: hostname(),
      pid: process.pid,
    };
    this.keys = queueKeys(options.queueName);
    this.logger = (options.logger ?? silentLogger).child({
      worker_host: this.info.host,
      worker_pid: this.info.pid,
    });
    const commands = connectQueueRedis(options.redisUrl, "worker", this.logger);
    const inbox = connectQueueRedis(options.redisUrl, "worker-inbox", this.logger);
    const jobs = connectQueueRedis(options.redisUrl, "worker-jobs", this.logger);
    this.connections = [commands, inbox, jobs];
    this.redis = commands.client;
    this.inboxReader = inbox.client;
    this.removals = new WorkspaceRemovals({
      redis: this.redis,
      queueName: options.queueName,
      worker: this.info,
      workspaceRoot: options.workspaceRoot,
      workspacesFor: options.workspacesFor,
      logger: this.logger,
    });
    this.inboxLoop = this.followInbox();
    this.worker = new Worker(options.queueName, (job) => this.process(job), {
      connection: jobs.client,
      prefix: QUEUE_PREFIX,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: Math.max(Math.floor(options.lockDurationMs / 2), 500),
      // A job whose lock expired (its worker died) fails at once: the orchestrator, the single
      // authority on retries, schedules the next attempt with backoff.
      maxStalledCount: 0,
    });
    this.worker.on("error", () => {
      // Connection trouble is logged once by the connection itself; BullMQ retries.
    });
    this.worker.on("lockRenewalFailed", (jobIds) => {
      // The job may be failed and retried elsewhere: never keep a second agent on the issue.
      for (const id of jobIds) this.running.get(id)?.abort("the job's lock was lost");
    });
  }

  /** Resolves once the worker is connected and taking jobs. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
    this.logger.info(
      { queue: this.options.queueName, concurrency: this.options.concurrency },
      `action=worker_start outcome=ready host=${this.info.host} pid=${this.info.pid}`,
    );
  }

  /**
   * Stops taking jobs; attempts still running are cancelled (turn interrupted, agent stopped,
   * after_run run) and reported failed with `worker_stopped`, so the orchestrator retries them.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const controller of this.running.values()) controller.abort("worker_stopped");
    await this.worker.close();
    await this.flush();
    this.inboxReader.disconnect();
    await this.inboxLoop;
    await this.removals.stop();
    // No answer can reach this worker any more: tool calls still waiting end now, and stop repeating.
    for (const answer of [...this.pendingReplies.values()]) {
      answer({
        type: "error",
        error: {
          category: "worker_stopped",
          message: `worker ${this.where()} stopped before the orchestrator answered`,
          details: this.details(),
        },
      });
    }
    this.pendingReplies.clear();
    await this.redis.del(this.keys.inbox(this.info.id)).catch(() => 0);
    for (const connection of this.connections) await connection.close();
  }

  private async process(job: Job<RunStartMessage>): Promise<RunOutcomeMessage> {
    const message = job.data;
    const runId = message.run_id;
    const cancelled = await this.redis.get(this.keys.cancel(runId));
    if (cancelled !== null) return this.finish(runId, { kind: "cancelled", reason: cancelled });
    const controller = new AbortController();
    this.running.set(runId, controller);
    await this.redis.set(this.keys.holder(runId), JSON.stringify(this.info), "EX", MARK_TTL_SECONDS);
    this.up({ type: "worker_started", run_id: runId, worker: this.info });
    this.logger.info(
      { run_id: runId, issue_identifier: message.issue.identifier, attempt: message.attempt },
      "action=worker_job outcome=started",
    );
    const local: RunStartMessage =
      this.options.workspaceRoot === null
        ? message
        : { ...message, spec: { ...message.spec, workspace: { root: this.options.workspaceRoot } } };
    const identifier = message.issue.identifier;
    const removalDone = this.removals.enter(identifier);
    let outcome: RunOutcome;
    try {
      await removalDone;
      const deps = await this.options.depsFor(local, this.gatewayFor(runId));
      outcome = await runAttempt(
        local,
        deps,
        (report) => {
          if (report.type === "workspace_ready") void this.removals.used(report.path);
          this.up(report);
        },
        controller.signal,
      );
    } catch (error) {
      outcome = { kind: "failed", error: toBatonError(error, "worker_error") };
    }
    this.removals.leave(identifier);
    this.running.delete(runId);
    if (outcome.kind === "cancelled" && controller.signal.reason === "worker_stopped") {
      outcome = {
        kind: "failed",
        error: new BatonError("worker_stopped", `worker ${this.where()} stopped while running the attempt`, {
          ...this.details(),
        }),
      };
    }
    return this.finish(runId, outcome);
  }

  /** Reports the outcome (naming this host in errors) after every report before it, and returns it as the job's result. */
  private async finish(runId: string, outcome: RunOutcome): Promise<RunOutcomeMessage> {
    const named: RunOutcome =
      outcome.kind === "failed" || outcome.kind === "blocked"
        ? {
            kind: outcome.kind,
            error: new BatonError(
              outcome.error.category,
              `${outcome.error.message} (on worker ${this.where()})`,
              {
                ...outcome.error.details,
                ...this.details(),
              },
            ),
          }
        : outcome;
    const message = outcomeMessage(runId, named);
    this.up(message);
    await this.flush();
    this.logger.info({ run_id: runId, outcome: message.kind }, "action=worker_job outcome=finished");
    return message;
  }

  private where(): string {
    return `${this.info.host} (pid ${this.info.pid})`;
  }

  private details(): Record<string, unknown> {
    return { worker_host: this.info.host, worker_pid: this.info.pid };
  }

  /** Tool calls and issue re-reads go to the orchestrator, which holds the tracker and its credentials. */
  private gatewayFor(runId: string): ToolGateway {
    return (request) =>
      new Promise((resolve) => {
        const requestId = randomUUID();
        const send = () =>
          this.up({
            type: "gateway_request",
            run_id: runId,
            request_id: requestId,
            worker_id: this.info.id,
            request,
          });
        const resend = setInterval(send, GATEWAY_RESEND_MS);
        const timer = setTimeout(() => {
          clearInterval(resend);
          this.pendingReplies.delete(requestId);
          resolve({
            type: "error",
            error: {
              category: "tool_gateway_timeout",
              message: `the orchestrator did not answer within ${GATEWAY_TIMEOUT_MS / 1000} s`,
              details: this.details(),
            },
          });
        }, GATEWAY_TIMEOUT_MS);
        this.pendingReplies.set(requestId, (reply) => {
          clearTimeout(timer);
          clearInterval(resend);
          resolve(reply);
        });
        send();
      });
  }

  // ---- up: batched onto the report stream ---------------------------------------------------------

  /** Messages produced in one turn of the event loop go out as one stream entry, in order. */
  private up(message: UpMessage): void {
    this.pending.push(message);
    if (this.pending.length === 1) setImmediate(() => void this.flush());
  }

  private flush(): Promise<unknown> {
    if (this.pending.length === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = [];
    return this.redis
      .xadd(this.keys.reports, "MAXLEN", "~", STREAM_MAX_ENTRIES, "*", "m", JSON.stringify(batch))
      .catch((error: unknown) =>
        this.logger.warn(
          { reason: toBatonError(error, "redis_error").message },
          "action=worker_report outcome=failed",
        ),
      );
  }

  // ---- down: this worker's inbox ------------------------------------------------------------------

  /** This worker's inbox and the removal requests every worker reads, in one blocking read. */
  private async followInbox(): Promise<void> {
    const inbox = this.keys.inbox(this.info.id);
    while (!this.closed) {
      let batches: [string, [string, string[]][]][] | null;
      try {
        const removalsFrom = await this.removals.cursor();
        batches = (await this.inboxReader.xread(
          "COUNT",
          REMOVALS_READ_COUNT,
          "BLOCK",
          1000,
          "STREAMS",
          inbox,
          this.removals.stream,
          this.lastInboxId,
          removalsFrom,
        )) as [string, [string, string[]][]][] | null;
      } catch {
        if (this.closed) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      for (const [stream, entries] of batches ?? []) {
        if (stream === this.removals.stream) {
          this.removals.handle(entries);
          continue;
        }
        for (const [id, fields] of entries) {
          this.lastInboxId = id;
          for (const message of entryMessages<DownMessage>(fields)) this.onMessage(message);
        }
      }
    }
  }

  private onMessage(message: DownMessage): void {
    if (message.type === "gateway_reply") {
      const resolve = this.pendingReplies.get(message.request_id);
      this.pendingReplies.delete(message.request_id);
      resolve?.(message.reply);
      return;
    }
    const controller = this.running.get(message.run_id);
    if (controller === undefined) return;
    this.logger.info(
      { run_id: message.run_id, reason: message.reason },
      "action=worker_job outcome=cancelling",
    );
    controller.abort(message.reason);
  }
}
