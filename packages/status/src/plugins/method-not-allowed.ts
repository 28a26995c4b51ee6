import type { FastifyInstance } from "fastify";
import { sendError } from "./replies.ts";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/**
 * Records every route registered after this call (in any plugin) and returns a function that, once
 * all plugins are registered, answers every other method on those URLs with 405 and an `Allow`
 * header. Adding a route needs nothing here.
 */
export function collectRoutesForMethodNotAllowed(app: FastifyInstance): () => void {
  const served = new Map<string, Set<string>>();
  let collecting = true;
  app.addHook("onRoute", (route) => {
    if (!collecting) return;
    const methods = served.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    served.set(route.url, methods);
  });
  return () => {
    collecting = false;
    for (const [url, methods] of served) {
      // Fastify answers HEAD for every GET route itself.
      if (methods.has("GET")) methods.add("HEAD");
      const allowed = METHODS.filter((method) => methods.has(method));
      const others = METHODS.filter((method) => !methods.has(method));
      if (others.length === 0) continue;
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
  };
}
