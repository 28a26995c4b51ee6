import { dirname, join, resolve } from "node:path";
import { isBatonError } from "@baton/domain";
import { selectWorkflowPath } from "@baton/workflow";
import type { HttpServer } from "../http.ts";
import { type CommandIO, println } from "../io.ts";
import { createLogging } from "../logging.ts";
import { BatonService } from "../service.ts";
import { renderStatus } from "../status.ts";
import { PinnedFooter } from "../terminal.ts";

export interface RunOptions {
  workflowPath?: string;
  port?: number;
  logsRoot?: string;
  /** Called once the service is up (the demo uses it to print its banner). */
  onStarted?: (service: BatonService) => void;
}

const STATUS_REFRESH_MS = 1000;

/**
 * `baton [path] [--port N] [--logs-root DIR]`: runs the service until SIGINT/SIGTERM. Exit 0 after
 * a clean shutdown, 1 when startup fails; a second signal during shutdown exits at once.
 */
export async function runCommand(options: RunOptions, io: CommandIO): Promise<number> {
  const workflowPath = selectWorkflowPath(options.workflowPath, io.cwd);
  const logsRoot = resolve(io.cwd, options.logsRoot ?? join(dirname(workflowPath), ".baton", "logs"));
  const tty = Boolean((io.out as NodeJS.WriteStream).isTTY);
  const footer = tty ? new PinnedFooter(io.out as NodeJS.WriteStream) : undefined;
  const logging = createLogging({
    pretty: tty,
    console: io.out,
    file: join(logsRoot, "baton.log"),
    footer,
    level: io.env.BATON_LOG_LEVEL ?? "info",
  });
  const { logger } = logging;
  // With --port the server is certain: its modules (fastify, the dashboard) load while WORKFLOW.md does.
  let httpModule = options.port !== undefined ? import("../http.ts") : null;
  httpModule?.catch(() => {});

  let service: BatonService;
  try {
    service = await BatonService.create({ workflowPath, logsRoot, env: io.env, logger });
  } catch (error) {
    if (!isBatonError(error)) throw error;
    logger.error(
      { workflow: workflowPath, category: error.category, reason: error.message },
      "action=startup outcome=failed",
    );
    await logging.close();
    println(io.err, `Failed to start Baton with ${workflowPath}`);
    println(io.err, `error ${error.category}: ${error.message}`);
    return 1;
  }
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
      await service.stop();
      await logging.close();
      println(io.err, `Failed to start the Baton status server: error ${error.category}: ${error.message}`);
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
  await service.stop();
  await http?.close();
  logger.info({}, "action=shutdown outcome=completed");
  await logging.close();
  process.off("SIGINT", forceExit);
  process.off("SIGTERM", forceExit);
  return 0;
}
