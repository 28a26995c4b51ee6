import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import FindMyWay from "find-my-way";
import { sendError } from "./replies.ts";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/**
 * Answers every method a route's URL is not served with by 405 and an `Allow` header, for every
 * route registered after this call (in any plugin): adding a route needs nothing here. Two cases:
 * - the request matches no route: the not-found handler asks `allowedOn(path)`;
 * - it matched a parameter route although its path is a static URL served with other methods
 *   (`GET /api/v1/refresh` would reach `GET /api/v1/:issue_identifier`): an `onRequest` hook.
 * A 405 route for each URL and method instead cost every start ~5 ms of route registration
 * (docs/benchmarks.md); the paths are matched by find-my-way, the router Fastify itself uses (same
 * URL syntax, static paths first), built on the first request that needs it.
 */
export function answerMethodNotAllowed(app: FastifyInstance): {
  allowedOn: (path: string) => string[] | null;
} {
  const served = new Map<string, Set<string>>();
  const staticAllowed = new Map<string, string[]>();
  let router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | null = null;
  const allowedOf = (methods: Set<string>) => {
    // Fastify answers HEAD for every GET route itself.
    if (methods.has("GET")) methods.add("HEAD");
    return METHODS.filter((method) => methods.has(method));
  };
  app.addHook("onRoute", (route) => {
    const methods = served.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    served.set(route.url, methods);
    if (!/[:*]/.test(route.url)) staticAllowed.set(route.url, allowedOf(methods));
  });
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0]!;
    const routeUrl = request.routeOptions.url;
    if (routeUrl === undefined || routeUrl === path) return;
    const allowed = staticAllowed.get(path);
    if (allowed !== undefined) return refuse(reply, request.method, path, allowed);
  });
  return {
    allowedOn(path) {
      if (router === null) {
        router = FindMyWay();
        for (const [url, methods] of served) router.on("GET", url, () => undefined, allowedOf(methods));
      }
      return (router.find("GET", path)?.store as string[] | undefined) ?? null;
    },
  };
}

/** The 405 answer: the error envelope with the methods the path is served with. */
export function refuse(reply: FastifyReply, method: string, path: string, allowed: string[]): FastifyReply {
  return sendError(
    reply.header("allow", allowed.join(", ")),
    "method_not_allowed",
    `${method} is not allowed on ${path.slice(0, 200)}; use ${allowed.join(" or ")}`,
  );
}
