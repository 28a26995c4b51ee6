import { readFile } from "node:fs";
import { readdir } from "node:fs/promises";
import { promisify } from "node:util";
import { RUN_ID_ENV, STATE_DIR_ENV } from "@baton/domain";

const GONE_WAIT_MS = 3000;
const POLL_MS = 50;

/**
 * The callback readFile, promisified: for a scan of /proc (a small file per process, at every start)
 * the promise API's FileHandle reads cost about twice the CPU (~10 ms for 70 processes on 2 cores).
 */
const readSmallFile = promisify(readFile);

async function readProc(path: string): Promise<Buffer | null> {
  try {
    return await readSmallFile(path);
  } catch {
    return null; // gone, or not ours to read (another user's process is never ours)
  }
}

/** Pids of live processes whose environment carries `BATON_RUN_ID=<runId>`. */
export function processesOfRun(runId: string, procRoot = "/proc"): Promise<number[]> {
  return processesWithEnv([`${RUN_ID_ENV}=${runId}`], procRoot);
}

/** Pids of live processes whose environment has exactly one of these `NAME=value` entries (one scan of /proc). */
export async function processesWithEnv(wanted: readonly string[], procRoot = "/proc"): Promise<number[]> {
  if (wanted.length === 0) return [];
  const markers = wanted.map((entry) => Buffer.from(`${entry}\0`));
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return [];
  }
  const pids: number[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (!/^\d+$/.test(entry)) return;
      const pid = Number(entry);
      if (pid === process.pid) return;
      const environ = await readProc(`${procRoot}/${entry}/environ`);
      if (environ === null) return;
      // Entries are NUL-separated: match a whole entry, at the start or after a NUL.
      const matches = markers.some((marker) => {
        const at = environ.indexOf(marker);
        return at === 0 || (at > 0 && environ[at - 1] === 0);
      });
      if (matches) pids.push(pid);
    }),
  );
  return pids.sort((a, b) => a - b);
}

/**
 * Kills what a dead Baton's run left behind: every process whose environment names the run
 * (checked for each process before it is signalled), then waits until they are gone. The
 * recorded process groups are not signalled blindly: a pid may have been reused by now.
 */
export class LocalLeftoverReaper {
  constructor(private readonly procRoot = "/proc") {}

  /** Kills the leftovers of all these runs, with one scan of the process table. */
  killLeftovers(runIds: readonly string[]): Promise<number[]> {
    return this.kill(runIds.map((runId) => `${RUN_ID_ENV}=${runId}`));
  }

  /** Kills every process started by a Baton on this state directory (call only while holding its lock). */
  killInstanceLeftovers(stateDir: string): Promise<number[]> {
    return this.kill([`${STATE_DIR_ENV}=${stateDir}`]);
  }

  private async kill(entries: readonly string[]): Promise<number[]> {
    const pids = await processesWithEnv(entries, this.procRoot);
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    const deadline = Date.now() + GONE_WAIT_MS;
    while (pids.length > 0 && Date.now() < deadline) {
      const alive = await Promise.all(pids.map((pid) => isRunning(pid, this.procRoot)));
      if (!alive.includes(true)) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return pids;
  }
}

/** True while the process exists and is not a zombie (a killed orphan waits for init to reap it). */
export async function isRunning(pid: number, procRoot = "/proc"): Promise<boolean> {
  const stat = await readProc(`${procRoot}/${pid}/stat`);
  if (stat === null) return false;
  const text = stat.toString("utf8");
  // Field 3, after the parenthesised command name (which may itself contain spaces or parens).
  const state = text.slice(text.lastIndexOf(")") + 2, text.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}
