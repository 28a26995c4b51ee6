import { dirname, join, resolve } from "node:path";
import { isBatonError, SecretRedactor } from "@baton/domain";
import type { StateStore } from "@baton/orchestrator";
import { SqliteStateStore } from "@baton/state";
import { redisUrlPassword, type ServiceConfig, selectWorkflowPath, workflowSchema } from "@baton/workflow";
import type { HttpServer } from "../http.ts";
import { type CommandIO, println } from "../io.ts";
import { LogHealth } from "../log-health.ts";
import { createLogging } from "../logging.ts";
import { BatonService, killDeadInstanceLeftovers } from "../service.ts";
import { renderStatus } from "../status.ts";
import { PinnedFooter } from "../terminal.ts";

export interface RunOptions {
  workflowPath?: string;
  port?: number;
  logsRoot?: string;
  /** Where the durable orchestrator state lives; default `<workflow dir>/.baton/state`. */
  stateDir?: string;
  /** Called once the service is up (the demo uses it to print its banner). */
  onStarted?: (service: BatonService) => void;
}

const STATUS_REFRESH_MS = 1000;
const FILE_LOG_DELAY_MS = 2000;

/** The schema's `logs` defaults, for the file log of a startup that failed before the config loaded. */
const logDefaults = (
  workflowSchema as { properties: { logs: { properties: Record<string, { default: number }> } } }
).properties.logs.properties;
const DEFAULT_FILE_LIMITS = {
  maxFileBytes: logDefaults.max_file_bytes!.default,
  maxFiles: logDefaults.max_files!.default,
};

/**
 * `baton [path] [--port N] [--logs-root DIR]`: runs the service until SIGINT/SIGTERM. Exit 0 after
 * a clean shutdown, 1 when startup fails; a second signal during shutdown exits at once.
 */
export async function runCommand(options: RunOptions, io: CommandIO): Promise<number> {
  const workflowPath = selectWorkflowPath(options.workflowPath, io.cwd);
  const logsRoot = resolve(io.cwd, options.logsRoot ?? join(dirname(workflowPath), ".baton", "logs"));
  const tty = Boolean((io.out as NodeJS.WriteStream).isTTY);
  const footer = tty ? new PinnedFooter(io.out as NodeJS.WriteStream) : undefined;
  // Secrets from the environment are known at once; the service adds those of WORKFLOW.md.
  const redactor = new SecretRedactor();
  redactor.addFromEnv(io.env);
  const redact = (text: string) => redactor.redact(text);
  const logging = createLogging({
    pretty: tty,
    console: io.out,
    footer,
    level: io.env.BATON_LOG_LEVEL ?? "info",
    redact,
  });
  const { logger } = logging;
  const logHealth = new LogHealth(logsRoot, io.err);
  // With --port the server is certain: its modules (fastify, the dashboard) load while WORKFLOW.md does.
  let httpModule = options.port !== undefined ? import("../http.ts") : null;
  httpModule?.catch(() => {});

  const stateDir = resolve(io.cwd, options.stateDir ?? join(dirname(workflowPath), ".baton", "state"));
  let service: BatonService;
  let stateStore: StateStore | null = null;
  // Opened as soon as WORKFLOW.md is read: a second orchestrator on the same state directory (local)
  // or Redis queue (queue) must stop before it touches anything.
  const openStateStore = async (startup: ServiceConfig): Promise<StateStore> => {
    if (startup.executor.kind === "queue") {
      const { redis_url, queue_name } = startup.executor;
      redactor.add(redisUrlPassword(redis_url));
      // Loaded only in queue mode: ioredis is ~75 modules a local Baton does not need.
      const { RedisStateStore } = await import("@baton/state/redis");
      stateStore = await RedisStateStore.open({
        url: redis_url,
        namespace: queue_name,
        redact,
        logger,
        warn: (message) =>
          logger.warn({ queue: queue_name, reason: message }, "action=state_load outcome=repaired"),
      });
    } else {
      stateStore = SqliteStateStore.open({
        dir: stateDir,
        redact,
        warn: (message) =>
          logger.warn({ state_dir: stateDir, reason: message }, "action=state_load outcome=repaired"),
      });
      // Right after the lock: a dead instance's processes must go before anything else starts.
      await killDeadInstanceLeftovers(stateDir, logger);
    }
    return stateStore;
  };
  try {
    service = await BatonService.create({
      workflowPath,
      logsRoot,
      env: io.env,
      logger,
      redactor,
      logHealth,
      openStateStore,
      stateDir,
    });
  } catch (error) {
    await (stateStore as StateStore | null)?.close();
    if (!isBatonError(error)) throw error;
    logger.error(
      { workflow: workflowPath, category: error.category, reason: error.message },
      "action=startup outcome=failed",
    );
    await logging.openFile({ root: logsRoot, ...DEFAULT_FILE_LIMITS, health: logHealth });
    await logging.close();
    println(io.err, `Failed to start Baton with ${workflowPath}`);
    println(io.err, redact(`error ${error.category}: ${error.message}`));
    return 1;
  }
  const { max_file_bytes, max_files } = service.store.current().config.logs;
  // Opened after the first tick (or FILE_LOG_DELAY_MS at the latest): setting up pino-roll (its
  // part of date-fns run for the first time, the log folder listed) stays out of the way of the
  // status API's first answer and the first dispatch. Lines until then are kept in memory and
  // written first.
  const openFileLog = () =>
    void logging.openFile({
      root: logsRoot,
      maxFileBytes: max_file_bytes,
      maxFiles: max_files,
      health: logHealth,
    });
  const fileLogTimer = setTimeout(openFileLog, FILE_LOG_DELAY_MS).unref();
  const stopWaitingForTick = service.orchestrator.subscribe((event) => {
    if (event.type !== "tick_completed") return;
    stopWaitingForTick();
    clearTimeout(fileLogTimer);
    openFileLog();
  });
  // `--port` wins over `server.port`; either one turns the status API and dashboard on.
  const port = options.port ?? service.store.current().config.server.port;
  let http: HttpServer | null = null;
  if (port !== null) {
    try {
      // Loaded only when asked for: fastify and the dashboard are not free to import.
      httpModule ??= import("../http.ts");
      const { startHttpServer } = await httpModule;
      http = await startHttpServer(service, { port, logger });
    } catch (error) {
      if (!isBatonError(error)) throw error;
      logger.error(
        { port, category: error.category, reason: error.message },
        "action=http_server outcome=failed",
      );
      stopWaitingForTick();
      clearTimeout(fileLogTimer);
      openFileLog();
      await service.stop();
      await logging.close();
      println(
        io.err,
        redact(`Failed to start the Baton status server: error ${error.category}: ${error.message}`),
      );
      return 1;
    }
    logger.info({ url: http.url }, "action=http_server outcome=listening");
  }
  // Listen for the stop signal before scheduling starts: a SIGTERM that arrives while the first tick
  // runs (agents, sandbox containers) must shut down cleanly, not kill the process outright.
  const signalled = new Promise<NodeJS.Signals>((resolveSignal) => {
    process.once("SIGINT", () => resolveSignal("SIGINT"));
    process.once("SIGTERM", () => resolveSignal("SIGTERM"));
  });
  // Scheduling starts only now, so the status server's metrics and event stream see the first dispatch.
  await service.start();
  logger.info({ workflow: workflowPath, logs_root: logsRoot }, "action=startup outcome=running");
  options.onStarted?.(service);

  const statusTimer = footer
    ? setInterval(
        () => footer.update(renderStatus(service.orchestrator.snapshot(), Date.now())),
        STATUS_REFRESH_MS,
      )
    : null;

  const signal = await signalled;
  const forceExit = () => {
    println(io.err, "Second signal: exiting without waiting for agents to stop.");
    process.exit(130);
  };
  process.once("SIGINT", forceExit);
  process.once("SIGTERM", forceExit);

  logger.info({ signal }, "action=shutdown outcome=started reason=signal");
  if (statusTimer) clearInterval(statusTimer);
  footer?.release();
  stopWaitingForTick();
  clearTimeout(fileLogTimer);
  openFileLog();
  await service.stop();
  await http?.close();
  logger.info({}, "action=shutdown outcome=completed");
  await logging.close();
  process.off("SIGINT", forceExit);
  process.off("SIGTERM", forceExit);
  return 0;
}
