import type { Logger } from "@baton/domain";
import { OrchestratorStatusSource, startStatusServer } from "@baton/status";
import type { BatonService } from "./service.ts";

export interface HttpServer {
  /** Where the dashboard and `/api/v1/*` answer, e.g. `http://127.0.0.1:4000`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the status API and dashboard for a running service on `port` (0 = ephemeral), binding
 * `server.host` with `server.token` from the workflow. Listener settings are read once: changing
 * them in WORKFLOW.md needs a restart. Rejects with BatonError `invalid_server_config` or
 * `server_listen_failed`.
 */
export async function startHttpServer(
  service: BatonService,
  options: { port: number; logger: Logger },
): Promise<HttpServer> {
  const { host, token } = service.store.current().config.server;
  const source = new OrchestratorStatusSource({
    orchestrator: service.orchestrator,
    workflow: service.store,
    isRunning: () => service.running,
    sessionLogPath: (identifier) => service.sessionLogs.pathFor(identifier),
    previousSessionLogPath: (identifier) => service.sessionLogs.previousPathFor(identifier),
    logs: () => service.logHealth.status(),
    readSessionLog: (identifier, cursor, limit) => service.sessionLogs.read(identifier, cursor, limit),
  });
  let server: Awaited<ReturnType<typeof startStatusServer>>;
  try {
    server = await startStatusServer({
      source,
      port: options.port,
      host,
      token,
      logger: options.logger.child({ component: "http" }),
      redact: (text) => service.redactor.redact(text),
      webhooks: {
        secrets: () => service.store.current().config.server.webhooks,
        onDelivery: (delivery) => {
          options.logger.info(
            { provider: delivery.provider, issue_id: delivery.issue_id, action: delivery.action },
            "action=webhook outcome=accepted",
          );
          // A delivery about one issue refreshes that issue alone; anything else asks for a full tick.
          if (delivery.issue_id === null) source.requestRefresh();
          else service.orchestrator.refreshIssue(delivery.issue_id);
        },
      },
    });
  } catch (error) {
    source.close();
    throw error;
  }
  const stopObserving = service.observeTrackerRequests(server.metrics.observeTrackerRequest);
  return {
    url: server.url,
    async close() {
      stopObserving();
      await server.close();
      source.close();
    },
  };
}
