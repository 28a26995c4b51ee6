import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  makeTestCertificates,
  opensslUnavailableReason,
  redisSkipReason,
  startRedisServer,
  type TestRedisServer,
} from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { connectRedis, parseRedisUrl, type RedisConnection, redactRedisUrl } from "../src/index.ts";
import { recordingLogger, until } from "./helpers.ts";

const skip = redisSkipReason();
const tlsSkip = opensslUnavailableReason();
if (tlsSkip !== null && process.env.CI === "true")
  throw new Error(`CI must run the Redis TLS test, but ${tlsSkip}`);

const PASSWORD = "s3cret-redis-pass";

const servers: TestRedisServer[] = [];
const connections: RedisConnection[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close();
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("Redis URLs", () => {
  it("[B.redis-url] accepts redis:// and rediss:// and refuses anything else, naming the expected form", () => {
    expect(parseRedisUrl("redis://:pw%40x@10.0.0.5:6380/2")).toMatchObject({ password: "pw@x", tls: false });
    expect(parseRedisUrl("rediss://user:pw@redis.internal:6380")).toMatchObject({
      password: "pw",
      tls: true,
    });
    expect(parseRedisUrl("redis://127.0.0.1:6379").password).toBeNull();
    expect(() => parseRedisUrl("http://127.0.0.1:6379")).toThrow(
      /must start with redis:\/\/ or rediss:\/\/ \(TLS\)/,
    );
    expect(() => parseRedisUrl("127.0.0.1:6379")).toThrow(/redis:\/\/\[:password@\]host/);
  });

  it("[B.redis-no-password-shown] shows URLs with the password redacted", () => {
    expect(redactRedisUrl("redis://:pw%40secret@10.0.0.5:6380/2")).toBe(
      "redis://:[redacted]@10.0.0.5:6380/2",
    );
    expect(redactRedisUrl("rediss://baton:hunter22@redis:6379")).toBe("rediss://baton:[redacted]@redis:6379");
    expect(redactRedisUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });
});

describe.skipIf(skip !== null)(`connectRedis${skip ? ` (skipped: ${skip})` : ""}`, () => {
  async function server(options: Parameters<typeof startRedisServer>[0] = {}): Promise<TestRedisServer> {
    const started = await startRedisServer(options);
    servers.push(started);
    return started;
  }
  function connect(url: string, options: Partial<Parameters<typeof connectRedis>[1]> = {}): RedisConnection {
    const connection = connectRedis(url, { role: "state", maxBackoffMs: 200, ...options });
    connections.push(connection);
    return connection;
  }

  it("[B.redis-auth-error][B.redis-no-password-shown] a wrong password is reported as such at once, without the password anywhere", async () => {
    const redis = await server({ password: PASSWORD });
    const wrong = "wrong-password-1234";
    const logger = recordingLogger();
    const connection = connect(redis.url.replace(PASSWORD, wrong), { logger });
    const started = Date.now();
    const error = await connection.ready(8_000).catch((caught: unknown) => caught as Error);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({ category: "redis_auth_failed" });
    expect((error as Error).message).toMatch(
      new RegExp(
        `Redis at redis://:\\[redacted\\]@127\\.0\\.0\\.1:${redis.port} refused the password \\(.*(WRONGPASS|invalid).*\\)`,
      ),
    );
    const health = connection.health();
    expect(health).toMatchObject({ role: "state", status: "unreachable" });
    expect(health.last_error).toMatch(/WRONGPASS|invalid/);
    expect(
      logger.lines.some((line) => line.level === "error" && line.msg.includes("refused the password")),
    ).toBe(true);
    const everything = JSON.stringify([logger.lines, health, (error as Error).message]);
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(PASSWORD);
  });

  it("[B.redis-reconnect][B.redis-health] Redis killed: health goes unreachable, the log says so once; commands sent meanwhile run once it is back", async () => {
    const redis = await server({ password: PASSWORD });
    const logger = recordingLogger();
    const connection = connect(redis.url, { logger });
    await connection.ready();
    expect(connection.health()).toMatchObject({ status: "connected", last_error: null, failed_attempts: 0 });
    await connection.client.set("before", "1");

    await redis.kill();
    await until(() => connection.health().status === "unreachable", "status unreachable");
    const down = connection.health();
    expect(down.last_error).toMatch(/ECONNREFUSED|closed/);
    expect(Date.parse(down.since)).toBeGreaterThan(0);
    await until(() => connection.health().failed_attempts >= 3, "three failed attempts");
    const pending = connection.client.set("during", "2");

    await redis.start();
    await connection.ready(10_000);
    await pending;
    expect(await connection.client.get("during")).toBe("2");
    expect(connection.health()).toMatchObject({ status: "connected", failed_attempts: 0 });

    const messages = logger.lines.map((line) => `${line.level} ${line.msg}`);
    expect(messages.filter((line) => line.includes("lost the connection"))).toHaveLength(1);
    expect(messages.filter((line) => line.includes("cannot reach"))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error redis role=state cannot reach redis://:\\[redacted\\]@127\\.0\\.0\\.1:${redis.port} \\(`,
        ),
      ),
    ]);
    expect(messages.filter((line) => line.includes("reconnected to"))).toHaveLength(1);
    expect(JSON.stringify(logger.lines)).not.toContain(PASSWORD);
  });

  it("[B.redis-health] a Redis that was never reachable is reported unreachable, and ready() fails naming the URL", async () => {
    const redis = await server();
    await redis.kill();
    const connection = connect(redis.url);
    await expect(connection.ready(1_500)).rejects.toThrow(
      new RegExp(
        `cannot reach Redis at redis://127\\.0\\.0\\.1:${redis.port} within 1\\.5s \\(.*ECONNREFUSED`,
      ),
    );
    expect(connection.health().status).toBe("unreachable");
    await redis.start();
    await connection.ready(10_000);
  });

  it.skipIf(tlsSkip !== null)(
    `[B.redis-tls] connects to a TLS-only Redis over rediss:// with a password, verifying its certificate${tlsSkip ? ` (skipped: ${tlsSkip})` : ""}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "baton-redis-tls-"));
      dirs.push(dir);
      const certificates = makeTestCertificates(dir);
      const redis = await server({ password: PASSWORD, tls: certificates });
      expect(redis.url.startsWith("rediss://")).toBe(true);

      const trusted = connect(redis.url, { tls: { ca: readFileSync(certificates.caFile) } });
      await trusted.ready();
      expect(await trusted.client.ping()).toBe("PONG");

      // Without the CA the certificate is not trusted: never silently accepted.
      const untrusted = connect(redis.url);
      await expect(untrusted.ready(2_000)).rejects.toThrow(
        /cannot reach Redis at rediss:.*(certificate|self.signed)/i,
      );

      // A plain redis:// client cannot talk to the TLS port.
      const plain = connect(redis.url.replace("rediss://", "redis://"));
      await expect(plain.ready(2_000)).rejects.toThrow(/cannot reach Redis/);
    },
  );
});
