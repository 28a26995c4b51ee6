import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { type AgentEvent, silentLogger } from "@baton/domain";
import { afterEach, describe, expect, it } from "vitest";
import { LogHealth } from "../src/log-health.ts";
import { createLogging, removeExpiredServiceLogs } from "../src/logging.ts";
import { SessionLogs } from "../src/session-log.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "baton-logfiles-"));
  dirs.push(dir);
  return dir;
}

const KIB = 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

function agentEvent(text: string): AgentEvent {
  return {
    event: "notification" as AgentEvent["event"],
    timestamp: new Date().toISOString(),
    codex_app_server_pid: 1,
    summary: "agent message",
    method: "item/completed",
    payload: { text },
  };
}

async function sizes(dir: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const name of await readdir(dir)) result[name] = (await stat(join(dir, name))).size;
  return result;
}

describe("baton.log", () => {
  it("[B.ops-log-caps] rolls over by size with pino-roll and keeps max_files rolled files besides the active one", async () => {
    const root = await tempDir();
    const logging = createLogging({ pretty: false, console: new PassThrough() });
    await logging.openFile({
      root,
      maxFileBytes: 64 * KIB,
      maxFiles: 3,
      health: new LogHealth(root, new PassThrough()),
    });
    const filler = "y".repeat(1000);
    for (let i = 0; i < 2000; i++) {
      logging.logger.info({ i, filler }, "action=test outcome=written");
      // Let the stream drain now and then, as a live service does between events.
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await logging.close();
    await new Promise((resolve) => setTimeout(resolve, 100)); // pino-roll removes old files asynchronously
    const files = await sizes(root);
    const names = Object.keys(files).filter((name) => /^baton\.\d+\.log$/.test(name));
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(names.length).toBeLessThanOrEqual(4);
    expect(Math.max(...names.map((name) => Number(name.split(".")[1])))).toBeGreaterThan(12);
    // A file rolls over on the tick after it passed the limit: it may hold that tick's lines too.
    for (const name of names) expect(files[name]).toBeLessThanOrEqual(64 * KIB + 32 * KIB);
    // The newest file holds the last line.
    const newest = names.sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1])).at(-1)!;
    expect(await readFile(join(root, newest), "utf8")).toContain('"i":1999');
  });

  it("[B.ops-log-retention] removes rolled files older than the retention period, never the active one or anything else", async () => {
    const root = await tempDir();
    const old = new Date(Date.now() - 40 * DAY_MS);
    for (const name of ["baton.1.log", "baton.2.log", "baton.3.log", "other.1.log"]) {
      await writeFile(join(root, name), "x");
      await utimes(join(root, name), old, old);
    }
    await mkdir(join(root, "state"));
    await writeFile(join(root, "state", "runs.json"), "{}");
    await utimes(join(root, "state", "runs.json"), old, old);
    removeExpiredServiceLogs(root, Date.now() - 30 * DAY_MS);
    expect((await readdir(root)).sort()).toEqual(["baton.3.log", "other.1.log", "state"]);
    expect(await readdir(join(root, "state"))).toEqual(["runs.json"]);
  });
});

describe("session logs", () => {
  function sessionLogs(
    root: string,
    limits: { maxFileBytes: number; maxFiles: number; retentionDays: number },
    now = Date.now,
  ) {
    return new SessionLogs({ logsRoot: root, logger: silentLogger, limits: () => limits, now });
  }

  it("[B.ops-log-caps] roll over per issue at max_file_bytes, keep one previous part, and stay under 2 × max_files × max_file_bytes together", async () => {
    const root = await tempDir();
    const logs = sessionLogs(root, { maxFileBytes: 32 * KIB, maxFiles: 2, retentionDays: 30 });
    const text = "z".repeat(2 * KIB);
    for (const identifier of ["BAT-1", "BAT-2", "BAT-3", "BAT-4"]) {
      for (let i = 0; i < 100; i++) logs.append(identifier, agentEvent(`${identifier} #${i} ${text}`));
      logs.release(identifier);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await logs.close();
    const files = await sizes(logs.dir);
    const total = Object.values(files).reduce((sum, size) => sum + size, 0);
    expect(total).toBeLessThanOrEqual(2 * 2 * 32 * KIB);
    for (const size of Object.values(files)) expect(size).toBeLessThanOrEqual(32 * KIB);
    // The newest issue keeps its latest part and the one before, as whole JSON lines.
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["BAT-4.jsonl", "BAT-4.1.jsonl"]));
    const latest = (await readFile(join(logs.dir, "BAT-4.jsonl"), "utf8")).trim().split("\n");
    expect(JSON.parse(latest.at(-1)!).payload.text).toContain("BAT-4 #99");
    // The least recently written parts went first.
    expect(files["BAT-1.1.jsonl"]).toBeUndefined();
  });

  it("[B.ops-log-caps] stay under their budget when several issues roll over in one busy flush, before the rolled parts reach the disk", async () => {
    const root = await tempDir();
    const logs = sessionLogs(root, { maxFileBytes: 64 * KIB, maxFiles: 1, retentionDays: 30 });
    const text = "q".repeat(KIB);
    // Batched into one flush: each issue's part rolls over while its bytes are still queued.
    for (const identifier of ["BAT-1", "BAT-2"])
      for (let i = 0; i < 100; i++) logs.append(identifier, agentEvent(`${identifier} #${i} ${text}`));
    for (const identifier of ["BAT-1", "BAT-2"]) logs.release(identifier);
    await logs.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const total = Object.values(await sizes(logs.dir)).reduce((sum, size) => sum + size, 0);
    expect(total).toBeGreaterThan(64 * KIB);
    expect(total).toBeLessThanOrEqual(2 * 64 * KIB);
  });

  it("[B.ops-log-retention][B.ops-session-logs-removed] sweep removes logs older than retention_days; remove() drops an issue's logs", async () => {
    const root = await tempDir();
    let now = Date.now();
    const logs = sessionLogs(root, { maxFileBytes: 1024 * KIB, maxFiles: 4, retentionDays: 7 }, () => now);
    logs.append("BAT-1", agentEvent("old"));
    logs.append("BAT-2", agentEvent("recent"));
    logs.append("BAT-3", agentEvent("removed with its workspace"));
    for (const identifier of ["BAT-1", "BAT-2", "BAT-3"]) logs.release(identifier);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const eightDaysAgo = new Date(now - 8 * DAY_MS);
    await utimes(logs.pathFor("BAT-1"), eightDaysAgo, eightDaysAgo);
    logs.sweep();
    expect((await readdir(logs.dir)).sort()).toEqual(["BAT-2.jsonl", "BAT-3.jsonl"]);
    logs.remove("BAT-3");
    expect(await readdir(logs.dir)).toEqual(["BAT-2.jsonl"]);
    now += 8 * DAY_MS;
    logs.sweep();
    expect(await readdir(logs.dir)).toEqual([]);
    await logs.close();
  });
});
