import type { Logger } from "@baton/domain";
import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { bearerMatches, isLoopbackHost } from "../access.ts";
import { logRefusal, refuseOperatorRequest } from "../operator-guard.ts";
import { isWebhookRoute } from "../webhooks.ts";
import { sendError } from "./replies.ts";

export interface GuardOptions {
  token: string | null;
  logger: Logger;
  /** Applied to every response body before it is sent: removes secret values. */
  redact: (text: string) => string;
}

/** Host header without the port, brackets kept for IPv6 (`[::1]:8080` → `[::1]`). */
function hostName(header: string | undefined): string {
  if (!header) return "";
  return header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.split(":")[0]!;
}

/**
 * Applies to every route of the server, present or added later (not encapsulated). Token check
 * when a token is configured; without one (loopback only), the Host header must name a loopback
 * host too, so a web page cannot reach the API through DNS rebinding. Then, with or without a
 * token, every state-changing request must come from this server's own origin with a JSON body:
 * other web pages cannot act for the operator. Last, no answer carries a secret value.
 */
export const guardPlugin = fp<GuardOptions>(
  async (app, { token, logger, redact }) => {
    app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
      reply.header("x-content-type-options", "nosniff").header("cache-control", "no-store");
      // Webhooks come from the tracker, not an operator: their signatures authenticate them.
      if (isWebhookRoute(request.routeOptions.url)) return;
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
    // Agent output (messages, errors) can echo a key the agent was given: no answer carries one.
    // Sent as bytes: the socket takes them as they are, and a large answer (the state under load,
    // ~100 KB) is encoded once, outside the JS heap, instead of measured and then copied again.
    app.addHook("onSend", async (_request, _reply, payload) =>
      typeof payload === "string" ? Buffer.from(redact(payload)) : payload,
    );
  },
  { name: "baton-guard" },
);
