import { readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { type AgentToolSpec, BatonError, type ToolResult } from "@baton/domain";
import {
  codexAppServerCommand,
  codexProtocolValidator,
  type FakeModelProvider,
  type ModelScript,
  prepareCodexHome,
  scripts,
  startFakeModelProvider,
} from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type CodexSession, type CodexSessionOptions, startCodexSession } from "../src/index.ts";
import { EventLog, protocolErrors, RecordingLauncher, type TempWorkspace, tempWorkspace } from "./harness.ts";

/**
 * The client against the real `codex app-server` 0.169.0, offline: the model is the testkit's
 * scripted Responses API provider on 127.0.0.1. Every message the client sends is validated
 * against the schema the same binary generates.
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface RealRun {
  session: CodexSession;
  provider: FakeModelProvider;
  log: EventLog;
  launcher: RecordingLauncher;
  ws: TempWorkspace;
}

async function startReal(
  script: ModelScript,
  overrides: Partial<CodexSessionOptions> = {},
): Promise<RealRun> {
  const provider = await startFakeModelProvider(script);
  cleanups.push(() => provider.close());
  const home = await prepareCodexHome({ baseUrl: provider.baseUrl });
  cleanups.push(() => home.cleanup());
  const ws = await tempWorkspace();
  cleanups.push(() => ws.cleanup());
  const log = new EventLog();
  const launcher = new RecordingLauncher();
  const session = await startCodexSession({
    command: codexAppServerCommand(),
    workspacePath: ws.workspace,
    workspaceRoot: ws.root,
    launcher,
    env: { ...process.env, ...home.env },
    secretEnvNames: [],
    approvalPolicy: "never",
    threadSandbox: "workspace-write",
    turnSandboxPolicy: null,
    readTimeoutMs: 20_000,
    turnTimeoutMs: 30_000,
    tools: [],
    executeTool: async () => ({ success: false, output: "no tools in this test" }),
    onEvent: log.onEvent,
    ...overrides,
  });
  cleanups.push(() => session.stop());
  return { session, provider, log, launcher, ws };
}

async function expectSchemaValid(run: RealRun): Promise<void> {
  expect(run.launcher.sent.length).toBeGreaterThan(0);
  expect(protocolErrors(await codexProtocolValidator(), run.launcher.sent, run.launcher.received)).toEqual(
    [],
  );
}

const TURN = { prompt: "ABC-1: write the proof file", title: "ABC-1: Write the proof file" };

describe("real codex app-server", () => {
  it("[S10-valid-protocol-messages][S10-protocol-source-of-truth][S10.2-handshake][S10.2-session-ids][S10.3-turn-completion][S10.5-approval-policy] runs a shell command in the workspace and completes the turn", async () => {
    const run = await startReal(
      scripts.shellThenMessage("printf 'hello from codex' > proof.txt", "Wrote proof.txt"),
    );
    const outcome = await run.session.runTurn(TURN);

    expect(await readFile(path.join(run.ws.workspace, "proof.txt"), "utf8")).toBe("hello from codex");
    expect(outcome.threadId).toBe(run.session.threadId);
    expect(outcome.sessionId).toBe(`${outcome.threadId}-${outcome.turnId}`);
    expect((await run.log.waitFor("session_started")).session_id).toBe(outcome.sessionId);
    expect(run.log.events.some((event) => /^ran `.*proof\.txt.*` \(exit 0\)$/.test(event.summary))).toBe(
      true,
    );
    expect(run.log.events.some((event) => event.summary === "agent: Wrote proof.txt")).toBe(true);
    expect(run.log.named("approval_required")).toHaveLength(0);
    expect(run.log.named("turn_completed")).toHaveLength(1);
    await expectSchemaValid(run);
  });

  it("[S10.5-approval-policy][S10.5-no-stall-approval] answers a real approval request under an asking policy and reports the run as blocked", async () => {
    const run = await startReal(scripts.shellThenMessage("touch needs-approval.txt", "done"), {
      approvalPolicy: "untrusted",
    });
    const error = await run.session.runTurn(TURN).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(BatonError);
    expect((error as BatonError).category).toBe("approval_required");
    expect((error as BatonError).message).toContain("needs-approval.txt");
    expect((await run.log.waitFor("approval_required")).method).toBe("item/commandExecution/requestApproval");
    expect(run.launcher.sent.find((message) => "result" in message)?.result).toEqual({ decision: "decline" });
    await expect(readFile(path.join(run.ws.workspace, "needs-approval.txt"))).rejects.toThrow();
    await expectSchemaValid(run);
  });

  it("[B.phases-approval-agent-wait] with agent_requests gate, an on-request command approval waits, and the approval reaches the agent, which runs it", async () => {
    const seen: {
      id: string;
      kind: string;
      command: string | null;
      reason: string | null;
      waiting: boolean;
    }[] = [];
    let answered = false;
    const run = await startReal(
      (request) =>
        request.turnToolOutputs.length === 0
          ? { type: "shell", command: "touch escalated.txt", escalate: "it writes outside the sandbox" }
          : { type: "message", text: `after approval: ${request.turnToolOutputs[0]!.output.slice(0, 80)}` },
      {
        approvalPolicy: "on-request",
        agentRequests: "gate",
        requestWaitMs: 20_000,
        turnTimeoutMs: 1_000,
        onAgentRequest: (request, waiting) => {
          seen.push({ ...request, waiting });
          // Answered later than the turn timeout: a waiting request is not silence.
          if (waiting)
            setTimeout(() => {
              answered = run.session.answerRequest(request.id, { decision: "approve", note: null });
            }, 1_500);
        },
      },
    );
    await run.session.runTurn(TURN);
    expect(answered).toBe(true);
    expect(seen).toEqual([
      expect.objectContaining({
        kind: "command",
        command: expect.stringContaining("touch escalated.txt"),
        reason: "it writes outside the sandbox",
        waiting: true,
      }),
      expect.objectContaining({ kind: "command", waiting: false }),
    ]);
    expect(run.launcher.sent.find((message) => "result" in message && message.id === 0)?.result).toEqual({
      decision: "accept",
    });
    await readFile(path.join(run.ws.workspace, "escalated.txt"));
    expect(run.session.answerRequest(seen[0]!.id, { decision: "approve", note: null })).toBe(false);
    await expectSchemaValid(run);
  });

  it("[B.phases-approval-agent-wait] a rejected request is declined and the turn goes on; an unanswered one ends the turn as agent_request_unanswered", async () => {
    const script: ModelScript = (request) =>
      request.turnToolOutputs.length === 0
        ? { type: "shell", command: "touch rejected.txt", escalate: "please" }
        : { type: "message", text: "ok" };
    const rejected = await startReal(script, {
      approvalPolicy: "on-request",
      agentRequests: "gate",
      onAgentRequest: (request, waiting) => {
        if (waiting) rejected.session.answerRequest(request.id, { decision: "reject", reason: "not today" });
      },
    });
    await rejected.session.runTurn(TURN);
    await expect(readFile(path.join(rejected.ws.workspace, "rejected.txt"))).rejects.toThrow();
    expect(rejected.launcher.sent.find((message) => "result" in message && message.id === 0)?.result).toEqual(
      {
        decision: "decline",
      },
    );

    const unanswered = await startReal(script, {
      approvalPolicy: "on-request",
      agentRequests: "gate",
      requestWaitMs: 1_000,
    });
    const error = (await unanswered.session.runTurn(TURN).catch((failure: unknown) => failure)) as BatonError;
    expect(error.category).toBe("agent_request_unanswered");
    expect(error.details.agent_request).toMatchObject({
      kind: "command",
      method: "item/commandExecution/requestApproval",
    });
    await expectSchemaValid(unanswered);
  });

  it("[S10.2-advertise-tools][S10.5-host-side-tools][S10.5-supported-tool-calls][S10.5-tool-result-shape] routes a dynamic tool call to executeTool and returns its result to the model", async () => {
    const tool: AgentToolSpec = {
      name: "ticket_lookup",
      description: "Reads the current ticket",
      inputSchema: {
        type: "object",
        properties: { identifier: { type: "string" } },
        required: ["identifier"],
      },
    };
    const calls: { name: string; args: unknown }[] = [];
    const executeTool = async (name: string, args: unknown): Promise<ToolResult> => {
      calls.push({ name, args });
      return { success: true, output: { state: "In Progress" } };
    };
    const run = await startReal(scripts.toolThenMessage("ticket_lookup", { identifier: "ABC-1" }), {
      tools: [tool],
      executeTool,
    });
    await run.session.runTurn(TURN);

    expect(
      run.provider.requests[0]?.tools.some((offered) => JSON.stringify(offered).includes("ticket_lookup")),
    ).toBe(true);
    expect(calls).toEqual([{ name: "ticket_lookup", args: { identifier: "ABC-1" } }]);
    const lastRequest = run.provider.requests.at(-1);
    expect(lastRequest?.turnToolOutputs.map((output) => output.output)).toContain('{"state":"In Progress"}');
    expect(run.log.named("tool_call_completed")).toHaveLength(1);
    await expectSchemaValid(run);
  });

  it("[S10.3-turn-cancellation] interrupts a running turn", async () => {
    const run = await startReal(() => ({ type: "hang" }));
    const turn = run.session.runTurn(TURN);
    await run.log.waitFor("turn_started");
    await run.session.interrupt();
    await expect(turn).rejects.toMatchObject({ category: "turn_cancelled" });
    await expectSchemaValid(run);
  });

  it("[S10.3-turn-failure] surfaces a model provider failure as turn_failed with the server's message", async () => {
    const run = await startReal(() => ({ type: "error", status: 500, message: "fake provider is down" }));
    const error = await run.session.runTurn(TURN).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(BatonError);
    expect((error as BatonError).category).toBe("turn_failed");
    expect((error as BatonError).details).toMatchObject({ codex_error_info: "internalServerError" });
    expect((await run.log.waitFor("turn_failed")).summary).toMatch(/failed: .+/);
    await expectSchemaValid(run);
  });

  it("[S10.3-process-alive-across-turns][S10.2-continuation-same-thread][S13.5-absolute-totals][S13.5-delta-vs-last-reported] runs a continuation turn on the same thread and process with correct token totals", async () => {
    const run = await startReal(scripts.message("All done."));
    const pid = run.session.pid;
    const first = await run.session.runTurn(TURN);
    const firstTotals = run.log.events
      .filter((event) => event.usage_totals !== undefined)
      .at(-1)?.usage_totals;
    const continuation = "Continuation guidance: the ticket is still active; keep going.";
    const second = await run.session.runTurn({ prompt: continuation, title: TURN.title });

    expect(second.threadId).toBe(first.threadId);
    expect(second.turnId).not.toBe(first.turnId);
    expect(run.session.pid).toBe(pid);
    expect(run.launcher.launches).toHaveLength(1);
    expect(run.provider.requests.at(-1)?.lastUserText).toBe(continuation);

    const usage = run.log.events.filter((event) => event.usage_totals !== undefined);
    const last = usage.at(-1)?.usage_totals;
    const perRequest = 100 + 20; // the provider's default usage for each model call
    expect(firstTotals?.total_tokens).toBe(perRequest);
    expect(last?.total_tokens).toBe(perRequest * run.provider.requests.length);
    const summed = usage.reduce((sum, event) => sum + (event.usage_delta?.total_tokens ?? 0), 0);
    expect(summed).toBe(last?.total_tokens);
    expect(await realpath(run.ws.workspace)).toBe(run.launcher.launches[0]?.cwd);
    await expectSchemaValid(run);
  });
});
