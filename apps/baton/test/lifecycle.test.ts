import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ModelReply } from "@baton/testkit";
import { scripts } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Project, waitFor } from "./harness.ts";

let project: Project | undefined;

afterEach(async () => {
  await project?.close();
  project = undefined;
});

const hang = (): ModelReply => ({ type: "hang" });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("baton service lifecycle", () => {
  it("[S17.7-cli-missing-file][S17.7-cli-exit-codes] exits nonzero with a clear error when the workflow file is missing", async () => {
    project = await Project.create({ script: hang });
    const missing = project.startWith([join(project.dir, "nope.md")]);
    const exit = await missing.exited;
    expect(exit.code).toBe(1);
    expect(missing.stderr).toContain("missing_workflow_file");
    expect(missing.stderr).toContain(join(project.dir, "nope.md"));
  });

  it("[S17.7-cli-startup-failure][S6.3-startup-validation][S13.2-failures-visible] fails startup with an operator-visible error for an invalid workflow", async () => {
    project = await Project.create({ script: hang });
    await writeFile(project.workflowPath, "---\ntracker:\n  kind: jira\n---\nhello\n");
    const baton = project.start();
    const exit = await baton.exited;
    expect(exit.code).toBe(1);
    expect(baton.stderr).toContain("unsupported_tracker_kind");
    expect(baton.find("action=startup outcome=failed")).toHaveLength(1);
  });

  it("[S6.3-startup-validation][S17.7-cli-exit-codes] a start while WORKFLOW.md is still being written waits for it and runs, instead of ending at once", async () => {
    project = await Project.create({ script: hang });
    const text = await readFile(project.workflowPath, "utf8");
    // Rewritten every 30 ms around the start: the start must wait for a quiet file, keeping the
    // process alive while it does (a wait nothing held ended the process with code 0, silently).
    const writing = setInterval(() => void writeFile(project!.workflowPath, text), 30);
    let baton: ReturnType<Project["start"]>;
    try {
      baton = project.start();
      await new Promise((resolve) => setTimeout(resolve, 700));
    } finally {
      clearInterval(writing);
    }
    await baton.waitForLog(["action=startup outcome=running"], 20_000);
    expect(await baton.stop("SIGTERM")).toEqual({ code: 0, signal: null });
  });

  it("[S17.7-cli-clean-exit][S9.4-after-run-ignored] SIGTERM interrupts running turns, runs after_run and exits 0", async () => {
    project = await Project.create({
      frontMatter: "hooks:\n  after_run: echo done > ../../after_run.txt",
      script: hang,
      tickets: [{ title: "Long running", priority: 1 }],
    });
    const baton = project.start();
    await waitFor(
      () => project!.provider.requests.length > 0,
      30_000,
      () => `a model request\n${baton.tail()}`,
    );
    expect(await baton.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(await readFile(join(project.dir, "after_run.txt"), "utf8")).toBe("done\n");
    expect(baton.find("action=shutdown outcome=completed")).not.toHaveLength(0);
  });

  it("[S17.7-cli-force-exit] a second signal exits at once with code 130 and still kills the agents it started", async () => {
    project = await Project.create({ script: hang, tickets: [{ title: "Stuck agent", priority: 1 }] });
    const pidFile = join(project.dir, "agent.pid");
    // An agent that never answers: the first signal waits for it, the second must not.
    const workflow = await readFile(project.workflowPath, "utf8");
    await writeFile(
      project.workflowPath,
      // A replacer function: in a replacement string, `$$` would turn into a single `$`.
      workflow.replace(
        /command: .*/,
        () => `command: ${JSON.stringify(`echo $$ >> '${pidFile}'; exec sleep 600`)}`,
      ),
    );
    const baton = project.start();
    await waitFor(
      async () => (await readFile(pidFile, "utf8").catch(() => "")).trim() !== "",
      20_000,
      () => baton.tail(),
    );
    baton.child.kill("SIGTERM");
    await baton.waitForLog(["action=shutdown outcome=started"], 10_000);
    baton.child.kill("SIGTERM");
    expect(await baton.exited).toEqual({ code: 130, signal: null });
    expect(baton.stderr).toContain("Second signal");
    const agentPids = (await readFile(pidFile, "utf8")).trim().split("\n").map(Number);
    await waitFor(
      () => !agentPids.some(isAlive),
      5_000,
      () => `agents ${agentPids.join(", ")} to be killed`,
    );
  });

  it("[S13.1-issue-context][S13.1-session-context][S13.1-key-value] logs carry issue and session context with key=value messages, and session events go to a per-issue JSONL file", async () => {
    project = await Project.create({
      frontMatter: "agent:\n  max_turns: 1",
      script: scripts.shellThenMessage("echo hi > hello.txt", "done"),
      tickets: [{ title: "Logged", priority: 1 }],
    });
    const baton = project.start();
    const exit = await baton.waitForLog(["action=worker_exit"], 30_000);
    expect(exit).toMatchObject({ issue_id: "BAT-1", issue_identifier: "BAT-1", outcome: "normal" });
    expect(exit.msg).toMatch(/^action=worker_exit outcome=normal/);
    expect(typeof exit.session_id).toBe("string");
    // Session logs are written in batches (every 200 ms), so the last lines may follow the exit log.
    const logPath = join(project.dir, ".baton", "logs", "sessions", "BAT-1.jsonl");
    let events: { event: string; summary: string }[] = [];
    await waitFor(
      async () => {
        const text = await readFile(logPath, "utf8").catch(() => "");
        events = text
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line));
        return events.some((event) => event.event === "turn_completed");
      },
      10_000,
      () => `turn_completed in ${logPath}: ${events.map((event) => event.event).join(", ")}`,
    );
    expect(events.map((event) => event.event)).toEqual(
      expect.arrayContaining(["session_started", "turn_completed"]),
    );
    expect(events.some((event) => event.summary.includes("echo hi"))).toBe(true);
    await baton.stop();
  });

  it("[S13.2-sink-failure][B.ops-log-trouble-reported] keeps running when the logs root cannot be written, and says so once on stderr", async () => {
    project = await Project.create({
      script: scripts.toolThenMessage("local_tracker", { action: "set_state", state: "Human Review" }),
      tickets: [{ title: "Still works", priority: 1 }],
    });
    // A regular file where the logs root should be: nothing can be created under it, even as root.
    const logsRoot = join(project.dir, "broken-logs");
    await writeFile(logsRoot, "not a directory");
    const baton = project.start(["--logs-root", logsRoot]);
    await waitFor(
      async () => (await project!.store.list(["Human Review"])).length === 1,
      30_000,
      () => baton.tail(),
    );
    const warning = await baton.waitForLog(["action=log_sink outcome=disabled"], 5_000);
    expect(warning.sink).toBe(join(logsRoot, "baton.log"));
    await baton.waitForLog(["action=session_log outcome=disabled"], 5_000);
    expect(baton.stderr.match(/cannot write logs under/g)).toHaveLength(1);
    expect(baton.stderr).toContain(logsRoot);
    expect(baton.child.exitCode).toBeNull();
    await baton.stop();
  });
});

describe("live WORKFLOW.md reload", () => {
  it("[S6.2-detect-changes][S6.2-reapply] applies prompt and setting edits to the next dispatch without a restart", async () => {
    project = await Project.create({
      script: scripts.toolThenMessage("local_tracker", { action: "set_state", state: "Human Review" }),
    });
    const baton = project.start();
    await baton.waitForLog(["action=startup outcome=running"], 20_000);
    await project.writeWorkflow("", "Revised prompt for {{ issue.identifier }}.");
    await baton.waitForLog(["action=workflow_reload outcome=applied"], 10_000);
    await project.store.create({ title: "After the edit", priority: 1 });
    await waitFor(
      () => project!.provider.requests.length > 0,
      30_000,
      () => baton.tail(),
    );
    expect(project.provider.requests[0]!.lastUserText).toBe("Revised prompt for BAT-1.");
    await baton.stop();
  });

  it("[S6.2-invalid-reload-keeps-last-good][S6.3-per-tick-validation] a bad edit keeps the service running, blocks dispatch with a visible error, and a fix recovers", async () => {
    project = await Project.create({
      script: scripts.toolThenMessage("local_tracker", { action: "set_state", state: "Human Review" }),
    });
    const baton = project.start();
    await baton.waitForLog(["action=startup outcome=running"], 20_000);
    const good = await readFile(project.workflowPath, "utf8");
    await writeFile(project.workflowPath, good.replace("interval_ms: 500", "interval_ms: [oops"));
    const rejected = await baton.waitForLog(["action=workflow_reload outcome=rejected"], 10_000);
    expect(rejected.category).toBe("workflow_parse_error");
    await project.store.create({ title: "Waits for a valid workflow", priority: 1 });
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 1500));
    expect(project.provider.requests).toHaveLength(0);
    expect(baton.child.exitCode).toBeNull();
    await writeFile(project.workflowPath, good);
    await waitFor(
      async () => (await project!.store.list(["Human Review"])).length === 1,
      30_000,
      () => baton.tail(),
    );
    await baton.stop();
  });
});
