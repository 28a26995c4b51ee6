import { Socket } from "node:net";
import { BatonError, httpStatusOf, type Logger, silentLogger } from "@baton/domain";
import swagger from "@fastify/swagger";
import Fastify from "fastify";
import { isLoopbackHost } from "./access.ts";
import { loadDashboard } from "./dashboard.ts";
import { EventStream } from "./event-stream.ts";
import { createFront, FRONT_HANDOVER_MS, STATE_COPY_MAX_AGE_MS } from "./front.ts";
import { STATE_PATH } from "./front-protocol.ts";
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
import { WEBHOOK_BODY_LIMIT, type WebhookOptions, webhooksPlugin } from "./webhooks.ts";

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
  /**
   * When the front thread takes the public port over (FRONT_HANDOVER_MS by default); 0 does it
   * before the server is returned.
   */
  frontHandoverMs?: number;
  /** How old a copy of the state answer the front may serve (STATE_COPY_MAX_AGE_MS by default). */
  stateCopyMaxAgeMs?: number;
}

export interface StatusServer {
  /** `http://<host>:<port>` as bound (the real port when 0 was asked for). */
  url: string;
  metrics: StatusMetrics;
  /** Number of connected event-stream clients. */
  eventClients(): number;
  close(): Promise<void>;
}

/** Anyone who can reach a non-loopback listener could read ticket data: require a token there. */
export function assertSafeBind(host: string, token: string | null): void {
  if (token !== null || isLoopbackHost(host)) return;
  throw new BatonError(
    "invalid_server_config",
    `server.host is ${host}, which is reachable from other machines, but server.token is not set: ` +
      "set server.token (for example server.token: $BATON_STATUS_TOKEN) or bind a loopback address",
    { field: "server.token", host },
  );
}

/** Headers of the state answer the front repeats with its copies (the rest are per connection). */
const COPIED_HEADERS = ["content-type", "x-content-type-options", "cache-control"];

export const DEFAULT_HOST = "127.0.0.1";
/** Request bodies (operator actions) are small; webhooks have their own limit. */
const BODY_LIMIT = 16 * 1024;
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
  // When the API was last busy: the front takes the port over in a quiet moment.
  let lastRequestAt = Number.NEGATIVE_INFINITY;
  const front = createFront({
    host,
    port: options.port,
    token,
    maxAgeMs: options.stateCopyMaxAgeMs ?? STATE_COPY_MAX_AGE_MS,
    maxBodyBytes: Math.max(BODY_LIMIT, WEBHOOK_BODY_LIMIT),
    unavailableStatus: httpStatusOf("orchestrator_unavailable") ?? 503,
    logger,
    serve: (socket) => app.server.emit("connection", socket),
    quietForMs: () => performance.now() - lastRequestAt,
    // Made by the route itself (guard, serializer, redaction): a copy is the answer the route gives.
    async renderState() {
      const answer = await app.inject({
        method: "GET",
        url: STATE_PATH,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });
      const headers: Record<string, string> = {};
      for (const name of COPIED_HEADERS) {
        const value = answer.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      return { status: answer.statusCode, headers, body: answer.rawPayload };
    },
  });
  const unsubscribe = source.subscribe((event) => {
    metrics.record(event);
    stream.publishEvent(event);
    front.stateChanged();
  });
  const stateView = async (): Promise<StateView> => ({
    ...(await bounded(() => source.snapshot(), snapshotTimeoutMs)),
    workflow: source.workflow(),
    logs: source.logs?.() ?? null,
  });

  const app = Fastify({
    logger: false,
    // A request through the front comes on the Unix socket (no remote address), with the client's
    // address in X-Forwarded-For, set by the front; nothing else can reach that socket. A client
    // connected to the main thread's own listener is never believed.
    trustProxy: (address: string | undefined, hop: number) => hop === 0 && address === undefined,
    bodyLimit: BODY_LIMIT,
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
  // After the handover, a client still connected to the main thread's own listener (a TCP socket,
  // unlike the front's) is told to reconnect after this answer: its next requests go to the front.
  // (Closing idle connections instead would race a client sending on one at that moment.)
  // The front's copies (app.inject, no real socket) are not clients: they do not keep it busy.
  app.addHook("onRequest", async (request, reply) => {
    if (!(request.raw.socket instanceof Socket)) return;
    lastRequestAt = performance.now();
    if (front.handedOver && request.raw.socket.remoteAddress !== undefined)
      reply.header("connection", "close");
  });
  app.addHook("onResponse", async (request) => {
    if (request.raw.socket instanceof Socket) lastRequestAt = performance.now();
  });
  await app.register(guardPlugin, { token, logger, redact });
  const { allowedOn } = answerMethodNotAllowed(app);
  await app.register(errorsPlugin, { logger, allowedOn });
  if (options.webhooks !== undefined) await app.register(webhooksPlugin, { ...options.webhooks, logger });
  await app.register(dashboardPlugin, { load: loadDashboard });
  await app.register(apiPlugin, { source, stateView, snapshotTimeoutMs });
  await app.register(ssePlugin, { stream, stateView, redact });
  await app.register(metricsPlugin, { metrics, source, snapshotTimeoutMs });

  let bound: { address: string; family: string; port: number };
  try {
    await app.listen({ path: front.upstream });
    bound = await front.listen();
    await front.handOver(options.frontHandoverMs ?? FRONT_HANDOVER_MS);
  } catch (error) {
    unsubscribe();
    stream.close();
    await app.close();
    await front.close();
    throw new BatonError(
      "server_listen_failed",
      `cannot listen on ${host}:${options.port}: ${(error as Error).message}`,
      { host, port: options.port },
      { cause: error },
    );
  }
  const urlHost = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;

  return {
    url: `http://${urlHost}:${bound.port}`,
    metrics,
    eventClients: () => stream.clientCount,
    async close() {
      unsubscribe();
      await front.stopListening();
      stream.close();
      await app.close();
      await front.close();
    },
  };
}
