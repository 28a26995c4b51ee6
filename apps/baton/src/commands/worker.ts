import { hostname } from "node:os";
import { resolve } from "node:path";
import { SecretRedactor } from "@baton/domain";
import { QueueWorker } from "@baton/queue";
import { createAttemptDeps, workspaceManagerFor } from "@baton/runner";
import { redisUrlPassword } from "@baton/workflow";
import type { CommandIO } from "../io.ts";
import { createLogging } from "../logging.ts";
import { WorkerLaunchers } from "../sandbox.ts";

export interface WorkerOptions {
  redisUrl: string;
  queueName: string;
  concurrency: number;
  workspaceRoot?: string;
  lockMs: number;
}

/**
 * `baton worker --redis URL`: runs the attempts the orchestrator queues (B.queue) on this host
 * until SIGINT/SIGTERM, then cancels what it still runs (after_run runs, the orchestrator retries).
 * It needs no WORKFLOW.md and no tracker credentials: each job carries its run spec, and tool calls
 * go back to the orchestrator.
 */
export async function workerCommand(options: WorkerOptions, io: CommandIO): Promise<number> {
  const redactor = new SecretRedactor();
  redactor.addFromEnv(io.env);
  const password = redisUrlPassword(options.redisUrl);
  if (password !== null) redactor.add(password);
  const logging = createLogging({
    pretty: Boolean((io.out as NodeJS.WriteStream).isTTY),
    console: io.out,
    level: io.env.BATON_LOG_LEVEL ?? "info",
    redact: (text) => redactor.redact(text),
  });
  const { logger } = logging;
  const launchers = new WorkerLaunchers({
    instance: instanceOf(options.queueName),
    env: io.env,
    logger,
  });
  const worker = new QueueWorker({
    redisUrl: options.redisUrl,
    queueName: options.queueName,
    concurrency: options.concurrency,
    workspaceRoot: options.workspaceRoot === undefined ? null : resolve(io.cwd, options.workspaceRoot),
    lockDurationMs: options.lockMs,
    logger,
    async depsFor(message, gateway) {
      const { agent, hook } = await launchers.for(message.spec);
      return createAttemptDeps(message, {
        launcher: agent,
        hookLauncher: hook,
        env: io.env,
        gateway,
        logger,
      });
    },
    async workspacesFor(settings) {
      const { hook } = await launchers.for(settings);
      return workspaceManagerFor(settings, { hookLauncher: hook, env: io.env, logger });
    },
  });
  const signalled = new Promise<NodeJS.Signals>((resolveSignal) => {
    process.once("SIGINT", () => resolveSignal("SIGINT"));
    process.once("SIGTERM", () => resolveSignal("SIGTERM"));
  });
  await Promise.race([worker.ready(), signalled]);
  const signal = await signalled;
  logger.info({ signal }, "action=worker_stop outcome=started");
  await worker.close();
  await launchers.close();
  logger.info({}, "action=worker_stop outcome=completed");
  await logging.close();
  return 0;
}

/** This worker process's sandbox instance: its containers carry it, and only it reaps them. */
function instanceOf(queueName: string): string {
  return `baton worker ${queueName} ${hostname()} pid ${process.pid}`;
}
