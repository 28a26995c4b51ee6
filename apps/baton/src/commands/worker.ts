import { resolve } from "node:path";
import { SecretRedactor } from "@baton/domain";
import { QueueWorker } from "@baton/queue";
import { createAttemptDeps, workspaceManagerFor } from "@baton/runner";
import { redisUrlPassword } from "@baton/workflow";
import { LocalLauncher } from "@baton/workspace";
import type { CommandIO } from "../io.ts";
import { createLogging } from "../logging.ts";

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
  const launcher = new LocalLauncher();
  const worker = new QueueWorker({
    redisUrl: options.redisUrl,
    queueName: options.queueName,
    concurrency: options.concurrency,
    workspaceRoot: options.workspaceRoot === undefined ? null : resolve(io.cwd, options.workspaceRoot),
    lockDurationMs: options.lockMs,
    logger,
    depsFor: (message, gateway) =>
      createAttemptDeps(message, { launcher, hookLauncher: launcher, env: io.env, gateway, logger }),
    workspacesFor: (settings) =>
      workspaceManagerFor(settings, { hookLauncher: launcher, env: io.env, logger }),
  });
  const signalled = new Promise<NodeJS.Signals>((resolveSignal) => {
    process.once("SIGINT", () => resolveSignal("SIGINT"));
    process.once("SIGTERM", () => resolveSignal("SIGTERM"));
  });
  await Promise.race([worker.ready(), signalled]);
  const signal = await signalled;
  logger.info({ signal }, "action=worker_stop outcome=started");
  await worker.close();
  logger.info({}, "action=worker_stop outcome=completed");
  await logging.close();
  return 0;
}
