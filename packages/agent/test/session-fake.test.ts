import { realpath, symlink } from "node:fs/promises";
import path from "node:path";
import { type AgentRequest, BatonError, type Logger, type ToolResult } from "@baton/domain";
import {
  codexProtocolValidator,
  createFakeAppServer,
  type FakeAppServer,
  type FakeAppServerScenario,
} from "@baton/testkit";
import type { LaunchedProcess, LaunchSpec } from "@baton/workspace";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type CodexSession, type CodexSessionOptions, startCodexSession } from "../src/index.ts";
import { EventLog, protocolErrors, RecordingLauncher, type TempWorkspace, tempWorkspace } from "./harness.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Started {
  session: CodexSession;
  fake: FakeAppServer;
  log: EventLog;
  launcher: RecordingLauncher;
  ws: TempWorkspace;
}

async function setUp(scenario: FakeAppServerScenario, overrides: Partial<CodexSessionOptions> = {}) {
  const fake = await createFakeAppServer(scenario);
  cleanups.push(() => fake.cleanup());
  const ws = await tempWorkspace();
  cleanups.push(() => ws.cleanup());
  const log = new EventLog();
  const launcher = new RecordingLauncher();
  const options: CodexSessionOptions = {
    command: fake.command,
    workspacePath: ws.workspace,
    workspaceRoot: ws.root,
    launcher,
    secretEnvNames: [],
    approvalPolicy: "never",
    threadSandbox: "workspace-write",
    turnSandboxPolicy: null,
    readTimeoutMs: 10_000,
    turnTimeoutMs: 10_000,
    tools: [],
    executeTool: async () => ({ success: true, output: "ok" }),
    onEvent: log.onEvent,
    stopGraceMs: 1_000,
    ...overrides,
  };
  return { fake, ws, log, launcher, options };
}

async function start(
  scenario: FakeAppServerScenario,
  overrides: Partial<CodexSessionOptions> = {},
): Promise<Started> {
  const setup = await setUp(scenario, overrides);
  const session = await startCodexSession(setup.options);
  cleanups.push(() => session.stop());
  return { session, ...setup };
}

const TURN = { prompt: "Fix ABC-1", title: "ABC-1: Fix the login page" };

async function rejection(promise: Promise<unknown>): Promise<BatonError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(BatonError);
  return error as BatonError;
}

function pidIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe("launch and handshake", () => {
  it("[S10.1-launch-bash-lc][S10.2-start-in-workspace] runs codex.command through the launcher in the canonical issue workspace", async () => {
    const setup = await setUp({});
    const linked = path.join(setup.ws.root, "link-to-ABC-1");
    await symlink(setup.ws.workspace, linked);
    const session = await startCodexSession({ ...setup.options, workspacePath: linked });
    cleanups.push(() => session.stop());

    const canonical = await realpath(setup.ws.workspace);
    expect(setup.launcher.launches).toHaveLength(1);
    expect(setup.launcher.launches[0]).toMatchObject({ command: setup.fake.command, cwd: canonical });
    expect((await setup.fake.startup()).cwd).toBe(canonical);
    expect(session.pid).toBeGreaterThan(0);
  });

  it("[S10.2-start-in-workspace][S10.6-error-categories] refuses a cwd that is the root itself or escapes it through a symlink", async () => {
    const setup = await setUp({});
    const outside = await tempWorkspace("elsewhere");
    cleanups.push(() => outside.cleanup());
    const escaping = path.join(setup.ws.root, "ABC-2");
    await symlink(outside.workspace, escaping);

    for (const workspacePath of [setup.ws.root, escaping, path.join(setup.ws.root, "missing")]) {
      const error = await rejection(startCodexSession({ ...setup.options, workspacePath }));
      expect(error.category).toBe("invalid_workspace_cwd");
      expect(error.message).toContain(workspacePath);
    }
    expect(setup.launcher.launches).toHaveLength(0);
  });

  it("[S10.2-handshake][S10.2-client-identity][S10.2-policy-fields][S10.2-advertise-tools][S10.2-cwd-absolute-workspace][S10.2-session-title][S10.2-first-turn-prompt][S10-valid-protocol-messages][S10-protocol-source-of-truth] sends a schema-valid handshake and turn start carrying cwd, policies, tools and title", async () => {
    const tool = {
      name: "tracker_comment",
      description: "Adds a comment to the current ticket",
      inputSchema: { type: "object", properties: { body: { type: "string" } }, required: ["body"] },
    };
    const { session, fake, ws, launcher } = await start(
      {},
      { approvalPolicy: "on-request", threadSandbox: "workspace-write", tools: [tool] },
    );
    await session.runTurn(TURN);
    const cwd = await realpath(ws.workspace);

    const received = await fake.received();
    expect(received.map((message) => message.method)).toEqual([
      "initialize",
      "initialized",
      "thread/start",
      "thread/name/set",
      "turn/start",
    ]);
    expect(received[0]?.params).toMatchObject({
      clientInfo: { name: "baton" },
      capabilities: { experimentalApi: true },
    });
    expect(received[2]?.params).toEqual({
      cwd,
      approvalPolicy: "on-request",
      sandbox: "workspace-write",
      dynamicTools: [{ type: "function", ...tool }],
    });
    expect(received[3]?.params).toEqual({ threadId: "thr_fake", name: TURN.title });
    expect(received[4]?.params).toEqual({
      threadId: "thr_fake",
      input: [{ type: "text", text: TURN.prompt }],
      cwd,
      sandboxPolicy: { type: "workspaceWrite", writableRoots: [cwd], networkAccess: false },
    });
    const ids = received.filter((message) => "id" in message).map((message) => message.id);
    expect(ids).toEqual([1, 2, 3, 4]);
    expect(protocolErrors(await codexProtocolValidator(), launcher.sent, launcher.received)).toEqual([]);
  });

  it("[S10.2-policy-fields] passes an explicit turn sandbox policy through unchanged", async () => {
    const policy = { type: "readOnly", networkAccess: false };
    const { session, fake } = await start({}, { turnSandboxPolicy: policy });
    await session.runTurn(TURN);
    const turnStart = (await fake.received()).find((message) => message.method === "turn/start");
    expect(turnStart?.params).toMatchObject({ sandboxPolicy: policy });
  });

  it("[S10.6-read-timeout][S10.4-events] fails startup with response_timeout when initialize is never answered, and stops the process", async () => {
    const setup = await setUp({ initialize: "hang" }, { readTimeoutMs: 300 });
    const error = await rejection(startCodexSession(setup.options));
    expect(error.category).toBe("response_timeout");
    expect(error.message).toContain("initialize");
    const failed = await setup.log.waitFor("startup_failed");
    expect(failed.payload).toMatchObject({ category: "response_timeout" });
    expect(setup.launcher.pids).toHaveLength(1);
    expect(pidIsGone(setup.launcher.pids[0]!)).toBe(true);
  });

  it("[S10.6-error-categories] maps a JSON-RPC error answer to response_error", async () => {
    const setup = await setUp({ initialize: "error" });
    const error = await rejection(startCodexSession(setup.options));
    expect(error.category).toBe("response_error");
    expect(error.message).toContain("initialize rejected by scenario");
  });

  it("[S10.6-error-categories] reports codex_not_found when the command does not exist", async () => {
    const setup = await setUp({}, { command: "baton-no-such-codex-binary app-server" });
    const error = await rejection(startCodexSession(setup.options));
    expect(error.category).toBe("codex_not_found");
    expect(error.message).toContain("baton-no-such-codex-binary");
  });

  it("[S10.5-secrets-not-inherited] removes tracker secret variables from the child's environment", async () => {
    const env = { ...process.env, LINEAR_API_KEY: "lin_secret_value", BATON_VISIBLE: "yes" };
    const { fake } = await start({}, { env, secretEnvNames: ["LINEAR_API_KEY"] });
    const { envNames } = await fake.startup();
    expect(envNames).toContain("BATON_VISIBLE");
    expect(envNames).not.toContain("LINEAR_API_KEY");
  });
});

describe("turns", () => {
  it("[S10.2-session-ids][S10.3-turn-completion][S10.4-events] resolves a completed turn and emits session_started with <thread>-<turn>", async () => {
    const { session, log } = await start({});
    const outcome = await session.runTurn(TURN);
    expect(outcome).toEqual({ threadId: "thr_fake", turnId: "turn_1", sessionId: "thr_fake-turn_1" });
    const started = await log.waitFor("session_started");
    expect(started).toMatchObject({
      session_id: "thr_fake-turn_1",
      thread_id: "thr_fake",
      turn_id: "turn_1",
      codex_app_server_pid: session.pid,
    });
    const names = log.events.map((event) => event.event);
    expect(names.indexOf("session_started")).toBeLessThan(names.indexOf("turn_started"));
    expect(names.at(-1)).toBe("turn_completed");
    for (const event of log.events) {
      expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp);
      expect(event.codex_app_server_pid).toBe(session.pid);
      expect(event.summary.length).toBeGreaterThan(0);
    }
    expect(log.events.find((event) => event.method === "item/completed")?.summary).toBe("agent: done");
  });

  it("[S10.3-turn-failure] rejects a failed turn with turn_failed carrying the server's error message", async () => {
    const { session, log } = await start({
      turns: [[{ type: "complete", status: "failed", error: "model provider returned HTTP 500" }]],
    });
    const error = await rejection(session.runTurn(TURN));
    expect(error.category).toBe("turn_failed");
    expect(error.message).toContain("model provider returned HTTP 500");
    expect((await log.waitFor("turn_failed")).summary).toContain("model provider returned HTTP 500");
  });

  it("[S10.3-turn-cancellation] interrupt() sends turn/interrupt and the turn rejects with turn_cancelled", async () => {
    const { session, fake, log } = await start({ turns: [[{ type: "sleep", ms: 30_000 }]] });
    const turn = session.runTurn(TURN);
    await log.waitFor("turn_started");
    await session.interrupt();
    const error = await rejection(turn);
    expect(error.category).toBe("turn_cancelled");
    await log.waitFor("turn_cancelled");
    const interrupt = (await fake.received()).find((message) => message.method === "turn/interrupt");
    expect(interrupt?.params).toEqual({ threadId: "thr_fake", turnId: "turn_1" });
  });

  it("[S10.6-turn-timeout] fails a turn whose stream goes silent for turn_timeout_ms", async () => {
    const { session, log } = await start({ turns: [[{ type: "hang" }]] }, { turnTimeoutMs: 300 });
    const error = await rejection(session.runTurn(TURN));
    expect(error.category).toBe("turn_timeout");
    expect((await log.waitFor("turn_ended_with_error")).payload).toMatchObject({ category: "turn_timeout" });
  });

  it("[S10.6-turn-timeout] treats turn_timeout_ms as a silence limit, not a cap on total turn time", async () => {
    const beat = { type: "notify", method: "item/agentMessage/delta", params: { delta: "." } } as const;
    const sleep = { type: "sleep", ms: 300 } as const;
    const { session } = await start(
      { turns: [[sleep, beat, sleep, beat, sleep, beat, sleep, beat, sleep, { type: "complete" }]] },
      { turnTimeoutMs: 1_200 },
    );
    await expect(session.runTurn(TURN)).resolves.toMatchObject({ turnId: "turn_1" });
  });

  it("[S10.3-subprocess-exit][S10.6-error-categories] rejects with port_exit and the exit code when the server dies mid-turn", async () => {
    const { session, log } = await start({
      turns: [
        [
          { type: "agentMessage", text: "working" },
          { type: "exit", code: 3 },
        ],
      ],
    });
    const error = await rejection(session.runTurn(TURN));
    expect(error.category).toBe("port_exit");
    expect(error.details).toMatchObject({ exit_code: 3 });
    expect((await log.waitFor("turn_ended_with_error")).payload).toMatchObject({ category: "port_exit" });
    await expect(session.runTurn(TURN)).rejects.toMatchObject({ category: "port_exit" });
  });

  it("[S10.3-process-alive-across-turns][S10.2-continuation-same-thread] runs continuation turns on the same thread and process", async () => {
    const { session, fake, launcher } = await start({});
    const first = await session.runTurn(TURN);
    const second = await session.runTurn({ prompt: "Continuation guidance: keep going", title: TURN.title });
    expect(second.threadId).toBe(first.threadId);
    expect(second.turnId).not.toBe(first.turnId);
    expect(launcher.launches).toHaveLength(1);
    const received = await fake.received();
    const turnStarts = received.filter((message) => message.method === "turn/start");
    expect(
      turnStarts.map((message) => (message.params as { input: { text: string }[] }).input[0]?.text),
    ).toEqual([TURN.prompt, "Continuation guidance: keep going"]);
    expect(received.filter((message) => message.method === "initialize")).toHaveLength(1);
    expect(received.filter((message) => message.method === "thread/name/set")).toHaveLength(1);
  });

  it("[S10.2-session-title][S10.6-error-categories] goes on without a title when the server answers thread/name/set with -32601, logging it once at debug", async () => {
    const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
    const logger: Logger = {
      debug: (obj, msg) => lines.push({ level: "debug", obj, ...(msg !== undefined && { msg }) }),
      info: (obj, msg) => lines.push({ level: "info", obj, ...(msg !== undefined && { msg }) }),
      warn: (obj, msg) => lines.push({ level: "warn", obj, ...(msg !== undefined && { msg }) }),
      error: (obj, msg) => lines.push({ level: "error", obj, ...(msg !== undefined && { msg }) }),
      child: () => logger,
    };
    const { session, fake } = await start({ unsupportedMethods: ["thread/name/set"] }, { logger });
    await session.runTurn(TURN);
    await session.runTurn({ prompt: "Continuation guidance: keep going", title: "ABC-1: renamed" });

    const received = await fake.received();
    expect(received.filter((message) => message.method === "turn/start")).toHaveLength(2);
    // Method not found is remembered: the second title change is not sent again.
    expect(received.filter((message) => message.method === "thread/name/set")).toHaveLength(1);
    const notes = lines.filter((line) => JSON.stringify(line).includes("thread/name/set"));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.level).toBe("debug");
  });

  it("[S10.2-handshake][S10.6-error-categories] still fails the run when a required call (turn/start) is answered with -32601", async () => {
    const { session } = await start({ unsupportedMethods: ["turn/start"] });
    const error = await rejection(session.runTurn(TURN));
    expect(error.category).toBe("response_error");
    expect(error.message).toContain("turn/start");
  });

  it("[S10.3-process-alive-across-turns] stop() ends a server that ignores stdin closing", async () => {
    const { session, log } = await start({ turns: [[{ type: "hang" }]] });
    const turn = session.runTurn(TURN);
    await log.waitFor("turn_started");
    const pid = session.pid!;
    await session.stop();
    expect(pidIsGone(pid)).toBe(true);
    expect((await rejection(turn)).category).toBe("turn_cancelled");
  });
});

describe("transport", () => {
  it("[S10.3-stdio-framing][S10.1-max-line-size] reports malformed and over-10MB lines and keeps processing the stream", async () => {
    const { session, log } = await start({
      turns: [
        [
          { type: "raw", line: '{"method": "item/completed", "params": ' },
          { type: "longLine", bytes: 10 * 1024 * 1024 + 10 },
          { type: "agentMessage", text: "still here" },
          { type: "complete" },
        ],
      ],
    });
    await session.runTurn(TURN);
    const malformed = log.named("malformed");
    expect(malformed).toHaveLength(2);
    expect(malformed[1]?.payload).toMatchObject({ bytes: 10 * 1024 * 1024 + 10 });
    expect(log.events.some((event) => event.summary === "agent: still here")).toBe(true);
  });

  it("[S10.3-stderr-separate] never reads stderr as protocol, even when it looks like JSON-RPC, and strips its colour codes", async () => {
    const lookalike = JSON.stringify({
      method: "turn/completed",
      params: { threadId: "thr_fake", turn: { id: "turn_1", status: "completed" } },
    });
    const { session, log } = await start({
      startupStderr: ['{"id":1,"result":{}}', "\u001b[31mWARN\u001b[0m plugin sync failed: offline"],
      turns: [
        [
          { type: "stderr", line: lookalike },
          { type: "sleep", ms: 300 },
          { type: "agentMessage", text: "real end" },
          { type: "complete" },
        ],
      ],
    });
    await session.runTurn(TURN);
    const stderrLines = () => log.named("stderr").map((event) => (event.payload as { line: string }).line);
    // stderr is its own pipe: its lines may arrive after the stdout ones.
    await vi.waitFor(
      () =>
        expect(stderrLines()).toEqual([
          '{"id":1,"result":{}}',
          "WARN plugin sync failed: offline",
          lookalike,
        ]),
      { timeout: 5_000 },
    );
    expect(log.named("malformed")).toHaveLength(0);
    expect(log.named("turn_completed")).toHaveLength(1);
    const completedAfter = log.events.findIndex((event) => event.summary === "agent: real end");
    expect(log.events.findIndex((event) => event.event === "turn_completed")).toBeGreaterThan(completedAfter);
  });
});

describe("server requests", () => {
  const commandApproval = {
    threadId: "thr_fake",
    turnId: "turn_1",
    itemId: "item_1",
    startedAtMs: 1,
    command: "npm test",
    cwd: "/w",
  };

  it("[S10.5-approval-policy][S10.5-no-stall-approval] auto-approves command and file approvals for the session under approval policy never", async () => {
    const { session, log, launcher } = await start({
      turns: [
        [
          { type: "request", method: "item/commandExecution/requestApproval", params: commandApproval },
          {
            type: "request",
            method: "item/fileChange/requestApproval",
            params: { ...commandApproval, itemId: "item_2" },
          },
          {
            type: "request",
            method: "execCommandApproval",
            params: { conversationId: "thr_fake", callId: "c1", command: ["ls"], cwd: "/w", parsedCmd: [] },
          },
          {
            type: "request",
            method: "applyPatchApproval",
            params: { conversationId: "thr_fake", callId: "c2", fileChanges: {} },
          },
          { type: "complete" },
        ],
      ],
    });
    await session.runTurn(TURN);
    expect(log.named("approval_auto_approved")).toHaveLength(4);
    const answers = launcher.sent.filter((message) => "result" in message).map((message) => message.result);
    expect(answers).toEqual([
      { decision: "acceptForSession" },
      { decision: "acceptForSession" },
      { decision: "approved_for_session" },
      { decision: "approved_for_session" },
    ]);
    expect(protocolErrors(await codexProtocolValidator(), launcher.sent, launcher.received)).toEqual([]);
  });

  it("[S10.5-approval-policy][S10.5-no-stall-approval] declines an approval under any other policy, interrupts the turn and fails with approval_required", async () => {
    const { session, log, launcher } = await start(
      {
        turns: [
          [
            { type: "request", method: "item/commandExecution/requestApproval", params: commandApproval },
            { type: "sleep", ms: 30_000 },
          ],
        ],
      },
      { approvalPolicy: "on-request" },
    );
    const error = await rejection(session.runTurn(TURN));
    expect(error.category).toBe("approval_required");
    expect(error.message).toContain("npm test");
    expect((await log.waitFor("approval_required")).method).toBe("item/commandExecution/requestApproval");
    expect(launcher.sent.find((message) => "result" in message)?.result).toEqual({ decision: "decline" });
    expect(launcher.sent.find((message) => message.method === "turn/interrupt")?.params).toEqual({
      threadId: "thr_fake",
      turnId: "turn_1",
    });
    expect(protocolErrors(await codexProtocolValidator(), launcher.sent, launcher.received)).toEqual([]);
  });

  it("[B.phases-approval-agent-wait] with agent_requests gate, shows a file change with its announced diff and questions with their options, and answers each as the person decided", async () => {
    const seen: AgentRequest[] = [];
    const answered: boolean[] = [];
    let session: CodexSession | undefined;
    const started = await start(
      {
        turns: [
          [
            {
              type: "notify",
              method: "item/started",
              params: {
                threadId: "thr_fake",
                turnId: "turn_1",
                item: {
                  type: "fileChange",
                  id: "item_2",
                  status: "inProgress",
                  changes: [
                    {
                      path: "src/a.ts",
                      kind: { type: "update", move_path: null },
                      diff: "@@ -1 +1 @@\n-old\n+new",
                    },
                  ],
                },
              },
            },
            {
              type: "request",
              method: "item/fileChange/requestApproval",
              params: {
                threadId: "thr_fake",
                turnId: "turn_1",
                itemId: "item_2",
                startedAtMs: 1,
                reason: "edit a.ts",
              },
            },
            {
              type: "request",
              method: "item/tool/requestUserInput",
              params: {
                threadId: "thr_fake",
                turnId: "turn_1",
                itemId: "item_3",
                isBlocking: true,
                questions: [
                  {
                    id: "q1",
                    header: "Scope",
                    question: "Touch the API too?",
                    options: [
                      { label: "Yes", description: "" },
                      { label: "No", description: "" },
                    ],
                    isOther: false,
                  },
                ],
              },
            },
            { type: "complete" },
          ],
        ],
      },
      {
        approvalPolicy: "on-request",
        agentRequests: "gate",
        onAgentRequest: (request, waiting) => {
          if (!waiting) return;
          seen.push(request);
          const answer =
            request.kind === "file_change"
              ? ({ decision: "reject", reason: "not that file" } as const)
              : ({ decision: "approve", note: null } as const);
          setTimeout(() => answered.push(session!.answerRequest(request.id, answer)), 10);
        },
      },
    );
    session = started.session;
    await session.runTurn(TURN);
    expect(answered).toEqual([true, true]);
    expect(seen).toMatchObject([
      {
        kind: "file_change",
        reason: "edit a.ts",
        diff: "--- src/a.ts\n+++ src/a.ts\n@@ -1 +1 @@\n-old\n+new",
      },
      {
        kind: "user_input",
        summary: "answer: Touch the API too?",
        questions: [{ id: "q1", header: "Scope", options: ["Yes", "No"] }],
      },
    ]);
    const answers = started.launcher.sent
      .filter((message) => "result" in message)
      .map((message) => message.result);
    expect(answers).toEqual([{ decision: "decline" }, { answers: { q1: { answers: ["Yes"] } } }]);
    expect(
      protocolErrors(await codexProtocolValidator(), started.launcher.sent, started.launcher.received),
    ).toEqual([]);
  });

  it("[S10.5-user-input-policy][S10.5-no-stall-user-input] answers user-input and elicitation requests and fails the turn with turn_input_required", async () => {
    const userInput = {
      threadId: "thr_fake",
      turnId: "turn_1",
      itemId: "item_1",
      isBlocking: true,
      questions: [{ id: "q1", header: "Plan", question: "Which option?", options: null, isOther: true }],
    };
    for (const [method, params, answer] of [
      ["item/tool/requestUserInput", userInput, { answers: {} }],
      [
        "mcpServer/elicitation/request",
        { threadId: "thr_fake", turnId: "turn_1", serverName: "docs" },
        { action: "decline" },
      ],
    ] as const) {
      const { session, log, launcher } = await start({
        turns: [
          [
            { type: "request", method, params },
            { type: "sleep", ms: 30_000 },
          ],
        ],
      });
      const error = await rejection(session.runTurn(TURN));
      expect(error.category).toBe("turn_input_required");
      expect((await log.waitFor("turn_input_required")).method).toBe(method);
      expect(launcher.sent.find((message) => "result" in message)?.result).toEqual(answer);
      expect(protocolErrors(await codexProtocolValidator(), launcher.sent, launcher.received)).toEqual([]);
    }
  });

  it("[S10.5-unsupported-tool-call] fails an unknown dynamic tool call with the supported list and an unknown request with -32601, and the turn goes on", async () => {
    const tool = { name: "tracker_comment", description: "Comment", inputSchema: { type: "object" } };
    const { session, log, launcher } = await start(
      {
        turns: [
          [
            {
              type: "request",
              method: "item/tool/call",
              params: {
                threadId: "thr_fake",
                turnId: "turn_1",
                callId: "call_1",
                tool: "deploy_prod",
                arguments: {},
              },
            },
            { type: "request", method: "baton/madeUp", params: {} },
            { type: "complete" },
          ],
        ],
      },
      { tools: [tool] },
    );
    await session.runTurn(TURN);
    const [toolAnswer, unknownAnswer] = launcher.sent.filter((message) => !("method" in message));
    const toolResult = toolAnswer?.result as { success: boolean; contentItems: { text: string }[] };
    expect(toolResult.success).toBe(false);
    const text = toolResult.contentItems[0]?.text ?? "";
    expect(JSON.parse(text)).toEqual({
      error: 'Unsupported dynamic tool "deploy_prod". Supported tools: tracker_comment.',
      supportedTools: ["tracker_comment"],
    });
    expect(unknownAnswer?.error).toMatchObject({ code: -32601 });
    expect(log.named("unsupported_tool_call")).toHaveLength(1);
    expect(log.named("turn_completed")).toHaveLength(1);
  });

  it("[S10.5-host-side-tools][S10.5-supported-tool-calls][S10.5-tool-result-shape] runs advertised tools host-side and returns success or failure results", async () => {
    const calls: { name: string; args: unknown }[] = [];
    const executeTool = async (name: string, args: unknown): Promise<ToolResult> => {
      calls.push({ name, args });
      if ((args as { fail?: boolean }).fail) throw new Error("tracker rejected the comment");
      // Slower than the turn timeout: waiting on our own tool is not server silence.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return { success: true, output: { commentId: "c-9" } };
    };
    const call = (callId: string, args: unknown) =>
      ({
        type: "request",
        method: "item/tool/call",
        params: { threadId: "thr_fake", turnId: "turn_1", callId, tool: "tracker_comment", arguments: args },
      }) as const;
    const { session, log, launcher } = await start(
      { turns: [[call("call_1", { body: "hi" }), call("call_2", { fail: true }), { type: "complete" }]] },
      {
        tools: [{ name: "tracker_comment", description: "Comment", inputSchema: { type: "object" } }],
        executeTool,
        turnTimeoutMs: 1_000,
      },
    );
    await session.runTurn(TURN);
    expect(calls).toEqual([
      { name: "tracker_comment", args: { body: "hi" } },
      { name: "tracker_comment", args: { fail: true } },
    ]);
    const answers = launcher.sent.filter((message) => "result" in message).map((message) => message.result);
    expect(answers).toEqual([
      { success: true, contentItems: [{ type: "inputText", text: '{"commentId":"c-9"}' }] },
      {
        success: false,
        contentItems: [{ type: "inputText", text: '{"error":"tracker rejected the comment"}' }],
      },
    ]);
    expect(log.named("tool_call_completed")).toHaveLength(1);
    expect(log.named("tool_call_failed")).toHaveLength(1);
    expect(protocolErrors(await codexProtocolValidator(), launcher.sent, launcher.received)).toEqual([]);
  });
});

describe("telemetry", () => {
  it("[S13.5-absolute-totals][S13.5-ignore-last-usage][S13.5-delta-vs-last-reported] reports absolute thread totals and non-negative deltas that add up across turns", async () => {
    const { session, log } = await start({
      turns: [
        [
          { type: "tokens", input: 100, output: 20 },
          { type: "tokens", input: 150, output: 30 },
          { type: "complete" },
        ],
        [
          { type: "tokens", input: 150, output: 30 },
          { type: "tokens", input: 90, output: 10 },
          { type: "tokens", input: 300, output: 60 },
          { type: "complete" },
        ],
      ],
    });
    await session.runTurn(TURN);
    await session.runTurn({ prompt: "Continuation guidance", title: TURN.title });
    const usage = log.events.filter((event) => event.usage_totals !== undefined);
    expect(usage.map((event) => event.usage_totals?.total_tokens)).toEqual([120, 180, 180, 100, 360]);
    expect(usage.map((event) => event.usage_delta?.total_tokens)).toEqual([120, 60, 0, 0, 180]);
    const summed = usage.reduce((sum, event) => sum + (event.usage_delta?.input_tokens ?? 0), 0);
    expect(summed).toBe(300);
    expect(usage.at(-1)?.usage_totals).toEqual({ input_tokens: 300, output_tokens: 60, total_tokens: 360 });
    expect(usage.at(-1)?.summary).toBe("tokens 360 total (300 in, 60 out)");
  });

  it("[S13.5-absolute-totals][S13.5-lenient-field-names][S13.5-no-generic-usage] reads legacy token-count wrappers and ignores generic usage maps", async () => {
    const { session, log } = await start({
      turns: [
        [
          {
            type: "notify",
            method: "codex/event/token_count",
            params: {
              msg: {
                info: {
                  total_token_usage: { input_tokens: "40", output_tokens: 2, total_tokens: 42 },
                  last_token_usage: { input_tokens: 999 },
                },
              },
            },
          },
          {
            type: "notify",
            method: "item/completed",
            params: { usage: { input_tokens: 5000, output_tokens: 5000 } },
          },
          { type: "complete" },
        ],
      ],
    });
    await session.runTurn(TURN);
    const usage = log.events.filter((event) => event.usage_totals !== undefined);
    expect(usage).toHaveLength(1);
    expect(usage[0]?.usage_totals).toEqual({ input_tokens: 40, output_tokens: 2, total_tokens: 42 });
  });

  it("[S13.5-rate-limits] reports the latest rate limits, merging sparse updates", async () => {
    const { session, log } = await start({
      turns: [
        [
          {
            type: "rateLimits",
            rateLimits: { limitId: "codex", primary: { usedPercent: 10 }, planType: "pro" },
          },
          {
            type: "rateLimits",
            rateLimits: { limitId: "codex", primary: { usedPercent: 25 }, planType: null },
          },
          { type: "complete" },
        ],
      ],
    });
    await session.runTurn(TURN);
    const limits = log.events
      .filter((event) => event.rate_limits !== undefined)
      .map((event) => event.rate_limits);
    expect(limits.at(-1)).toEqual({ limitId: "codex", primary: { usedPercent: 25 }, planType: "pro" });
  });
});

/** A launcher shaped like the Docker sandbox: the workspace appears at /workspace, and it confines. */
class ContainerLikeLauncher extends RecordingLauncher {
  readonly confines = true;
  exitCause: BatonError | null = null;

  override visiblePath(): string {
    return "/workspace";
  }

  override launch(spec: LaunchSpec): LaunchedProcess {
    const launched = super.launch(spec);
    return {
      ...launched,
      exited: launched.exited.then((status) =>
        this.exitCause === null ? status : { ...status, error: this.exitCause },
      ),
    };
  }
}

describe("launchers that sandbox", () => {
  it("[B.sandbox-workspace-mount][B.runner-visible-path] gives Codex the launcher's view of the workspace as cwd, and leaves confinement to a confining launcher", async () => {
    const launcher = new ContainerLikeLauncher();
    const { session } = await start({}, { launcher });
    await session.runTurn(TURN);
    const threadStart = launcher.sent.find((message) => message.method === "thread/start");
    const turnStart = launcher.sent.find((message) => message.method === "turn/start");
    expect(threadStart?.params).toMatchObject({ cwd: "/workspace" });
    expect(turnStart?.params).toMatchObject({
      cwd: "/workspace",
      sandboxPolicy: { type: "dangerFullAccess" },
    });
    // The host path is what the launcher mounts.
    expect(launcher.launches[0]?.cwd).not.toBe("/workspace");
  });

  it("[B.sandbox-oom] an exit the launcher explains (an OOM kill) fails the turn with the launcher's category", async () => {
    const launcher = new ContainerLikeLauncher();
    launcher.exitCause = new BatonError(
      "sandbox_oom",
      "the sandbox container for issue ABC-1 ran out of memory",
    );
    const { session } = await start(
      {
        turns: [
          [
            { type: "agentMessage", text: "working" },
            { type: "exit", code: 137 },
          ],
        ],
      },
      { launcher },
    );
    const error = await rejection(session.runTurn(TURN));
    expect(error.category).toBe("sandbox_oom");
    expect(error.message).toBe("the sandbox container for issue ABC-1 ran out of memory");
  });
});
