import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { BatonError } from "@baton/domain";
import type { OrchestratorState, StateChange, StateStore } from "@baton/orchestrator";
import Database from "better-sqlite3";
import { acquireInstanceLock, type InstanceLock } from "./lock.ts";
import {
  changedSpend,
  checkSchemaVersion,
  markLoadedSpend,
  metaRecord,
  type StateRecords,
  stateFromRecords,
} from "./records.ts";

const DB_FILE = "state.db";

let addonPath: string | null | undefined;

/**
 * A better-sqlite3 connection with its native addon named: the one built beside the package this
 * module's `better-sqlite3` resolves to (the CLI's bundle holds the package's JavaScript and loads
 * the addon from there). Without it better-sqlite3 asks the `bindings` package, which searches a
 * dozen folders from a stack trace (a few ms of every start); that stays the fallback unbundled.
 */
function openSqlite(path: string, options: Database.Options = {}): Database.Database {
  if (addonPath === undefined) {
    const builds = join(dirname(createRequire(import.meta.url).resolve("better-sqlite3")), "..", "build");
    addonPath =
      ["Release", "Debug"].map((kind) => join(builds, kind, "better_sqlite3.node")).find(existsSync) ?? null;
  }
  return new Database(path, addonPath === null ? options : { ...options, nativeBinding: addonPath });
}

const SALVAGED_TABLES = ["meta", "claims", "completed", "spend"] as const;
type SalvagedTable = (typeof SALVAGED_TABLES)[number];

/** The rows still readable in a damaged database, table by table, and the tables that were not. */
interface Salvaged {
  rows: Record<SalvagedTable, Record<string, unknown>[]>;
  unreadable: SalvagedTable[];
}

/**
 * Reads every row SQLite can still read from the database moved aside at `path`: each table on its
 * own, row by row, so one damaged table or page costs only what it holds. Works on a copy (with its
 * journal), so the file kept for inspection stays exactly as it was found.
 */
function salvage(path: string): Salvaged {
  const salvaged: Salvaged = { rows: { meta: [], claims: [], completed: [], spend: [] }, unreadable: [] };
  const copy = `${path}.salvage`;
  let db: Database.Database | null = null;
  try {
    for (const suffix of ["", "-wal"])
      if (existsSync(path + suffix)) copyFileSync(path + suffix, copy + suffix);
    db = openSqlite(copy, { fileMustExist: true });
    for (const table of SALVAGED_TABLES) {
      try {
        for (const row of db.prepare(`SELECT * FROM ${table}`).iterate())
          salvaged.rows[table].push(row as Record<string, unknown>);
      } catch (error) {
        // A file from before the table existed simply has none of its rows.
        if (!String((error as Error).message).includes("no such table")) salvaged.unreadable.push(table);
      }
    }
  } catch {
    salvaged.unreadable = [...SALVAGED_TABLES];
  } finally {
    db?.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(copy + suffix, { force: true });
  }
  return salvaged;
}

function describeSalvage(salvaged: Salvaged): string {
  const { rows, unreadable } = salvaged;
  if (unreadable.length === SALVAGED_TABLES.length)
    return "nothing in it was readable: starting from an empty state";
  const kept = `kept what was still readable (${rows.claims.length} claim(s), ${rows.meta.length > 0 ? "the totals and spend" : "no totals"}, ${rows.completed.length} completed issue(s))`;
  return unreadable.length === 0
    ? kept
    : `${kept}; dropped the unreadable part of table(s) ${unreadable.join(", ")}`;
}

export interface SqliteStateStoreOptions {
  /** The state directory, e.g. `<workflow dir>/.baton/state`. */
  dir: string;
  /** Called with a message for each problem that was repaired (bad file moved aside, rows dropped). */
  warn?: (message: string) => void;
  /**
   * Applied to every record before it is written: agent output kept in a claim (last message,
   * recent events, errors) may quote a secret, and nothing Baton writes to disk may hold one.
   */
  redact?: (text: string) => string;
  now?: () => Date;
}

/**
 * The embedded default `StateStore`: one SQLite database (WAL mode) in the state directory, one
 * row per claim, so a transition rewrites only the claims it touched. Writes are synchronous and
 * committed before `save` returns, which is what lets the orchestrator record a transition before
 * it carries out the effect. A committed transaction survives a killed process; a torn write at
 * the end of the WAL is rolled back by SQLite and reported. A file SQLite reports as damaged is
 * moved aside (`state.db.corrupt-<time>`); every row still readable in it is carried over.
 */
export class SqliteStateStore implements StateStore {
  readonly kind = "sqlite" as const;
  readonly path: string;
  private db: Database.Database | null = null;
  private readonly warnings: string[] = [];
  private statements: {
    upsertClaim: Database.Statement;
    deleteClaim: Database.Statement;
    addCompleted: Database.Statement;
    putMeta: Database.Statement;
    upsertSpend: Database.Statement;
  } | null = null;
  /** Each issue's spend as last written (identity), so a save writes only the ones that changed. */
  private readonly writtenSpend = new Map<string, OrchestratorState["budget"]["issues"][string]>();

  private constructor(
    private readonly dir: string,
    private readonly lock: InstanceLock,
    private readonly options: SqliteStateStoreOptions,
  ) {
    this.path = join(dir, DB_FILE);
  }

  /**
   * Takes the single-instance lock (rejects with `state_locked` naming the holder when another
   * live Baton holds it) and opens the database. A stale lock is taken over with a warning.
   */
  static open(options: SqliteStateStoreOptions): SqliteStateStore {
    mkdirSync(options.dir, { recursive: true });
    const lock = acquireInstanceLock(options.dir, options.now?.() ?? new Date());
    const store = new SqliteStateStore(options.dir, lock, options);
    if (lock.tookOverFrom) {
      store.warn(
        `took over the stale lock ${lock.path} of pid ${lock.tookOverFrom.pid} on ${lock.tookOverFrom.host} (started ${lock.tookOverFrom.started_at}); that process is gone`,
      );
    }
    try {
      store.openDatabase();
      store.checkSchemaVersion();
    } catch (error) {
      store.db?.close();
      lock.release();
      throw error;
    }
    return store;
  }

  private checkSchemaVersion(): void {
    const row = this.database().prepare("SELECT value FROM meta WHERE key = 'state'").get() as
      | { value: string }
      | undefined;
    checkSchemaVersion(row?.value ?? null, this.path, `move the state directory ${this.dir} aside`);
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.options.warn?.(message);
  }

  private openDatabase(): void {
    this.reportTornWal();
    try {
      this.db = this.connect();
    } catch (error) {
      const target = this.moveAside();
      const salvaged = salvage(target);
      this.db = this.connect();
      this.restoreRows(salvaged);
      // SQLite's integrity report spans lines; the warning is one log line.
      const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ");
      this.warn(
        `${this.path} could not be read (${reason}); moved aside to ${target}, ${describeSalvage(salvaged)}`,
      );
    }
  }

  /** Writes what could be read from a damaged file into the fresh one, as it was. */
  private restoreRows(salvaged: Salvaged): void {
    const db = this.database();
    db.transaction(() => {
      for (const table of SALVAGED_TABLES) {
        for (const row of salvaged.rows[table]) {
          const columns = Object.keys(row);
          db.prepare(
            `INSERT OR REPLACE INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
          ).run(...columns.map((column) => row[column]));
        }
      }
    })();
  }

  private connect(): Database.Database {
    const db = openSqlite(this.path);
    try {
      db.pragma("journal_mode = WAL");
      // NORMAL: a commit is in the WAL before `save` returns, so it survives a killed process.
      db.pragma("synchronous = NORMAL");
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS claims (issue_id TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS completed (issue_id TEXT PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS spend (issue_id TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
      const check = db.pragma("quick_check", { simple: true });
      if (check !== "ok") throw new BatonError("state_corrupt", `integrity check failed: ${String(check)}`);
      this.statements = {
        upsertClaim: db.prepare(
          "INSERT INTO claims (issue_id, value) VALUES (?, ?) ON CONFLICT(issue_id) DO UPDATE SET value = excluded.value",
        ),
        deleteClaim: db.prepare("DELETE FROM claims WHERE issue_id = ?"),
        addCompleted: db.prepare("INSERT OR IGNORE INTO completed (issue_id) VALUES (?)"),
        putMeta: db.prepare(
          "INSERT INTO meta (key, value) VALUES ('state', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        ),
        upsertSpend: db.prepare(
          "INSERT INTO spend (issue_id, value) VALUES (?, ?) ON CONFLICT(issue_id) DO UPDATE SET value = excluded.value",
        ),
      };
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** A WAL whose length is not a whole number of frames ends in a torn write SQLite will drop. */
  private reportTornWal(): void {
    const wal = `${this.path}-wal`;
    if (!existsSync(wal)) return;
    const size = statSync(wal).size;
    if (size < 32) return;
    const header = readFileSync(wal).subarray(0, 32);
    const pageSize = header.readUInt32BE(8);
    if (pageSize < 512) return;
    const torn = (size - 32) % (pageSize + 24);
    if (torn !== 0) {
      this.warn(
        `${wal}: dropped a torn write of ${torn} bytes at its end (the last transition, never committed)`,
      );
    }
  }

  /** Renames the database and its journal files aside; returns the new name of the database. */
  private moveAside(): string {
    const stamp = (this.options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, "-");
    const target = `${this.path}.corrupt-${stamp}`;
    for (const suffix of ["", "-wal", "-shm"]) {
      if (existsSync(this.path + suffix)) renameSync(this.path + suffix, target + suffix);
    }
    return target;
  }

  load(): { state: OrchestratorState | null; warnings: string[] } {
    const db = this.database();
    const warnings = this.warnings.splice(0);
    const metaRow = db.prepare("SELECT value FROM meta WHERE key = 'state'").get() as
      | { value: string }
      | undefined;
    const claimRows = db.prepare("SELECT issue_id, value FROM claims").all() as {
      issue_id: string;
      value: string;
    }[];
    const completed = db.prepare("SELECT issue_id FROM completed").all() as { issue_id: string }[];
    const spendRows = db.prepare("SELECT issue_id, value FROM spend").all() as {
      issue_id: string;
      value: string;
    }[];
    const records: StateRecords = {
      meta: metaRow?.value ?? null,
      claims: claimRows.map((row) => [row.issue_id, row.value]),
      completed: completed.map((row) => row.issue_id),
      spend: spendRows.map((row) => [row.issue_id, row.value]),
    };
    const { state, badMeta, badClaims, badSpend } = stateFromRecords(records);
    markLoadedSpend(state, records, badSpend, this.writtenSpend);
    for (const id of badSpend)
      warnings.push(`${this.path}: dropped the unreadable token spend of issue ${id}`);
    if (badMeta) warnings.push(`${this.path}: dropped unreadable totals (token totals restart from zero)`);
    for (const id of badClaims) warnings.push(`${this.path}: dropped the unreadable claim of issue ${id}`);
    return { state, warnings };
  }

  save(change: StateChange): void {
    const db = this.database();
    const statements = this.statements!;
    const { state } = change;
    const spend = changedSpend(state, this.writtenSpend);
    db.transaction(() => {
      for (const id of change.claims) {
        const claim = state.claims[id];
        if (claim === undefined) statements.deleteClaim.run(id);
        else statements.upsertClaim.run(id, this.redact(JSON.stringify(claim)));
      }
      for (const id of change.completed) statements.addCompleted.run(id);
      for (const [id, issueSpend] of spend)
        statements.upsertSpend.run(id, this.redact(JSON.stringify(issueSpend)));
      statements.putMeta.run(this.redact(JSON.stringify(metaRecord(state))));
    })();
    // Only once committed: a failed save writes the same spend again next time.
    for (const [id, issueSpend] of spend) this.writtenSpend.set(id, issueSpend);
  }

  private redact(text: string): string {
    return this.options.redact ? this.options.redact(text) : text;
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.lock.release();
  }

  private database(): Database.Database {
    if (this.db === null) throw new BatonError("state_store_failed", `${this.path} is closed`);
    return this.db;
  }
}
