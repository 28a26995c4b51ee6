import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { execute, type GraphQLFormattedError, parse, validate } from "graphql";
import { deliverSignedWebhook, type WebhookTarget } from "../webhook-sender.ts";
import { fakeLinearRoot } from "./resolvers.ts";
import { linearSubsetSchema } from "./schema.ts";
import { FakeLinearStore } from "./store.ts";

/** One request as the fake received it. */
export interface FakeLinearRequest {
  authorization: string | undefined;
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
}

/** A failure the next request gets instead of a normal answer (queued, one per request). */
export type FakeLinearFault =
  | { type: "status"; status: number; body?: string }
  /** Linear's rate-limit answer: RATELIMITED error with its rate-limit headers (status 400 like Linear, or 429). */
  | { type: "rate_limit"; status?: 400 | 429; retryAfterSeconds?: number; resetAt?: number }
  /** A 200 answer whose body is `body` as is, e.g. broken JSON or a JSON object without `data`. */
  | { type: "malformed"; body: string; contentType?: string }
  /** Never answers (until the server closes). */
  | { type: "hang" };

export interface FakeLinearServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:43123/graphql. */
  readonly endpoint: string;
  readonly apiKey: string;
  readonly store: FakeLinearStore;
  readonly requests: FakeLinearRequest[];
  /** Queues faults; each is used by one request, in order. */
  inject(...faults: FakeLinearFault[]): void;
  /** Sends Linear's signed `Issue` webhook for the issue as it is stored now; resolves with Baton's HTTP status. */
  deliverWebhook(
    target: WebhookTarget,
    idOrIdentifier: string,
    action?: "create" | "update",
  ): Promise<number>;
  close(): Promise<void>;
}

export interface FakeLinearOptions {
  apiKey?: string;
  store?: FakeLinearStore;
}

export const FAKE_LINEAR_API_KEY = "lin_api_fake_0123456789abcdef";

/**
 * A Linear GraphQL API on 127.0.0.1: checks `Authorization` like Linear does for personal API keys
 * (the raw key), validates each document against the committed subset of Linear's schema and
 * executes it against an in-memory store with real cursor paging and mutations.
 */
export async function startFakeLinear(options: FakeLinearOptions = {}): Promise<FakeLinearServer> {
  const apiKey = options.apiKey ?? FAKE_LINEAR_API_KEY;
  const store = options.store ?? new FakeLinearStore();
  const schema = linearSubsetSchema();
  const rootValue = fakeLinearRoot(store);
  const requests: FakeLinearRequest[] = [];
  const faults: FakeLinearFault[] = [];

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "POST" || request.url !== "/graphql") {
      return json(response, 404, { errors: [{ message: `no route ${request.method} ${request.url}` }] });
    }
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch {
      return json(response, 400, { errors: [{ message: "request body is not JSON" }] });
    }
    const query = typeof body.query === "string" ? body.query : "";
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    requests.push({
      authorization: request.headers.authorization,
      query,
      variables,
      operationName: typeof body.operationName === "string" ? body.operationName : null,
    });
    const fault = faults.shift();
    if (fault !== undefined) return answerWithFault(response, fault);
    if (request.headers.authorization !== apiKey) {
      return json(response, 401, {
        errors: [
          {
            message: "Authentication required, not authenticated",
            extensions: { code: "AUTHENTICATION_ERROR", type: "authentication error" },
          },
        ],
      });
    }
    let document: ReturnType<typeof parse>;
    try {
      document = parse(query);
    } catch (error) {
      return json(response, 400, { errors: [graphqlFailure(error, "GRAPHQL_PARSE_FAILED")] });
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) {
      return json(response, 400, {
        errors: invalid.map((error) => ({
          ...error.toJSON(),
          extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        })),
      });
    }
    const result = await execute({ schema, document, rootValue, variableValues: variables });
    return json(response, 200, result);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      json(response, 500, { errors: [{ message: `fake Linear crashed: ${String(error)}` }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}/graphql`,
    apiKey,
    store,
    requests,
    inject: (...more) => faults.push(...more),
    deliverWebhook(target, idOrIdentifier, action = "update") {
      const issue = store.issue(idOrIdentifier);
      return deliverSignedWebhook("linear", target, {
        action,
        type: "Issue",
        createdAt: issue.updatedAt,
        data: {
          id: issue.id,
          identifier: issue.identifier,
          title: issue.title,
          stateId: issue.stateId,
          state: { id: issue.stateId, name: store.stateName(issue.id) },
          updatedAt: issue.updatedAt,
        },
        url: issue.url,
        organizationId: "fake-organization",
        webhookTimestamp: Date.now(),
        webhookId: "fake-webhook",
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answerWithFault(response: ServerResponse, fault: FakeLinearFault): void {
  switch (fault.type) {
    case "status":
      response.writeHead(fault.status, { "content-type": "text/plain" });
      response.end(fault.body ?? `fake Linear injected HTTP ${fault.status}`);
      return;
    case "rate_limit": {
      const headers: Record<string, string> = {
        "x-ratelimit-requests-limit": "1500",
        "x-ratelimit-requests-remaining": "0",
        "x-ratelimit-requests-reset": String(fault.resetAt ?? Date.now() + 60_000),
      };
      if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
      json(
        response,
        fault.status ?? 400,
        {
          errors: [
            {
              message: "Rate limit exceeded",
              extensions: {
                code: "RATELIMITED",
                userPresentableMessage: "Too many requests; try again later.",
              },
            },
          ],
        },
        headers,
      );
      return;
    }
    case "malformed":
      response.writeHead(200, { "content-type": fault.contentType ?? "application/json; charset=utf-8" });
      response.end(fault.body);
      return;
    case "hang":
      return;
  }
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(JSON.stringify(body));
}

function graphqlFailure(error: unknown, code: string): GraphQLFormattedError {
  return { message: error instanceof Error ? error.message : String(error), extensions: { code } };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
