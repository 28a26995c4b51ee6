import { readFile, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ModelReply, ModelRequest } from "@baton/testkit";
import { isRunning } from "@baton/workspace";
import { afterEach, describe, expect, it } from "vitest";
import { type BatonProcess, Project, waitFor } from "./harness.ts";

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

// biome-ignore lint/suspicious/noExplicitAny: API answers are checked field by field.
type Json = any;

async function api(baton: BatonProcess, path: string): Promise<Json> {
  const listening = await baton.waitForLog(["action=http_server outcome=listening"], 30_000);
  const response = await fetch(`${String(listening.url)}${path}`);
  return response.json();
}

async function waitForState(
  baton: BatonProcess,
  what: string,
  condition: (state: Json) => boolean,
  timeoutMs = 60_000,
): Promise<Json> {
  let state: Json;
  await waitFor(
    async () => {
      state = await api(baton, "/api/v1/state");
      return condition(state);
    },
    timeoutMs,
    () => `${what}\n${JSON.stringify(state)}\n${baton.tail()}`,
  );
  return state;
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
async function crashMidRun(baton: BatonProcess, dir: string, alsoFailing: boolean): Promise<Json> {
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

/** Every process the dead Baton's runs started is gone (zombies waiting for init count as gone). */
async function expectDeadInstanceGone(records: ProcRecord[], restartedAt: number): Promise<void> {
  expect(records.length).toBeGreaterThanOrEqual(4);
  await waitFor(
    async () => {
      for (const record of records) if (await isRunning(record.pid)) return false;
      return true;
    },
    Math.max(restartedAt + 5000 - Date.now(), 0),
    () =>
      `the dead instance's processes ${records.map((record) => record.pid).join(", ")} to be gone 5 s after the restart`,
  );
}

describe("durable state across a killed Baton", () => {
  it("[B.durable-orphan-runs][B.durable-restart-retry-due][B.durable-restart-blocked][B.durable-restart-totals][B.durable-restart-history][B.durable-leftover-check][B.durable-persist-before-effect] SIGKILL mid-run: no issue ever has two agents, the backoff retry fires at its due time, blocked stays blocked, totals and history survive, no leftover outlives the restart by 5 s", async () => {
    project = await durableProject(["Long A", "Long B", "Failing", "Needs approval"]);
    stopWatching = watchAgents(project.dir);
    const first = project.start(["--port", "0"]);
    await crashMidRun(first, project.dir, true);
    const before = await api(first, "/api/v1/state");
    const historyBefore = await api(first, "/api/v1/BAT-1");
    const blockedHistory = await api(first, "/api/v1/BAT-4");
    const retryBefore = before.retrying.find((row: Json) => row.issue_identifier === "BAT-3");
    expect(before.codex_totals.total_tokens).toBeGreaterThan(0);
    const deadRecords = await procs(project.dir);
    first.child.kill("SIGKILL");
    await first.exited;

    const restartedAt = Date.now();
    const second = project.start(["--port", "0"]);
    await expectDeadInstanceGone(deadRecords, restartedAt);
    await second.waitForLog(["action=state_restore outcome=loaded"], 30_000);
    const after = await api(second, "/api/v1/state");
    expect(after.state_store).toMatchObject({ kind: "sqlite", error: null });
    expect(identifiers(after.blocked)).toEqual(["BAT-4"]);
    expect(after.codex_totals.total_tokens).toBeGreaterThanOrEqual(before.codex_totals.total_tokens);
    expect(after.codex_totals.input_tokens).toBeGreaterThanOrEqual(before.codex_totals.input_tokens);
    const retryAfter = after.retrying.find((row: Json) => row.issue_identifier === "BAT-3");
    if (Date.parse(retryBefore.due_at) > Date.now()) {
      expect(retryAfter).toMatchObject({ attempt: retryBefore.attempt, due_at: retryBefore.due_at });
    }
    for (const lost of ["BAT-1", "BAT-2"]) {
      expect(after.retrying.find((row: Json) => row.issue_identifier === lost)).toMatchObject({
        attempt: 1,
        error: expect.stringMatching(/^orchestrator_restarted: /),
      });
    }
    const historyAfter = await api(second, "/api/v1/BAT-1");
    expect(historyAfter.recent_events.slice(0, historyBefore.recent_events.length)).toEqual(
      historyBefore.recent_events,
    );
    expect((await api(second, "/api/v1/BAT-4")).recent_events).toEqual(blockedHistory.recent_events);

    // The backoff retry fires at its original due time, not before.
    const redispatch = await second.waitForLog(["action=dispatch outcome=started"], 40_000);
    const bat3 = await waitFor(
      () => second.find("action=dispatch outcome=started").some((line) => line.issue_identifier === "BAT-3"),
      40_000,
      () => `BAT-3 dispatched again\n${second.tail()}`,
    ).then(
      () => second.find("action=dispatch outcome=started").find((line) => line.issue_identifier === "BAT-3")!,
    );
    expect(redispatch).toBeDefined();
    expect(Date.parse(String(bat3.time))).toBeGreaterThanOrEqual(Date.parse(retryBefore.due_at));
    expect(bat3).toMatchObject({ attempt: retryBefore.attempt });
    // The lost runs come back as attempt 1, with the dead run's agent long gone.
    await waitFor(
      () => second.find("action=dispatch outcome=started").some((line) => line.issue_identifier === "BAT-1"),
      40_000,
      () => `BAT-1 dispatched again\n${second.tail()}`,
    );
    expect(
      second.find("action=dispatch outcome=started").find((line) => line.issue_identifier === "BAT-1"),
    ).toMatchObject({ attempt: 1 });
    expect((await api(second, "/api/v1/state")).blocked.map((row: Json) => row.issue_identifier)).toEqual([
      "BAT-4",
    ]);
    expect(await second.stop()).toEqual({ code: 0, signal: null });
    await stopWatching();
    stopWatching = undefined;
  }, 180_000);

  it("[B.durable-bad-state][B.durable-orphan-runs] a torn last write: a warning names the file, the committed state is kept, leftovers are gone", async () => {
    project = await durableProject(["Long A", "Long B", "Skip", "Needs approval"]);
    await project.store.move("BAT-3", "Backlog");
    stopWatching = watchAgents(project.dir);
    const first = project.start(["--port", "0"]);
    await crashMidRun(first, project.dir, false);
    const deadRecords = await procs(project.dir);
    first.child.kill("SIGKILL");
    await first.exited;
    const wal = join(project.dir, ".baton", "state", "state.db-wal");
    await truncate(wal, (await stat(wal)).size - 100);

    const restartedAt = Date.now();
    const second = project.start(["--port", "0"]);
    await expectDeadInstanceGone(deadRecords, restartedAt);
    await repaired(second, (reason) => reason.includes(`${wal}: dropped a torn write of`));
    await second.waitForLog(["action=state_restore outcome=loaded"], 30_000);
    expect(await repaired(second, (reason) => reason.startsWith("took over the stale lock"))).toContain(
      `of pid ${first.child.pid}`,
    );
    // The runs known only from the state file are still known: counted as lost and retried.
    const after = await api(second, "/api/v1/state");
    for (const lost of ["BAT-1", "BAT-2"]) {
      expect(after.retrying.find((row: Json) => row.issue_identifier === lost)?.error).toMatch(
        /^orchestrator_restarted: /,
      );
    }
    expect(after.state_store.error).toBeNull();
    await second.waitForLog(["action=startup outcome=running"], 30_000);
    expect(await second.stop()).toEqual({ code: 0, signal: null });
    await stopWatching();
    stopWatching = undefined;
  }, 180_000);

  it("[B.durable-bad-state][B.durable-single-instance] a corrupt state file is moved aside and Baton runs on; a second instance on the same state exits non-zero naming the holder", async () => {
    project = await durableProject(["Long A", "Long B", "Skip", "Needs approval"]);
    await project.store.move("BAT-3", "Backlog");
    stopWatching = watchAgents(project.dir);
    const first = project.start(["--port", "0"]);
    await crashMidRun(first, project.dir, false);

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

    const restartedAt = Date.now();
    const third = project.start(["--port", "0"]);
    await expectDeadInstanceGone(deadRecords, restartedAt);
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
