import type { AddressInfo } from "node:net";
import { BatonError, httpStatusOf, isBatonError, type Logger, silentLogger } from "@baton/domain";
import type { OperatorActionResult } from "@baton/orchestrator";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { assertSafeBind, bearerMatches, isLoopbackHost } from "./access.ts";
import { loadDashboard } from "./dashboard.ts";
import { EventStream, sseFrame } from "./event-stream.ts";
import { lazyCompilersFactory } from "./lazy-compilers.ts";
import { StatusMetrics } from "./metrics.ts";
import { logRefusal, refuseOperatorRequest } from "./operator-guard.ts";
import {
  errorSchema,
  issueDetailSchema,
  operatorActionSchema,
  refreshSchema,
  sessionEventsSchema,
  stateSchema,
  stopBodySchema,
} from "./schemas.ts";
import type { StateView, StatusSource } from "./source.ts";

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

const CODE_OF_STATUS: Record<number, string> = {
  400: "bad_request",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/** Every route with the methods it serves; any other method there gets 405 with an `Allow` header. */
const ROUTES: Record<string, string[]> = {
  "/": ["GET"],
  "/metrics": ["GET"],
  "/api/v1/state": ["GET"],
  "/api/v1/events": ["GET"],
  "/api/v1/openapi.json": ["GET"],
  "/api/v1/refresh": ["POST"],
  "/api/v1/:issue_identifier": ["GET"],
  "/api/v1/:issue_identifier/stop": ["POST"],
  "/api/v1/:issue_identifier/retry": ["POST"],
  "/api/v1/:issue_identifier/events": ["GET"],
};

const identifierParams = {
  type: "object",
  properties: { issue_identifier: { type: "string", minLength: 1, maxLength: 200 } },
  required: ["issue_identifier"],
} as const;

const DEFAULT_EVENTS_PAGE = 100;
const MAX_EVENTS_PAGE = 1000;
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const errorResponses = { "4xx": errorSchema, "5xx": errorSchema };

function apiError(code: string, message: string): BatonError {
  return new BatonError(code, message);
}

function sendError(reply: FastifyReply, code: string, message: string): FastifyReply {
  return reply.code(httpStatusOf(code) ?? 500).send({ error: { code, message } });
}

/** Resolves what `read` returns, or rejects with `snapshot_timeout` once `ms` have passed. */
async function bounded<T>(read: () => T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(apiError("snapshot_timeout", `the orchestrator did not answer within ${ms} ms; try again`)),
      ms,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(read), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Host header without the port, brackets kept for IPv6 (`[::1]:8080` → `[::1]`). */
function hostName(header: string | undefined): string {
  if (!header) return "";
  return header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.split(":")[0]!;
}

/**
 * Starts the HTTP status API and dashboard (SPEC 13.7). It only reads orchestrator state and asks
 * for refreshes; nothing in the orchestrator waits on it. Throws BatonError `invalid_server_config`
 * for a non-loopback host without a token, `server_listen_failed` when the port cannot be bound.
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const host = options.host ?? DEFAULT_HOST;
  const token = options.token ?? null;
  assertSafeBind(host, token);
  const logger = options.logger ?? silentLogger;
  const snapshotTimeoutMs = options.snapshotTimeoutMs ?? DEFAULT_SNAPSHOT_TIMEOUT_MS;
  const { source } = options;
  const redact = options.redact ?? ((text: string) => text);

  const dashboard = await loadDashboard();
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

  const stateView = async (): Promise<StateView> => ({
    ...(await bounded(() => source.snapshot(), snapshotTimeoutMs)),
    workflow: source.workflow(),
    logs: source.logs?.() ?? null,
  });

  installGuards(app, token, logger);
  // Agent output (messages, errors) can echo a key the agent was given: no answer carries one.
  app.addHook("onSend", async (_request, _reply, payload) =>
    typeof payload === "string" ? redact(payload) : payload,
  );
  installErrorHandling(app, logger);

  app.get("/", { schema: { hide: true } }, (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", dashboard.contentSecurityPolicy)
      .header("referrer-policy", "no-referrer")
      .send(dashboard.html),
  );

  app.get(
    "/api/v1/state",
    {
      schema: {
        summary: "Current runtime state",
        description: "Running, retrying and blocked issues, token and runtime totals, rate limits, workflow.",
        response: { 200: stateSchema, ...errorResponses },
      },
    },
    () => stateView(),
  );

  app.post(
    "/api/v1/refresh",
    {
      schema: {
        summary: "Queue an immediate poll and reconciliation",
        response: { 202: refreshSchema, ...errorResponses },
      },
    },
    (_request, reply) => {
      const result = source.requestRefresh();
      if (!result.queued) {
        return sendError(reply, "orchestrator_unavailable", "the orchestrator is not running");
      }
      return reply.code(202).send({ ...result, operations: ["poll", "reconcile"] });
    },
  );

  app.get(
    "/api/v1/events",
    {
      schema: {
        summary: "Server-Sent Events stream of orchestrator changes",
        description:
          "Starts with a `snapshot` event (the body of GET /api/v1/state), then one event per change " +
          "named after its `type` (dispatched, agent_event, retry_scheduled, blocked, released, stopped, " +
          "worker_exited, tick_completed, preflight_failed, tracker_error, workflow_reloaded, " +
          "workflow_reload_failed) and periodic `heartbeat` events.",
        response: {
          200: {
            description: "An event stream",
            content: { "text/event-stream": { schema: { type: "string" } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      // Registered before the snapshot is taken, so no change between the two is lost.
      const client = stream.open(reply.raw);
      let initial: StateView;
      try {
        initial = await stateView();
      } catch (error) {
        client.cancel();
        throw error;
      }
      reply.hijack();
      request.raw.socket.setNoDelay(true);
      client.start(redact(sseFrame("snapshot", initial)));
    },
  );

  app.get(
    "/metrics",
    {
      schema: {
        summary: "Prometheus metrics",
        response: {
          200: {
            description: "Prometheus text format",
            content: { "text/plain": { schema: { type: "string" } } },
          },
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => {
      const snapshot = await bounded(() => source.snapshot(), snapshotTimeoutMs);
      return reply.type(metrics.contentType).send(await metrics.render(snapshot));
    },
  );

  app.get("/api/v1/openapi.json", { schema: { hide: true } }, () => app.swagger());

  app.get(
    "/api/v1/:issue_identifier",
    {
      schema: {
        summary: "Runtime and debug details of one claimed issue",
        params: {
          type: "object",
          properties: { issue_identifier: { type: "string", minLength: 1, maxLength: 200 } },
          required: ["issue_identifier"],
        },
        response: { 200: issueDetailSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { issue_identifier } = request.params as { issue_identifier: string };
      const detail = await bounded(() => source.issueDetail(issue_identifier), snapshotTimeoutMs);
      if (detail === null) {
        return sendError(
          reply,
          "issue_not_found",
          `issue ${issue_identifier} is not running, retrying or blocked in this Baton process`,
        );
      }
      return detail;
    },
  );

  const answerOperatorAction = (reply: FastifyReply, result: OperatorActionResult) => {
    if (!result.ok) return sendError(reply, result.code, result.message);
    const { ok: _ok, ...body } = result;
    return reply.code(202).send(body);
  };

  app.post(
    "/api/v1/:issue_identifier/stop",
    {
      schema: {
        summary: "Stop a claimed issue (operator action)",
        description:
          "Cancels the running attempt (or drops the queued retry or block) and holds the issue as " +
          "`stopped` with the given reason: it is not retried until the ticket changes or a retry is asked. " +
          'Takes a JSON body `{ "reason": "..." }`.',
        params: identifierParams,
        body: stopBodySchema,
        response: { 202: operatorActionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { issue_identifier } = request.params as { issue_identifier: string };
      const { reason } = request.body as { reason: string };
      const result = await bounded(
        () => source.stopIssue(issue_identifier, reason.trim() || "no reason given"),
        snapshotTimeoutMs,
      );
      return answerOperatorAction(reply, result);
    },
  );

  app.post(
    "/api/v1/:issue_identifier/retry",
    {
      schema: {
        summary: "Retry a queued, blocked or stopped issue now (operator action)",
        description:
          "The issue is read again from the tracker and dispatched at once if it is still eligible.",
        params: identifierParams,
        response: { 202: operatorActionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { issue_identifier } = request.params as { issue_identifier: string };
      const result = await bounded(() => source.retryIssue(issue_identifier), snapshotTimeoutMs);
      return answerOperatorAction(reply, result);
    },
  );

  app.get(
    "/api/v1/:issue_identifier/events",
    {
      schema: {
        summary: "A page of the issue's agent session log",
        description:
          "Events as written to the per-issue session log, oldest first. Page with `cursor` (from " +
          "`next_cursor`) and `limit`; poll with the last `next_cursor` to follow a live session.",
        params: identifierParams,
        querystring: {
          type: "object",
          properties: {
            cursor: { type: "integer", minimum: 0, default: 0 },
            limit: { type: "integer", minimum: 1, maximum: MAX_EVENTS_PAGE, default: DEFAULT_EVENTS_PAGE },
          },
          additionalProperties: false,
        },
        response: { 200: sessionEventsSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { issue_identifier } = request.params as { issue_identifier: string };
      const { cursor, limit } = request.query as { cursor: number; limit: number };
      const page = await source.sessionEvents(issue_identifier, cursor, limit);
      if (page === null) {
        return sendError(
          reply,
          "issue_not_found",
          `no session log for issue ${issue_identifier} in this Baton process`,
        );
      }
      return { issue_identifier, ...page };
    },
  );

  installMethodNotAllowed(app);

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

/**
 * Token check when a token is configured; without one (loopback only), the Host header must name a
 * loopback host too, so a web page cannot reach the API through DNS rebinding. Then, with or
 * without a token, every state-changing request on any route (present or added later) must come
 * from this server's own origin with a JSON body: other web pages cannot act for the operator.
 */
function installGuards(app: FastifyInstance, token: string | null, logger: Logger): void {
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header("x-content-type-options", "nosniff").header("cache-control", "no-store");
    if (token === null) {
      if (!isLoopbackHost(hostName(request.headers.host))) {
        return sendError(reply, "forbidden_host", "this status server answers only to loopback host names");
      }
    } else {
      const pageShell =
        request.routeOptions.url === "/" && (request.method === "GET" || request.method === "HEAD");
      if (!pageShell && !bearerMatches(request.headers.authorization, token)) {
        reply.header("www-authenticate", 'Bearer realm="baton"');
        return sendError(
          reply,
          "unauthorized",
          "missing or wrong bearer token (Authorization: Bearer <server.token>)",
        );
      }
    }
    const refusal = refuseOperatorRequest(request);
    if (refusal === null) return;
    logRefusal(logger, request, refusal);
    return sendError(reply, refusal.code, refusal.message);
  });
}

function installErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      "not_found",
      `no such route: ${request.method} ${request.url.split("?")[0]!.slice(0, 200)}`,
    ),
  );
  app.setErrorHandler((error: unknown, request, reply) => {
    if (isBatonError(error) && httpStatusOf(error.category) !== undefined) {
      return sendError(reply, error.category, error.message);
    }
    const status = (error as { statusCode?: number }).statusCode;
    const clientCode = status === undefined ? undefined : CODE_OF_STATUS[status];
    if (clientCode !== undefined) return sendError(reply, clientCode, (error as Error).message);
    logger.error(
      { method: request.method, route: request.routeOptions.url, reason: String(error) },
      "action=http_request outcome=failed",
    );
    return sendError(reply, "internal_error", "internal error while answering; see the Baton log");
  });
  // `POST /api/v1/refresh` takes an empty body or `{}`, with or without a JSON content type.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, body === "" ? {} : JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error("request body is not valid JSON"), { statusCode: 400 }), undefined);
    }
  });
}

function installMethodNotAllowed(app: FastifyInstance): void {
  for (const [url, served] of Object.entries(ROUTES)) {
    // Fastify answers HEAD for every GET route itself.
    const allowed = served.includes("GET") ? [...served, "HEAD"] : served;
    const others = METHODS.filter((method) => !allowed.includes(method));
    app.route({
      method: others,
      url,
      schema: { hide: true },
      handler: (request, reply) =>
        sendError(
          reply.header("allow", allowed.join(", ")),
          "method_not_allowed",
          `${request.method} is not allowed on ${url}; use ${allowed.join(" or ")}`,
        ),
    });
  }
}
