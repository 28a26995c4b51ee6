import type { FastifyPluginAsync } from "fastify";
import type { StatusMetrics } from "../metrics.ts";
import { textSchema } from "../schemas.ts";
import type { StatusSource } from "../source.ts";
import { bounded, errorResponses } from "./replies.ts";

export interface MetricsOptions {
  metrics: StatusMetrics;
  source: StatusSource;
  snapshotTimeoutMs: number;
}

/** `GET /metrics` in the Prometheus text format. */
export const metricsPlugin: FastifyPluginAsync<MetricsOptions> = async (app, options) => {
  const { metrics, source, snapshotTimeoutMs } = options;
  app.get(
    "/metrics",
    {
      schema: {
        summary: "Prometheus metrics",
        response: {
          200: {
            description: "Prometheus text format",
            content: { "text/plain": { schema: textSchema } },
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
};
