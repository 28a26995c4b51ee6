import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { BatonError } from "@baton/domain";

/** Who holds a state directory. */
export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
}

export interface InstanceLock {
  readonly path: string;
  /** Set when a stale lock (its process gone) was taken over. */
  readonly tookOverFrom: LockHolder | null;
  release(): void;
}

const LOCK_FILE = "baton.lock";

/**
 * Removes a file that may already be gone. unlink, not `rmSync({ force })`: that loads Node's whole
 * recursive-removal module on every start for one file.
 */
function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Whether a process with this pid runs on this host. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (
      typeof holder.pid === "number" &&
      typeof holder.host === "string" &&
      typeof holder.started_at === "string"
    ) {
      return holder as LockHolder;
    }
  } catch {
    // Unreadable: a write torn by a crash; treated as stale below.
  }
  return null;
}

/**
 * One Baton per state directory. The lock file is created exclusively and names its holder; a
 * second Baton is refused with the holder's pid, host and start time. A lock whose holder is gone
 * (same host, process not running, or an unreadable file) is taken over. A holder on another host
 * cannot be checked and is always respected.
 */
export function acquireInstanceLock(dir: string, now: Date): InstanceLock {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), started_at: now.toISOString() };
  let tookOverFrom: LockHolder | null = null;
  for (let tries = 0; tries < 3; tries++) {
    // Written aside, then linked into place: the lock file appears with its holder already in it,
    // so a Baton starting at the same moment never reads an empty lock and takes it as stale.
    const pending = `${path}.${process.pid}.tmp`;
    writeFileSync(pending, `${JSON.stringify(me)}\n`, { mode: 0o600 });
    let linked = false;
    try {
      linkSync(pending, path);
      linked = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      removeFile(pending);
    }
    if (!linked) {
      const holder = readHolder(path);
      if (holder !== null && (holder.host !== me.host || processAlive(holder.pid))) {
        throw new BatonError(
          "state_locked",
          `another Baton already uses the state directory ${dir}: pid ${holder.pid} on host ${holder.host}, started ${holder.started_at}. Stop it first, or give this one its own state directory.`,
          { path, holder },
        );
      }
      tookOverFrom = holder ?? { pid: 0, host: "unknown", started_at: "unknown" };
      removeFile(path);
      continue;
    }
    let released = false;
    return {
      path,
      tookOverFrom,
      release() {
        if (released) return;
        released = true;
        // Only our own lock is removed, never one a later Baton took over.
        if (readHolder(path)?.pid === me.pid) removeFile(path);
      },
    };
  }
  throw new BatonError("state_locked", `could not take the lock ${path}: it keeps changing hands`, { path });
}
