import { spawn } from "node:child_process";
import { access, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ModelScript, reportedAnthropicUsage, scripts } from "@baton/testkit";
import { LocalTicketStore } from "@baton/tracker";
import { afterEach, describe, expect, it } from "vitest";
import { ClaudeProject } from "./claude-harness.ts";
import { BatonProcess, waitFor } from "./harness.ts";

let project: ClaudeProject | undefined;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

afterEach(async () => {
  await project?.close();
  project = undefined;
});

/** Each turn: write where the shell ran, move the ticket to Human Review via MCP, then report. */
const workAndHandOff: ModelScript = (request) => {
  const step = request.turnToolOutputs.length;
  if (step === 0) return { type: "shell", command: "pwd > where.txt" };
  if (step === 1) {
    return { type: "tool", name: "local_tracker", arguments: { action: "set_state", state: "Human Review" } };
  }
  return { type: "message", text: "handed off" };
};

// A cold start of the 400 MB claude binary on a loaded 2-core machine takes seconds per attempt.
describe("baton end to end with agent.kind claude (real claude binary, fake Anthropic API)", {
  timeout: 90_000,
}, () => {
  it("[B.claude-e2e-ticket][B.claude-mcp-tools][B.claude-token-accounting] works a ticket: the shell runs in the workspace, the MCP tracker tool moves it, token totals match the provider", async () => {
    project = await ClaudeProject.create({
      script: workAndHandOff,
      tickets: [{ title: "Claude task", priority: 1 }],
    });
    const baton = project.start();
    await waitFor(
      async () => (await project!.store.list(["Human Review"])).length === 1,
      60_000,
      () => `BAT-1 in Human Review\n${baton.tail()}`,
    );
    const where = await readFile(join(project.workspace("BAT-1"), "where.txt"), "utf8");
    expect(where.trim()).toMatch(/\/workspaces\/BAT-1$/);
    // The agent's own hand-off lets its turn finish, so the run ends normally with every call counted.
    await baton.waitForLog(["worker attempt completed outcome=normal"], 30_000);
    expect(baton.find("action=agent_event event=tool_call_completed")).toHaveLength(1);
    const reported = reportedAnthropicUsage(project.provider.requests);
    expect(reported.input_tokens).toBe(3 * 100);
    const state = await project.state(baton);
    expect(state.codex_totals).toMatchObject({
      input_tokens: reported.input_tokens,
      output_tokens: reported.output_tokens,
      total_tokens: reported.input_tokens + reported.output_tokens,
    });
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  });

  it("[B.claude-continuation-same-session][B.claude-token-accounting] runs continuation turns in the same Claude session and reports the provider's token totals", async () => {
    project = await ClaudeProject.create({
      agent: "max_turns: 2",
      script: scripts.shellThenMessage("echo turn >> turns.txt", "still working"),
      tickets: [{ title: "Long task", priority: 1 }],
    });
    const baton = project.start();
    await baton.waitForLog(["action=retry outcome=scheduled", "kind=continuation"], 60_000);
    // Both turns ended normally; releasing the ticket keeps the re-check from starting another run.
    await project.store.move("BAT-1", "Done");
    const agentCalls = project.provider.requests.filter((request) => request.agentTurn);
    expect(agentCalls[0]?.lastUserText).toBe("Work on BAT-1: Long task.");
    const continuation = agentCalls.find((request) =>
      request.lastUserText?.startsWith("Continuation guidance:"),
    );
    // The continuation prompt arrives with the first turn's conversation: one session, not two.
    expect(JSON.stringify(continuation?.input)).toContain("Work on BAT-1: Long task.");
    expect(JSON.stringify(continuation?.input)).toContain("still working");
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(1);
    expect(await readFile(join(project.workspace("BAT-1"), "turns.txt"), "utf8")).toBe("turn\nturn\n");

    const reported = reportedAnthropicUsage(project.provider.requests);
    expect(reported.input_tokens).toBe(4 * 100);
    const state = await project.state(baton);
    expect(state.codex_totals).toMatchObject({
      input_tokens: reported.input_tokens,
      output_tokens: reported.output_tokens,
      total_tokens: reported.input_tokens + reported.output_tokens,
    });
    await baton.stop();
  });

  it("[B.claude-crash-retry][B.claude-crash-stderr] retries an attempt whose Claude Code process crashed", async () => {
    let crashed = false;
    project = await ClaudeProject.create({
      agent: "max_retry_backoff_ms: 1000",
      script: (request) => {
        if (!crashed) {
          crashed = true;
          // The agent's shell kills its parent: Claude Code itself dies mid-turn.
          return { type: "shell", command: "kill -9 $PPID" };
        }
        return workAndHandOff(request);
      },
      tickets: [{ title: "Crashy", priority: 1 }],
    });
    const baton = project.start();
    const retry = await baton.waitForLog(["action=retry outcome=scheduled", "kind=failure"], 60_000);
    expect(String(retry.reason)).toMatch(/port_exit.*Claude Code exited with signal SIGKILL/);
    await waitFor(
      async () => (await project!.store.list(["Human Review"])).length === 1,
      60_000,
      () => `BAT-1 handed off on the retry\n${baton.tail()}`,
    );
    await baton.stop();
  });

  it("[B.claude-stall] detects a stalled Claude session with claude.stall_timeout_ms and retries it", async () => {
    let hung = false;
    project = await ClaudeProject.create({
      agent: "max_retry_backoff_ms: 1000",
      // Long enough for Claude Code to start on a loaded machine, short enough for a quick test.
      claude: "stall_timeout_ms: 5000",
      script: (request) => {
        if (!hung) {
          hung = true;
          return { type: "hang" };
        }
        return workAndHandOff(request);
      },
      tickets: [{ title: "Stuck", priority: 1 }],
    });
    const baton = project.start();
    await baton.waitForLog(["action=stop outcome=requested reason=stalled"], 30_000);
    const retry = await baton.waitForLog(["action=retry outcome=scheduled", "kind=failure"], 20_000);
    expect(String(retry.reason)).toMatch(/stalled for \d+ms without agent activity/);
    await waitFor(
      async () => (await project!.store.list(["Human Review"])).length === 1,
      30_000,
      () => `BAT-1 handed off after the stall\n${baton.tail(60)}`,
    );
    await baton.stop();
  });

  it("[B.claude-permission-blocks] blocks the issue when Claude Code needs a permission the workflow does not grant", async () => {
    project = await ClaudeProject.create({
      claude: "permission_mode: default\nallowed_tools: [mcp__baton]",
      script: scripts.shellThenMessage("touch made-by-agent.txt", "done"),
      tickets: [{ title: "Needs approval", priority: 1 }],
    });
    const baton = project.start();
    const blocked = await baton.waitForLog(["action=block outcome=held"], 60_000);
    expect(blocked).toMatchObject({ issue_identifier: "BAT-1", retry: "none" });
    expect(String(blocked.reason)).toMatch(/^approval_required: Claude Code asked to use Bash/);
    expect(await exists(join(project.workspace("BAT-1"), "made-by-agent.txt"))).toBe(false);
    // The claim is kept: later ticks do not dispatch the issue again while it stays active.
    const ticksSoFar = baton.find("action=tick outcome=completed").length;
    await baton.waitForLog(["action=tick outcome=completed"], 10_000, ticksSoFar + 3);
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(1);
    await baton.stop();
  });

  it("[B.claude-demo] runs the offline demo with agent.kind claude", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baton-claude-demo-"));
    const home = join(dir, "home");
    await mkdir(home);
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL("../bin/baton.js", import.meta.url)), "demo", "--agent", "claude"],
      { cwd: dir, env: { ...process.env, HOME: home, INIT_CWD: dir }, stdio: ["ignore", "pipe", "pipe"] },
    );
    const baton = new BatonProcess(child);
    try {
      const store = new LocalTicketStore(join(dir, ".baton", "demo", "tickets"), { prefix: "BAT" });
      // BAT-3 waits for its blocker; the other two are worked by claude and handed to review.
      await waitFor(
        async () => (await store.list(["Human Review"]).catch(() => [])).length === 2,
        60_000,
        () => `two demo tickets in Human Review\n${baton.tail()}`,
      );
      const workflow = await readFile(join(dir, ".baton", "demo", "WORKFLOW.md"), "utf8");
      expect(workflow).toContain("kind: claude");
      const notes = await readFile(
        join(dir, ".baton", "demo", ".baton", "workspaces", "BAT-1", "NOTES.md"),
        "utf8",
      );
      expect(notes).toContain("# Notes for BAT-1");
      expect(baton.stderr).toContain("the real claude binary runs each command");
      expect(await baton.stop()).toMatchObject({ code: 0 });
    } finally {
      await baton.stop("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
