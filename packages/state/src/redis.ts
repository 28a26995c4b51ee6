import { createRequire } from "node:module";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import { BatonError, type Logger, REDACTED, silentLogger } from "@baton/domain";
import type { Redis, RedisOptions } from "ioredis";

// ioredis (~75 modules) loads on the first connection, not with every start that never uses Redis;
// a synchronous require keeps `connectRedis` synchronous.
const requireModule = createRequire(import.meta.url);
const loadRedisClass = (): typeof Redis => (requireModule("ioredis") as typeof import("ioredis")).Redis;

/**
 * `connecting`: the first connection is being made. `connected`: commands flow. `reconnecting`: the
 * connection dropped and a new one is being made. `unreachable`: the last attempt failed (refused,
 * timed out, wrong password); attempts go on with capped backoff. `closed`: closed on purpose.
 */
export type RedisConnectionStatus = "connecting" | "connected" | "reconnecting" | "unreachable" | "closed";

/** What the status API shows about one Redis connection. Never holds the password. */
export interface RedisHealth {
  /** What the connection is for: `state`, `queue`, `worker`, ... */
  role: string;
  /** The URL with its password replaced by `[redacted]`. */
  url: string;
  status: RedisConnectionStatus;
  /** When the connection entered this status (ISO 8601). */
  since: string;
  /** The last connection error (redacted), kept after a recovery until the next one. */
  last_error: string | null;
  /** Failed connection attempts since it was last connected. */
  failed_attempts: number;
}

export interface RedisConnectOptions {
  /** Names the connection in logs and the status API. */
  role: string;
  logger?: Logger;
  /** Longest wait between two connection attempts (default 10 s). */
  maxBackoffMs?: number;
  /** Extra TLS settings for `rediss://` URLs, e.g. a private CA (`NODE_EXTRA_CA_CERTS` works too). */
  tls?: TlsOptions;
  now?: () => Date;
}

/** One Redis client with its health, shared by the state store, the queue executor and workers. */
export interface RedisConnection {
  readonly client: Redis;
  /** The URL with its password redacted: safe for logs and messages. */
  readonly url: string;
  health(): RedisHealth;
  /** Called on every status change; returns the unsubscribe function. */
  onHealthChange(listener: (health: RedisHealth) => void): () => void;
  /**
   * Resolves once connected; rejects with a BatonError naming the URL (redacted) and the reason
   * when it is not connected within `timeoutMs` (default 10 s) or the password is refused.
   */
  ready(timeoutMs?: number): Promise<void>;
  /** Removes the password (and its URL-encoded form) from a text. */
  redact(text: string): string;
  /** Closes the client after the commands already sent are answered. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BACKOFF_MS = 10_000;
const FIRST_BACKOFF_MS = 100;

/** Parses and checks a Redis URL: `redis://[user][:password]@host[:port][/db]` or `rediss://` (TLS). */
export function parseRedisUrl(url: string): { url: URL; password: string | null; tls: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BatonError(
      "redis_url_invalid",
      `the Redis URL is not a URL (expected redis://[:password@]host[:port][/db] or rediss://...)`,
    );
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new BatonError(
      "redis_url_invalid",
      `the Redis URL must start with redis:// or rediss:// (TLS), not ${parsed.protocol}//`,
    );
  }
  const password = parsed.password === "" ? null : decodeURIComponent(parsed.password);
  return { url: parsed, password, tls: parsed.protocol === "rediss:" };
}

/** The URL as it may be shown: its password replaced by `[redacted]`. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = REDACTED;
    return parsed.toString().replace(encodeURIComponent(REDACTED), REDACTED);
  } catch {
    return "<invalid Redis URL>";
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function isAuthError(message: string): boolean {
  return /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message);
}

/**
 * Opens a Redis client that never gives up: it reconnects with capped exponential backoff, queues
 * commands while disconnected (they are sent, in order, once it is back), logs each change of
 * status once, and keeps a health record for the status API. The password never appears in a log
 * line, an error or the health record.
 */
export function connectRedis(url: string, options: RedisConnectOptions): RedisConnection {
  const { password, tls } = parseRedisUrl(url);
  const shownUrl = redactRedisUrl(url);
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  const secrets = password === null ? [] : [password, encodeURIComponent(password)].filter((s) => s !== "");
  const redact = (text: string): string => {
    let result = text;
    for (const secret of secrets) result = result.replaceAll(secret, REDACTED);
    return result;
  };

  const health: RedisHealth = {
    role: options.role,
    url: shownUrl,
    status: "connecting",
    since: now().toISOString(),
    last_error: null,
    failed_attempts: 0,
  };
  const listeners = new Set<(health: RedisHealth) => void>();
  const fields = () => ({ role: options.role, redis: shownUrl });
  const setStatus = (status: RedisConnectionStatus) => {
    if (health.status === status) return;
    health.status = status;
    health.since = now().toISOString();
    for (const listener of listeners) listener({ ...health });
  };

  const redisOptions: RedisOptions = {
    // BullMQ needs both: blocking commands wait for as long as it takes, and so do ours.
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectTimeout: 5_000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(FIRST_BACKOFF_MS * 2 ** Math.min(times - 1, 16), maxBackoffMs),
    // A wrong password is an error to fix, not a reason to hammer the server: back off like any failure.
    reconnectOnError: () => false,
    ...(tls ? { tls: { ...options.tls } } : {}),
  };
  const client = new (loadRedisClass())(url, redisOptions);

  let closing = false;
  let lastAuthError: string | null = null;
  let wasConnected = false;
  // `reconnecting` events since the last `ready`: the first after a drop is the retry itself,
  // every further one means an attempt failed.
  let retries = 0;

  const becameUnreachable = (retryInMs: number | null) => {
    if (health.status === "unreachable") return;
    setStatus("unreachable");
    logger.error(
      { ...fields(), action: "redis_unreachable", reason: health.last_error, retry_in_ms: retryInMs },
      `redis role=${options.role} cannot reach ${shownUrl} (${health.last_error ?? "no answer"}); retrying with backoff up to ${maxBackoffMs / 1000}s`,
    );
  };

  client.on("ready", () => {
    const downMs = now().getTime() - Date.parse(health.since);
    retries = 0;
    health.failed_attempts = 0;
    lastAuthError = null;
    setStatus("connected");
    if (wasConnected) {
      logger.info(
        { ...fields(), action: "redis_reconnected", down_ms: downMs },
        `redis role=${options.role} reconnected to ${shownUrl} after ${(downMs / 1000).toFixed(1)}s`,
      );
    } else {
      logger.info(
        { ...fields(), action: "redis_connected" },
        `redis role=${options.role} connected to ${shownUrl}`,
      );
    }
    wasConnected = true;
  });
  client.on("error", (error: unknown) => {
    const message = redact(describe(error));
    health.last_error = message;
    if (!isAuthError(message) || closing) return;
    // The server answers but refuses us: say so once, drop the link and retry with the backoff.
    if (lastAuthError === null) {
      logger.error(
        { ...fields(), action: "redis_auth_failed", reason: message },
        `redis role=${options.role} ${shownUrl} refused the password (${message}); check the password in the URL. Retrying with backoff`,
      );
    }
    lastAuthError = message;
    health.failed_attempts += 1;
    setStatus("unreachable");
    client.disconnect(true);
  });
  client.on("close", () => {
    if (closing || health.status !== "connected") return;
    logger.warn(
      { ...fields(), action: "redis_disconnected", reason: health.last_error ?? "connection closed" },
      `redis role=${options.role} lost the connection to ${shownUrl}; reconnecting`,
    );
    setStatus("reconnecting");
  });
  client.on("reconnecting", (delayMs: number) => {
    if (closing) return;
    retries += 1;
    health.failed_attempts = wasConnected ? retries - 1 : retries;
    if (!wasConnected || retries >= 2) becameUnreachable(delayMs);
  });

  return {
    client,
    url: shownUrl,
    redact,
    health: () => ({ ...health }),
    onHealthChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready(timeoutMs = 10_000) {
      if (health.status === "connected") return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const finish = (error: BatonError | null) => {
          clearTimeout(timer);
          unsubscribe();
          if (error) reject(error);
          else resolve();
        };
        const failure = () =>
          lastAuthError
            ? new BatonError(
                "redis_auth_failed",
                `Redis at ${shownUrl} refused the password (${lastAuthError}); check the password in the URL`,
                { url: shownUrl, role: options.role },
              )
            : new BatonError(
                "redis_unreachable",
                `cannot reach Redis at ${shownUrl} within ${timeoutMs / 1000}s (${health.last_error ?? "no answer"})`,
                { url: shownUrl, role: options.role },
              );
        const timer = setTimeout(() => finish(failure()), timeoutMs);
        // A refused password will not fix itself while we wait: report it at once.
        const unsubscribe = this.onHealthChange((next) => {
          if (next.status === "connected") finish(null);
          else if (lastAuthError !== null) finish(failure());
        });
        if (lastAuthError !== null) finish(failure());
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      try {
        if (client.status === "ready") await client.quit();
        else client.disconnect(false);
      } catch {
        client.disconnect(false);
      }
      setStatus("closed");
    },
  };
}
