import type { AddressInfo } from "node:net";
import { BatonError, type Logger, silentLogger } from "@baton/domain";
import swagger from "@fastify/swagger";
import Fastify from "fastify";
import { assertSafeBind } from "./access.ts";
import { loadDashboard } from "./dashboard.ts";
import { EventStream } from "./event-stream.ts";
import { lazyCompilersFactory } from "./lazy-compilers.ts";
import { StatusMetrics } from "./metrics.ts";
import { apiPlugin } from "./plugins/api.ts";
import { dashboardPlugin } from "./plugins/dashboard.ts";
import { errorsPlugin } from "./plugins/errors.ts";
import { guardPlugin } from "./plugins/guard.ts";
import { answerMethodNotAllowed } from "./plugins/method-not-allowed.ts";
import { metricsPlugin } from "./plugins/metrics.ts";
import { bounded } from "./plugins/replies.ts";
import { ssePlugin } from "./plugins/sse.ts";
import type { StateView, StatusSource } from "./source.ts";
import { type WebhookOptions, webhooksPlugin } from "./webhooks.ts";

export interface StatusServerOptions {
  source: StatusSource;
  /** 0 asks the OS for a free port. */
  port: number;
  host?: string;
  /** When set, every request but the dashboard page shell needs `Authorization: Bearer <token>`. */
  token?: string | null;
  logger?: Logger;
  /** How long a request waits for the orchestrator's snapshot before answering 504. */
  snapshotTimeoutMs?: number;
  heartbeatMs?: number;
  /** Unsent bytes an event-stream client may fall behind by before it is disconnected. */
  maxClientBufferBytes?: number;
  /** B.webhook: signed tracker webhooks; absent serves none. */
  webhooks?: Omit<WebhookOptions, "logger">;
  /** Applied to every response body and event before it is sent: removes secret values. */
  redact?: (text: string) => string;
}

export interface StatusServer {
  /** `http://<host>:<port>` as bound (the real port when 0 was asked for). */
  url: string;
  metrics: StatusMetrics;
  /** Number of connected event-stream clients. */
  eventClients(): number;
  close(): Promise<void>;
}

export const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_SNAPSHOT_TIMEOUT_MS = 5000;
const DEFAULT_HEARTBEAT_MS = 15_000;
const DEFAULT_MAX_CLIENT_BUFFER_BYTES = 1024 * 1024;

/**
 * Starts the HTTP status API and dashboard (SPEC 13.7). It only reads orchestrator state and asks
 * for refreshes; nothing in the orchestrator waits on it. Throws BatonError `invalid_server_config`
 * for a non-loopback host without a token, `server_listen_failed` when the port cannot be bound.
 *
 * The server is a set of fastify plugins (`src/plugins/`): the server-wide guard and error
 * handling first, then one plugin per group of routes. Every route registered by any of them gets
 * the guard, redaction, the error envelope, an OpenAPI entry and 405 answers for other methods.
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const host = options.host ?? DEFAULT_HOST;
  const token = options.token ?? null;
  assertSafeBind(host, token);
  const logger = options.logger ?? silentLogger;
  const snapshotTimeoutMs = options.snapshotTimeoutMs ?? DEFAULT_SNAPSHOT_TIMEOUT_MS;
  const { source } = options;
  const redact = options.redact ?? ((text: string) => text);

  const metrics = new StatusMetrics();
  const stream = new EventStream({
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    maxBufferedBytes: options.maxClientBufferBytes ?? DEFAULT_MAX_CLIENT_BUFFER_BYTES,
    redact,
  });
  const unsubscribe = source.subscribe((event) => {
    metrics.record(event);
    stream.publishEvent(event);
  });
  const stateView = async (): Promise<StateView> => ({
    ...(await bounded(() => source.snapshot(), snapshotTimeoutMs)),
    workflow: source.workflow(),
    logs: source.logs?.() ?? null,
  });

  const app = Fastify({
    logger: false,
    bodyLimit: 16 * 1024,
    schemaController: { compilersFactory: lazyCompilersFactory },
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Baton status API",
        version: "1",
        description: "Runtime state of the Baton orchestrator (Symphony SPEC 13.7).",
      },
      ...(token !== null
        ? {
            components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
            security: [{ bearer: [] }],
          }
        : {}),
    },
  });
  await app.register(guardPlugin, { token, logger, redact });
  const { allowedOn } = answerMethodNotAllowed(app);
  await app.register(errorsPlugin, { logger, allowedOn });
  if (options.webhooks !== undefined) await app.register(webhooksPlugin, { ...options.webhooks, logger });
  await app.register(dashboardPlugin, { load: loadDashboard });
  await app.register(apiPlugin, { source, stateView, snapshotTimeoutMs });
  await app.register(ssePlugin, { stream, stateView, redact });
  await app.register(metricsPlugin, { metrics, source, snapshotTimeoutMs });

  try {
    await app.listen({ port: options.port, host });
  } catch (error) {
    unsubscribe();
    stream.close();
    await app.close();
    throw new BatonError(
      "server_listen_failed",
      `cannot listen on ${host}:${options.port}: ${(error as Error).message}`,
      { host, port: options.port },
      { cause: error },
    );
  }
  const address = app.server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    metrics,
    eventClients: () => stream.clientCount,
    async close() {
      unsubscribe();
      stream.close();
      await app.close();
    },
  };
}
