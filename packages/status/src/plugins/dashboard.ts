import type { FastifyPluginAsync } from "fastify";
import type { DashboardPage } from "../dashboard.ts";

/** `GET /`: the dashboard page shell, the only request the guard lets through without a token. */
export const dashboardPlugin: FastifyPluginAsync<{ dashboard: DashboardPage }> = async (
  app,
  { dashboard },
) => {
  app.get("/", { schema: { hide: true } }, (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", dashboard.contentSecurityPolicy)
      .header("referrer-policy", "no-referrer")
      .send(dashboard.html),
  );
};
