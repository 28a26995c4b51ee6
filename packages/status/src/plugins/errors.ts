import { httpStatusOf, isBatonError, type Logger } from "@baton/domain";
import fp from "fastify-plugin";
import { refuse } from "./method-not-allowed.ts";
import { sendError } from "./replies.ts";

const CODE_OF_STATUS: Record<number, string> = {
  400: "bad_request",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/**
 * Server-wide (not encapsulated): every error and unknown route is answered in the error envelope (a
 * path served with other methods by 405, `allowedOn` telling which), and JSON bodies are parsed
 * leniently enough for `curl -X POST` (empty body) and strictly otherwise.
 */
export const errorsPlugin = fp<{ logger: Logger; allowedOn: (path: string) => string[] | null }>(
  async (app, { logger, allowedOn }) => {
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split("?")[0]!;
      const allowed = allowedOn(path);
      if (allowed !== null) return refuse(reply, request.method, path, allowed);
      return sendError(reply, "not_found", `no such route: ${request.method} ${path.slice(0, 200)}`);
    });
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
  },
  { name: "baton-errors" },
);
