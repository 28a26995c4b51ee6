import type { FastifyPluginAsync } from "fastify";
import { type EventStream, sseFrame } from "../event-stream.ts";
import { textSchema } from "../schemas.ts";
import type { StateView } from "../source.ts";
import { errorResponses } from "./replies.ts";

export interface SseOptions {
  stream: EventStream;
  stateView: () => Promise<StateView>;
  redact: (text: string) => string;
}

/** `GET /api/v1/events`: a `snapshot` event, then one event per orchestrator change (SSE). */
export const ssePlugin: FastifyPluginAsync<SseOptions> = async (app, { stream, stateView, redact }) => {
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
            content: { "text/event-stream": { schema: textSchema } },
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
};
