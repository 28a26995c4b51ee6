import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Claim, OrchestratorState } from "@baton/orchestrator";
import { CLAIM_DEFAULTS, emptyState, newSession, STATE_SCHEMA_VERSION } from "@baton/orchestrator";
import { makeIssue } from "@baton/tracker";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStateStore } from "../src/index.ts";

const dirs: string[] = [];
const stores: SqliteStateStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "baton-state-"));
  dirs.push(dir);
  return dir;
}

function open(dir: string, warnings: string[] = []): SqliteStateStore {
  const store = SqliteStateStore.open({ dir, warn: (message) => warnings.push(message) });
  stores.push(store);
  return store;
}

function close(store: SqliteStateStore): void {
  store.close();
  stores.splice(stores.indexOf(store), 1);
}

function claim(id: string, fields: Partial<Claim> = {}): Claim {
  return {
    status: "retry_queued",
    issue: makeIssue({ id, identifier: `BAT-${id}`, state: "Todo" }),
    pipeline: null,
    run_id: `run-${id}`,
    attempt: 2,
    started_at_ms: null,
    stop_request: null,
    processes: [],
    ...CLAIM_DEFAULTS,
    due_at_ms: 1_000_000,
    retry: { kind: "failure", cause: "failure", seq: 3 },
    blocked_at_ms: null,
    last_error: { category: "turn_failed", message: "boom", details: { turn: 1 } },
    workspace_path: `/ws/BAT-${id}`,
    session: newSession(),
    recent_events: [{ at_ms: 1, event: "dispatched", message: "first attempt" }],
    ...fields,
  };
}

/** Overwrites the root page of `table` with garbage, as a bad sector or a stray write would. */
function damagePage(path: string, table: string): void {
  const db = new Database(path);
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = ?").get(table) as {
    rootpage: number;
  };
  db.close();
  const fd = openSync(path, "r+");
  writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (rootpage - 1) * pageSize);
  closeSync(fd);
}

function stateWith(...claims: Claim[]): OrchestratorState {
  return {
    ...emptyState(),
    claims: Object.fromEntries(claims.map((entry) => [entry.issue.id, entry])),
    totals: { input_tokens: 10, output_tokens: 5, total_tokens: 15, ended_seconds: 3 },
    rate_limits: { primary: { used_percent: 10 } },
    retry_seq: 3,
  };
}

describe("SqliteStateStore", () => {
  it("[B.durable-state-as-data][B.durable-persist-before-effect] keeps claims, completed issues, totals and rate limits across a reopen; removed claims stay removed", () => {
    const dir = stateDir();
    const store = open(dir);
    expect(store.load()).toEqual({ state: null, warnings: [] });
    const state = stateWith(claim("1"), claim("2", { status: "blocked", blocked_at_ms: 5 }));
    store.save({ state, claims: ["1", "2"], completed: ["9"] });
    const { "2": _gone, ...rest } = state.claims;
    store.save({ state: { ...state, claims: rest }, claims: ["2"], completed: [] });
    close(store);

    const loaded = open(dir).load();
    expect(loaded.warnings).toEqual([]);
    expect(loaded.state).toEqual({ ...state, claims: rest, completed: { "9": true } });
  });

  it("[B.budget-high-water] keeps each issue's spend, its per-thread high-water marks and the period's spend across a reopen", () => {
    const dir = stateDir();
    const store = open(dir);
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
    close(store);
    expect(open(dir).load().state?.budget).toEqual(state.budget);
  });

  it("[B.durable-single-instance] refuses a second instance naming the holder, and takes over a stale lock with a warning", async () => {
    const dir = stateDir();
    open(dir);
    expect(() => SqliteStateStore.open({ dir })).toThrow(
      new RegExp(`pid ${process.pid} on host ${hostname()}, started \\d{4}-`),
    );

    // A lock left by a process that is gone.
    const other = stateDir();
    const dead = spawn("true");
    await new Promise((resolve) => dead.once("exit", resolve));
    writeFileSync(
      join(other, "baton.lock"),
      JSON.stringify({ pid: dead.pid, host: hostname(), started_at: "2026-01-01T00:00:00.000Z" }),
    );
    const warnings: string[] = [];
    open(other, warnings);
    expect(warnings).toEqual([
      expect.stringContaining(`stale lock ${join(other, "baton.lock")} of pid ${dead.pid}`),
    ]);
    expect(JSON.parse(readFileSync(join(other, "baton.lock"), "utf8")).pid).toBe(process.pid);
  });

  it("[B.durable-bad-state] moves a corrupt state file aside with a warning naming it and starts empty", () => {
    const dir = stateDir();
    writeFileSync(join(dir, "state.db"), "this is not a database, just some bytes ".repeat(200));
    const warnings: string[] = [];
    const store = open(dir, warnings);
    expect(warnings).toEqual([
      expect.stringMatching(/state\.db could not be read .* moved aside to .*state\.db\.corrupt-/),
    ]);
    expect(readdirSync(dir).some((name) => name.startsWith("state.db.corrupt-"))).toBe(true);
    expect(store.load().state).toBeNull();
    store.save({ state: stateWith(claim("1")), claims: ["1"], completed: [] });
    expect(store.load().state?.claims["1"]?.attempt).toBe(2);
  });

  it("[B.durable-bad-state] carries every readable table of a damaged state file over to the fresh one and names what it dropped", () => {
    const dir = stateDir();
    const store = open(dir);
    store.save({ state: stateWith(claim("1"), claim("2")), claims: ["1", "2"], completed: ["9"] });
    close(store);
    const path = join(dir, "state.db");
    damagePage(path, "completed");
    const warnings: string[] = [];
    const loaded = open(dir, warnings).load();
    expect(warnings).toEqual([
      expect.stringMatching(
        /state\.db could not be read \(.*\); moved aside to .*state\.db\.corrupt-.*, kept what was still readable \(2 claim\(s\), the totals and spend, 0 completed issue\(s\)\); dropped the unreadable part of table\(s\) completed$/,
      ),
    ]);
    expect(Object.keys(loaded.state?.claims ?? {}).sort()).toEqual(["1", "2"]);
    expect(loaded.state?.claims["1"]).toEqual(claim("1"));
    expect(loaded.state?.totals).toEqual(stateWith().totals);
    expect(loaded.state?.retry_seq).toBe(3);
    expect(loaded.state?.completed).toEqual({});
    // The damaged file is kept aside as it was found, without the salvage copy.
    const aside = readdirSync(dir).filter((name) => name.startsWith("state.db.corrupt-"));
    expect(aside.some((name) => name.includes("salvage"))).toBe(false);
    expect(aside.length).toBeGreaterThan(0);
  });

  it("[B.durable-bad-state] keeps every readable claim and names the one it dropped", () => {
    const dir = stateDir();
    const store = open(dir);
    store.save({ state: stateWith(claim("1"), claim("2")), claims: ["1", "2"], completed: [] });
    close(store);
    // Damage one row the way a bad write would.
    const db = SqliteStateStore.open({ dir });
    (db as unknown as { db: { prepare(sql: string): { run(...args: unknown[]): void } } }).db
      .prepare("UPDATE claims SET value = ? WHERE issue_id = ?")
      .run('{"status": "running", "issue": ', "2");
    db.close();
    const loaded = open(dir).load();
    expect(Object.keys(loaded.state?.claims ?? {})).toEqual(["1"]);
    expect(loaded.warnings).toEqual([expect.stringContaining("dropped the unreadable claim of issue 2")]);
  });

  it("[B.durable-bad-state] reports a torn last write of the journal and keeps everything committed before it", () => {
    const dir = stateDir();
    const store = open(dir);
    for (let i = 1; i <= 3; i++) {
      store.save({ state: stateWith(claim(String(i))), claims: [String(i)], completed: [] });
    }
    const wal = join(dir, "state.db-wal");
    // Copy the files as a killed process leaves them (no checkpoint on close), then tear the WAL's last frame.
    const copy = stateDir();
    for (const name of ["state.db", "state.db-wal"])
      writeFileSync(join(copy, name), readFileSync(join(dir, name)));
    truncateSync(join(copy, "state.db-wal"), statSync(wal).size - 100);
    const warnings: string[] = [];
    const loaded = open(copy, warnings).load();
    expect(warnings).toEqual([expect.stringMatching(/state\.db-wal: dropped a torn write of \d+ bytes/)]);
    expect(Object.keys(loaded.state?.claims ?? {}).sort()).toEqual(["1", "2"]);
  });

  it("[B.durable-schema-version] refuses a state written by a newer Baton, naming the versions", () => {
    const dir = stateDir();
    const store = open(dir);
    store.save({ state: stateWith(), claims: [], completed: [] });
    (store as unknown as { db: { prepare(sql: string): { run(...args: unknown[]): void } } }).db
      .prepare("UPDATE meta SET value = ? WHERE key = 'state'")
      .run(JSON.stringify({ schema_version: STATE_SCHEMA_VERSION + 1 }));
    close(store);
    expect(() => SqliteStateStore.open({ dir })).toThrow(
      `written by a newer Baton (state schema ${STATE_SCHEMA_VERSION + 1}; this Baton reads up to ${STATE_SCHEMA_VERSION})`,
    );
    expect(existsSync(join(dir, "baton.lock"))).toBe(false);
  });

  it("[B.ops-no-secret-on-disk][B.durable-state-as-data] writes claims through the redactor: agent output quoting a secret never reaches the file", () => {
    const dir = stateDir();
    const secret = "sk-live-0123456789abcdef";
    const store = SqliteStateStore.open({ dir, redact: (text) => text.replaceAll(secret, "[redacted]") });
    stores.push(store);
    const leaky = claim("1", {
      last_error: { category: "turn_failed", message: `env: OPENAI_API_KEY=${secret}`, details: {} },
    });
    store.save({ state: stateWith(leaky), claims: ["1"], completed: [] });
    close(store);
    const files = readdirSync(dir).filter((name) => name.startsWith("state.db"));
    for (const name of files) expect(readFileSync(join(dir, name)).includes(secret)).toBe(false);
    expect(open(dir).load().state?.claims["1"]?.last_error?.message).toBe("env: OPENAI_API_KEY=[redacted]");
  });
});
