import { redisSkipReason, startRedisServer, type TestRedisServer } from "@baton/testkit";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisStateStore, type RedisStateStoreOptions } from "../src/redis-index.ts";
import { claim, recordingLogger, stateWith, until } from "./helpers.ts";

/** The Redis store's own behaviour; what every store does is in store-contract.test.ts. */
const skip = redisSkipReason();
const PASSWORD = "store-redis-pass";

describe.skipIf(skip !== null)(`RedisStateStore${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let redis: TestRedisServer;
  let admin: Redis;
  let namespaces = 0;
  const stores: RedisStateStore[] = [];

  beforeAll(async () => {
    redis = await startRedisServer({ password: PASSWORD, durable: true });
    admin = new Redis(redis.url, { maxRetriesPerRequest: null });
    admin.on("error", () => {}); // it reconnects by itself after the restarts below
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  const namespace = () => `store-${++namespaces}`;
  async function open(
    options: Partial<RedisStateStoreOptions> & { namespace: string },
  ): Promise<RedisStateStore> {
    const store = await RedisStateStore.open({
      url: redis.url,
      connectTimeoutMs: 10_000,
      maxBackoffMs: 200,
      ...options,
    });
    stores.push(store);
    return store;
  }
  async function close(store: RedisStateStore): Promise<void> {
    stores.splice(stores.indexOf(store), 1);
    await store.close();
  }

  it("[B.redis-store-bad-data] moves a key of the wrong type and an unreadable meta record aside, naming where they went", async () => {
    const ns = namespace();
    await admin.set(`baton:${ns}:state:claims`, "not a hash");
    await admin.set(`baton:${ns}:state:meta`, "{ torn");
    await admin.sadd(`baton:${ns}:state:completed`, "7");
    const warnings: string[] = [];
    const store = await open({ namespace: ns, warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^baton:${ns}:state:claims held a string, not a hash; moved aside to baton:${ns}:state:claims:bad-`,
        ),
      ),
      expect.stringMatching(/dropped unreadable totals .* kept in baton:.*:state:meta:bad-/),
    ]);
    const asideClaims = warnings[0]!.split("moved aside to ")[1]!.split(",")[0]!;
    expect(await admin.get(asideClaims)).toBe("not a hash");
    const asideMeta = warnings[1]!.split("kept in ")[1]!;
    expect(await admin.get(asideMeta)).toBe("{ torn");
    expect(store.load().state?.completed).toEqual({ "7": true });
    // The store works on from what was left.
    store.save({ state: stateWith(claim("1")), claims: ["1"], completed: [] });
    await close(store);
    expect(Object.keys((await open({ namespace: ns })).load().state?.claims ?? {})).toEqual(["1"]);
  });

  it("[B.redis-store-unreachable][B.redis-health][B.redis-no-password-shown] Redis down: save refuses (dispatch pauses) naming the URL and status, and every change is written once Redis is back", async () => {
    const ns = namespace();
    const logger = recordingLogger();
    const store = await open({ namespace: ns, logger });
    store.save({ state: stateWith(claim("1")), claims: ["1"], completed: [] });
    expect(store.connections()).toEqual([expect.objectContaining({ role: "state", status: "connected" })]);

    await redis.kill();
    await until(() => store.connections()[0]!.status === "unreachable", "the store's connection unreachable");
    const during = stateWith(claim("1", { attempt: 3 }), claim("2"));
    let refusal: Error | null = null;
    try {
      store.save({ state: during, claims: ["1", "2"], completed: ["5"] });
    } catch (error) {
      refusal = error as Error;
    }
    expect(refusal).toMatchObject({ category: "state_store_failed" });
    expect(refusal?.message).toMatch(
      new RegExp(
        `^Redis at redis://:\\[redacted\\]@127\\.0\\.0\\.1:${redis.port} is unreachable since .*ECONNREFUSED`,
      ),
    );
    expect(JSON.stringify(store.connections())).not.toContain(PASSWORD);

    await redis.start();
    await until(() => store.connections()[0]!.status === "connected", "the store's connection back");
    // The orchestrator saves again (each tick); what the refused save held goes out with it.
    store.save({ state: during, claims: [], completed: [] });
    await close(store);
    const reopened = (await open({ namespace: ns })).load().state;
    expect(reopened?.claims["1"]?.attempt).toBe(3);
    expect(Object.keys(reopened?.claims ?? {}).sort()).toEqual(["1", "2"]);
    expect(reopened?.completed).toEqual({ "5": true });
    expect(JSON.stringify(logger.lines)).not.toContain(PASSWORD);
  });

  it("[B.redis-store-unreachable] survives a Redis restart with appendonly: what was saved before is still there", async () => {
    const ns = namespace();
    const store = await open({ namespace: ns });
    store.save({ state: stateWith(claim("1"), claim("2")), claims: ["1", "2"], completed: ["3"] });
    await redis.restart();
    await until(() => store.connections()[0]!.status === "connected", "reconnected");
    store.save({ state: stateWith(claim("1")), claims: ["2"], completed: [] });
    await close(store);
    const state = (await open({ namespace: ns })).load().state;
    expect(Object.keys(state?.claims ?? {})).toEqual(["1"]);
    expect(state?.completed).toEqual({ "3": true });
  });

  it("[B.redis-single-authority] the holder renews its lease; a lease held from another host is respected until it expires, then taken over with a warning", async () => {
    const ns = namespace();
    const holder = await open({ namespace: ns, leaseMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await admin.pttl(`baton:${ns}:orchestrator`)).toBeGreaterThan(0);
    await expect(open({ namespace: ns })).rejects.toThrow(
      /another Baton orchestrator already holds the Redis namespace/,
    );
    await close(holder);
    expect(await admin.exists(`baton:${ns}:orchestrator`)).toBe(0);

    // An orchestrator on another host that stopped renewing (crashed, or cut off).
    const other = namespace();
    const record = { pid: 4242, host: "build-02", started_at: "2026-12-01T08:00:00.000Z", token: "t" };
    await admin.set(`baton:${other}:orchestrator`, JSON.stringify(record), "PX", 600);
    await admin.set(`baton:${other}:orchestrator:last-holder`, JSON.stringify(record));
    await expect(open({ namespace: other })).rejects.toThrow(
      `another Baton orchestrator already holds the Redis namespace ${other} at redis://:[redacted]@127.0.0.1:${redis.port}: pid 4242 on host build-02, started 2026-12-01T08:00:00.000Z. Stop it first, or give this one its own executor.queue_name. If that process is gone, its lease expires within 1s.`,
    );
    await until(async () => (await admin.exists(`baton:${other}:orchestrator`)) === 0, "the lease to expire");
    const warnings: string[] = [];
    await open({ namespace: other, warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([
      `took over the stale lease baton:${other}:orchestrator of pid 4242 on build-02 (started 2026-12-01T08:00:00.000Z); its lease expired`,
    ]);
  });
});
