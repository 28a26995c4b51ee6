import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { damageSqliteTable } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStateStore } from "../src/index.ts";
import { claim, stateWith } from "./helpers.ts";

/** SQLite's own repairs; what every store does is in store-contract.test.ts. */
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

describe("SqliteStateStore", () => {
  it("[B.durable-bad-state] carries every readable table of a damaged state file over to the fresh one and names what it dropped", () => {
    const dir = stateDir();
    const store = open(dir);
    store.save({ state: stateWith(claim("1"), claim("2")), claims: ["1", "2"], completed: ["9"] });
    store.close();
    stores.splice(stores.indexOf(store), 1);
    const path = join(dir, "state.db");
    damageSqliteTable(path, "completed");
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
});
