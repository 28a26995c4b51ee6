import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, stat, symlink } from "node:fs/promises";
import { join } from "node:path";
import { createFakeAppServer, type FakeAppServer, scripts } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type BatonProcess, Project, waitFor } from "./harness.ts";

let project: Project | undefined;
let fake: FakeAppServer | undefined;

afterEach(async () => {
  await project?.close();
  await fake?.cleanup();
  project = undefined;
  fake = undefined;
});

/** Bytes of every file under `dir`, recursively. */
async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await treeSize(path);
    else if (entry.isFile())
      total += await stat(path).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
}

async function apiUrl(baton: BatonProcess): Promise<string> {
  return String((await baton.waitForLog(["action=http_server outcome=listening"], 20_000)).url);
}

const MIB = 1024 * 1024;

describe("bounded logs", () => {
  it("[B.ops-log-caps][B.ops-session-logs-removed] keeps the logs root under its cap through 100 MB of agent events, still shows the retained logs, and removes an issue's logs with its workspace", async () => {
    const maxFileBytes = MIB;
    const maxFiles = 2;
    // 4 agents, each streaming 25 MB of agent messages in one turn.
    fake = await createFakeAppServer({
      turns: [[{ type: "flood", bytes: 25 * MIB, messageBytes: 64 * 1024 }, { type: "complete" }]],
    });
    project = await Project.create({
      codexCommand: fake.command,
      script: scripts.message("unused"),
      frontMatter: `agent:\n  max_turns: 1\nlogs:\n  max_file_bytes: ${maxFileBytes}\n  max_files: ${maxFiles}`,
      tickets: [1, 2, 3, 4].map((n) => ({ title: `Chatty agent ${n}`, priority: n })),
    });
    const logsRoot = join(project.dir, ".baton", "logs");
    const baton = project.start(["--port", "0"]);
    const url = await apiUrl(baton);

    const sessionsDir = join(logsRoot, "sessions");
    let largest = 0;
    let largestSessions = 0;
    const measure = async () => {
      largest = Math.max(largest, await treeSize(logsRoot));
      largestSessions = Math.max(largestSessions, await treeSize(sessionsDir));
    };
    await waitFor(
      async () => {
        await measure();
        return baton.find("action=worker_exit outcome=normal").length >= 4;
      },
      240_000,
      () => `four 25 MB sessions\n${baton.tail()}`,
    );
    await measure();
    // Each file may pass its limit by the one line (≤ 64 KiB here) that crossed it.
    const slack = 70 * 1024;
    // Session logs: 2 × max_files × max_file_bytes, also while writes are still queued.
    expect(largestSessions).toBeGreaterThan(maxFileBytes);
    expect(largestSessions).toBeLessThanOrEqual(2 * maxFiles * maxFileBytes + 2 * 2 * maxFiles * slack);
    // baton.log adds max_files rolled files beside the active one.
    const cap = (maxFiles + 1 + 2 * maxFiles) * maxFileBytes;
    expect(largest).toBeLessThanOrEqual(cap + (maxFiles + 1 + 2 * 2 * maxFiles) * slack);

    const batonLogs = (await readdir(logsRoot)).filter((name) => /^baton\.\d+\.log$/.test(name));
    expect(batonLogs.length).toBeGreaterThanOrEqual(1);
    expect(batonLogs.length).toBeLessThanOrEqual(maxFiles + 1);

    // The retained session log is whole JSON lines holding the newest events, and the API lists it.
    const identifier = String(baton.find("action=dispatch outcome=started").at(-1)!.issue_identifier);
    type Detail = { logs: { codex_session_logs: { label: string; path: string }[] } };
    let files: Detail["logs"]["codex_session_logs"] = [];
    await waitFor(
      async () => {
        const answer = await fetch(`${url}/api/v1/${identifier}`);
        if (answer.status === 200) files = ((await answer.json()) as Detail).logs.codex_session_logs;
        return files.length > 0;
      },
      20_000,
      () => `${identifier}'s session logs listed by the API`,
    );
    expect(files.map((file) => file.label)).toContain("latest");
    for (const file of files) {
      const lines = (await readFile(file.path, "utf8")).trim().split("\n");
      for (const line of lines.slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
    }

    // A terminal ticket's workspace is removed, and its session logs with it.
    const sessionLog = join(logsRoot, "sessions", "BAT-1.jsonl");
    await waitFor(
      () => existsSync(sessionLog),
      20_000,
      () => "BAT-1's session log",
    );
    await project.store.move("BAT-1", "Done");
    await waitFor(
      () => !existsSync(project!.workspace("BAT-1")) && !existsSync(sessionLog),
      30_000,
      () => `BAT-1's workspace and session logs removed\n${baton.tail()}`,
    );
    expect(existsSync(join(logsRoot, "sessions", "BAT-1.1.jsonl"))).toBe(false);
    await baton.stop();
  }, 300_000);

  it("[B.ops-log-trouble-reported] a full disk is reported once on stderr and in /api/v1/state while scheduling goes on", async () => {
    fake = await createFakeAppServer({});
    project = await Project.create({
      codexCommand: fake.command,
      script: scripts.message("unused"),
      frontMatter: "agent:\n  max_turns: 1",
      tickets: [{ title: "Works on a full disk", priority: 1 }],
    });
    // /dev/full answers every write with ENOSPC: the log files live on a disk with no space left.
    const logsRoot = join(project.dir, "full-disk-logs");
    await mkdir(join(logsRoot, "sessions"), { recursive: true });
    await symlink("/dev/full", join(logsRoot, "baton.1.log"));
    await symlink("/dev/full", join(logsRoot, "sessions", "BAT-1.jsonl"));
    const baton = project.start(["--logs-root", logsRoot, "--port", "0"]);
    const url = await apiUrl(baton);

    // Scheduling goes on: the ticket keeps being worked (a first run, then continuation runs).
    await baton.waitForLog(["action=worker_exit outcome=normal"], 30_000, 3);
    const state = (await (await fetch(`${url}/api/v1/state`)).json()) as {
      logs: { status: string; root: string; problems: { sink: string; reason: string }[] };
    };
    expect(state.logs.status).toBe("failing");
    expect(state.logs.root).toBe(logsRoot);
    expect(state.logs.problems.map((problem) => problem.sink).sort()).toEqual(["baton_log", "session_logs"]);
    expect(state.logs.problems.map((problem) => problem.reason).join(" ")).toContain("ENOSPC");
    expect(baton.stderr.match(/cannot write logs under/g)).toHaveLength(1);
    expect(baton.find("action=log_sink outcome=disabled")).toHaveLength(1);
    expect(baton.find("action=session_log outcome=disabled")).toHaveLength(1);
    expect(baton.child.exitCode).toBeNull();
    await baton.stop();
  });
});
