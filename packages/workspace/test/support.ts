import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Logger } from "@baton/domain";
import { afterEach } from "vitest";

const made: string[] = [];

/** A fresh temp dir, removed after the current test. */
export async function tempDir(prefix = "baton-ws-"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  fields: Record<string, unknown>;
  message: string;
}

/** A Logger that keeps every entry so tests can check what an operator would read. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry["level"]) =>
    (fields: Record<string, unknown>, message = "") => {
      entries.push({ level, fields, message });
    };
  const logger = {
    entries,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const statFile = `/proc/${pid}/stat`;
  if (!existsSync(statFile)) return true;
  try {
    // Format: "pid (comm) state ..."; comm may contain spaces, so read after the last ')'.
    const stat = readFileSync(statFile, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Polls until `check` holds, failing after `deadlineMs` (a generous bound, not a speed claim). */
export async function waitUntil(check: () => boolean | Promise<boolean>, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Environment for processes the tests start: HOME points at a directory without dotfiles, so the
 * login shell does not run the machine's profile (slow, and some profiles take locks that a killed
 * shell would leave behind).
 */
export function isolatedEnv(
  home: string,
  extra: Record<string, string> = {},
): Record<string, string | undefined> {
  return { ...process.env, HOME: home, ...extra };
}
