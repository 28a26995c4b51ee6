import type { Logger } from "@baton/domain";
import { connectRedis, type RedisConnection } from "@baton/state";

/**
 * A connection for the queue through the one helper (`connectRedis` in @baton/state): redis:// or
 * rediss:// with the URL's password, reconnecting forever with capped backoff while commands wait
 * (BullMQ needs `maxRetriesPerRequest: null`), a health record, and no password in any log line.
 */
export function connectQueueRedis(url: string, role: string, logger: Logger): RedisConnection {
  return connectRedis(url, { role, logger });
}
