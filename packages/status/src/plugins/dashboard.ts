import type { FastifyPluginAsync } from "fastify";
import type { DashboardPage } from "../dashboard.ts";

/**
 * `GET /`: the dashboard page shell, the only request the guard lets through without a token. The
 * page is read (and its CSP hashes computed) on the first request for it rather than at startup:
 * the API answers without it.
 */
export const dashboardPlugin: FastifyPluginAsync<{ load: () => Promise<DashboardPage> }> = async (
  app,
  { load },
) => {
  let page: Promise<DashboardPage> | null = null;
  app.get("/", { schema: { hide: true } }, async (_request, reply) => {
    page ??= load().catch((error: unknown) => {
      page = null;
      throw error;
    });
    const dashboard = await page;
    return reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", dashboard.contentSecurityPolicy)
      .header("referrer-policy", "no-referrer")
      .send(dashboard.html);
  });
};
