import type { Logger } from "@baton/domain";
import { BatonError } from "@baton/domain";
import type { LinearClient, LinearError } from "@linear/sdk";
import { LINEAR_DEFAULT_RATE_LIMIT_WAIT_MS } from "./defaults.ts";

export interface LinearTransportOptions {
  endpoint: string;
  apiKey: string;
  timeoutMs: number;
  logger: Logger;
  now: () => number;
}

/** A Linear answer: its `data`, or a BatonError plus whatever GraphQL errors/data Linear sent along. */
export type LinearAnswer =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; error: BatonError; graphqlErrors?: unknown[]; data?: unknown };

/** The parts of an @linear/sdk error's `raw` field we read: the HTTP answer as the SDK saw it. */
interface RawSdkResponse {
  status?: number;
  errors?: unknown;
  data?: unknown;
  headers?: Headers;
}

const MAX_DETAIL_CHARS = 300;

type LinearSdk = typeof import("@linear/sdk");
let sdkLoading: Promise<LinearSdk> | null = null;

/** @linear/sdk is large: it loads on the first Linear request, so a Baton on another tracker never pays for it. */
function linearSdk(): Promise<LinearSdk> {
  sdkLoading ??= import("@linear/sdk");
  return sdkLoading;
}

/**
 * Sends GraphQL documents to Linear through @linear/sdk's client (its `Authorization` handling and
 * error classes) with a per-request timeout, and maps every failure to a SPEC 11.4 category
 * (table in docs/trackers/linear.md). After a rate-limited answer it refuses to touch the network
 * until Linear's retry time has passed, so a rate-limited tracker slows Baton down instead of
 * being hammered by every poll, refresh and tool call.
 */
export class LinearTransport {
  private client: LinearClient | null = null;
  private rateLimitedUntil = 0;

  constructor(private readonly options: LinearTransportOptions) {}

  async send(query: string, variables: Record<string, unknown>, operation: string): Promise<LinearAnswer> {
    const waitMs = this.rateLimitedUntil - this.options.now();
    if (waitMs > 0) {
      return {
        ok: false,
        error: rateLimited(
          `Linear rate limit: not sending ${operation} for another ${waitMs} ms (Linear asked Baton to wait)`,
          waitMs,
        ),
      };
    }
    const sdk = await linearSdk();
    this.client ??= new sdk.LinearClient({ apiKey: this.options.apiKey, apiUrl: this.options.endpoint });
    // One client per request: @linear/sdk passes its options to fetch, which is where the abort signal goes.
    const graphql = new sdk.LinearGraphQLClient(this.client.options.apiUrl, {
      ...this.client.options,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    try {
      const response = await graphql.rawRequest<Record<string, unknown>, Record<string, unknown>>(
        query,
        variables,
      );
      return { ok: true, data: response.data ?? {} };
    } catch (error) {
      const answer = this.failure(error, operation, sdk);
      const retryAfterMs = answer.error.details.retry_after_ms;
      if (typeof retryAfterMs === "number") {
        this.rateLimitedUntil = this.options.now() + retryAfterMs;
        this.options.logger.warn(
          { operation, retry_after_ms: retryAfterMs },
          "Linear rate-limited Baton; pausing Linear requests",
        );
      }
      return answer;
    }
  }

  /** `send` for adapter reads: the data, or a rejection with the BatonError. */
  async request(
    query: string,
    variables: Record<string, unknown>,
    operation: string,
  ): Promise<Record<string, unknown>> {
    const answer = await this.send(query, variables, operation);
    if (!answer.ok) throw answer.error;
    return answer.data;
  }

  private failure(error: unknown, operation: string, sdk: LinearSdk): Extract<LinearAnswer, { ok: false }> {
    const { endpoint, timeoutMs } = this.options;
    if (error instanceof sdk.LinearError) return this.sdkFailure(error, operation, sdk);
    if (error instanceof SyntaxError) {
      return fail("tracker_response", `Linear answered ${operation} with invalid JSON (${endpoint})`, error);
    }
    if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return fail(
        "tracker_request",
        `Linear did not answer ${operation} within ${timeoutMs} ms (${endpoint})`,
        error,
        { timeout_ms: timeoutMs },
      );
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return fail(
      "tracker_request",
      `could not reach Linear at ${endpoint} for ${operation}: ${this.redact(describeError(cause))}`,
      error,
    );
  }

  private sdkFailure(
    error: LinearError,
    operation: string,
    sdk: LinearSdk,
  ): Extract<LinearAnswer, { ok: false }> {
    const raw = ((error.raw as { response?: RawSdkResponse } | undefined)?.response ?? {}) as RawSdkResponse;
    const status = raw.status ?? error.status;
    const graphqlErrors = Array.isArray(raw.errors) ? raw.errors : [];
    const firstMessage = this.redact(graphqlErrorMessage(graphqlErrors[0]) ?? "");
    const said = firstMessage === "" ? "" : `: ${firstMessage}`;
    const extra = graphqlErrors.length > 0 ? { graphqlErrors, data: raw.data } : {};
    const rateLimit =
      error instanceof sdk.RatelimitedLinearError ||
      status === 429 ||
      graphqlErrors.some((entry) => errorCode(entry) === "RATELIMITED");
    if (rateLimit) {
      const waitMs = retryAfterMs(raw.headers, this.options.now());
      return {
        ok: false,
        error: rateLimited(
          `Linear rate-limited ${operation} (HTTP ${status}); retry after ${waitMs} ms${said}`,
          waitMs,
        ),
        ...extra,
      };
    }
    if (status !== undefined && (status < 200 || status > 299)) {
      const auth = status === 401 || status === 403 ? " (the API key was rejected)" : "";
      return {
        ...fail("tracker_status", `Linear answered ${operation} with HTTP ${status}${auth}${said}`, error, {
          status,
        }),
        ...extra,
      };
    }
    if (graphqlErrors.length > 0) {
      return {
        ...fail("tracker_response", `Linear returned GraphQL errors for ${operation}${said}`, error, {
          status,
        }),
        ...extra,
      };
    }
    return fail(
      "tracker_response",
      `Linear answered ${operation} with a payload that is not a GraphQL result (HTTP ${status})`,
      error,
      { status },
    );
  }

  /** Server messages are echoed to operators and agents; make sure the key never is. */
  private redact(message: string): string {
    return message.split(this.options.apiKey).join("***").slice(0, MAX_DETAIL_CHARS);
  }
}

function fail(
  category: string,
  message: string,
  cause: unknown,
  details: Record<string, unknown> = {},
): Extract<LinearAnswer, { ok: false }> {
  return { ok: false, error: new BatonError(category, message, details, { cause }) };
}

function rateLimited(message: string, waitMs: number): BatonError {
  return new BatonError("tracker_rate_limited", message, { retry_after_ms: waitMs, retryable: true });
}

/**
 * How long Linear wants us to wait: `Retry-After` (seconds or an HTTP date), else the latest reset
 * time (epoch ms) of an exhausted request or complexity budget, else a default minute.
 */
export function retryAfterMs(headers: Headers | undefined, now: number): number {
  const retryAfter = headers?.get("retry-after");
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const resets = ["requests", "complexity"].flatMap((budget) => {
    const remaining = Number(headers?.get(`x-ratelimit-${budget}-remaining`) ?? Number.NaN);
    const reset = Number(headers?.get(`x-ratelimit-${budget}-reset`) ?? Number.NaN);
    return remaining === 0 && Number.isFinite(reset) ? [reset - now] : [];
  });
  const latest = Math.max(...resets, 0);
  return latest > 0 ? Math.ceil(latest) : LINEAR_DEFAULT_RATE_LIMIT_WAIT_MS;
}

function graphqlErrorMessage(entry: unknown): string | undefined {
  if (typeof entry !== "object" || entry === null) return undefined;
  const record = entry as { message?: unknown; extensions?: { userPresentableMessage?: unknown } };
  const message = record.extensions?.userPresentableMessage ?? record.message;
  return typeof message === "string" ? message : undefined;
}

function errorCode(entry: unknown): unknown {
  return (entry as { extensions?: { code?: unknown } } | null)?.extensions?.code;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
