import type { OperatorActionResult } from "@baton/orchestrator";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import {
  approveBodySchema,
  issueDetailSchema,
  operatorActionSchema,
  refreshSchema,
  rejectBodySchema,
  sessionEventsSchema,
  stateSchema,
  stopBodySchema,
} from "../schemas.ts";
import type { StateView, StatusSource } from "../source.ts";
import { bounded, errorResponses, identifierParams, sendError } from "./replies.ts";

export interface ApiOptions {
  source: StatusSource;
  /** The body of `GET /api/v1/state`, bounded by the snapshot timeout. */
  stateView: () => Promise<StateView>;
  snapshotTimeoutMs: number;
}

const DEFAULT_EVENTS_PAGE = 100;
const MAX_EVENTS_PAGE = 1000;

function answerOperatorAction(reply: FastifyReply, result: OperatorActionResult) {
  if (!result.ok) return sendError(reply, result.code, result.message);
  const { ok: _ok, ...body } = result;
  return reply.code(202).send(body);
}

/**
 * The JSON API under `/api/v1` (SPEC 13.7.2). A new route goes here (or in a plugin of its own
 * registered in `server.ts`) with its response schema from `schemas.ts`: the guard, redaction,
 * error envelope, OpenAPI document and 405 answers apply to it without further wiring.
 */
export const apiPlugin: FastifyPluginAsync<ApiOptions> = async (
  app,
  { source, stateView, snapshotTimeoutMs },
) => {
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

  app.get("/api/v1/openapi.json", { schema: { hide: true } }, () => app.swagger());

  app.get(
    "/api/v1/:issue_identifier",
    {
      schema: {
        summary: "Runtime and debug details of one claimed issue",
        params: identifierParams,
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
          `issue ${issue_identifier} is not running, retrying, blocked, stopped or awaiting approval in this Baton process`,
        );
      }
      return detail;
    },
  );

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

  app.post(
    "/api/v1/:issue_identifier/approve",
    {
      schema: {
        summary: "Approve the gate the issue waits at (B.phases)",
        description:
          "The paused `phases:` run is queued at once and resumes at the next phase. Optional JSON body " +
          '`{ "by": "..." }` names the approver in the log and the issue history; `"note"` is an agent\'s answer when ' +
          "it asked questions (B.phases approvals). 409 when the issue is not waiting at a gate.",
        params: identifierParams,
        body: approveBodySchema,
        response: { 202: operatorActionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { issue_identifier } = request.params as { issue_identifier: string };
      const body = request.body as { by?: string; note?: string } | null;
      const by = body?.by ?? "api";
      const result = await bounded(
        () => source.approveGate(issue_identifier, by, body?.note ?? null),
        snapshotTimeoutMs,
      );
      return answerOperatorAction(reply, result);
    },
  );

  app.post(
    "/api/v1/:issue_identifier/reject",
    {
      schema: {
        summary: "Reject the gate the issue waits at (B.phases)",
        description:
          'Takes `{ "reason": "...", "by": "..." }`. The reason goes back to the gate\'s `on_reject` phase as its ' +
          "`feedback` (status `resumed`); with no attempts left the issue is held as blocked (status `rejected`).",
        params: identifierParams,
        body: rejectBodySchema,
        response: { 202: operatorActionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { issue_identifier } = request.params as { issue_identifier: string };
      const { reason, by } = request.body as { reason: string; by?: string };
      const result = await bounded(
        () => source.rejectGate(issue_identifier, reason.trim() || "no reason given", by ?? "api"),
        snapshotTimeoutMs,
      );
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
};
