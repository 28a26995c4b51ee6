import type {
  AgentEvent,
  AgentEventName,
  AgentToolSpec,
  ExitStatus,
  LaunchedProcess,
  Launcher,
  Logger,
  ToolResult,
} from "@baton/domain";
import { type BatonError, toBatonError } from "@baton/domain";
import { LineSplitter, MAX_LINE_BYTES } from "./framing.ts";

/** What every agent client needs to start and supervise its process (Codex and Claude Code alike). */
export interface AgentProcessOptions {
  /** The issue workspace; checked to be a directory strictly inside `workspaceRoot` before launch. */
  workspacePath: string;
  workspaceRoot: string;
  launcher: Launcher;
  /** The child's environment, already allowlisted (`processEnvironment`); the launcher's default when absent. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Names in `env` that WORKFLOW.md declared (`agent.env`): a container launcher lets them in. */
  declaredEnv?: readonly string[];
  /** Tracker secret variable names the child must not inherit (SPEC 10.5, 15.3). */
  secretEnvNames: readonly string[];
  /** How long a request (handshake, interrupt) may wait for the agent's answer. */
  readTimeoutMs: number;
  /** A turn that produces no output for this long fails with `turn_timeout`. */
  turnTimeoutMs: number;
  /** Tools advertised to the agent for this session; bound here, a config reload does not change them. */
  tools: readonly AgentToolSpec[];
  executeTool(name: string, args: unknown): Promise<ToolResult>;
  onEvent(event: AgentEvent): void;
  logger?: Logger;
  /** How long `stop()` waits after closing stdin, and again after SIGTERM, before escalating. */
  stopGraceMs?: number;
  /** Longest protocol line accepted; longer ones are dropped and reported as `malformed`. */
  maxLineBytes?: number;
}

export interface TurnInput {
  prompt: string;
  /** Issue-identifying session title, e.g. `ABC-123: Fix login`. */
  title: string;
}

export interface TurnOutcome {
  threadId: string;
  turnId: string;
  sessionId: string;
}

/** A live agent session, Codex or Claude Code: the same shape, so the worker loop drives either. */
export interface AgentClientSession {
  readonly threadId: string;
  readonly pid: number | null;
  /** Starts a turn on the session and settles when it ends. Rejects with a BatonError. */
  runTurn(input: TurnInput): Promise<TurnOutcome>;
  /** Asks the agent to interrupt the active turn; `runTurn` then rejects with `turn_cancelled`. */
  interrupt(): Promise<void>;
  /** Ends the agent's process: stdin closed, then SIGTERM, then SIGKILL of its process group. */
  stop(): Promise<void>;
}

/** What the client does with its process's output. */
export interface AgentProcessHandlers {
  /** A stdout chunk arrived (before its lines are handed to `line`). */
  chunk?(): void;
  /** The lines of that chunk were handled (also when a handler threw). */
  chunkDone?(): void;
  /** One protocol line from stdout. */
  line(line: string): void;
  /** A stdout line over the limit: dropped, only its head kept. */
  overlong(bytes: number, head: string): void;
  /** One non-blank stderr line, colours removed (already logged and kept in the tail). */
  stderr(line: string): void;
  /** The process ended and its stdio is closed. */
  exit(status: ExitStatus): void;
}

const ANSI_ESCAPE = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
const STDERR_ATTENTION = /\b(error|fatal|panic)\b/i;
const STDERR_TAIL_LINES = 20;
const STDERR_TAIL_CHARS = 2_000;

/** The exit status a shell gives when the command does not exist. */
export const COMMAND_NOT_FOUND_EXIT = 127;

/**
 * The plumbing of an agent speaking JSON lines over stdio: line framing of stdout and stderr, the
 * stderr tail for error messages, writes that cannot crash Baton, and the stop escalation.
 */
export class AgentProcess {
  private readonly tail: string[] = [];

  constructor(
    private readonly child: LaunchedProcess,
    handlers: AgentProcessHandlers,
    private readonly logger: Logger,
    /** Names the agent in logs: `codex stderr`, `claude stderr`. */
    private readonly name: string,
    maxLineBytes = MAX_LINE_BYTES,
  ) {
    const stdout = new LineSplitter({ line: handlers.line, overlong: handlers.overlong }, maxLineBytes);
    const stderr = new LineSplitter(
      {
        line: (line) => this.onStderrLine(line, handlers),
        overlong: (bytes, head) => this.onStderrLine(`${head}… (${bytes} bytes)`, handlers),
      },
      maxLineBytes,
    );
    child.stdout.on("data", (chunk: Buffer) => {
      handlers.chunk?.();
      try {
        stdout.push(chunk);
      } finally {
        handlers.chunkDone?.();
      }
    });
    child.stdout.on("end", () => stdout.end());
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stderr.on("end", () => stderr.end());
    // A write racing the child's exit must not crash Baton; the exit itself is reported.
    child.stdin.on("error", () => {});
    void child.exited.then((status) => handlers.exit(status));
  }

  get pid(): number | null {
    return this.child.pid;
  }

  write(message: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** The last stderr line, or "". */
  lastStderrLine(): string {
    return this.tail.at(-1) ?? "";
  }

  /** The last stderr lines, bounded, for error messages. */
  stderrTail(): string {
    const text = this.tail.join("\n");
    return text.length > STDERR_TAIL_CHARS ? `…${text.slice(-STDERR_TAIL_CHARS)}` : text;
  }

  /**
   * Ends the process: stdin closed, then SIGTERM, then SIGKILL of its process group, each after
   * `graceMs`; then the group once more, since commands the agent started may outlive it.
   */
  async stop(graceMs: number): Promise<void> {
    this.child.stdin.end();
    if (!(await settlesWithin(this.child.exited, graceMs))) {
      this.child.kill("SIGTERM");
      if (!(await settlesWithin(this.child.exited, graceMs))) this.child.kill("SIGKILL");
    }
    await this.child.exited;
    this.child.kill("SIGKILL");
  }

  private onStderrLine(raw: string, handlers: AgentProcessHandlers): void {
    // Agents colour their diagnostics; logs and summaries want the plain text.
    const line = raw.replace(ANSI_ESCAPE, "");
    if (line.trim() === "") return;
    this.tail.push(line);
    if (this.tail.length > STDERR_TAIL_LINES) this.tail.shift();
    if (STDERR_ATTENTION.test(line)) this.logger.warn({ line }, `${this.name} stderr`);
    else this.logger.debug({ line }, `${this.name} stderr`);
    handlers.stderr(line);
  }
}

/** The session shape both clients share for startup. */
interface Handshaking {
  handshake(): Promise<void>;
  emitStartupFailed(error: BatonError): void;
  stop(): Promise<void>;
}

/** Performs the session's handshake; on failure reports `startup_failed`, stops the process and rejects. */
export async function handshakeOrStop<Session extends Handshaking>(session: Session): Promise<Session> {
  try {
    await session.handshake();
  } catch (error) {
    const failure = toBatonError(error, "response_error");
    session.emitStartupFailed(failure);
    await session.stop();
    throw failure;
  }
  return session;
}

/** Where an event happened: the session's process, thread and (during a turn) turn. */
export interface EventContext {
  pid: number | null;
  /** "" before the thread is known. */
  threadId: string;
  turnId: string | null;
  sessionId: string | null;
  /** When the bytes of the event arrived (RFC 3339), if known; else the event is stamped now. */
  timestamp?: string | null;
}

export type EventExtra = Pick<AgentEvent, "usage_totals" | "usage_delta" | "rate_limits">;

/**
 * Builds an agent event (field by field: this runs for every protocol message) and delivers it to
 * the client's listener; a listener that throws is logged, never fatal.
 */
export function emitAgentEvent(
  options: AgentProcessOptions,
  logger: Logger,
  context: EventContext,
  event: AgentEventName,
  summary: string,
  extra?: EventExtra,
  payload?: unknown,
  method?: string,
): void {
  // One literal of one shape (absent fields are undefined, which JSON leaves out): objects grown
  // field by field cost a property store and a shape change per field, for every protocol message.
  const agentEvent: AgentEvent = {
    event,
    timestamp: context.timestamp ?? isoNow(),
    codex_app_server_pid: context.pid,
    summary,
    thread_id: context.threadId === "" ? undefined : context.threadId,
    turn_id: context.turnId ?? undefined,
    session_id: context.sessionId ?? undefined,
    method,
    payload,
    usage_totals: extra?.usage_totals,
    usage_delta: extra?.usage_delta,
    rate_limits: extra?.rate_limits,
  };
  try {
    options.onEvent(agentEvent);
  } catch (error) {
    logger.error({ err: error, event }, "agent event listener threw");
  }
}

let lastIsoMs = Number.NaN;
let lastIso = "";

/** The current time in RFC 3339; bursts of protocol messages share a millisecond, so the string is reused. */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastIsoMs) {
    lastIso = new Date(ms).toISOString();
    lastIsoMs = ms;
  }
  return lastIso;
}

/**
 * A turn's `turn_timeout` watch: fires once the agent has produced nothing for `timeoutMs` while no
 * tool call of Baton's was running. One timer per turn, re-armed lazily, so output only has to
 * stamp the time of the last activity (a cheap hot path).
 */
export class SilenceTimer {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly timeoutMs: number,
    /** Milliseconds since the agent's last output. */
    private readonly silentFor: () => number,
    /** True while a tool call runs: silence then is Baton's, not the agent's. */
    private readonly busy: () => boolean,
    private readonly fire: () => void,
  ) {
    this.arm(timeoutMs);
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => {
      if (this.busy()) return this.arm(this.timeoutMs);
      const silent = this.silentFor();
      if (silent < this.timeoutMs) return this.arm(this.timeoutMs - silent);
      this.timer = null;
      this.fire();
    }, delayMs);
  }
}

/** The `stderr` agent event's summary: the line, shortened. */
export function stderrSummary(line: string): string {
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
