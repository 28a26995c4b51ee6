import type { Logger } from "@baton/domain";
import { BatonError, silentLogger } from "@baton/domain";
import type { Octokit } from "@octokit/rest";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface GitHubResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  data: unknown;
}

export interface GitHubClientOptions {
  /** REST API base URL without a trailing slash. */
  apiUrl: string;
  token: string;
  timeoutMs: number;
  logger?: Logger;
  /** Clock in epoch milliseconds, for rate-limit windows. */
  now?: () => number;
}

export interface GitHubRequest {
  method: HttpMethod;
  /** Path below the API base (`/repos/o/r/issues?state=open`) or an absolute URL on the API's origin. */
  target: string;
  body?: unknown;
  /** Send `If-None-Match` with the cached ETag and answer a 304 from the cache (reads only). */
  conditional?: boolean;
}

const API_VERSION = "2022-11-28";
/** Conditional-request cache entries kept (listing pages plus one per refreshed issue). */
const CACHE_LIMIT = 500;
/** Wait after a secondary rate limit that names no time, as GitHub's documentation advises. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;

interface CachedResponse {
  etag: string;
  headers: Record<string, string>;
  data: unknown;
}

/**
 * Every request Baton makes to GitHub goes through here: auth, API version, timeouts, ETag
 * revalidation and rate limits. When GitHub says to slow down (primary limit exhausted, secondary
 * limit, 429), the client fails fast with `tracker_rate_limited` and makes no request at all until
 * the announced time: a poll loop can then never hammer the API.
 */
export class GitHubClient {
  readonly apiUrl: string;
  private octokit: Promise<Octokit> | null = null;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly cache = new Map<string, CachedResponse>();
  private pausedUntil = 0;
  private pauseReason = "";

  constructor(options: GitHubClientOptions) {
    this.apiUrl = options.apiUrl;
    this.timeoutMs = options.timeoutMs;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.token = options.token;
  }

  /** @octokit/rest loads on the first GitHub request, so a Baton on another tracker never pays for it. */
  private client(): Promise<Octokit> {
    const logger = this.logger;
    this.octokit ??= import("@octokit/rest").then(
      ({ Octokit }) =>
        new Octokit({
          auth: this.token,
          baseUrl: this.apiUrl,
          userAgent: "baton",
          log: {
            debug: () => {},
            info: () => {},
            warn: (message: string) => logger.warn({ tracker: "github" }, message),
            error: (message: string) => logger.error({ tracker: "github" }, message),
          },
        }),
    );
    return this.octokit;
  }

  /**
   * Sends one request. Resolves with any HTTP answer that is not a rate limit (callers decide what a
   * 404 means); rejects with `tracker_rate_limited` or `tracker_request` (transport, timeout).
   */
  async request(request: GitHubRequest): Promise<GitHubResponse> {
    const url = this.urlFor(request.target);
    const label = `${request.method} ${displayPath(url)}`;
    const waitMs = this.pausedUntil - this.now();
    if (waitMs > 0) throw this.rateLimited(label, waitMs, this.pauseReason);

    const cached = request.conditional ? this.cache.get(url) : undefined;
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: GitHubResponse;
    try {
      const octokit = await this.client();
      const answer = await octokit.request({
        method: request.method,
        url: escapeForOctokit(url),
        headers: {
          accept: "application/vnd.github+json",
          "x-github-api-version": API_VERSION,
          ...(cached ? { "if-none-match": cached.etag } : {}),
        },
        ...(request.body === undefined ? {} : { data: request.body }),
        request: { signal },
      });
      response = {
        status: answer.status,
        headers: answer.headers as Record<string, string>,
        data: answer.data,
      };
    } catch (error) {
      response = this.failedResponse(error, label, signal);
    }

    const limitedFor = rateLimitWait(response, this.now());
    if (limitedFor !== null) {
      this.pause(limitedFor.ms, limitedFor.reason);
      throw this.rateLimited(label, limitedFor.ms, limitedFor.reason);
    }
    this.notePrimaryLimit(response.headers);
    if (response.status === 304 && cached) {
      // Unchanged since we last read it: GitHub does not count this against the rate limit.
      this.cache.delete(url);
      this.cache.set(url, cached);
      return {
        status: 200,
        headers: { ...cached.headers, ...rateHeaders(response.headers) },
        data: cached.data,
      };
    }
    if (request.conditional && response.status === 200 && typeof response.headers.etag === "string") {
      this.remember(url, { etag: response.headers.etag, headers: response.headers, data: response.data });
    }
    return response;
  }

  /** Whether an absolute URL (e.g. from a `Link` header) is below the API base, so the token may go there. */
  isOnApi(url: string): boolean {
    return url.startsWith(`${this.apiUrl}/`);
  }

  /** `target` resolved against the API base. The token is never sent anywhere else. */
  private urlFor(target: string): string {
    if (target.startsWith("/")) return `${this.apiUrl}${target}`;
    if (this.isOnApi(target)) return target;
    throw new BatonError("tracker_request", `refusing to send the GitHub token outside ${this.apiUrl}`, {
      api_url: this.apiUrl,
    });
  }

  /** An HTTP error answer becomes a response; transport failures and timeouts become `tracker_request`. */
  private failedResponse(error: unknown, label: string, signal: AbortSignal): GitHubResponse {
    if (signal.aborted) {
      throw new BatonError("tracker_request", `GitHub did not answer ${label} within ${this.timeoutMs} ms`, {
        request: label,
        timeout_ms: this.timeoutMs,
      });
    }
    const failure = error as {
      response?: { status: number; headers: Record<string, string>; data: unknown };
    };
    if (failure.response && typeof failure.response.status === "number") {
      return {
        status: failure.response.status,
        headers: failure.response.headers ?? {},
        data: failure.response.data,
      };
    }
    const cause = error instanceof Error ? error.message : String(error);
    throw new BatonError("tracker_request", `cannot reach GitHub for ${label}: ${cause}`, { request: label });
  }

  /** After a successful answer that used up the hourly quota, wait for the window reset before the next call. */
  private notePrimaryLimit(headers: Readonly<Record<string, string>>): void {
    if (headers["x-ratelimit-remaining"] !== "0") return;
    const resetMs = Number(headers["x-ratelimit-reset"]) * 1000 - this.now();
    if (Number.isFinite(resetMs) && resetMs > 0) this.pause(resetMs, "the hourly request quota is used up");
  }

  private pause(ms: number, reason: string): void {
    const until = this.now() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.pauseReason = reason;
    this.logger.warn(
      { tracker: "github", api_url: this.apiUrl, retry_after_ms: ms, reason },
      "GitHub asked Baton to slow down; no GitHub requests until the limit resets",
    );
  }

  private rateLimited(label: string, waitMs: number, reason: string): BatonError {
    const until = new Date(this.now() + waitMs).toISOString();
    return new BatonError(
      "tracker_rate_limited",
      `GitHub rate limit (${reason}): ${label} not sent; next request allowed in ${Math.ceil(waitMs / 1000)} s (${until})`,
      { request: label, retry_after_ms: waitMs, retryable: true },
    );
  }

  private remember(url: string, entry: CachedResponse): void {
    this.cache.delete(url);
    this.cache.set(url, entry);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
  }
}

/**
 * How long GitHub asked us to wait, if this answer is a rate limit: `retry-after` seconds, else an
 * exhausted quota's `x-ratelimit-reset`, else a minute for a secondary limit that names no time.
 * A 403 that is not about rate limits (permissions) is not one.
 */
export function rateLimitWait(
  response: GitHubResponse,
  nowMs: number,
): { ms: number; reason: string } | null {
  if (response.status !== 403 && response.status !== 429) return null;
  const message =
    isRecord(response.data) && typeof response.data.message === "string" ? response.data.message : "";
  const secondary = /secondary rate limit|abuse/i.test(message);
  const reason = secondary
    ? "secondary rate limit"
    : response.status === 429
      ? "too many requests"
      : "the hourly request quota is used up";
  const retryAfter = Number(response.headers["retry-after"]);
  if (response.headers["retry-after"] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) {
    return { ms: Math.max(retryAfter * 1000, 1000), reason };
  }
  if (response.headers["x-ratelimit-remaining"] === "0") {
    const resetMs = Number(response.headers["x-ratelimit-reset"]) * 1000 - nowMs;
    return { ms: Number.isFinite(resetMs) && resetMs > 1000 ? resetMs : 1000, reason };
  }
  if (secondary || response.status === 429 || /rate limit/i.test(message)) {
    return { ms: SECONDARY_LIMIT_WAIT_MS, reason };
  }
  return null;
}

/** The `rel="next"` URL of a GitHub `Link` header, or null on the last page. */
export function nextPageUrl(link: string | undefined): string | null {
  if (link === undefined) return null;
  for (const part of link.split(",")) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /\brel="?([^"]*\s)?next(\s[^"]*)?"?/.test(match[2]!)) return match[1]!;
  }
  return null;
}

function rateHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith("x-ratelimit-")));
}

/**
 * Octokit treats `:name` and `{name}` in a URL as template parameters. Targets are validated not
 * to contain braces; escaping `:` outside the scheme and port keeps paths such as a label named
 * `status:todo` intact.
 */
function escapeForOctokit(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${(parsed.pathname + parsed.search).replaceAll(":", "%3A")}`;
}

/** Path and query of a URL, for messages (never includes credentials: requests carry them in headers). */
function displayPath(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
