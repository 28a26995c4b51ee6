import { performance } from "node:perf_hooks";
import type {
  AgentEventName,
  AgentRequest,
  ApprovalAnswer,
  ExitStatus,
  LaunchedProcess,
  Logger,
  TokenCounts,
  ToolResult,
} from "@baton/domain";
import { BatonError, canonicalAgentCwd, silentLogger, toBatonError, ZERO_TOKENS } from "@baton/domain";
import {
  type AgentClientSession,
  AgentProcess,
  type AgentProcessOptions,
  COMMAND_NOT_FOUND_EXIT,
  type EventContext,
  type EventExtra,
  emitAgentEvent,
  handshakeOrStop,
  isoNow,
  SilenceTimer,
  stderrSummary,
  type TurnInput,
  type TurnOutcome,
} from "./agent-process.ts";
import { MAX_LINE_BYTES } from "./framing.ts";
import {
  type ClientInfo,
  CONFINED_TURN_SANDBOX_POLICY,
  DEFAULT_CLIENT_INFO,
  defaultTurnSandboxPolicy,
  initializeParams,
  threadStartParams,
  turnStartParams,
} from "./protocol.ts";
import { type AskedRequest, answerResult, decideServerRequest, toolCallResponse } from "./server-requests.ts";
import { formatTokens, summarizeNotification } from "./summaries.ts";
import { absoluteTokenTotals, mergeRateLimits, tokenDelta } from "./telemetry.ts";

export interface CodexSessionOptions extends AgentProcessOptions {
  /** `codex.command`, run as `bash -lc` by the launcher. */
  command: string;
  approvalPolicy: unknown;
  threadSandbox: unknown;
  /** Explicit turn sandbox policy, or null for Baton's default (workspace-write on the issue workspace). */
  turnSandboxPolicy: unknown | null;
  clientInfo?: ClientInfo;
  /**
   * B.phases `approvals.agent_requests`: `gate` keeps command/file approvals and user-input requests
   * waiting for `answerRequest` (default `block`: declined, the turn ends as approval_required).
   */
  agentRequests?: "block" | "gate";
  /** With `gate`: how long a request waits before the turn ends as `agent_request_unanswered`. */
  requestWaitMs?: number;
  /** With `gate`: a request started waiting (`waiting` true) or stopped waiting (answered, or the turn ended). */
  onAgentRequest?(request: AgentRequest, waiting: boolean): void;
  /**
   * With `gate`: commands a person already approved for an earlier run of this issue (its agent no
   * longer waited); the same command in the same directory is accepted without asking again.
   */
  approvedCommands?: readonly { command: string; cwd: string | null }[];
}

/** A Codex app-server session; its `threadId` is the Codex thread. */
export interface CodexSession extends AgentClientSession {
  /** Answers a waiting request (B.phases); false when it no longer waits (answered, timed out, turn over). */
  answerRequest(requestId: string, answer: ApprovalAnswer): boolean;
}

/**
 * Starts `codex app-server` in the issue workspace and performs the handshake (initialize,
 * initialized, thread/start). Rejects with a BatonError (`invalid_workspace_cwd`, `codex_not_found`,
 * `response_timeout`, `response_error`, `port_exit`) after emitting `startup_failed`.
 */
export async function startCodexSession(options: CodexSessionOptions): Promise<CodexSession> {
  const cwd = await canonicalAgentCwd(options.workspacePath, options.workspaceRoot, "Codex");
  const child = options.launcher.launch({
    command: options.command,
    cwd,
    ...(options.env !== undefined && { env: options.env }),
    ...(options.declaredEnv !== undefined && { declaredEnv: options.declaredEnv }),
    unsetEnv: options.secretEnvNames,
  });
  // The agent is told the path it sees (a container mounts the workspace elsewhere), as cwd and writable root.
  return handshakeOrStop(new AppServerSession(options, options.launcher.visiblePath(cwd), child));
}

interface PendingRequest {
  method: string;
  onResult: ((result: unknown) => void) | undefined;
  resolve(result: unknown): void;
  reject(error: BatonError): void;
  timer: NodeJS.Timeout;
}

interface WaitingRequest {
  rpcId: number | string;
  request: AgentRequest;
  timer: NodeJS.Timeout | null;
}

/** Diffs of announced file changes kept for approval requests (by item id); the oldest go first. */
const ANNOUNCED_CHANGES_LIMIT = 50;

interface ActiveTurn {
  /** Known once turn/start has been answered. */
  turnId: string | null;
  sessionId: string | null;
  resolve(outcome: TurnOutcome): void;
  reject(error: BatonError): void;
  timer: SilenceTimer | null;
  toolCallsInFlight: number;
  /** Message of the last `error` notification, reported if the turn then fails. */
  lastError: string | null;
}

interface IncomingMessage {
  id?: number | string | null;
  method?: unknown;
  params?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/** JSON-RPC "method not found". */
const METHOD_NOT_FOUND = -32601;

class AppServerSession implements CodexSession {
  threadId = "";
  readonly pid: number | null;
  private readonly logger: Logger;
  private readonly toolNames: ReadonlySet<string>;
  private readonly pending = new Map<number, PendingRequest>();
  private nextRequestId = 1;
  private turn: ActiveTurn | null = null;
  private lastActivityAt = 0;
  private sawProtocolOutput = false;
  private readonly process: AgentProcess;
  private exit: BatonError | null = null;
  private stopping = false;
  private currentTitle: string | null = null;
  private readonly reportedTokens = new Map<string, TokenCounts>();
  private rateLimits: Record<string, unknown> | null = null;
  /** Optional methods the server said it does not implement: not sent again this session. */
  private readonly unsupportedOptional = new Set<string>();
  /** Optional methods whose failure was already logged this session. */
  private readonly loggedOptional = new Set<string>();
  /** Requests waiting for a person's answer (approvals.agent_requests: gate), by request id. */
  private readonly waiting = new Map<string, WaitingRequest>();
  /** Unified diffs of file changes the server announced, by item id, for the approval that follows. */
  private readonly announcedChanges = new Map<string, string>();
  /**
   * Where the next event happened; refreshed and reused by each `emit` (read before the listener
   * runs, never kept). `timestamp` is set while a stdout chunk's lines are handled.
   */
  private readonly eventContext: EventContext;

  constructor(
    private readonly options: CodexSessionOptions,
    /** The workspace as the app-server sees it: its cwd and writable root. */
    private readonly cwd: string,
    child: LaunchedProcess,
  ) {
    this.pid = child.pid;
    this.eventContext = { pid: child.pid, threadId: "", turnId: null, sessionId: null, timestamp: null };
    this.logger = (options.logger ?? silentLogger).child({ codex_app_server_pid: child.pid });
    this.toolNames = new Set(options.tools.map((tool) => tool.name));
    this.process = new AgentProcess(
      child,
      {
        // Stamped per chunk, not per line: the lines of one chunk arrived together, and their
        // events carry the time the chunk arrived (one clock read per chunk, not per event).
        chunk: () => {
          this.lastActivityAt = performance.now();
          this.eventContext.timestamp = isoNow();
        },
        chunkDone: () => {
          this.eventContext.timestamp = null;
        },
        line: (line) => this.onStdoutLine(line),
        overlong: (bytes, head) => this.onOverlongLine(bytes, head),
        stderr: (line) => this.emit("stderr", stderrSummary(line), undefined, { line }),
        exit: (status) => this.onExit(status),
      },
      this.logger,
      "codex",
      options.maxLineBytes,
    );
  }

  async handshake(): Promise<void> {
    await this.request("initialize", initializeParams(this.options.clientInfo ?? DEFAULT_CLIENT_INFO));
    this.write({ method: "initialized" });
    const result = await this.request(
      "thread/start",
      threadStartParams({
        cwd: this.cwd,
        approvalPolicy: this.options.approvalPolicy,
        threadSandbox: this.options.threadSandbox,
        tools: this.options.tools,
      }),
    );
    const threadId = stringAt(result, "thread", "id");
    if (threadId === null) {
      throw new BatonError("response_error", "Codex answered thread/start without a thread id", {
        method: "thread/start",
      });
    }
    this.threadId = threadId;
  }

  async runTurn(input: TurnInput): Promise<TurnOutcome> {
    if (this.turn !== null) {
      throw new BatonError("turn_in_progress", `A turn is already running on Codex thread ${this.threadId}`);
    }
    if (input.title !== this.currentTitle) {
      // The protocol's session title is the thread name; turn/start has no title field. turn/start
      // follows on the same stream without waiting for this courtesy's answer (a round trip saved
      // on every pickup); the process ending, the one failure that matters, fails turn/start too.
      void this.optionalRequest("thread/name/set", { threadId: this.threadId, name: input.title }).catch(
        () => {},
      );
      this.currentTitle = input.title;
    }
    const outcome = new Promise<TurnOutcome>((resolve, reject) => {
      this.turn = {
        turnId: null,
        sessionId: null,
        resolve,
        reject,
        timer: null,
        toolCallsInFlight: 0,
        lastError: null,
      };
    });
    const turn = this.turn!;
    this.lastActivityAt = performance.now();
    turn.timer = this.turnTimer(turn);
    // The outcome may settle (timeout, exit) while turn/start is pending; the caller gets it below.
    outcome.catch(() => {});
    try {
      await this.request(
        "turn/start",
        turnStartParams({
          threadId: this.threadId,
          prompt: input.prompt,
          cwd: this.cwd,
          sandboxPolicy:
            this.options.turnSandboxPolicy ??
            (this.options.launcher.confines === true
              ? CONFINED_TURN_SANDBOX_POLICY
              : defaultTurnSandboxPolicy(this.cwd)),
        }),
        (result) => this.onTurnStartResult(turn, result),
      );
    } catch (error) {
      this.finishTurn(turn, toBatonError(error, "response_error"));
    }
    return outcome;
  }

  /**
   * Runs synchronously with the turn/start response, before any later line of the same chunk, so
   * the turn id is known when that turn's notifications arrive.
   */
  private onTurnStartResult(turn: ActiveTurn, result: unknown): void {
    const turnId = stringAt(result, "turn", "id");
    if (turnId === null) {
      throw new BatonError("response_error", "Codex answered turn/start without a turn id", {
        method: "turn/start",
      });
    }
    if (this.turn !== turn) return;
    turn.turnId = turnId;
    turn.sessionId = `${this.threadId}-${turnId}`;
    this.emit("session_started", `session ${turn.sessionId} started`, undefined, result);
  }

  async interrupt(): Promise<void> {
    const turnId = this.turn?.turnId;
    if (turnId === null || turnId === undefined || this.exit !== null) return;
    await this.request("turn/interrupt", { threadId: this.threadId, turnId });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.process.stop(this.options.stopGraceMs ?? 2_000);
  }

  emitStartupFailed(error: BatonError): void {
    this.emit("startup_failed", `startup failed: ${error.message}`, undefined, {
      category: error.category,
      message: error.message,
    });
  }

  // ---- outgoing ----

  private write(message: Record<string, unknown>): void {
    this.process.write(message);
  }

  /** Sends a request; `onResult` runs synchronously when the answer is read, before later lines. */
  private request(method: string, params: unknown, onResult?: (result: unknown) => void): Promise<unknown> {
    if (this.exit !== null) return Promise.reject(this.exit);
    const id = this.nextRequestId++;
    const timeoutMs = this.options.readTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new BatonError(
            "response_timeout",
            `Codex app-server did not answer ${method} within ${timeoutMs} ms`,
            {
              method,
              timeout_ms: timeoutMs,
            },
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer, onResult });
      this.write({ id, method, params });
    });
  }

  /**
   * A courtesy request the run does not need (SPEC 10.2: titles only where the protocol supports
   * them): a server that rejects it is logged once per session at debug and the run goes on. Only
   * the process ending fails it, since nothing else can work then either.
   */
  private async optionalRequest(method: string, params: unknown): Promise<void> {
    if (this.unsupportedOptional.has(method)) return;
    try {
      await this.request(method, params);
    } catch (error) {
      const failure = toBatonError(error, "response_error");
      if (failure.category === "port_exit" || failure.category === "codex_not_found") throw failure;
      if (failure.details.code === METHOD_NOT_FOUND) this.unsupportedOptional.add(method);
      if (this.loggedOptional.has(method)) return;
      this.loggedOptional.add(method);
      this.logger.debug(
        { method, err: failure },
        `Codex did not accept optional ${method}; going on without it`,
      );
    }
  }

  private respond(id: number | string, result: unknown): void {
    this.write({ id, result });
  }

  // ---- incoming ----

  private onStdoutLine(line: string): void {
    let message: IncomingMessage;
    try {
      message = JSON.parse(line);
    } catch {
      if (line.trim() !== "") this.onMalformed(line, line.length);
      return;
    }
    if (message === null || typeof message !== "object" || Array.isArray(message)) {
      this.onMalformed(line, line.length);
      return;
    }
    this.sawProtocolOutput = true;
    const method = message.method;
    if (typeof method === "string") {
      if (message.id !== undefined && message.id !== null)
        this.onServerRequest(message.id, method, message.params);
      else this.onNotification(method, message.params);
    } else if (typeof message.id === "number" && this.pending.has(message.id)) {
      this.onResponse(message.id, message);
    } else {
      this.emit("other_message", "unrecognised message from Codex", undefined, message);
    }
  }

  private onMalformed(line: string, length: number): void {
    this.emit("malformed", `malformed protocol line (${length} chars)`, undefined, {
      line: line.slice(0, 200),
    });
  }

  private onOverlongLine(bytes: number, head: string): void {
    this.emit(
      "malformed",
      `dropped a ${bytes}-byte protocol line (limit ${this.options.maxLineBytes ?? MAX_LINE_BYTES})`,
      undefined,
      { bytes, head },
    );
  }

  private onResponse(id: number, message: IncomingMessage): void {
    const request = this.pending.get(id)!;
    this.pending.delete(id);
    clearTimeout(request.timer);
    if (message.error !== undefined && message.error !== null) {
      const detail = typeof message.error.message === "string" ? message.error.message : "no message";
      request.reject(
        new BatonError("response_error", `Codex rejected ${request.method}: ${detail}`, {
          method: request.method,
          code: message.error.code,
        }),
      );
      return;
    }
    try {
      request.onResult?.(message.result);
      request.resolve(message.result);
    } catch (error) {
      request.reject(toBatonError(error, "response_error"));
    }
  }

  private onNotification(method: string, params: unknown): void {
    if (method === "item/started" && this.options.agentRequests === "gate") this.noteFileChange(params);
    switch (method) {
      case "turn/completed":
        this.onTurnCompleted(params);
        return;
      case "turn/started":
        this.emit("turn_started", "turn started", undefined, params, method);
        return;
      case "error": {
        const message = stringAt(params, "error", "message");
        if (this.turn !== null && message !== null) this.turn.lastError = message;
        break;
      }
      case "account/rateLimits/updated":
        this.rateLimits = mergeRateLimits(this.rateLimits, field(params, "rateLimits"));
        this.emit(
          "notification",
          summarizeNotification(method, params),
          { rate_limits: this.rateLimits },
          params,
          method,
        );
        return;
    }
    const totals = absoluteTokenTotals(method, params);
    if (totals !== null) {
      this.onTokenTotals(method, params, totals);
      return;
    }
    this.emit("notification", summarizeNotification(method, params), undefined, params, method);
  }

  private onTokenTotals(method: string, params: unknown, totals: TokenCounts): void {
    const threadId = stringAt(params, "threadId") ?? this.threadId;
    const { delta, highWater } = tokenDelta(this.reportedTokens.get(threadId) ?? ZERO_TOKENS, totals);
    this.reportedTokens.set(threadId, highWater);
    this.emit(
      "notification",
      formatTokens(totals),
      { usage_totals: totals, usage_delta: delta },
      params,
      method,
    );
  }

  private onTurnCompleted(params: unknown): void {
    const turn = this.turn;
    const turnId = stringAt(params, "turn", "id");
    const threadId = stringAt(params, "threadId");
    const ours =
      turn !== null &&
      (threadId === null || threadId === this.threadId) &&
      (turn.turnId === null || turn.turnId === turnId);
    if (!ours) {
      this.emit("notification", "another turn completed", undefined, params, "turn/completed");
      return;
    }
    const status = stringAt(params, "turn", "status");
    if (status === "completed") {
      this.emit("turn_completed", "turn completed", undefined, params, "turn/completed");
      this.finishTurn(turn, null);
      return;
    }
    if (status === "interrupted") {
      this.emit("turn_cancelled", "turn interrupted", undefined, params, "turn/completed");
      this.finishTurn(
        turn,
        new BatonError("turn_cancelled", `Codex turn ${turnId} was interrupted`, { turn_id: turnId }),
      );
      return;
    }
    const reason = [turn.lastError, stringAt(params, "turn", "error", "message")]
      .filter((text, index, all): text is string => text !== null && all.indexOf(text) === index)
      .join(": ");
    const message = `Codex turn ${turnId} ${status === "failed" ? "failed" : `ended with status ${String(status)}`}${reason === "" ? "" : `: ${reason}`}`;
    this.emit("turn_failed", message, undefined, params, "turn/completed");
    this.finishTurn(
      turn,
      new BatonError("turn_failed", message, {
        turn_id: turnId,
        status,
        codex_error_info: field(field(field(params, "turn"), "error"), "codexErrorInfo") ?? null,
      }),
    );
  }

  private onServerRequest(id: number | string, method: string, params: unknown): void {
    const decision = decideServerRequest(
      method,
      params,
      this.options.approvalPolicy,
      this.toolNames,
      this.options.agentRequests,
    );
    switch (decision.kind) {
      case "answer":
        this.respond(id, decision.result);
        this.emit("approval_auto_approved", decision.summary, undefined, params, method);
        return;
      case "block": {
        this.respond(id, decision.result);
        this.emit(decision.category, decision.summary, undefined, params, method);
        this.blockTurn(new BatonError(decision.category, decision.summary, { method }));
        return;
      }
      case "ask":
        this.ask(id, decision.request, params);
        return;
      case "tool_call":
        void this.runToolCall(id, decision.tool, decision.arguments, params);
        return;
      case "unknown_tool":
        this.respond(id, decision.result);
        this.emit("unsupported_tool_call", decision.summary, undefined, params, method);
        return;
      case "unsupported":
        this.write({ id, error: { code: decision.code, message: decision.message } });
        this.emit(
          "other_message",
          `answered unsupported server request ${method} with an error`,
          undefined,
          params,
          method,
        );
        return;
    }
  }

  private async runToolCall(
    id: number | string,
    tool: string,
    args: unknown,
    params: unknown,
  ): Promise<void> {
    const turn = this.turn;
    if (turn !== null) turn.toolCallsInFlight++;
    let result: ToolResult;
    try {
      result = await this.options.executeTool(tool, args);
    } catch (error) {
      result = { success: false, output: { error: error instanceof Error ? error.message : String(error) } };
    } finally {
      if (turn !== null) turn.toolCallsInFlight--;
      this.lastActivityAt = performance.now();
    }
    this.respond(id, toolCallResponse(result));
    const event = result.success ? "tool_call_completed" : "tool_call_failed";
    this.emit(
      event,
      `tool ${tool} ${result.success ? "succeeded" : "failed"}`,
      undefined,
      { request: params, result },
      "item/tool/call",
    );
  }

  /** Remembers the diff of an announced file change, for the approval request that follows it. */
  private noteFileChange(params: unknown): void {
    const item = field(params, "item");
    const itemId = stringAt(item, "id");
    const changes = field(item, "changes");
    if (stringAt(item, "type") !== "fileChange" || itemId === null || !Array.isArray(changes)) return;
    const diff = changes
      .map((change) => {
        const path = stringAt(change, "path") ?? "(unknown file)";
        const body = stringAt(change, "diff") ?? "";
        return body.startsWith("---") || body.startsWith("diff ")
          ? body
          : `--- ${path}\n+++ ${path}\n${body}`;
      })
      .join("\n");
    this.announcedChanges.set(itemId, diff);
    if (this.announcedChanges.size > ANNOUNCED_CHANGES_LIMIT)
      this.announcedChanges.delete(this.announcedChanges.keys().next().value!);
  }

  /** Keeps a request waiting for a person (approvals.agent_requests: gate), bounded by requestWaitMs. */
  private ask(rpcId: number | string, asked: AskedRequest, params: unknown): void {
    const approved = (this.options.approvedCommands ?? []).some(
      (entry) => asked.kind === "command" && entry.command === asked.command && entry.cwd === asked.cwd,
    );
    if (approved) {
      this.respond(rpcId, answerResult(asked, { decision: "approve", note: null }));
      this.emit(
        "approval_auto_approved",
        `approved earlier by a person: ${asked.summary}`,
        undefined,
        params,
        asked.method,
      );
      return;
    }
    const itemId = stringAt(params, "itemId");
    const request: AgentRequest = {
      ...asked,
      id: `${asked.method}#${rpcId}`,
      diff:
        asked.kind === "file_change" && itemId !== null ? (this.announcedChanges.get(itemId) ?? null) : null,
      asked_at: isoNow(),
    };
    const waiting: WaitingRequest = { rpcId, request, timer: null };
    this.waiting.set(request.id, waiting);
    const waitMs = this.options.requestWaitMs;
    if (waitMs !== undefined) waiting.timer = setTimeout(() => this.giveUpWaiting(waiting, waitMs), waitMs);
    const event = asked.kind === "user_input" ? "turn_input_required" : "approval_required";
    this.emit(
      event,
      `waiting for a person to ${request.summary}`,
      undefined,
      { request, params },
      asked.method,
    );
    this.notifyRequest(request, true);
  }

  answerRequest(requestId: string, answer: ApprovalAnswer): boolean {
    const waiting = this.waiting.get(requestId);
    if (waiting === undefined || this.exit !== null) return false;
    this.settle(waiting);
    this.respond(waiting.rpcId, answerResult(waiting.request, answer));
    this.lastActivityAt = performance.now();
    const how = answer.decision === "approve" ? "approved" : `rejected (${answer.reason})`;
    this.emit("notification", `${waiting.request.summary}: ${how}`, undefined, {
      request: waiting.request,
      answer,
    });
    return true;
  }

  /** Nobody answered in time: decline, so the server does not stall, and end the turn. */
  private giveUpWaiting(waiting: WaitingRequest, waitMs: number): void {
    if (this.waiting.get(waiting.request.id) !== waiting) return;
    this.settle(waiting);
    this.respond(
      waiting.rpcId,
      answerResult(waiting.request, { decision: "reject", reason: "no answer in time" }),
    );
    this.blockTurn(
      new BatonError(
        "agent_request_unanswered",
        `nobody answered the agent's request to ${waiting.request.summary} within ${waitMs} ms (approvals.agent_wait_ms); the issue waits for the answer`,
        { agent_request: waiting.request },
      ),
    );
  }

  private settle(waiting: WaitingRequest): void {
    if (waiting.timer !== null) clearTimeout(waiting.timer);
    this.waiting.delete(waiting.request.id);
    this.notifyRequest(waiting.request, false);
  }

  /** The turn ended: requests still waiting can no longer be answered here. */
  private settleAllWaiting(): void {
    for (const waiting of [...this.waiting.values()]) this.settle(waiting);
  }

  private notifyRequest(request: AgentRequest, waiting: boolean): void {
    try {
      this.options.onAgentRequest?.(request, waiting);
    } catch (error) {
      this.logger.error({ err: error }, "agent request listener threw");
    }
  }

  /** Ends the active turn for a request Baton will not satisfy, and tells the server to stop it. */
  private blockTurn(error: BatonError): void {
    const turn = this.turn;
    if (turn === null) return;
    if (turn.turnId !== null && this.exit === null) {
      this.request("turn/interrupt", { threadId: this.threadId, turnId: turn.turnId }).catch((failure) =>
        this.logger.debug({ err: failure }, "turn/interrupt after a blocked request failed"),
      );
    }
    this.finishTurn(turn, error);
  }

  private onExit(status: ExitStatus): void {
    const notFound = status.code === COMMAND_NOT_FOUND_EXIT && !this.sawProtocolOutput;
    const how = status.signal !== null ? `signal ${status.signal}` : `code ${status.code}`;
    this.exit = status.error
      ? status.error
      : notFound
        ? new BatonError(
            "codex_not_found",
            `Codex command not found: \`${this.options.command}\` exited 127 (${this.process.lastStderrLine() || "no output"})`,
            { command: this.options.command },
          )
        : new BatonError("port_exit", `Codex app-server exited with ${how}`, {
            exit_code: status.code,
            signal: status.signal,
          });
    for (const request of this.pending.values()) {
      clearTimeout(request.timer);
      request.reject(this.exit);
    }
    this.pending.clear();
    const turn = this.turn;
    if (turn === null) return;
    const error = this.stopping
      ? new BatonError("turn_cancelled", `Codex session was stopped during turn ${turn.turnId}`, {
          turn_id: turn.turnId,
        })
      : this.exit;
    this.emit("turn_ended_with_error", error.message, undefined, { category: error.category });
    this.finishTurn(turn, error);
  }

  private turnTimer(turn: ActiveTurn): SilenceTimer {
    const timeoutMs = this.options.turnTimeoutMs;
    return new SilenceTimer(
      timeoutMs,
      () => performance.now() - this.lastActivityAt,
      () => turn.toolCallsInFlight > 0 || this.waiting.size > 0,
      () => {
        const error = new BatonError(
          "turn_timeout",
          `Codex turn ${turn.turnId} produced no output for ${timeoutMs} ms (codex.turn_timeout_ms)`,
          { turn_id: turn.turnId, timeout_ms: timeoutMs },
        );
        this.emit("turn_ended_with_error", error.message, undefined, { category: error.category });
        this.finishTurn(turn, error);
      },
    );
  }

  private finishTurn(turn: ActiveTurn, error: BatonError | null): void {
    if (this.turn !== turn) return;
    this.turn = null;
    this.settleAllWaiting();
    turn.timer?.clear();
    if (error !== null) {
      turn.reject(error);
      return;
    }
    const turnId = turn.turnId ?? "";
    turn.resolve({
      threadId: this.threadId,
      turnId,
      sessionId: turn.sessionId ?? `${this.threadId}-${turnId}`,
    });
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
    const context = this.eventContext;
    context.threadId = this.threadId;
    context.turnId = turn?.turnId ?? null;
    context.sessionId = context.turnId === null ? null : (turn?.sessionId ?? null);
    emitAgentEvent(this.options, this.logger, context, event, summary, extra, payload, method);
  }
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
}

function stringAt(value: unknown, ...keys: string[]): string | null {
  let current = value;
  for (const key of keys) current = field(current, key);
  return typeof current === "string" ? current : null;
}
