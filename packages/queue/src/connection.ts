import type { Logger } from "@baton/domain";
import { Redis } from "ioredis";

/**
 * One ioredis connection to `url` (redis:// or rediss:// for TLS; a password in the URL is used for
 * AUTH). It reconnects forever with backoff up to 5 s, and commands wait for the connection rather
 * than fail (BullMQ requires `maxRetriesPerRequest: null`): a restarted Redis delays work, never
 * loses it. Connection trouble is logged once per outage, never with the URL's password.
 */
export function connectQueueRedis(url: string, role: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
    lazyConnect: false,
  });
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ role, reason: error.message }, `action=redis_connect outcome=retrying role=${role}`);
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    logger.info({ role }, `action=redis_connect outcome=reconnected role=${role}`);
  });
  return redis;
}
