import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { damageSqliteTable, type ModelReply, type ModelRequest } from "@baton/testkit";
import { isRunning } from "@baton/workspace";
import { afterEach, describe, expect, it } from "vitest";
import { api, type BatonProcess, type Json, Project, waitFor, waitForState } from "./harness.ts";

let project: Project | undefined;
let stopWatching: (() => Promise<void>) | undefined;

afterEach(async () => {
  await stopWatching?.();
  stopWatching = undefined;
  await project?.close();
  project = undefined;
});

/** Long turns (after a short first one) for BAT-1 and BAT-2, a failing provider for BAT-3, a command needing approval for BAT-4. */
function script(request: ModelRequest): ModelReply {
  const text = request.input.map((item) => JSON.stringify(item)).join("\n");
  if (text.includes("BAT-3")) return { type: "error", status: 500, message: "provider down" };
  if (text.includes("BAT-4")) {
    return request.turnToolOutputs.length === 0
      ? { type: "shell", command: "touch made-by-agent.txt" }
      : { type: "message", text: "done" };
  }
  // A first turn that ends (its response reports token usage), then a continuation turn that never does.
  return request.lastUserText?.startsWith("Continuation guidance")
    ? { type: "hang" }
    : { type: "message", text: "working" };
}

interface ProcRecord {
  pid: number;
  issue: string;
  kind: "agent" | "leftover";
}

/**
 * A project whose agent command records its pid and leaves a background `sleep` behind (like a dev
 * server an agent started), so a killed Baton leaves real processes of its own to clean up.
 */
async function durableProject(tickets: string[]): Promise<Project> {
  const created = await Project.create({
    codex: "approval_policy: untrusted",
    frontMatter: "agent:\n  max_retry_backoff_ms: 600000",
    script,
    tickets: tickets.map((title, index) => ({ title, priority: index + 1 })),
  });
  const log = join(created.dir, "procs.log");
  const command = `echo "$$ $(basename "$PWD") agent" >> '${log}'; sleep 600 & echo "$! $(basename "$PWD") leftover" >> '${log}'; ${created.codexCommand}`;
  const workflow = await readFile(created.workflowPath, "utf8");
  await writeFile(
    created.workflowPath,
    workflow.replace(/command: .*/, () => `command: ${JSON.stringify(command)}`),
  );
  return created;
}

async function procs(dir: string): Promise<ProcRecord[]> {
  const text = await readFile(join(dir, "procs.log"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [pid, issue, kind] = line.split(" ");
      return { pid: Number(pid), issue: issue!, kind: kind as ProcRecord["kind"] };
    });
}

/** Checks every 100 ms, until stopped, that no issue ever has two live agents. */
function watchAgents(dir: string): () => Promise<void> {
  let running = true;
  let failure: Error | null = null;
  const loop = (async () => {
    while (running) {
      const alive = new Map<string, number[]>();
      for (const record of await procs(dir)) {
        if (record.kind !== "agent" || !(await isRunning(record.pid))) continue;
        alive.set(record.issue, [...(alive.get(record.issue) ?? []), record.pid]);
      }
      for (const [issue, pids] of alive) {
        if (pids.length > 1) failure ??= new Error(`two live agents for ${issue}: ${pids.join(", ")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return async () => {
    running = false;
    await loop;
    if (failure) throw failure;
  };
}

/** The reason of the first state repair warning that matches. */
async function repaired(baton: BatonProcess, matches: (reason: string) => boolean): Promise<string> {
  const find = () =>
    baton.find("action=state_load outcome=repaired").find((line) => matches(String(line.reason)));
  await waitFor(
    () => find() !== undefined,
    30_000,
    () => `a state repair warning\n${baton.tail()}`,
  );
  return String(find()!.reason);
}

const identifiers = (rows: { issue_identifier: string }[]) => rows.map((row) => row.issue_identifier).sort();

/** Waits until the agents of BAT-1 and BAT-2 are in their long turns and BAT-4 is blocked. */
async function waitUntilMidRun(baton: BatonProcess, dir: string, alsoFailing: boolean): Promise<Json> {
  const ready = await waitForState(baton, "two running agents and a blocked issue", (state) => {
    const running = identifiers(state.running ?? []);
    const blocked = identifiers(state.blocked ?? []);
    const failing = !alsoFailing || identifiers(state.retrying ?? []).includes("BAT-3");
    const tokens = state.codex_totals?.total_tokens > 0;
    return (
      running.includes("BAT-1") && running.includes("BAT-2") && blocked.includes("BAT-4") && failing && tokens
    );
  });
  await waitFor(
    async () => (await procs(dir)).filter((record) => record.kind === "leftover").length >= 2,
    20_000,
    () => "the agents' background processes",
  );
  return ready;
}

/**
 * When the restarted Baton took the state lock (`baton.lock` names it with its start time): the
 * restart from Baton's side. Before it, the time goes to the OS and Node starting a process,
 * which on a loaded machine alone can take seconds.
 */
async function lockTakenAt(dir: string, restarted: BatonProcess): Promise<number> {
  const lock = join(dir, ".baton", "state", "baton.lock");
  let holder: { pid?: number; started_at?: string } = {};
  await waitFor(
    async () => {
      try {
        holder = JSON.parse(await readFile(lock, "utf8")) as typeof holder;
      } catch {
        return false; // not there yet, or caught between the lock file's creation and its write
      }
      return holder.pid === restarted.child.pid;
    },
    60_000,
    () => `the restarted Baton to take the state lock\n${restarted.tail()}`,
  );
  return Date.parse(String(holder.started_at));
}

/** Every process the dead Baton's runs started is gone within 5 s of the restart (zombies waiting for init count as gone). */
async function expectDeadInstanceGone(
  records: ProcRecord[],
  restarted: BatonProcess,
  dir: string,
): Promise<void> {
  expect(records.length).toBeGreaterThanOrEqual(4);
  const restartedAt = await lockTakenAt(dir, restarted);
  let living: ProcRecord[] = [];
  await waitFor(
    async () => {
      living = [];
      for (const record of records) if (await isRunning(record.pid)) living.push(record);
      return living.length === 0;
    },
    Math.max(restartedAt + 5000 - Date.now(), 0),
    () => {
      const cleanup = restarted.find("action=leftover_cleanup")[0];
      return `the dead instance's processes ${records.map((record) => record.pid).join(", ")} to be gone 5 s after the restart; still alive: ${JSON.stringify(living)}; the restarted Baton's leftover cleanup: ${cleanup ? `${Date.parse(String(cleanup.time)) - restartedAt} ms after it took the lock, pids ${String(cleanup.pids)}` : "not logged"}\n${restarted.tail()}`;
    },
  );
}

/** What the API showed of the killed instance, and the processes its runs had started. */
interface Crash {
  project: Project;
  first: BatonProcess;
  before: Json;
  /** BAT-1 (running) and BAT-4 (blocked) as `GET /api/v1/<id>` showed them. */
  history: { running: Json; blocked: Json };
  /** BAT-3's row in `retrying`: in failure backoff. */
  retry: Json;
  deadRecords: ProcRecord[];
}

/**
 * The issue's crash scenario, shared by every variant: the real CLI with BAT-1 and BAT-2 in long
 * turns (each agent with a background process of its own), BAT-3 in failure backoff and BAT-4
 * blocked on an approval, then SIGKILL.
 */
async function crashMidRun(): Promise<Crash> {
  project = await durableProject(["Long A", "Long B", "Failing", "Needs approval"]);
  stopWatching = watchAgents(project.dir);
  const first = project.start(["--port", "0"]);
  await waitUntilMidRun(first, project.dir, true);
  const before = await api(first, "/api/v1/state");
  const history = { running: await api(first, "/api/v1/BAT-1"), blocked: await api(first, "/api/v1/BAT-4") };
  const retry = before.retrying.find((row: Json) => row.issue_identifier === "BAT-3");
  expect(before.codex_totals.total_tokens).toBeGreaterThan(0);
  const deadRecords = await procs(project.dir);
  first.child.kill("SIGKILL");
  await first.exited;
  return { project, first, before, history, retry, deadRecords };
}

/**
 * Restarts after `crashMidRun` (and whatever damage the variant did to the state files) and checks
 * everything the issue asks of a restart: the dead instance's processes gone within 5 s, never two
 * live agents for an issue, the backoff retry at its original due time and not before, the blocked
 * issue still blocked, token totals not gone back, the history from before the crash in the API,
 * the lost runs retried. `repair` matches the state-repair warning the variant expects.
 */
async function restartAndExpectRecovery(crash: Crash, repair?: (reason: string) => boolean): Promise<void> {
  const { before, history, retry } = crash;
  const restartedAt = Date.now();
  const second = crash.project.start(["--port", "0"]);
  await expectDeadInstanceGone(crash.deadRecords, second, crash.project.dir);
  if (repair) await repaired(second, repair);
  await second.waitForLog(["action=state_restore outcome=loaded"], 30_000);
  const after = await api(second, "/api/v1/state");
  expect(after.state_store).toMatchObject({ kind: "sqlite", error: null });
  expect(identifiers(after.blocked)).toEqual(["BAT-4"]);
  expect(after.codex_totals.total_tokens).toBeGreaterThanOrEqual(before.codex_totals.total_tokens);
  expect(after.codex_totals.input_tokens).toBeGreaterThanOrEqual(before.codex_totals.input_tokens);
  const retryAfter = after.retrying.find((row: Json) => row.issue_identifier === "BAT-3");
  if (Date.parse(retry.due_at) > Date.now()) {
    expect(retryAfter).toMatchObject({ attempt: retry.attempt, due_at: retry.due_at });
  }
  for (const lost of ["BAT-1", "BAT-2"]) {
    expect(after.retrying.find((row: Json) => row.issue_identifier === lost)).toMatchObject({
      attempt: 1,
      error: expect.stringMatching(/^orchestrator_restarted: /),
    });
  }
  const historyAfter = await api(second, "/api/v1/BAT-1");
  expect(historyAfter.recent_events.slice(0, history.running.recent_events.length)).toEqual(
    history.running.recent_events,
  );
  expect((await api(second, "/api/v1/BAT-4")).recent_events).toEqual(history.blocked.recent_events);

  // The backoff retry fires at its original due time, not before.
  const dispatchOf = (identifier: string) =>
    second.find("action=dispatch outcome=started").find((line) => line.issue_identifier === identifier);
  await waitFor(
    () => dispatchOf("BAT-3") !== undefined,
    40_000,
    () => `BAT-3 dispatched again\n${second.tail()}`,
  );
  const bat3 = dispatchOf("BAT-3")!;
  const redispatchedAt = Date.parse(String(bat3.time));
  expect(redispatchedAt).toBeGreaterThanOrEqual(Date.parse(retry.due_at));
  // At its original time (or at once when that passed while Baton was down), not a fresh backoff
  // from the restart; the margin only absorbs a loaded machine.
  expect(redispatchedAt).toBeLessThan(Math.max(Date.parse(retry.due_at), restartedAt) + 20_000);
  expect(bat3).toMatchObject({ attempt: retry.attempt });
  // The lost runs come back as attempt 1, with the dead run's agent long gone.
  await waitFor(
    () => dispatchOf("BAT-1") !== undefined,
    40_000,
    () => `BAT-1 dispatched again\n${second.tail()}`,
  );
  expect(dispatchOf("BAT-1")).toMatchObject({ attempt: 1 });
  expect(identifiers((await api(second, "/api/v1/state")).blocked)).toEqual(["BAT-4"]);
  expect(dispatchOf("BAT-4")).toBeUndefined();
  expect(await second.stop()).toEqual({ code: 0, signal: null });
  await stopWatching?.();
  stopWatching = undefined;
}

describe("durable state across a killed Baton", () => {
  it("[B.durable-orphan-runs][B.durable-restart-retry-due][B.durable-restart-blocked][B.durable-restart-totals][B.durable-restart-history][B.durable-leftover-check][B.durable-persist-before-effect] SIGKILL mid-run: no issue ever has two agents, the backoff retry fires at its due time, blocked stays blocked, totals and history survive, no leftover outlives the restart by 5 s", async () => {
    await restartAndExpectRecovery(await crashMidRun());
  }, 180_000);

  it("[B.durable-bad-state][B.durable-orphan-runs][B.durable-restart-retry-due][B.durable-restart-blocked][B.durable-restart-totals][B.durable-restart-history] the same with a torn last record (a journal write cut short by the kill): a warning names the file and the dropped bytes, and everything committed is kept", async () => {
    const crash = await crashMidRun();
    const wal = join(crash.project.dir, ".baton", "state", "state.db-wal");
    // The kill hit a write in progress: a frame only partly on disk at the journal's end.
    await appendFile(wal, Buffer.alloc(1000, 0xa5));
    await restartAndExpectRecovery(crash, (reason) =>
      reason.startsWith(`${wal}: dropped a torn write of 1000 bytes at its end`),
    );
  }, 180_000);

  it("[B.durable-bad-state][B.durable-orphan-runs][B.durable-restart-retry-due][B.durable-restart-blocked][B.durable-restart-totals][B.durable-restart-history] the same with a corrupt state file: it is moved aside, every readable table is kept, and the warning names the file and the dropped table", async () => {
    const crash = await crashMidRun();
    const stateDir = join(crash.project.dir, ".baton", "state");
    damageSqliteTable(join(stateDir, "state.db"), "completed");
    await restartAndExpectRecovery(crash, (reason) =>
      new RegExp(
        `^${join(stateDir, "state.db").replace(/[.]/g, "\\.")} could not be read \\(.*\\); moved aside to .*state\\.db\\.corrupt-.*, kept what was still readable \\(4 claim\\(s\\), the totals and spend, 0 completed issue\\(s\\)\\); dropped the unreadable part of table\\(s\\) completed$`,
      ).test(reason),
    );
  }, 180_000);

  it("[B.durable-bad-state][B.durable-single-instance] a state file with nothing readable left is moved aside and Baton runs on from the tracker; a second instance on the same state exits non-zero naming the holder", async () => {
    project = await durableProject(["Long A", "Long B", "Skip", "Needs approval"]);
    await project.store.move("BAT-3", "Backlog");
    stopWatching = watchAgents(project.dir);
    const first = project.start(["--port", "0"]);
    await waitUntilMidRun(first, project.dir, false);

    const second = project.start(["--port", "0"]);
    expect((await second.exited).code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(
        `state_locked: another Baton already uses the state directory .*: pid ${first.child.pid} on host .+, started \\d{4}-`,
      ),
    );

    const deadRecords = await procs(project.dir);
    first.child.kill("SIGKILL");
    await first.exited;
    const db = join(project.dir, ".baton", "state", "state.db");
    // Both the database and its journal overwritten: nothing of either is readable.
    await writeFile(db, Buffer.alloc(8192, 0x5a));
    await writeFile(`${db}-wal`, Buffer.alloc(8192, 0x5a));

    const third = project.start(["--port", "0"]);
    await expectDeadInstanceGone(deadRecords, third, project.dir);
    await repaired(third, (reason) =>
      /state\.db could not be read .* moved aside to .*state\.db\.corrupt-/.test(reason),
    );
    // Nothing of the old state was readable: the tracker drives recovery, the agents start afresh.
    await waitForState(third, "the long tickets running again", (state) =>
      ["BAT-1", "BAT-2"].every((id) => identifiers(state.running ?? []).includes(id)),
    );
    await third.waitForLog(["action=startup outcome=running"], 30_000);
    expect(await third.stop()).toEqual({ code: 0, signal: null });
    await stopWatching();
    stopWatching = undefined;
  }, 180_000);
});
