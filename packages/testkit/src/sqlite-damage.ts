import { closeSync, openSync, writeSync } from "node:fs";
import Database from "better-sqlite3";

/**
 * Overwrites the root page of `table` in the SQLite file at `path` with garbage, as a bad sector or
 * a stray write would. The WAL is copied into the file first (as SQLite's own checkpoint would), so
 * the damaged page is the one SQLite reads.
 */
export function damageSqliteTable(path: string, table: string): void {
  const db = new Database(path);
  db.pragma("wal_checkpoint(TRUNCATE)");
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = ?").get(table) as {
    rootpage: number;
  };
  db.close();
  const fd = openSync(path, "r+");
  writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (rootpage - 1) * pageSize);
  closeSync(fd);
}
