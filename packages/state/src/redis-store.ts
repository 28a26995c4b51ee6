import { BatonError, type Logger, silentLogger } from "@baton/domain";
import type { ConnectionHealth, OrchestratorState, StateChange, StateStore } from "@baton/orchestrator";
import {
  changedSpend,
  checkSchemaVersion,
  markLoadedSpend,
  metaRecord,
  type StateRecords,
  stateFromRecords,
} from "./records.ts";
import { connectRedis, type RedisConnection } from "./redis.ts";
import { acquireRedisLease, type RedisLease } from "./redis-lease.ts";

export interface RedisStateStoreOptions {
  /** `redis://` or `rediss://` URL, with the password if Redis asks for one. */
  url: string;
  /**
   * Keeps orchestrators that share one Redis apart: the queue name (`executor.queue_name`). Keys
   * are `baton:<namespace>:state:*` and the lease `baton:<namespace>:orchestrator`.
   */
  namespace: string;
  /** Called with a message for each problem that was repaired (bad records moved aside, a stale lease). */
  warn?: (message: string) => void;
  /** Applied to every record before it is written (agent output in a claim may quote a secret). */
  redact?: (text: string) => string;
  logger?: Logger;
  /** Lease length of the single-authority lock (default 15 s). */
  leaseMs?: number;
  /** How long `open` waits for Redis before it gives up (default: as long as it takes). */
  connectTimeoutMs?: number;
  /** Longest wait between two connection attempts (default 10 s). */
  maxBackoffMs?: number;
  tls?: Parameters<typeof connectRedis>[1]["tls"];
  now?: () => Date;
}

const TYPES = { meta: "string", claims: "hash", completed: "set", spend: "hash" } as const;

/**
 * The orchestrator state in Redis, for the queue executor: orchestrator and workers already share
 * that Redis, and a restarted orchestrator on another host finds its claims and retry queue there.
 * One hash field per claim (`…:state:claims`) and per issue's token spend (`…:state:spend`), a set
 * of completed issues and one meta record, the same JSON records as the SQLite store.
 *
 * `save` is synchronous (the port requires it): it checks the connection, keeps a local mirror of
 * what it wrote and sends the changed records as one MULTI/EXEC; commands go out in order on one
 * connection. While Redis cannot be reached, or while an earlier write failed, `save` throws (the
 * orchestrator pauses dispatch and saves again each tick) and keeps the records it could not
 * write, so they go out with the next save that can.
 */
export class RedisStateStore implements StateStore {
  readonly kind = "redis" as const;
  readonly path: string;
  private readonly prefix: string;
  private readonly warnings: string[] = [];
  private readonly mirror = {
    meta: null as string | null,
    claims: new Map<string, string>(),
    spend: new Map<string, string>(),
    completed: new Set<string>(),
  };
  /** Records a failed or refused write did not deliver: rewritten by the next save. */
  private readonly unwritten = {
    claims: new Set<string>(),
    completed: new Set<string>(),
    spend: new Set<string>(),
    meta: false,
  };
  /** Each issue's spend as last put in the mirror (identity), so a save sends only the ones that changed. */
  private readonly mirroredSpend = new Map<string, OrchestratorState["budget"]["issues"][string]>();
  private writeError: { message: string; generation: number } | null = null;
  private generation = 0;
  private closing: Promise<void> | null = null;
  /** Settles once Redis answered the last write sent (whether it succeeded or not). */
  private lastWrite: Promise<void> = Promise.resolve();
  private lease: RedisLease | null = null;

  private constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisStateStoreOptions,
  ) {
    this.prefix = `baton:${options.namespace}:state:`;
    this.path = `${redis.url} ${this.prefix}*`;
  }

  /**
   * Connects (waiting, with backoff, until Redis answers), takes the single-authority lease
   * (rejects with `state_locked` naming the holder) and reads the saved state, moving unreadable
   * records aside. Rejects with `state_schema_newer` for a state written by a newer Baton.
   */
  static async open(options: RedisStateStoreOptions): Promise<RedisStateStore> {
    const connection = connectRedis(options.url, {
      role: "state",
      logger: options.logger,
      maxBackoffMs: options.maxBackoffMs,
      tls: options.tls,
      now: options.now,
    });
    const store = new RedisStateStore(connection, options);
    try {
      await connection.ready(options.connectTimeoutMs ?? Number.POSITIVE_INFINITY);
      store.lease = await acquireRedisLease(connection.client, `baton:${options.namespace}:orchestrator`, {
        where: `the Redis namespace ${options.namespace} at ${connection.url}`,
        leaseMs: options.leaseMs,
        logger: options.logger,
        now: options.now,
      });
      const taken = store.lease.tookOverFrom;
      if (taken !== null) {
        store.warn(
          `took over the stale lease ${store.lease.key} of pid ${taken.pid} on ${taken.host} (started ${taken.started_at}); ${taken.how}`,
        );
      }
      await store.readRecords();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private key(name: keyof typeof TYPES): string {
    return `${this.prefix}${name}`;
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.options.warn?.(message);
  }

  private stamp(): string {
    return (this.options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, "-");
  }

  /** Reads every record once; a key of the wrong type or a record that does not parse is moved aside. */
  private async readRecords(): Promise<void> {
    const client = this.redis.client;
    for (const name of Object.keys(TYPES) as (keyof typeof TYPES)[]) {
      const key = this.key(name);
      const type = await client.type(key);
      if (type === "none" || type === TYPES[name]) continue;
      const aside = `${key}:bad-${this.stamp()}`;
      await client.rename(key, aside);
      this.warn(`${key} held a ${type}, not a ${TYPES[name]}; moved aside to ${aside}, starting without it`);
    }
    const [meta, claims, completed, spend] = await Promise.all([
      client.get(this.key("meta")),
      client.hgetall(this.key("claims")),
      client.smembers(this.key("completed")),
      client.hgetall(this.key("spend")),
    ]);
    checkSchemaVersion(
      meta,
      this.path,
      `delete the keys ${this.prefix}* (or use another executor.queue_name)`,
    );
    const records: StateRecords = {
      meta,
      claims: Object.entries(claims),
      completed,
      spend: Object.entries(spend),
    };
    const { badMeta, badClaims, badSpend } = stateFromRecords(records);
    if (badMeta && meta !== null) {
      const aside = `${this.key("meta")}:bad-${this.stamp()}`;
      await client.multi().set(aside, meta).del(this.key("meta")).exec();
      this.warn(
        `${this.key("meta")}: dropped unreadable totals (token totals restart from zero); the record is kept in ${aside}`,
      );
    }
    await this.moveAside("claims", claims, badClaims, "claim");
    await this.moveAside("spend", spend, badSpend, "token spend");
    this.mirror.meta = badMeta ? null : meta;
    for (const [id, json] of Object.entries(spend))
      if (!badSpend.includes(id)) this.mirror.spend.set(id, json);
    for (const [id, json] of Object.entries(claims))
      if (!badClaims.includes(id)) this.mirror.claims.set(id, json);
    for (const id of completed) this.mirror.completed.add(id);
  }

  /** Moves the unreadable fields of a hash to `<key>:bad-<time>`, with a warning for each. */
  private async moveAside(
    name: "claims" | "spend",
    fields: Record<string, string>,
    bad: readonly string[],
    what: string,
  ): Promise<void> {
    if (bad.length === 0) return;
    const key = this.key(name);
    const aside = `${key}:bad-${this.stamp()}`;
    const move = this.redis.client.multi();
    for (const id of bad) move.hset(aside, id, fields[id] ?? "").hdel(key, id);
    await move.exec();
    for (const id of bad)
      this.warn(`${key}: dropped the unreadable ${what} of issue ${id}; the record is kept in ${aside}`);
  }

  load(): { state: OrchestratorState | null; warnings: string[] } {
    const records: StateRecords = {
      meta: this.mirror.meta,
      claims: [...this.mirror.claims],
      completed: [...this.mirror.completed],
      spend: [...this.mirror.spend],
    };
    const { state } = stateFromRecords(records);
    markLoadedSpend(state, records, [], this.mirroredSpend);
    return { state, warnings: this.warnings.splice(0) };
  }

  connections(): ConnectionHealth[] {
    return [this.redis.health()];
  }

  unavailable(): string | null {
    const health = this.redis.health();
    if (health.status === "connected") return null;
    const reason = health.last_error ? ` (${health.last_error})` : "";
    return `Redis at ${health.url} is ${health.status} since ${health.since}${reason}; the state is written once it is back`;
  }

  save(change: StateChange): void {
    if (this.closing !== null) throw new BatonError("state_store_failed", `${this.path} is closed`);
    const { state } = change;
    for (const id of change.claims) {
      const claim = state.claims[id];
      if (claim === undefined) this.mirror.claims.delete(id);
      else this.mirror.claims.set(id, this.redact(JSON.stringify(claim)));
      this.unwritten.claims.add(id);
    }
    for (const id of change.completed) {
      this.mirror.completed.add(id);
      this.unwritten.completed.add(id);
    }
    for (const [id, spend] of changedSpend(state, this.mirroredSpend)) {
      this.mirror.spend.set(id, this.redact(JSON.stringify(spend)));
      this.mirroredSpend.set(id, spend);
      this.unwritten.spend.add(id);
    }
    this.mirror.meta = this.redact(JSON.stringify(metaRecord(state)));
    this.unwritten.meta = true;

    const lost = this.lease?.lost() ?? null;
    if (lost !== null)
      throw new BatonError(
        "state_locked",
        `${lost}; restart this orchestrator once the other one is stopped`,
      );
    const unavailable = this.unavailable();
    if (unavailable !== null)
      throw new BatonError("state_store_failed", unavailable, { url: this.redis.url });
    this.flush();
    if (this.writeError !== null) {
      throw new BatonError(
        "state_store_failed",
        `writing the state to ${this.redis.url} failed: ${this.writeError.message}`,
      );
    }
  }

  /** Sends every unwritten record as one transaction; a failure puts them back for the next save. */
  private flush(): void {
    const claims = [...this.unwritten.claims];
    const completed = [...this.unwritten.completed];
    const meta = this.unwritten.meta ? this.mirror.meta : null;
    const spend = [...this.unwritten.spend];
    this.unwritten.claims.clear();
    this.unwritten.completed.clear();
    this.unwritten.spend.clear();
    this.unwritten.meta = false;
    const generation = ++this.generation;
    const write = this.redis.client.multi();
    for (const id of claims) {
      const json = this.mirror.claims.get(id);
      if (json === undefined) write.hdel(this.key("claims"), id);
      else write.hset(this.key("claims"), id, json);
    }
    if (completed.length > 0) write.sadd(this.key("completed"), ...completed);
    for (const id of spend) write.hset(this.key("spend"), id, this.mirror.spend.get(id)!);
    if (meta !== null) write.set(this.key("meta"), meta);
    this.lastWrite = write
      .exec()
      .then((results) => {
        const failed = results?.find(([error]) => error !== null)?.[0];
        if (results === null || failed) throw failed ?? new Error("the transaction was aborted");
        if (this.writeError !== null && this.writeError.generation < generation) this.writeError = null;
      })
      .catch((error: unknown) => {
        for (const id of claims) this.unwritten.claims.add(id);
        for (const id of completed) this.unwritten.completed.add(id);
        for (const id of spend) this.unwritten.spend.add(id);
        if (meta !== null) this.unwritten.meta = true;
        const message = this.redis.redact(error instanceof Error ? error.message : String(error));
        this.writeError = { message, generation };
        (this.options.logger ?? silentLogger).error(
          { action: "state_save", outcome: "failed", store: this.path, reason: message },
          "action=state_save outcome=failed",
        );
      });
  }

  private redact(text: string): string {
    return this.options.redact ? this.options.redact(text) : text;
  }

  /** Resolves once Redis has answered every write sent so far (benchmarks, orderly shutdown). */
  written(): Promise<void> {
    return this.lastWrite;
  }

  /**
   * Waits for the writes already sent, frees the lease and closes the connection. The port's
   * `close()` returns nothing; callers that know this store await it before a process exits.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.lease?.release();
      await this.redis.close();
    })();
    return this.closing;
  }
}
