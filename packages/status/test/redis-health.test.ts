import { RedisStateStore } from "@baton/state/redis";
import {
  launchHeadlessChromium,
  redisSkipReason,
  startRedisServer,
  type TestRedisServer,
} from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { call, type Live, openApiValidator, startLive, ticket, waitUntil } from "./harness.ts";

const skip = redisSkipReason();
const PASSWORD = "status-redis-pass";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(skip !== null)(
  `Redis health in the status API and dashboard${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    it("[B.redis-health][B.redis-store-unreachable][B.redis-no-password-shown] Redis down: the API and dashboard say so, no run starts, the orchestrator keeps going and dispatches (and saves) once Redis is back", async () => {
      const redis: TestRedisServer = await startRedisServer({ password: PASSWORD, durable: true });
      cleanups.push(() => redis.stop());
      const store = await RedisStateStore.open({ url: redis.url, namespace: "status", maxBackoffMs: 200 });
      cleanups.push(() => store.close());
      const live: Live = await startLive([ticket("1")], {}, store);
      cleanups.push(() => live.close());
      const state = async () => (await call(`${live.server.url}/api/v1/state`)).body;
      const validate = await openApiValidator(live.server.url);

      await waitUntil(() => live.executor.runFor("BAT-1"), "BAT-1 dispatched");
      const healthy = await state();
      expect(validate("/api/v1/state", "get", "200", healthy)).toEqual([]);
      expect(healthy.state_store).toMatchObject({ kind: "redis", error: null });
      expect(healthy.state_store.path).toBe(
        `redis://:[redacted]@127.0.0.1:${redis.port} baton:status:state:*`,
      );
      expect(healthy.connections).toEqual([
        expect.objectContaining({
          role: "state",
          status: "connected",
          url: `redis://:[redacted]@127.0.0.1:${redis.port}`,
        }),
      ]);

      await redis.kill();
      const down = await waitUntil(
        async () => {
          const body = await state();
          return body.connections[0].status === "unreachable" ? body : null;
        },
        "the API to report Redis unreachable",
        15_000,
      );
      expect(validate("/api/v1/state", "get", "200", down)).toEqual([]);
      expect(down.connections[0].last_error).toMatch(/ECONNREFUSED/);

      // A new ticket while Redis is down: the tick refuses to dispatch what it could not record.
      live.tracker.issues.set("2", ticket("2"));
      live.orchestrator.requestRefresh();
      const paused = await waitUntil(
        async () => {
          const body = await state();
          return body.state_store.error ? body : null;
        },
        "the store error in the API",
        15_000,
      );
      expect(paused.state_store.error.message).toMatch(
        new RegExp(`^Redis at redis://:\\[redacted\\]@127\\.0\\.0\\.1:${redis.port} is unreachable since`),
      );
      expect(live.executor.runFor("BAT-2")).toBeUndefined();
      expect(JSON.stringify(paused)).not.toContain(PASSWORD);

      const chromium = await launchHeadlessChromium();
      cleanups.push(() => chromium.close());
      const page = await chromium.context.newPage();
      await page.goto(live.server.url);
      const alerts = page.locator("#alerts");
      await expect.poll(() => alerts.textContent(), { timeout: 10_000 }).toMatch(/Redis unreachable:/);
      const text = (await alerts.textContent()) ?? "";
      expect(text).toContain(`state connection to redis://:[redacted]@127.0.0.1:${redis.port}`);
      expect(text).toContain("State store:");
      expect(text).not.toContain(PASSWORD);

      // Back: the next tick saves, clears the error and dispatches the ticket it held back.
      await redis.start();
      live.orchestrator.requestRefresh();
      await waitUntil(
        async () => {
          live.orchestrator.requestRefresh();
          return live.executor.runFor("BAT-2");
        },
        "BAT-2 dispatched once Redis is back",
        20_000,
      );
      // The answer may be the front's copy of the state, at most STATE_COPY_MAX_AGE_MS old.
      const recovered = await waitUntil(async () => {
        const body = await state();
        return body.connections[0].status === "connected" ? body : null;
      }, "the API to report Redis connected");
      expect(recovered.state_store.error).toBeNull();
      await expect.poll(() => alerts.textContent(), { timeout: 10_000 }).not.toMatch(/Redis|State store/);
    });
  },
);
