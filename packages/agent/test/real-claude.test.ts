import { readFile } from "node:fs/promises";
import path from "node:path";
import { type AgentToolSpec, BatonError, type ToolResult } from "@baton/domain";
import {
  claudeCommand,
  type FakeAnthropicProvider,
  type ModelScript,
  prepareClaudeHome,
  reportedAnthropicUsage,
  scripts,
  startFakeAnthropicProvider,
} from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ClaudeSession,
  type ClaudeSessionOptions,
  claudeCommandLine,
  startClaudeSession,
} from "../src/index.ts";
import { EventLog, RecordingLauncher, type TempWorkspace, tempWorkspace } from "./harness.ts";

/**
 * The Claude Code client against the real `claude` 2.1.332, offline: the model is the testkit's
 * fake Anthropic Messages API on 127.0.0.1, the tracker tools come from the session's MCP server.
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const TRACKER_TOOL: AgentToolSpec = {
  name: "local_tracker",
  description: "Reads and updates the current ticket.",
  inputSchema: { type: "object", properties: { action: { type: "string" }, state: { type: "string" } } },
};

interface RealRun {
  session: ClaudeSession;
  provider: FakeAnthropicProvider;
  log: EventLog;
  launcher: RecordingLauncher;
  ws: TempWorkspace;
  toolCalls: { name: string; args: unknown }[];
}

async function startReal(
  script: ModelScript,
  overrides: Partial<Omit<ClaudeSessionOptions, "settings">> & {
    settings?: Partial<ClaudeSessionOptions["settings"]>;
  } = {},
  extraEnv: Record<string, string> = {},
): Promise<RealRun> {
  const provider = await startFakeAnthropicProvider(script);
  cleanups.push(() => provider.close());
  const home = await prepareClaudeHome({ baseUrl: provider.baseUrl });
  cleanups.push(() => home.cleanup());
  const ws = await tempWorkspace();
  cleanups.push(() => ws.cleanup());
  const log = new EventLog();
  const launcher = new RecordingLauncher();
  const toolCalls: { name: string; args: unknown }[] = [];
  const { settings, ...rest } = overrides;
  const session = await startClaudeSession({
    settings: {
      command: claudeCommand(),
      model: null,
      permission_mode: "acceptEdits",
      allowed_tools: ["Bash", "mcp__baton"],
      disallowed_tools: ["WebFetch", "WebSearch"],
      extra_args: [],
      ...settings,
    },
    workspacePath: ws.workspace,
    workspaceRoot: ws.root,
    launcher,
    env: { ...process.env, ...home.env, ...extraEnv },
    secretEnvNames: [],
    readTimeoutMs: 30_000,
    turnTimeoutMs: 30_000,
    tools: [TRACKER_TOOL],
    async executeTool(name, args): Promise<ToolResult> {
      toolCalls.push({ name, args });
      return { success: true, output: { moved_to: (args as { state?: string }).state ?? null } };
    },
    onEvent: log.onEvent,
    ...rest,
  });
  cleanups.push(() => session.stop());
  return { session, provider, log, launcher, ws, toolCalls };
}

/** Each user turn: a shell command, then the tracker tool, then a closing message. */
function shellToolMessage(command: string, state: string): ModelScript {
  return (request) => {
    const step = request.turnToolOutputs.length;
    if (step === 0) return { type: "shell", command };
    if (step === 1) return { type: "tool", name: "local_tracker", arguments: { action: "set_state", state } };
    return { type: "message", text: `done: ${request.turnToolOutputs.at(-1)?.output}` };
  };
}

describe("Claude Code client (real claude binary, fake Anthropic API)", () => {
  it("[B.claude-headless-session][B.claude-mcp-tools] runs a shell command in the workspace and moves the ticket through the MCP tracker tool", async () => {
    const run = await startReal(shellToolMessage("pwd > where.txt", "Human Review"));
    const outcome = await run.session.runTurn({ prompt: "Work on ABC-1", title: "ABC-1: Fix it" });

    expect(outcome.threadId).toBe(run.session.threadId);
    expect(outcome.sessionId).toBe(`${run.session.threadId}-1`);
    const where = await readFile(path.join(run.ws.workspace, "where.txt"), "utf8");
    expect(where.trim()).toBe(run.ws.workspace);
    expect(run.toolCalls).toEqual([
      { name: "local_tracker", args: { action: "set_state", state: "Human Review" } },
    ]);
    expect(run.log.named("tool_call_completed")).toHaveLength(1);
    // The model saw the tool's result, so the MCP round trip reached Claude Code and back.
    expect(run.provider.requests.at(-1)?.turnToolOutputs.at(-1)?.output).toContain("Human Review");
    expect(run.log.named("turn_completed")).toHaveLength(1);
    // The launch line is headless stream-json with Baton's MCP server only.
    const command = run.launcher.launches[0]!.command;
    expect(command).toContain("--input-format stream-json --output-format stream-json --verbose");
    expect(command).toContain("--strict-mcp-config");
  });

  it("[B.claude-continuation-same-session][B.claude-token-accounting] reuses the session for a continuation turn and sums usage without double counting", async () => {
    const run = await startReal(scripts.shellThenMessage("echo one >> turns.txt", "ok"));
    const first = await run.session.runTurn({ prompt: "first turn", title: "ABC-1: t" });
    const second = await run.session.runTurn({ prompt: "Continuation guidance: go on", title: "ABC-1: t" });

    expect(second.threadId).toBe(first.threadId);
    expect(second.sessionId).toBe(`${first.threadId}-2`);
    expect(run.launcher.launches).toHaveLength(1);
    // The second turn's model call carries the first turn's conversation: same Claude session.
    const lastCall = run.provider.requests.at(-1)!;
    expect(JSON.stringify(lastCall.input)).toContain("first turn");
    expect(await readFile(path.join(run.ws.workspace, "turns.txt"), "utf8")).toBe("one\none\n");

    const reported = reportedAnthropicUsage(run.provider.requests);
    expect(reported.input_tokens).toBeGreaterThan(0);
    const totals = run.log.events.filter((event) => event.usage_totals !== undefined).at(-1)?.usage_totals;
    expect(totals).toEqual({
      input_tokens: reported.input_tokens,
      output_tokens: reported.output_tokens,
      total_tokens: reported.input_tokens + reported.output_tokens,
    });
    const summed = run.log.events.reduce((sum, event) => sum + (event.usage_delta?.total_tokens ?? 0), 0);
    expect(summed).toBe(reported.input_tokens + reported.output_tokens);
  });

  it("[B.claude-permission-blocks] blocks the turn with approval_required when a tool use is not granted", async () => {
    const run = await startReal(scripts.shellThenMessage("echo hi > out.txt", "done"), {
      settings: { permission_mode: "default", allowed_tools: [] },
    });
    const failure = await run.session.runTurn({ prompt: "write it", title: "ABC-1: t" }).catch((e) => e);
    expect(failure).toBeInstanceOf(BatonError);
    expect((failure as BatonError).category).toBe("approval_required");
    expect((failure as BatonError).message).toContain("Bash");
    expect(run.log.named("approval_required")).toHaveLength(1);
  });

  it("[B.claude-timeouts] fails a silent turn with turn_timeout", async () => {
    const run = await startReal(() => ({ type: "hang" }), { turnTimeoutMs: 1_500 });
    const failure = await run.session.runTurn({ prompt: "hang", title: "ABC-1: t" }).catch((e) => e);
    expect((failure as BatonError).category).toBe("turn_timeout");
    expect((failure as BatonError).message).toContain("claude.turn_timeout_ms");
  });

  it("[B.claude-crash-stderr] fails with the stderr tail when Claude Code exits", async () => {
    const failure = await startReal(scripts.message("never"), {
      settings: { extra_args: ["--no-such-option"] },
    }).catch((e) => e);
    expect(failure).toBeInstanceOf(BatonError);
    expect((failure as BatonError).category).toBe("port_exit");
    expect((failure as BatonError).message).toMatch(/stderr: .*no-such-option/s);
  });

  it("[B.claude-crash-stderr] fails the running turn when Claude Code dies mid-turn", async () => {
    const run = await startReal(scripts.shellThenMessage("kill -9 $PPID", "unreachable"));
    const failure = await run.session.runTurn({ prompt: "die", title: "ABC-1: t" }).catch((e) => e);
    expect((failure as BatonError).category).toBe("port_exit");
    expect((failure as BatonError).message).toContain("SIGKILL");
  });

  it("[B.claude-env] passes ANTHROPIC_API_KEY to the agent and never a tracker secret", async () => {
    const run = await startReal(
      scripts.shellThenMessage(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: bash expansions, run by the agent's shell.
        'echo "key=${ANTHROPIC_API_KEY:-unset} linear=${LINEAR_API_KEY:-unset}" > env.txt',
        "ok",
      ),
      { secretEnvNames: ["LINEAR_API_KEY"] },
      { LINEAR_API_KEY: "lin_api_secret" },
    );
    await run.session.runTurn({ prompt: "env", title: "ABC-1: t" });
    const seen = await readFile(path.join(run.ws.workspace, "env.txt"), "utf8");
    expect(seen.trim()).toBe("key=sk-ant-fake-offline linear=unset");
  });

  it("[B.claude-headless-session] interrupts a running turn on request", async () => {
    const run = await startReal(() => ({ type: "hang" }));
    const turn = run.session.runTurn({ prompt: "hang", title: "ABC-1: t" }).catch((e) => e);
    await run.log.waitFor("session_started");
    // Claude Code takes the interrupt once the model call is in flight.
    await waitUntil(() => run.provider.requests.length > 0);
    await run.session.interrupt();
    expect(((await turn) as BatonError).category).toBe("turn_cancelled");
  });
});

/** Starts a session whose "claude" is a shell snippet (Baton's flags land on its last command). */
async function startScripted(command: string, readTimeoutMs = 5_000) {
  const ws = await tempWorkspace();
  cleanups.push(() => ws.cleanup());
  const log = new EventLog();
  const started = startClaudeSession({
    settings: {
      command,
      model: null,
      permission_mode: "acceptEdits",
      allowed_tools: [],
      disallowed_tools: [],
      extra_args: [],
    },
    workspacePath: ws.workspace,
    workspaceRoot: ws.root,
    launcher: new RecordingLauncher(),
    secretEnvNames: [],
    readTimeoutMs,
    turnTimeoutMs: 5_000,
    tools: [],
    executeTool: async () => ({ success: false, output: null }),
    onEvent: log.onEvent,
  });
  started.then((session) => cleanups.push(() => session.stop())).catch(() => {});
  return { started, log };
}

describe("Claude Code client edge cases (scripted processes)", () => {
  it("[B.claude-timeouts] fails startup with response_timeout when initialize is never answered", async () => {
    const { started, log } = await startScripted("cat >/dev/null; true", 500);
    const failure = await started.catch((e) => e);
    expect((failure as BatonError).category).toBe("response_timeout");
    expect((failure as BatonError).message).toContain("claude.read_timeout_ms");
    expect(log.named("startup_failed")).toHaveLength(1);
  });

  it("[B.claude-crash-stderr] reports a missing claude command as claude_not_found", async () => {
    const { started } = await startScripted("no-such-claude-binary-for-baton");
    const failure = await started.catch((e) => e);
    expect((failure as BatonError).category).toBe("claude_not_found");
    expect((failure as BatonError).message).toContain("no-such-claude-binary-for-baton");
  });

  it("[B.claude-rate-limits] surfaces rate_limit_event records as rate limits", async () => {
    const ready = JSON.stringify({
      type: "control_response",
      response: { subtype: "success", request_id: "baton_1", response: {} },
    });
    const limits = JSON.stringify({
      type: "rate_limit_event",
      rate_limit_info: { status: "allowed_warning", rateLimitType: "five_hour", resetsAt: 1_800_000_000 },
    });
    const { started, log } = await startScripted(
      `printf '%s\\n' '${ready}' '${limits}'; cat >/dev/null; true`,
    );
    await started;
    await waitUntil(() => log.events.some((event) => event.rate_limits !== undefined));
    expect(log.events.find((event) => event.rate_limits !== undefined)?.rate_limits).toEqual({
      status: "allowed_warning",
      rateLimitType: "five_hour",
      resetsAt: 1_800_000_000,
    });
  });

  it("[B.claude-headless-session] builds the headless command line with every claude: setting quoted for bash", () => {
    const line = claudeCommandLine(
      {
        command: "claude",
        model: "sonnet",
        permission_mode: "acceptEdits",
        allowed_tools: ["Bash(npm test:*)", "mcp__baton"],
        disallowed_tools: ["WebFetch"],
        extra_args: ["--append-system-prompt", "Be brief; it's fine"],
      },
      { sessionId: "0b6f7a4e-1c1d-4c55-9f0e-2f0d3c4b5a69", mcpConfig: '{"mcpServers":{}}' },
    );
    expect(line).toBe(
      "claude -p --input-format stream-json --output-format stream-json --verbose " +
        "--session-id 0b6f7a4e-1c1d-4c55-9f0e-2f0d3c4b5a69 --mcp-config '{\"mcpServers\":{}}' --strict-mcp-config " +
        "--permission-mode acceptEdits --model sonnet --allowedTools 'Bash(npm test:*)' mcp__baton " +
        "--disallowedTools WebFetch --append-system-prompt 'Be brief; it'\\''s fine'",
    );
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
