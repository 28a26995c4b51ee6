import { createHmac, timingSafeEqual } from "node:crypto";
import type { Logger } from "@baton/domain";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";

/**
 * Signed tracker webhooks (B.webhook) as a fastify plugin: `POST /api/v1/webhooks/linear` and
 * `POST /api/v1/webhooks/github`. They are not operator actions: no bearer token or Host check
 * applies (see `isWebhookRoute`); each delivery is authenticated by its HMAC-SHA256 signature
 * over the raw body instead. A verified delivery names the issue it is about and asks for an
 * immediate, coalesced tick; anything else gets 400 or 401, changes nothing and is logged.
 */

export type WebhookProvider = "linear" | "github";

export interface WebhookSecrets {
  linear: { secret: string } | null;
  github: { secret: string } | null;
}

/** What a verified delivery is about: the tracker's issue id, when the payload names one. */
export interface WebhookDelivery {
  provider: WebhookProvider;
  issue_id: string | null;
  action: string | null;
}

export interface WebhookOptions {
  /** Read per delivery, so a reload that changes a secret applies at once. */
  secrets(): WebhookSecrets;
  onDelivery(delivery: WebhookDelivery): void;
  logger: Logger;
  now?: () => number;
}

export const WEBHOOK_PREFIX = "/api/v1/webhooks/";
/** Linear deliveries older or newer than this (by `webhookTimestamp`) are replays or forgeries. */
export const LINEAR_TIMESTAMP_WINDOW_MS = 60_000;
/** GitHub deliveries carry no timestamp: a delivery id seen before is a replay. */
const REMEMBERED_GITHUB_DELIVERIES = 1000;
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export function isWebhookRoute(url: string | undefined): boolean {
  return url?.startsWith(WEBHOOK_PREFIX) === true;
}

/** Constant-time comparison of a hex HMAC-SHA256 of `body` with `signature`. */
export function signatureMatches(secret: string, body: Buffer, signature: string): boolean {
  const expected = createHmac("sha256", secret).update(body).digest();
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}

/** The signature header values a sender computes (used by the testkit's fake trackers). */
export function signWebhook(provider: WebhookProvider, secret: string, body: string | Buffer): string {
  const hex = createHmac("sha256", secret).update(body).digest("hex");
  return provider === "github" ? `sha256=${hex}` : hex;
}

type Rejection = { status: 400 | 401; code: string; message: string };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
}

function linearIssueId(payload: Record<string, unknown>): string | null {
  const data = record(payload.data);
  if (data === null) return null;
  if (payload.type === "Issue" && typeof data.id === "string") return data.id;
  if (typeof data.issueId === "string") return data.issueId;
  const issue = record(data.issue);
  return typeof issue?.id === "string" ? issue.id : null;
}

function githubIssueId(payload: Record<string, unknown>): string | null {
  const issue = record(payload.issue);
  return typeof issue?.number === "number" ? String(issue.number) : null;
}

export const webhooksPlugin: FastifyPluginAsync<WebhookOptions> = async (app, options) => {
  const now = options.now ?? Date.now;
  const seenGithubDeliveries = new Set<string>();

  // The signature covers the exact bytes sent, so these routes parse their own raw body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "*",
    { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  function reject(request: FastifyRequest, reply: FastifyReply, provider: WebhookProvider, why: Rejection) {
    options.logger.warn(
      { provider, code: why.code, reason: why.message, remote: request.ip },
      "action=webhook outcome=rejected",
    );
    return reply.code(why.status).send({ error: { code: why.code, message: why.message } });
  }

  type Verified = { ok: true; payload: Record<string, unknown> } | { ok: false; rejection: Rejection };
  const refuse = (status: 400 | 401, code: string, message: string): Verified => ({
    ok: false,
    rejection: { status, code, message },
  });

  function verify(provider: WebhookProvider, request: FastifyRequest): Verified {
    const settings = options.secrets()[provider];
    if (settings === null)
      return refuse(401, "webhook_disabled", `server.webhooks.${provider} is not configured`);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const headerName = provider === "linear" ? "linear-signature" : "x-hub-signature-256";
    const sent = header(request, headerName);
    if (sent === undefined) return refuse(401, "unsigned", `the delivery has no ${headerName} header`);
    const hex = provider === "github" ? (sent.startsWith("sha256=") ? sent.slice(7) : "") : sent;
    if (!signatureMatches(settings.secret, body, hex))
      return refuse(401, "bad_signature", `${headerName} does not match the body`);
    const payload = parseJson(body);
    if (payload === null) return refuse(400, "malformed", "the body is not a JSON object");
    return { ok: true, payload };
  }

  app.post(
    `${WEBHOOK_PREFIX}linear`,
    { schema: { hide: true }, bodyLimit: WEBHOOK_BODY_LIMIT },
    async (request, reply) => {
      const result = verify("linear", request);
      if (!result.ok) return reject(request, reply, "linear", result.rejection);
      const verified = result.payload;
      const sentAt = verified.webhookTimestamp;
      if (typeof sentAt !== "number")
        return reject(request, reply, "linear", {
          status: 400,
          code: "malformed",
          message: "webhookTimestamp is missing",
        });
      if (Math.abs(now() - sentAt) > LINEAR_TIMESTAMP_WINDOW_MS)
        return reject(request, reply, "linear", {
          status: 401,
          code: "replayed",
          message: `webhookTimestamp is more than ${LINEAR_TIMESTAMP_WINDOW_MS} ms away from now`,
        });
      const action = typeof verified.action === "string" ? verified.action : null;
      options.onDelivery({ provider: "linear", issue_id: linearIssueId(verified), action });
      return reply.code(202).send({ accepted: true });
    },
  );

  app.post(
    `${WEBHOOK_PREFIX}github`,
    { schema: { hide: true }, bodyLimit: WEBHOOK_BODY_LIMIT },
    async (request, reply) => {
      const result = verify("github", request);
      if (!result.ok) return reject(request, reply, "github", result.rejection);
      const verified = result.payload;
      const delivery = header(request, "x-github-delivery");
      if (delivery === undefined || delivery === "")
        return reject(request, reply, "github", {
          status: 400,
          code: "malformed",
          message: "the X-GitHub-Delivery header is missing",
        });
      if (seenGithubDeliveries.has(delivery))
        return reject(request, reply, "github", {
          status: 401,
          code: "replayed",
          message: `delivery ${delivery.slice(0, 80)} was already received`,
        });
      seenGithubDeliveries.add(delivery);
      if (seenGithubDeliveries.size > REMEMBERED_GITHUB_DELIVERIES) {
        seenGithubDeliveries.delete(seenGithubDeliveries.values().next().value!);
      }
      const action = typeof verified.action === "string" ? verified.action : null;
      options.onDelivery({ provider: "github", issue_id: githubIssueId(verified), action });
      return reply.code(202).send({ accepted: true });
    },
  );
};
