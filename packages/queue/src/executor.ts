import type { Logger } from "@baton/domain";
import { BatonError, silentLogger, toBatonError } from "@baton/domain";
import type { RunExecutor, RunHandle, RunOutcome, RunReporter, RunRequest } from "@baton/orchestrator";
import {
  deliverReport,
  type RunHost,
  type RunOutcomeMessage,
  type RunStartMessage,
  runOutcomeOf,
  type ToolGateway,
  type ToolGatewayReply,
} from "@baton/runner";
import type { RedisConnection, RedisHealth } from "@baton/state/redis";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { connectQueueRedis } from "./connection.ts";
import {
  ATTEMPT_JOB,
  type DownMessage,
  entryMessages,
  GATEWAY_TIMEOUT_MS,
  MARK_TTL_SECONDS,
  QUEUE_PREFIX,
  queueKeys,
  REMOVALS_MAX_ENTRIES,
  STREAM_MAX_ENTRIES,
  type UpMessage,
  type WorkerInfo,
  type WorkspaceRemovalRequest,
} from "./wire.ts";

export interface QueueExecutorOptions {
  redisUrl: string;
  queueName: string;
  /** Takes each run's spec and tool gateway in the same synchronous step as the dispatch decision. */
  host: RunHost;
  /** The tool gateway for runs re-attached after a restart (their spec was taken by another process). */
  gateway: () => ToolGateway;
  logger?: Logger;
  /** How often the jobs of unfinished runs are checked in Redis (lost workers, missed messages). */
  checkIntervalMs?: number;
}

interface TrackedRun {
  runId: string;
  reporter: RunReporter;
  gateway: ToolGateway;
  worker: WorkerInfo | null;
  /** The job is in Redis (the add was acknowledged, or the run was re-attached). */
  enqueued: boolean;
  cancelReason: string | null;
  settled: boolean;
  settle: (outcome: RunOutcome) => void;
  done: Promise<RunOutcome>;
}

/** Job states in which no worker holds the job yet: cancelling removes it. */
const NOT_STARTED = new Set(["waiting", "delayed", "prioritized", "waiting-children"]);
/** Job states of a job someone may still run: a restarted orchestrator re-attaches to these. */
const UNFINISHED = ["active", "waiting", "delayed", "prioritized"] as const;
const DEFAULT_CHECK_INTERVAL_MS = 1000;

/**
 * The orchestrator's side of the queue (B.queue): one BullMQ job per attempt, id = run id (a
 * repeated enqueue is a no-op), run by `baton worker` processes. Reports, gateway requests and the
 * outcome come back on the queue's report stream; cancels and gateway replies go to the holding
 * worker's inbox. A periodic check of the jobs catches what no message says: a worker that died
 * (BullMQ fails its job once the lock expires) or a job Redis lost.
 */
export class QueueExecutor implements RunExecutor {
  private readonly runs = new Map<string, TrackedRun>();
  /** Jobs still unfinished in Redis when this executor opened: what `attach` may pick up. */
  private readonly leftOver = new Set<string>();
  private readonly keys;
  private readonly logger: Logger;
  private readonly redisConnections: RedisConnection[];
  private readonly redis: Redis;
  private readonly reader: Redis;
  private readonly queue: Queue;
  private lastReportId = "0-0";
  /** Gateway calls by request id: each runs once, however many copies of its request arrive. */
  private readonly gatewayCalls = new Map<string, Promise<ToolGatewayReply>>();
  private closed = false;
  private initialized: Promise<void> = Promise.resolve();
  private readLoop: Promise<void> | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private checking = false;

  private constructor(private readonly options: QueueExecutorOptions) {
    this.keys = queueKeys(options.queueName);
    this.logger = options.logger ?? silentLogger;
    const commands = connectQueueRedis(options.redisUrl, "queue", this.logger);
    const reader = connectQueueRedis(options.redisUrl, "queue-reports", this.logger);
    this.redisConnections = [commands, reader];
    this.redis = commands.client;
    this.reader = reader.client;
    this.queue = new Queue(options.queueName, { connection: this.redis, prefix: QUEUE_PREFIX });
    this.queue.on("error", () => {
      // Connection trouble is logged once by the connection itself; BullMQ retries.
    });
  }

  /**
   * Connects (waiting for Redis, with backoff, as long as it takes) and notes the jobs still
   * unfinished (so `attach` can re-attach them). The report stream is followed from where the last
   * orchestrator left it, once the first run is started or re-attached: messages a re-attached run
   * sent while no orchestrator was listening (tool calls, its outcome) are handled, not skipped.
   */
  static async open(options: QueueExecutorOptions): Promise<QueueExecutor> {
    const executor = QueueExecutor.connect(options);
    await executor.ready();
    return executor;
  }

  /** Starts connecting and returns at once; `ready()` settles once `attach` knows the unfinished jobs. */
  static connect(options: QueueExecutorOptions): QueueExecutor {
    const executor = new QueueExecutor(options);
    executor.initialized = executor.init();
    executor.initialized.catch(() => {});
    return executor;
  }

  /** Resolves once connected and the unfinished jobs are known (waits as long as Redis is away). */
  ready(): Promise<void> {
    return this.initialized;
  }

  private async init(): Promise<void> {
    const cursor = await this.redis.get(this.keys.reportsCursor);
    if (cursor !== null) this.lastReportId = cursor;
    else {
      const last = (await this.redis.xrevrange(this.keys.reports, "+", "-", "COUNT", 1)) as [
        string,
        string[],
      ][];
      this.lastReportId = last[0]?.[0] ?? "0-0";
    }
    for (const job of await this.queue.getJobs([...UNFINISHED])) {
      if (job?.id !== undefined) this.leftOver.add(job.id);
    }
    const interval = this.options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    this.checkTimer = setInterval(() => void this.checkJobs(), interval);
    this.checkTimer.unref();
  }

  start(request: RunRequest, reporter: RunReporter): RunHandle {
    const { spec, gateway } = this.options.host.prepare(request);
    const message: RunStartMessage = {
      run_id: request.run_id,
      issue: request.issue,
      attempt: request.attempt,
      pipeline: request.pipeline ?? null,
      spec,
    };
    const run = this.track(request.run_id, reporter, gateway);
    this.follow();
    this.queue
      .add(ATTEMPT_JOB, message, {
        jobId: request.run_id,
        attempts: 1,
        removeOnComplete: { age: 24 * 60 * 60, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 60 * 60 },
      })
      .then(
        () => {
          run.enqueued = true;
        },
        (error: unknown) =>
          this.settle(run, {
            kind: "failed",
            error: toBatonError(error, "queue_unavailable"),
          }),
      );
    return this.handleFor(run);
  }

  activeRuns(): string[] {
    const active = new Set(this.leftOver);
    for (const [runId, run] of this.runs) if (!run.settled) active.add(runId);
    return [...active];
  }

  attach(runId: string, reporter: RunReporter): RunHandle | null {
    const known = this.runs.get(runId);
    if (known !== undefined) {
      known.reporter = reporter;
      return this.handleFor(known);
    }
    if (!this.leftOver.delete(runId)) return null;
    const run = this.track(runId, reporter, this.options.gateway());
    run.enqueued = true;
    // Followed once the caller has re-attached all its runs in this synchronous pass.
    queueMicrotask(() => this.follow());
    // Who holds it is told again, so the claim shows its worker and a cancel can reach it.
    void this.redis.get(this.keys.holder(runId)).then((holder) => {
      if (holder === null || run.settled || run.worker !== null) return;
      this.onWorkerStarted(run, JSON.parse(holder) as WorkerInfo);
    });
    return this.handleFor(run);
  }

  /** Stops following the queue; runs go on on their workers (a restarted orchestrator re-attaches). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.checkTimer !== null) clearInterval(this.checkTimer);
    this.reader.disconnect();
    await this.readLoop;
    await this.redis.set(this.keys.reportsCursor, this.lastReportId).catch(() => null);
    await this.queue.close().catch(() => {});
    for (const connection of this.redisConnections) await connection.close();
  }

  /**
   * Asks every worker to remove a terminal issue's workspace on its host (each runs `before_remove`
   * there). Resolves with the request's stream id once Redis holds it; a worker that is away removes
   * the workspace when it is back.
   */
  async requestWorkspaceRemoval(request: WorkspaceRemovalRequest): Promise<string> {
    return (await this.redis.xadd(
      this.keys.removals,
      "MAXLEN",
      "~",
      REMOVALS_MAX_ENTRIES,
      "*",
      "m",
      JSON.stringify([request]),
    )) as string;
  }

  /** The health of its Redis connections, for the status API (`connections` in /api/v1/state). */
  connections(): RedisHealth[] {
    return this.redisConnections.map((connection) => connection.health());
  }

  private track(runId: string, reporter: RunReporter, gateway: ToolGateway): TrackedRun {
    let settle!: (outcome: RunOutcome) => void;
    const done = new Promise<RunOutcome>((resolve) => {
      settle = resolve;
    });
    const run: TrackedRun = {
      runId,
      reporter,
      gateway,
      worker: null,
      enqueued: false,
      cancelReason: null,
      settled: false,
      settle,
      done,
    };
    this.runs.set(runId, run);
    return run;
  }

  private handleFor(run: TrackedRun): RunHandle {
    return { cancel: (reason) => this.cancel(run, reason), done: run.done };
  }

  private settle(run: TrackedRun, outcome: RunOutcome): void {
    if (run.settled) return;
    run.settled = true;
    this.runs.delete(run.runId);
    run.settle(outcome);
  }

  /**
   * Marks the run cancelled in Redis (a worker checks the mark when it takes the job), removes the
   * job if no worker holds it yet, else tells the holding worker, which interrupts the turn, stops
   * the agent, runs after_run and reports the outcome.
   */
  private async cancel(run: TrackedRun, reason: string): Promise<void> {
    if (run.settled) return;
    run.cancelReason ??= reason;
    await this.redis.set(this.keys.cancel(run.runId), reason, "EX", MARK_TTL_SECONDS);
    const job = await this.queue.getJob(run.runId);
    if (job !== undefined && NOT_STARTED.has(await job.getState())) {
      const removed = await job.remove().then(
        () => true,
        () => false,
      );
      if (removed) {
        this.settle(run, { kind: "cancelled", reason });
        return;
      }
    }
    if (run.worker !== null) await this.sendCancel(run, run.worker);
  }

  private async sendCancel(run: TrackedRun, worker: WorkerInfo): Promise<void> {
    await this.send(worker.id, {
      type: "cancel",
      run_id: run.runId,
      reason: run.cancelReason ?? "cancelled",
    });
  }

  private async send(workerId: string, message: DownMessage): Promise<void> {
    const inbox = this.keys.inbox(workerId);
    await this.redis
      .multi()
      .xadd(inbox, "MAXLEN", "~", STREAM_MAX_ENTRIES, "*", "m", JSON.stringify([message]))
      .expire(inbox, MARK_TTL_SECONDS)
      .exec();
  }

  // ---- the report stream -------------------------------------------------------------------------

  private follow(): void {
    this.readLoop ??= this.followReports();
  }

  private async followReports(): Promise<void> {
    while (!this.closed) {
      let batches: [string, [string, string[]][]][] | null;
      try {
        batches = (await this.reader.xread(
          "COUNT",
          1000,
          "BLOCK",
          1000,
          "STREAMS",
          this.keys.reports,
          this.lastReportId,
        )) as [string, [string, string[]][]][] | null;
      } catch {
        if (this.closed) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      for (const [, entries] of batches ?? []) {
        for (const [id, fields] of entries) {
          this.lastReportId = id;
          for (const message of entryMessages<UpMessage>(fields)) this.onMessage(message);
        }
        void this.redis.set(this.keys.reportsCursor, this.lastReportId).catch(() => null);
      }
    }
  }

  private onMessage(message: UpMessage): void {
    const run = this.runs.get(message.run_id);
    if (run === undefined || run.settled) {
      // A run this orchestrator does not follow (finished, or not re-attached): a gateway request
      // still gets an answer so the worker does not wait for it.
      if (message.type === "gateway_request") {
        void this.send(message.worker_id, {
          type: "gateway_reply",
          request_id: message.request_id,
          reply: {
            type: "error",
            error: {
              category: "run_not_followed",
              message: `run ${message.run_id} is not followed by the orchestrator`,
              details: {},
            },
          },
        });
      }
      return;
    }
    try {
      switch (message.type) {
        case "worker_started":
          this.onWorkerStarted(run, message.worker);
          return;
        case "gateway_request":
          this.answerGateway(run, message);
          return;
        case "outcome":
          this.settle(run, runOutcomeOf(message));
          return;
        default:
          deliverReport(message, run.reporter);
      }
    } catch (error) {
      this.logger.warn(
        { run_id: message.run_id, reason: toBatonError(error, "report_failed").message },
        "action=queue_report outcome=failed",
      );
    }
  }

  /**
   * Runs a tool call or issue re-read once per request id and answers every copy the worker sends
   * (it repeats a request until answered: see GATEWAY_RESEND_MS). Kept until the worker has
   * stopped waiting, so a copy that crossed the answer is answered again, not run again.
   */
  private answerGateway(run: TrackedRun, message: Extract<UpMessage, { type: "gateway_request" }>): void {
    let call = this.gatewayCalls.get(message.request_id);
    if (call === undefined) {
      call = run.gateway(message.request);
      this.gatewayCalls.set(message.request_id, call);
      const forget = () => {
        setTimeout(() => this.gatewayCalls.delete(message.request_id), GATEWAY_TIMEOUT_MS).unref();
      };
      call.then(forget, forget);
    }
    call
      .then((reply) =>
        this.send(message.worker_id, { type: "gateway_reply", request_id: message.request_id, reply }),
      )
      .catch((error: unknown) =>
        // The worker sends the request again; its copy is answered then.
        this.logger.warn(
          { run_id: message.run_id, reason: toBatonError(error, "redis_error").message },
          "action=gateway_reply outcome=failed",
        ),
      );
  }

  private onWorkerStarted(run: TrackedRun, worker: WorkerInfo): void {
    run.worker = worker;
    run.reporter.workerAssigned?.(worker);
    if (run.cancelReason !== null) void this.sendCancel(run, worker);
  }

  // ---- the periodic job check --------------------------------------------------------------------

  /** Settles runs whose job ended without a message reaching us: a dead worker, a lost job. */
  private async checkJobs(): Promise<void> {
    if (this.checking || this.closed) return;
    this.checking = true;
    try {
      for (const run of [...this.runs.values()]) {
        if (run.settled || !run.enqueued) continue;
        const state = await this.queue.getJobState(run.runId);
        if (run.settled) continue;
        if (state === "completed") {
          const job = await this.queue.getJob(run.runId);
          const outcome = job?.returnvalue as RunOutcomeMessage | undefined;
          if (outcome?.type === "outcome") this.settle(run, runOutcomeOf(outcome));
        } else if (state === "failed") {
          const job = await this.queue.getJob(run.runId);
          this.settle(run, { kind: "failed", error: this.jobFailure(run, job?.failedReason ?? "") });
        } else if (state === "unknown") {
          this.settle(run, {
            kind: "failed",
            error: new BatonError(
              "queue_job_lost",
              `the queue no longer has the job of run ${run.runId} (Redis lost its data?)`,
              { run_id: run.runId, ...this.workerDetails(run) },
            ),
          });
          // A worker that still runs it must stop: the attempt is retried elsewhere.
          if (run.worker !== null) void this.sendCancel({ ...run, cancelReason: "job lost" }, run.worker);
        }
      }
    } catch {
      // Redis unreachable: checked again at the next interval.
    } finally {
      this.checking = false;
    }
  }

  private jobFailure(run: TrackedRun, reason: string): BatonError {
    const where = run.worker === null ? "a worker" : `worker ${run.worker.host} (pid ${run.worker.pid})`;
    if (/stalled/i.test(reason)) {
      return new BatonError(
        "worker_lost",
        `${where} stopped holding the job of run ${run.runId}: its lock expired (the worker died or lost Redis)`,
        { run_id: run.runId, ...this.workerDetails(run) },
      );
    }
    return new BatonError("worker_error", `${where} failed the job of run ${run.runId}: ${reason}`, {
      run_id: run.runId,
      ...this.workerDetails(run),
    });
  }

  private workerDetails(run: TrackedRun): Record<string, unknown> {
    return run.worker === null ? {} : { worker_host: run.worker.host, worker_pid: run.worker.pid };
  }
}
