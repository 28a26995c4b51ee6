import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { OrchestratorState, StateStore } from "@baton/orchestrator";
import { emptyState, STATE_SCHEMA_VERSION } from "@baton/orchestrator";
import { redisSkipReason, startRedisServer, type TestRedisServer } from "@baton/testkit";
import Database from "better-sqlite3";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SqliteStateStore } from "../src/index.ts";
import { RedisStateStore } from "../src/redis-index.ts";
import { claim, stateWith } from "./helpers.ts";

/**
 * The behaviour every durable StateStore promises, run against each of them: what one proves
 * here, the others prove too. Store-specific repairs (a torn WAL, a Redis key of the wrong type)
 * are tested next to each store.
 */
interface OpenOptions {
  warnings?: string[];
  redact?: (text: string) => string;
}

/** One empty place to keep state in (a directory, a Redis namespace), and ways to tamper with it. */
interface Place {
  open(options?: OpenOptions): Promise<StateStore>;
  /** Replaces the saved record of a claim with text that does not parse. */
  damageClaim(issueId: string): Promise<void>;
  /** Replaces the saved meta record. */
  writeMeta(json: string): Promise<void>;
  /** Everything the store keeps, as text. */
  rawText(): Promise<string>;
  /** Leaves a lock naming a process on this host that is gone; returns the lock's name. */
  plantStaleHolder(pid: number): Promise<string>;
  /** The pid holding the lock, or null when nobody does. */
  holderPid(): Promise<number | null>;
}

interface StoreKind {
  name: string;
  skip: string | null;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  place(): Promise<Place>;
}

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

const sqlite: StoreKind = {
  name: "SqliteStateStore",
  skip: null,
  async setUp() {},
  async tearDown() {},
  async place() {
    const dir = tempDir("baton-state-");
    const db = () => new Database(join(dir, "state.db"));
    return {
      async open(options = {}) {
        const warnings = options.warnings ?? [];
        return SqliteStateStore.open({
          dir,
          redact: options.redact,
          warn: (message) => warnings.push(message),
        });
      },
      async damageClaim(issueId) {
        const handle = db();
        handle
          .prepare("UPDATE claims SET value = ? WHERE issue_id = ?")
          .run('{"status": "running", "issue": ', issueId);
        handle.close();
      },
      async writeMeta(json) {
        const handle = db();
        handle.prepare("UPDATE meta SET value = ? WHERE key = 'state'").run(json);
        handle.close();
      },
      async rawText() {
        return readdirSync(dir)
          .filter((name) => name.startsWith("state.db"))
          .map((name) => readFileSync(join(dir, name)).toString("latin1"))
          .join("\n");
      },
      async plantStaleHolder(pid) {
        const path = join(dir, "baton.lock");
        writeFileSync(
          path,
          JSON.stringify({ pid, host: hostname(), started_at: "2026-01-01T00:00:00.000Z" }),
        );
        return path;
      },
      async holderPid() {
        try {
          return (JSON.parse(readFileSync(join(dir, "baton.lock"), "utf8")) as { pid: number }).pid;
        } catch {
          return null;
        }
      },
    };
  },
};

const redisSkip = redisSkipReason();
let redisServer: TestRedisServer | null = null;
let admin: Redis | null = null;
let namespaces = 0;
const redis: StoreKind = {
  name: "RedisStateStore",
  skip: redisSkip,
  async setUp() {
    redisServer = await startRedisServer({ password: "contract-redis-pass" });
    admin = new Redis(redisServer.url, { lazyConnect: true });
    await admin.connect();
  },
  async tearDown() {
    await admin?.quit();
    await redisServer?.stop();
  },
  async place() {
    const namespace = `contract-${process.pid}-${++namespaces}`;
    const prefix = `baton:${namespace}:`;
    const client = admin!;
    return {
      async open(options = {}) {
        const warnings = options.warnings ?? [];
        return RedisStateStore.open({
          url: redisServer!.url,
          namespace,
          redact: options.redact,
          warn: (message) => warnings.push(message),
          connectTimeoutMs: 10_000,
        });
      },
      async damageClaim(issueId) {
        await client.hset(`${prefix}state:claims`, issueId, '{"status": "running", "issue": ');
      },
      async writeMeta(json) {
        await client.set(`${prefix}state:meta`, json);
      },
      async rawText() {
        const texts: string[] = [];
        for (const key of await client.keys(`${prefix}*`)) {
          const type = await client.type(key);
          if (type === "string") texts.push((await client.get(key)) ?? "");
          else if (type === "hash") texts.push(...Object.values(await client.hgetall(key)));
          else if (type === "set") texts.push(...(await client.smembers(key)));
          else texts.push(`<${type}>`);
        }
        return texts.join("\n");
      },
      async plantStaleHolder(pid) {
        const key = `${prefix}orchestrator`;
        const record = { pid, host: hostname(), started_at: "2026-01-01T00:00:00.000Z", token: "gone" };
        await client.set(key, JSON.stringify(record), "PX", 60_000);
        return key;
      },
      async holderPid() {
        const text = await client.get(`${prefix}orchestrator`);
        return text === null ? null : (JSON.parse(text) as { pid: number }).pid;
      },
    };
  },
};

const stores: StateStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.each([sqlite, redis])("StateStore contract: $name", (kind) => {
  const describeIf = kind.skip === null ? describe : describe.skip;
  describeIf(kind.skip ? `skipped: ${kind.skip}` : "behaves", () => {
    beforeAll(() => kind.setUp());
    afterAll(() => kind.tearDown());

    async function open(place: Place, options?: OpenOptions): Promise<StateStore> {
      const store = await place.open(options);
      stores.push(store);
      return store;
    }
    async function close(store: StateStore): Promise<void> {
      stores.splice(stores.indexOf(store), 1);
      await store.close();
    }

    it("[B.durable-state-as-data][B.durable-persist-before-effect][B.redis-store-contract] keeps claims, completed issues, totals and rate limits across a reopen; removed claims stay removed", async () => {
      const place = await kind.place();
      const store = await open(place);
      expect(store.load()).toEqual({ state: null, warnings: [] });
      const state = stateWith(claim("1"), claim("2", { status: "blocked", blocked_at_ms: 5 }));
      store.save({ state, claims: ["1", "2"], completed: ["9"] });
      const { "2": _gone, ...rest } = state.claims;
      store.save({ state: { ...state, claims: rest }, claims: ["2"], completed: [] });
      expect(store.load().state).toEqual({ ...state, claims: rest, completed: { "9": true } });
      await close(store);

      const loaded = (await open(place)).load();
      expect(loaded.warnings).toEqual([]);
      expect(loaded.state).toEqual({ ...state, claims: rest, completed: { "9": true } });
    });

    it("[B.budget-high-water][B.redis-store-contract] keeps each issue's spend, its per-thread high-water marks and the period's spend across a reopen", async () => {
      const place = await kind.place();
      const store = await open(place);
      const state: OrchestratorState = {
        ...emptyState(),
        budget: {
          issues: {
            "1": {
              identifier: "BAT-1",
              tokens: 900,
              input_tokens: 800,
              output_tokens: 100,
              sessions: { th1: { input_tokens: 800, output_tokens: 100, total_tokens: 900 } },
              held: { scope: "issue", limit: 800 },
            },
          },
          period: { key: "2026-12-06", tokens: 900, input_tokens: 800, output_tokens: 100 },
        },
      };
      store.save({ state, claims: [], completed: [] });
      await close(store);
      expect((await open(place)).load().state?.budget).toEqual(state.budget);
    });

    it("[B.budget-high-water][B.redis-store-contract] carries each issue's spend from a meta record of an older Baton into its own records, and saves a changed spend again", async () => {
      const place = await kind.place();
      const first = await open(place);
      first.save({ state: emptyState(), claims: [], completed: [] });
      await close(first);
      const spend = (tokens: number) => ({
        identifier: "BAT-1",
        tokens,
        input_tokens: tokens,
        output_tokens: 0,
        sessions: { th1: { input_tokens: tokens, output_tokens: 0, total_tokens: tokens } },
        held: null,
      });
      const period = { key: "2026-12-06", tokens: 300, input_tokens: 300, output_tokens: 0 };
      // The meta record as Baton wrote it before spend had records of its own.
      await place.writeMeta(
        JSON.stringify({
          schema_version: STATE_SCHEMA_VERSION,
          totals: emptyState().totals,
          rate_limits: null,
          retry_seq: 0,
          budget: { issues: { "1": spend(300) }, period },
        }),
      );
      const upgraded = await open(place);
      const legacy = upgraded.load().state!;
      expect(legacy.budget).toEqual({ issues: { "1": spend(300) }, period });
      upgraded.save({ state: { ...legacy, retry_seq: 1 }, claims: [], completed: [] });
      await close(upgraded);

      const reopened = await open(place);
      const carried = reopened.load().state!;
      expect(carried.budget).toEqual({ issues: { "1": spend(300) }, period });
      reopened.save({
        state: {
          ...carried,
          budget: { ...carried.budget, issues: { ...carried.budget.issues, "1": spend(450) } },
        },
        claims: [],
        completed: [],
      });
      await close(reopened);
      expect((await open(place)).load().state?.budget.issues).toEqual({ "1": spend(450) });
    });

    it("[B.durable-single-instance][B.redis-single-authority] refuses a second instance naming the holder, and takes over a stale lock with a warning", async () => {
      const place = await kind.place();
      await open(place);
      await expect(place.open()).rejects.toThrow(
        new RegExp(`pid ${process.pid} on host ${hostname()}, started \\d{4}-`),
      );

      // A lock left by a process that is gone.
      const other = await kind.place();
      const dead = spawn("true");
      await new Promise((resolve) => dead.once("exit", resolve));
      const lockName = await other.plantStaleHolder(dead.pid!);
      const warnings: string[] = [];
      await open(other, { warnings });
      expect(warnings).toEqual([expect.stringMatching(/^took over the stale (lock|lease) /)]);
      expect(warnings[0]).toContain(`${lockName} of pid ${dead.pid} on ${hostname()}`);
      expect(await other.holderPid()).toBe(process.pid);
    });

    it("[B.durable-bad-state][B.redis-store-bad-data] keeps every readable claim and names the one it dropped", async () => {
      const place = await kind.place();
      const store = await open(place);
      store.save({ state: stateWith(claim("1"), claim("2")), claims: ["1", "2"], completed: [] });
      await close(store);
      await place.damageClaim("2");
      const loaded = (await open(place)).load();
      expect(Object.keys(loaded.state?.claims ?? {})).toEqual(["1"]);
      expect(loaded.warnings).toEqual([expect.stringContaining("dropped the unreadable claim of issue 2")]);
    });

    it("[B.durable-schema-version][B.redis-store-contract] refuses a state written by a newer Baton, naming the versions, and frees the lock", async () => {
      const place = await kind.place();
      const store = await open(place);
      store.save({ state: stateWith(), claims: [], completed: [] });
      await close(store);
      await place.writeMeta(JSON.stringify({ schema_version: STATE_SCHEMA_VERSION + 1 }));
      await expect(place.open()).rejects.toThrow(
        `written by a newer Baton (state schema ${STATE_SCHEMA_VERSION + 1}; this Baton reads up to ${STATE_SCHEMA_VERSION})`,
      );
      expect(await place.holderPid()).toBeNull();
    });

    it("[B.ops-no-secret-on-disk][B.durable-state-as-data][B.redis-store-contract] writes claims through the redactor: agent output quoting a secret is never stored", async () => {
      const place = await kind.place();
      const secret = "sk-live-0123456789abcdef";
      const store = await open(place, { redact: (text) => text.replaceAll(secret, "[redacted]") });
      const leaky = claim("1", {
        last_error: { category: "turn_failed", message: `env: OPENAI_API_KEY=${secret}`, details: {} },
      });
      store.save({ state: stateWith(leaky), claims: ["1"], completed: [] });
      await close(store);
      const raw = await place.rawText();
      expect(raw).toContain("OPENAI_API_KEY=[redacted]");
      expect(raw).not.toContain(secret);
      expect((await open(place)).load().state?.claims["1"]?.last_error?.message).toBe(
        "env: OPENAI_API_KEY=[redacted]",
      );
    });
  });
});
