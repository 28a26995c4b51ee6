import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type {
  AgentEventName,
  ExitStatus,
  LaunchedProcess,
  Logger,
  TokenCounts,
  ToolResult,
} from "@baton/domain";
import { BatonError, canonicalAgentCwd, silentLogger, ZERO_TOKENS } from "@baton/domain";
import {
  type AgentClientSession,
  AgentProcess,
  type AgentProcessOptions,
  COMMAND_NOT_FOUND_EXIT,
  type EventExtra,
  emitAgentEvent,
  handshakeOrStop,
  SilenceTimer,
  stderrSummary,
  type TurnInput,
  type TurnOutcome,
} from "../agent-process.ts";
import { type ClaudeCommandSettings, claudeCommandLine } from "./command.ts";
import type { SessionToolServer } from "./mcp-server.ts";
import {
  addTokens,
  assistantSummaries,
  objectAt,
  resultKind,
  stringAt,
  toolResultSummaries,
  turnUsage,
} from "./records.ts";

/** `tools` are served to the agent over this session's MCP server; `env` carries the model variables (ANTHROPIC_*). */
export interface ClaudeSessionOptions extends AgentProcessOptions {
  settings: ClaudeCommandSettings;
}

/** A headless Claude Code session; its `threadId` is Claude Code's session id (Baton chooses it with `--session-id`). */
export type ClaudeSession = AgentClientSession;

/**
 * Starts headless Claude Code in the issue workspace with Baton's per-session MCP tool server and
 * performs the `initialize` control handshake. Rejects with a BatonError (`invalid_workspace_cwd`,
 * `claude_not_found`, `response_timeout`, `port_exit`) after emitting `startup_failed`.
 */
export async function startClaudeSession(options: ClaudeSessionOptions): Promise<ClaudeSession> {
  const cwd = await canonicalAgentCwd(options.workspacePath, options.workspaceRoot, "Claude Code");
  const sessionId = randomUUID();
  let session: ClaudeCodeSession | null = null;
  // Loaded with the first Claude session: the MCP SDK (and zod, hono) is ~200 modules that a Codex
  // Baton, and every Baton's startup, does without.
  const { startSessionToolServer } = await import("./mcp-server.ts");
  const tools = await startSessionToolServer({
    tools: options.tools,
    executeTool: options.executeTool,
    observer: {
      started: () => session?.toolCallStarted(),
      finished: (name, args, result) => session?.toolCallFinished(name, args, result),
    },
  });
  let child: LaunchedProcess;
  try {
    child = options.launcher.launch({
      command: claudeCommandLine(options.settings, { sessionId, mcpConfig: tools.mcpConfig() }),
      cwd,
      // Baton's tools are few and always needed: offer them directly instead of behind tool search.
      env: { ...(options.env ?? process.env), ENABLE_TOOL_SEARCH: "false" },
      ...(options.declaredEnv !== undefined && { declaredEnv: options.declaredEnv }),
      unsetEnv: options.secretEnvNames,
    });
  } catch (error) {
    await tools.close();
    throw error;
  }
  session = new ClaudeCodeSession(options, sessionId, child, tools);
  return handshakeOrStop(session);
}

interface ActiveTurn {
  number: number;
  resolve(outcome: TurnOutcome): void;
  reject(error: BatonError): void;
  timer: SilenceTimer | null;
  interruptRequested: boolean;
}

interface PendingControl {
  subtype: string;
  resolve(response: unknown): void;
  reject(error: BatonError): void;
  timer: NodeJS.Timeout;
}

/** Modes where a denied tool is the operator's standing answer, not a question for a human. */
const DENYING_MODES: ReadonlySet<string> = new Set(["dontAsk"]);

class ClaudeCodeSession implements ClaudeSession {
  readonly pid: number | null;
  private readonly logger: Logger;
  private readonly pendingControl = new Map<string, PendingControl>();
  private nextControlId = 1;
  private turn: ActiveTurn | null = null;
  private turnsStarted = 0;
  private toolCallsInFlight = 0;
  private lastActivityAt = 0;
  private sawOutput = false;
  private readonly process: AgentProcess;
  private exit: BatonError | null = null;
  private stopping = false;
  private tokens: TokenCounts = ZERO_TOKENS;

  constructor(
    private readonly options: ClaudeSessionOptions,
    readonly threadId: string,
    child: LaunchedProcess,
    private readonly tools: SessionToolServer,
  ) {
    this.pid = child.pid;
    this.logger = (options.logger ?? silentLogger).child({
      claude_pid: child.pid,
      claude_session_id: threadId,
    });
    this.process = new AgentProcess(
      child,
      {
        line: (line) => this.onStdoutLine(line),
        overlong: (bytes, head) => {
          this.lastActivityAt = performance.now();
          this.emit("malformed", `dropped a ${bytes}-byte stream-json line`, undefined, { bytes, head });
        },
        stderr: (line) => this.emit("stderr", stderrSummary(line), undefined, { line }),
        exit: (status) => this.onExit(status),
      },
      this.logger,
      "claude",
      options.maxLineBytes,
    );
  }

  async handshake(): Promise<void> {
    await this.control("initialize", {});
    this.emit("notification", "claude initialized", undefined, undefined, "control/initialize");
  }

  async runTurn(input: TurnInput): Promise<TurnOutcome> {
    if (this.turn !== null) {
      throw new BatonError(
        "turn_in_progress",
        `A turn is already running on Claude session ${this.threadId}`,
      );
    }
    if (this.exit !== null) throw this.exit;
    const number = ++this.turnsStarted;
    const outcome = new Promise<TurnOutcome>((resolve, reject) => {
      this.turn = { number, resolve, reject, timer: null, interruptRequested: false };
    });
    const turn = this.turn!;
    this.lastActivityAt = performance.now();
    turn.timer = this.turnTimer(turn);
    outcome.catch(() => {});
    // The session title has no place in Claude Code's protocol: it goes into the logs only.
    this.write({ type: "user", message: { role: "user", content: input.prompt } });
    this.emit("session_started", `session ${this.sessionIdOf(turn)} started`, undefined, {
      title: input.title,
    });
    return outcome;
  }

  async interrupt(): Promise<void> {
    const turn = this.turn;
    if (turn === null || this.exit !== null) return;
    turn.interruptRequested = true;
    await this.control("interrupt", {});
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.process.stop(this.options.stopGraceMs ?? 2_000);
    await this.tools.close();
  }

  emitStartupFailed(error: BatonError): void {
    this.emit("startup_failed", `startup failed: ${error.message}`, undefined, {
      category: error.category,
      message: error.message,
    });
  }

  toolCallStarted(): void {
    this.toolCallsInFlight++;
    this.lastActivityAt = performance.now();
  }

  toolCallFinished(name: string, args: unknown, result: ToolResult): void {
    this.toolCallsInFlight--;
    this.lastActivityAt = performance.now();
    this.emit(
      result.success ? "tool_call_completed" : "tool_call_failed",
      `tool ${name} ${result.success ? "succeeded" : "failed"}`,
      undefined,
      { request: { tool: name, arguments: args }, result },
      "mcp/tools/call",
    );
  }

  // ---- outgoing ----

  private write(message: Record<string, unknown>): void {
    this.process.write(message);
  }

  /** A control request (`initialize`, `interrupt`); settles with Claude Code's control_response. */
  private control(subtype: string, fields: Record<string, unknown>): Promise<unknown> {
    if (this.exit !== null) return Promise.reject(this.exit);
    const requestId = `baton_${this.nextControlId++}`;
    const timeoutMs = this.options.readTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingControl.delete(requestId);
        reject(
          new BatonError(
            "response_timeout",
            `Claude Code did not answer ${subtype} within ${timeoutMs} ms (claude.read_timeout_ms)`,
            { request: subtype, timeout_ms: timeoutMs },
          ),
        );
      }, timeoutMs);
      this.pendingControl.set(requestId, { subtype, resolve, reject, timer });
      this.write({ type: "control_request", request_id: requestId, request: { subtype, ...fields } });
    });
  }

  // ---- incoming ----

  private onStdoutLine(line: string): void {
    this.lastActivityAt = performance.now();
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      if (line.trim() !== "") {
        this.emit("malformed", `malformed stream-json line (${line.length} chars)`, undefined, {
          line: line.slice(0, 200),
        });
      }
      return;
    }
    if (objectAt(record) === null) {
      this.emit("malformed", "stream-json line is not an object", undefined, { line: line.slice(0, 200) });
      return;
    }
    this.sawOutput = true;
    switch (stringAt(record, "type")) {
      case "control_response":
        this.onControlResponse(record);
        return;
      case "control_request":
        this.onControlRequest(record);
        return;
      case "system":
        this.onSystem(record);
        return;
      case "assistant":
        for (const summary of assistantSummaries(record))
          this.emit("notification", summary, undefined, record, "assistant");
        return;
      case "user":
        for (const summary of toolResultSummaries(record))
          this.emit("notification", summary, undefined, record, "user");
        return;
      case "result":
        this.onResult(record);
        return;
      case "rate_limit_event":
        this.emit(
          "notification",
          "rate limits updated",
          { rate_limits: objectAt(record, "rate_limit_info") ?? record },
          record,
          "rate_limit_event",
        );
        return;
      default:
        this.emit(
          "other_message",
          `claude ${stringAt(record, "type") ?? "record"}`,
          undefined,
          record,
          stringAt(record, "type") ?? undefined,
        );
    }
  }

  private onControlResponse(record: unknown): void {
    const response = objectAt(record, "response");
    const requestId = stringAt(response, "request_id");
    const pending = requestId === null ? undefined : this.pendingControl.get(requestId);
    if (pending === undefined || requestId === null) return;
    this.pendingControl.delete(requestId);
    clearTimeout(pending.timer);
    if (stringAt(response, "subtype") === "success") {
      pending.resolve(objectAt(response, "response"));
      return;
    }
    pending.reject(
      new BatonError(
        "response_error",
        `Claude Code rejected ${pending.subtype}: ${stringAt(response, "error") ?? "no message"}`,
        {
          request: pending.subtype,
        },
      ),
    );
  }

  /** Baton registers no hooks or permission callbacks, so any request from Claude Code is unexpected. */
  private onControlRequest(record: unknown): void {
    const requestId = stringAt(record, "request_id");
    const subtype = stringAt(record, "request", "subtype") ?? "unknown";
    if (requestId !== null) {
      this.write({
        type: "control_response",
        response: { subtype: "error", request_id: requestId, error: `Baton does not handle ${subtype}` },
      });
    }
    this.emit(
      "other_message",
      `answered unsupported control request ${subtype} with an error`,
      undefined,
      record,
      "control_request",
    );
  }

  private onSystem(record: unknown): void {
    const subtype = stringAt(record, "subtype");
    if (subtype === "init") {
      const servers = Array.isArray(objectAt(record)?.mcp_servers)
        ? (objectAt(record)?.mcp_servers as unknown[])
        : [];
      const baton = servers.find((server) => stringAt(server, "name") === "baton");
      const status = stringAt(baton, "status") ?? "absent";
      if (this.options.tools.length > 0 && status !== "connected") {
        this.logger.warn({ status }, "Baton's MCP tool server is not connected to Claude Code");
      }
      this.emit(
        "notification",
        `claude ready model=${stringAt(record, "model")} permission_mode=${stringAt(record, "permissionMode")} baton_tools=${status}`,
        undefined,
        record,
        "system/init",
      );
      return;
    }
    if (subtype === "permission_denied") {
      this.onPermissionDenied(record);
      return;
    }
    this.emit("notification", `claude ${subtype ?? "system"}`, undefined, record, `system/${subtype ?? ""}`);
  }

  /**
   * Claude Code refused a tool because no permission rule grants it: under an interactive policy
   * a human would have been asked. Like Codex's approval requests, that blocks the run.
   */
  private onPermissionDenied(record: unknown): void {
    const tool = stringAt(record, "tool_name") ?? "a tool";
    const summary = `Claude Code asked to use ${tool}, which claude.permission_mode ${this.options.settings.permission_mode} and claude.allowed_tools do not grant`;
    if (DENYING_MODES.has(this.options.settings.permission_mode)) {
      this.emit(
        "notification",
        `denied ${tool} (permission_mode ${this.options.settings.permission_mode})`,
        undefined,
        record,
        "system/permission_denied",
      );
      return;
    }
    this.emit("approval_required", summary, undefined, record, "system/permission_denied");
    const turn = this.turn;
    if (turn === null) return;
    this.control("interrupt", {}).catch((error) =>
      this.logger.debug({ err: error }, "interrupt after a denied tool failed"),
    );
    this.finishTurn(
      turn,
      new BatonError("approval_required", summary, { tool, message: stringAt(record, "message") }),
    );
  }

  private onResult(record: unknown): void {
    const usage = turnUsage(record);
    if (usage !== null) {
      // Each result covers the calls since the previous one, so the session total is their sum.
      const before = this.tokens;
      this.tokens = addTokens(before, usage);
      this.emit(
        "notification",
        `tokens in=${this.tokens.input_tokens} out=${this.tokens.output_tokens}`,
        { usage_totals: this.tokens, usage_delta: usage },
        record,
        "result",
      );
    }
    const turn = this.turn;
    if (turn === null) return;
    const ending = resultKind(record);
    if (ending.kind === "completed") {
      this.emit("turn_completed", "turn completed", undefined, record, "result");
      this.finishTurn(turn, null);
      return;
    }
    if (turn.interruptRequested) {
      this.emit("turn_cancelled", "turn interrupted", undefined, record, "result");
      this.finishTurn(
        turn,
        new BatonError("turn_cancelled", `Claude turn ${this.sessionIdOf(turn)} was interrupted`, {}),
      );
      return;
    }
    const message = `Claude turn ${this.sessionIdOf(turn)} failed: ${ending.reason}`;
    this.emit("turn_failed", message, undefined, record, "result");
    this.finishTurn(turn, new BatonError("turn_failed", message, { subtype: stringAt(record, "subtype") }));
  }

  private onExit(status: ExitStatus): void {
    const tail = this.process.stderrTail();
    const how = status.signal !== null ? `signal ${status.signal}` : `code ${status.code}`;
    this.exit =
      status.code === COMMAND_NOT_FOUND_EXIT && !this.sawOutput
        ? new BatonError(
            "claude_not_found",
            `Claude Code command not found: \`${this.options.settings.command}\` exited 127 (${tail || "no output"})`,
            { command: this.options.settings.command },
          )
        : new BatonError(
            "port_exit",
            `Claude Code exited with ${how}${tail === "" ? "" : `; stderr: ${tail}`}`,
            {
              exit_code: status.code,
              signal: status.signal,
              stderr_tail: tail,
            },
          );
    for (const pending of this.pendingControl.values()) {
      clearTimeout(pending.timer);
      pending.reject(this.exit);
    }
    this.pendingControl.clear();
    const turn = this.turn;
    if (turn === null) return;
    const error = this.stopping
      ? new BatonError(
          "turn_cancelled",
          `Claude session ${this.threadId} was stopped during turn ${turn.number}`,
          {},
        )
      : this.exit;
    this.emit("turn_ended_with_error", error.message, undefined, { category: error.category });
    this.finishTurn(turn, error);
  }

  private turnTimer(turn: ActiveTurn): SilenceTimer {
    const timeoutMs = this.options.turnTimeoutMs;
    return new SilenceTimer(
      timeoutMs,
      () => performance.now() - this.lastActivityAt,
      () => this.toolCallsInFlight > 0,
      () => {
        const error = new BatonError(
          "turn_timeout",
          `Claude turn ${this.sessionIdOf(turn)} produced no output for ${timeoutMs} ms (claude.turn_timeout_ms)`,
          { timeout_ms: timeoutMs },
        );
        this.emit("turn_ended_with_error", error.message, undefined, { category: error.category });
        this.control("interrupt", {}).catch(() => {});
        this.finishTurn(turn, error);
      },
    );
  }

  private finishTurn(turn: ActiveTurn, error: BatonError | null): void {
    if (this.turn !== turn) return;
    this.turn = null;
    turn.timer?.clear();
    if (error !== null) {
      turn.reject(error);
      return;
    }
    turn.resolve({ threadId: this.threadId, turnId: String(turn.number), sessionId: this.sessionIdOf(turn) });
  }

  private sessionIdOf(turn: ActiveTurn): string {
    return `${this.threadId}-${turn.number}`;
  }

  // ---- events ----

  private emit(
    event: AgentEventName,
    summary: string,
    extra?: EventExtra,
    payload?: unknown,
    method?: string,
  ): void {
    const turn = this.turn;
    emitAgentEvent(
      this.options,
      this.logger,
      {
        pid: this.pid,
        threadId: this.threadId,
        turnId: turn === null ? null : String(turn.number),
        sessionId: turn === null ? null : this.sessionIdOf(turn),
      },
      event,
      summary,
      extra,
      payload,
      method,
    );
  }
}
