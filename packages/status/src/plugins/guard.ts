import type { Logger } from "@baton/domain";
import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { accessRefusal } from "../access.ts";
import { logRefusal, refuseOperatorRequest } from "../operator-guard.ts";
import { isWebhookRoute } from "../webhooks.ts";
import { sendError } from "./replies.ts";

export interface GuardOptions {
  token: string | null;
  logger: Logger;
  /** Applied to every response body before it is sent: removes secret values. */
  redact: (text: string) => string;
}

/**
 * Applies to every route of the server, present or added later (not encapsulated). First who may
 * ask at all (`accessRefusal`: the token, or a loopback Host header without one). Then, with or
 * without a token, every state-changing request must come from this server's own origin with a JSON body:
 * other web pages cannot act for the operator. Last, no answer carries a secret value.
 */
export const guardPlugin = fp<GuardOptions>(
  async (app, { token, logger, redact }) => {
    app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
      reply.header("x-content-type-options", "nosniff").header("cache-control", "no-store");
      // Webhooks come from the tracker, not an operator: their signatures authenticate them.
      if (isWebhookRoute(request.routeOptions.url)) return;
      const pageShell =
        request.routeOptions.url === "/" && (request.method === "GET" || request.method === "HEAD");
      const denied = accessRefusal(
        { pageShell, host: request.headers.host, authorization: request.headers.authorization },
        token,
      );
      if (denied !== null) {
        if (denied.code === "unauthorized") reply.header("www-authenticate", 'Bearer realm="baton"');
        return sendError(reply, denied.code, denied.message);
      }
      const refusal = refuseOperatorRequest(request);
      if (refusal === null) return;
      logRefusal(logger, request, refusal);
      return sendError(reply, refusal.code, refusal.message);
    });
    // Agent output (messages, errors) can echo a key the agent was given: no answer carries one.
    // Sent as bytes: the socket takes them as they are, and a large answer (the state under load,
    // ~100 KB) is encoded once, outside the JS heap, instead of measured and then copied again.
    app.addHook("onSend", async (_request, _reply, payload) =>
      typeof payload === "string" ? Buffer.from(redact(payload)) : payload,
    );
  },
  { name: "baton-guard" },
);
