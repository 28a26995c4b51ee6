import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { BatonError, type Logger, silentLogger } from "@baton/domain";
import type { Redis } from "ioredis";
import { type LockHolder, processAlive } from "./lock.ts";

/** What the lease key holds: the holder, and a token only it knows (so only it renews or frees it). */
interface LeaseRecord extends LockHolder {
  token: string;
}

export interface RedisLease {
  /** The key the lease lives in. */
  readonly key: string;
  readonly holder: LockHolder;
  /** Set when a lease whose holder is gone was taken over. */
  readonly tookOverFrom: (LockHolder & { how: string }) | null;
  /** Null while held; the reason once another orchestrator holds the lease. */
  lost(): string | null;
  release(): Promise<void>;
}

export interface RedisLeaseOptions {
  /** Lease length (default 15 s); it is renewed every third of it. */
  leaseMs?: number;
  /** Shown in the refusal: where the lease is (the redacted Redis URL and the namespace). */
  where: string;
  logger?: Logger;
  now?: () => Date;
}

const DEFAULT_LEASE_MS = 15_000;

// Renew only our own lease; take it again if it vanished (a Redis restarted without its data).
const RENEW = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0`;
// Replace exactly the stale value we looked at, so two starters cannot both take it over.
const TAKE_OVER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) return 1 end
return 0`;

function parseRecord(text: string | null): LeaseRecord | null {
  if (text === null) return null;
  try {
    const record = JSON.parse(text) as Partial<LeaseRecord>;
    if (
      typeof record.pid === "number" &&
      typeof record.host === "string" &&
      typeof record.started_at === "string"
    ) {
      return record as LeaseRecord;
    }
  } catch {
    // Unreadable: treated like a holder that is gone.
  }
  return null;
}

function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on host ${holder.host}, started ${holder.started_at}`;
}

/**
 * The single-authority lease of one orchestrator over a Redis namespace: a key set with NX and a
 * TTL, renewed by its holder every third of the lease. A second orchestrator is refused with the
 * holder's pid, host and start time. A lease whose holder is gone is taken over with a warning: at
 * once when the holder ran on this host and its process is gone, otherwise when the lease expired
 * (the last holder's record, kept without a TTL until a clean release, names who it was).
 */
export async function acquireRedisLease(
  client: Redis,
  key: string,
  options: RedisLeaseOptions,
): Promise<RedisLease> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const logger = options.logger ?? silentLogger;
  const lastKey = `${key}:last-holder`;
  const me: LeaseRecord = {
    pid: process.pid,
    host: hostname(),
    started_at: (options.now?.() ?? new Date()).toISOString(),
    token: randomUUID(),
  };
  const mine = JSON.stringify(me);
  let tookOverFrom: RedisLease["tookOverFrom"] = null;

  const taken = await client.set(key, mine, "PX", leaseMs, "NX");
  if (taken === null) {
    const currentText = await client.get(key);
    const current = parseRecord(currentText);
    if (current !== null && (current.host !== me.host || processAlive(current.pid))) {
      const remainingMs = Math.max(await client.pttl(key), 0);
      throw new BatonError(
        "state_locked",
        `another Baton orchestrator already holds ${options.where}: ${describeHolder(current)}. Stop it first, or give this one its own executor.queue_name. If that process is gone, its lease expires within ${Math.ceil(remainingMs / 1000)}s.`,
        { key, holder: { pid: current.pid, host: current.host, started_at: current.started_at } },
      );
    }
    const replaced =
      currentText === null ? 0 : await client.eval(TAKE_OVER, 1, key, currentText, mine, leaseMs);
    if (replaced !== 1 && (await client.set(key, mine, "PX", leaseMs, "NX")) === null) {
      throw new BatonError("state_locked", `could not take the lease ${key}: it keeps changing hands`, {
        key,
      });
    }
    tookOverFrom = current
      ? { pid: current.pid, host: current.host, started_at: current.started_at, how: "that process is gone" }
      : { pid: 0, host: "unknown", started_at: "unknown", how: "its lease record was unreadable" };
  } else {
    const last = parseRecord(await client.get(lastKey));
    if (last !== null && last.token !== me.token) {
      tookOverFrom = {
        pid: last.pid,
        host: last.host,
        started_at: last.started_at,
        how: "its lease expired",
      };
    }
  }
  await client.set(lastKey, mine);

  let lostReason: string | null = null;
  let renewing = false;
  const renew = async () => {
    // A renewal waiting for a Redis that is down is enough: they would only pile up.
    if (renewing || lostReason !== null) return;
    renewing = true;
    try {
      const result = await client.eval(RENEW, 1, key, mine, leaseMs);
      if (result === 2) {
        logger.warn(
          { key, action: "lease_renewed" },
          `lease ${key} had vanished (Redis lost its data?); taken again`,
        );
      } else if (result === 0) {
        const other = parseRecord(await client.get(key));
        lostReason = `another orchestrator took the lease ${key}${other ? ` (${describeHolder(other)})` : ""} while this one could not renew it`;
        logger.error(
          { key, action: "lease_lost", reason: lostReason },
          `${lostReason}; this orchestrator stops writing state`,
        );
      }
    } catch {
      // The connection reports its own trouble; the next renewal tries again.
    } finally {
      renewing = false;
    }
  };
  const timer = setInterval(() => void renew(), Math.max(50, Math.floor(leaseMs / 3)));
  timer.unref();

  let released = false;
  return {
    key,
    holder: { pid: me.pid, host: me.host, started_at: me.started_at },
    tookOverFrom,
    lost: () => lostReason,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      // Only our own lease is removed, never one a later orchestrator took over.
      // Not waited for beyond 2 s: a lease that cannot be freed now expires on its own.
      await Promise.race([
        client.eval(RELEASE, 2, key, lastKey, mine).catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
      ]);
    },
  };
}
