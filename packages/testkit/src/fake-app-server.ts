/**
 * A scripted stand-in for `codex app-server`: a real child process speaking the same newline-delimited
 * JSON-RPC over stdio, used to drive the client into situations the real binary cannot be made to
 * produce on demand (hangs, crashes, malformed or over-long lines, stderr noise, unusual server
 * requests). It records every line it receives so tests can assert on the client's transcript.
 *
 * The same file is the helper that tests import (`createFakeAppServer`) and, when executed with
 * `node --import tsx`, the server itself.
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

/** One scripted action of a fake turn, run in order after the turn has started. */
export type FakeTurnStep =
  /** A server notification. */
  | { type: "notify"; method: string; params?: unknown }
  /** A server-to-client request; the script waits for the client's answer before going on. */
  | { type: "request"; method: string; params?: unknown }
  /** A verbatim stdout line (for malformed protocol output). */
  | { type: "raw"; line: string }
  /** One stdout line of `bytes` bytes that is not JSON, for line-size limits. */
  | { type: "longLine"; bytes: number }
  | { type: "stderr"; line: string }
  /** `thread/tokenUsage/updated` with these absolute thread totals (and a `last` that must be ignored). */
  | { type: "tokens"; input: number; output: number }
  | { type: "rateLimits"; rateLimits: unknown }
  /** An `item/completed` agent message. */
  | { type: "agentMessage"; text: string }
  /** `item/completed` agent messages of `messageBytes` each until `bytes` were sent (log-volume tests). */
  | { type: "flood"; bytes: number; messageBytes: number }
  /** An agent message holding the fake's whole environment as `NAME=value` lines. */
  | { type: "echoEnv" }
  | { type: "sleep"; ms: number }
  /** Goes silent for good: no output and no answers, input is still recorded. */
  | { type: "hang" }
  /** Exits the process with this code at once. */
  | { type: "exit"; code: number }
  /** `turn/completed` with this status; `failed` is preceded by an `error` notification like the real server. */
  | { type: "complete"; status?: "completed" | "failed" | "interrupted"; error?: string };

export interface FakeAppServerScenario {
  /** How `initialize` is handled: answered, never answered, or answered with a JSON-RPC error. */
  initialize?: "ok" | "hang" | "error";
  /** Methods answered with -32601 (method not found), like an older app-server that lacks them. */
  unsupportedMethods?: string[];
  /** stderr lines written at startup, before any protocol output. */
  startupStderr?: string[];
  /** `turns[i]` scripts the i-th `turn/start`; the last script repeats. Default: a message, tokens, completed. */
  turns?: FakeTurnStep[][];
}

/** What the fake saw of its own launch, for asserting on cwd and environment. */
export interface FakeAppServerStartup {
  pid: number;
  cwd: string;
  envNames: string[];
}

export interface FakeAppServer {
  /** A `codex.command` that runs this fake under `bash -lc`. */
  readonly command: string;
  /** Every message the fake received from the client, in order (unparseable lines as `{ unparsed }`). */
  received(): Promise<Record<string, unknown>[]>;
  /** The fake's view of its launch; rejects if it never started. */
  startup(): Promise<FakeAppServerStartup>;
  cleanup(): Promise<void>;
}

const THREAD_ID = "thr_fake";
const DEFAULT_TURN: FakeTurnStep[] = [
  { type: "agentMessage", text: "done" },
  { type: "tokens", input: 100, output: 20 },
  { type: "complete" },
];

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Writes the scenario to a temp dir and returns a command that starts the fake with it. */
export async function createFakeAppServer(scenario: FakeAppServerScenario = {}): Promise<FakeAppServer> {
  const dir = await mkdtemp(path.join(tmpdir(), "baton-fake-app-server-"));
  const scenarioPath = path.join(dir, "scenario.json");
  const transcriptPath = path.join(dir, "received.jsonl");
  const startupPath = path.join(dir, "startup.json");
  await writeFile(scenarioPath, JSON.stringify(scenario));
  await writeFile(transcriptPath, "");
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const self = fileURLToPath(import.meta.url);
  const command = ["node", "--import", tsxLoader, self, scenarioPath, transcriptPath, startupPath]
    .map(shellQuote)
    .join(" ");
  return {
    command,
    async received() {
      const text = await readFile(transcriptPath, "utf8");
      return text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async startup() {
      return JSON.parse(await readFile(startupPath, "utf8")) as FakeAppServerStartup;
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

class AbortedTurn extends Error {}

/** The server process: reads the scenario, answers the client, plays turn scripts. */
function runFakeServer(scenarioPath: string, transcriptPath: string, startupPath: string): void {
  const scenario = JSON.parse(readFileSync(scenarioPath, "utf8")) as FakeAppServerScenario;
  const turns = scenario.turns && scenario.turns.length > 0 ? scenario.turns : [DEFAULT_TURN];
  let silent = false;
  let nextServerRequestId = 0;
  let turnCount = 0;
  const awaitingAnswers = new Map<number, () => void>();
  let activeTurn: { id: string; abort: AbortController } | null = null;

  writeFileSync(
    startupPath,
    JSON.stringify({ pid: process.pid, cwd: process.cwd(), envNames: Object.keys(process.env) }),
  );
  for (const line of scenario.startupStderr ?? []) process.stderr.write(`${line}\n`);

  const send = (message: Record<string, unknown>): void => {
    if (!silent) process.stdout.write(`${JSON.stringify(message)}\n`);
  };
  const notify = (method: string, params: unknown): void => send({ method, params });

  const waitOrAbort = (signal: AbortSignal, register: (done: () => void) => void): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new AbortedTurn());
      signal.addEventListener("abort", () => reject(new AbortedTurn()), { once: true });
      register(resolve);
    });

  const completeTurn = (turnId: string, status: string, error: string | null): void => {
    if (status === "failed" && error !== null) {
      notify("error", { threadId: THREAD_ID, turnId, willRetry: false, error: { message: error } });
    }
    notify("turn/completed", {
      threadId: THREAD_ID,
      turn: { id: turnId, status, items: [], error: error === null ? null : { message: error } },
    });
    activeTurn = null;
  };

  const playStep = async (step: FakeTurnStep, turnId: string, signal: AbortSignal): Promise<void> => {
    switch (step.type) {
      case "notify":
        return notify(step.method, step.params ?? {});
      case "request": {
        const id = nextServerRequestId++;
        const answered = waitOrAbort(signal, (done) => awaitingAnswers.set(id, done));
        send({ id, method: step.method, params: step.params ?? {} });
        return answered;
      }
      case "raw":
        if (!silent) process.stdout.write(`${step.line}\n`);
        return;
      case "longLine":
        if (!silent) process.stdout.write(`${"x".repeat(step.bytes)}\n`);
        return;
      case "stderr":
        process.stderr.write(`${step.line}\n`);
        return;
      case "tokens":
        return notify("thread/tokenUsage/updated", {
          threadId: THREAD_ID,
          turnId,
          tokenUsage: {
            total: usage(step.input, step.output),
            last: usage(1_000_000, 1_000_000),
            modelContextWindow: 200_000,
          },
        });
      case "rateLimits":
        return notify("account/rateLimits/updated", { rateLimits: step.rateLimits });
      case "agentMessage":
        return notify("item/completed", {
          threadId: THREAD_ID,
          turnId,
          item: { type: "agentMessage", id: `msg_${turnId}`, text: step.text },
        });
      case "flood": {
        const text = "x".repeat(step.messageBytes);
        for (let sent = 0; sent < step.bytes; sent += step.messageBytes) {
          if (signal.aborted) throw new AbortedTurn();
          const item = { type: "agentMessage", id: `msg_${turnId}_${sent}`, text };
          const flushed = process.stdout.write(
            `${JSON.stringify({ method: "item/completed", params: { threadId: THREAD_ID, turnId, item } })}\n`,
          );
          if (!flushed) await new Promise((resolve) => process.stdout.once("drain", resolve));
        }
        return;
      }
      case "echoEnv": {
        const text = Object.entries(process.env)
          .map(([name, value]) => `${name}=${value}`)
          .join("\n");
        return notify("item/completed", {
          threadId: THREAD_ID,
          turnId,
          item: { type: "agentMessage", id: `msg_${turnId}_env`, text },
        });
      }
      case "sleep":
        return waitOrAbort(signal, (done) => setTimeout(done, step.ms));
      case "hang":
        silent = true;
        // A wedged server stays alive even with stdin closed and nothing left to do.
        setInterval(() => {}, 60_000);
        return waitOrAbort(signal, () => {});
      case "exit":
        process.exit(step.code);
        return;
      case "complete":
        return completeTurn(turnId, step.status ?? "completed", step.error ?? null);
    }
  };

  const playTurn = async (turnId: string, steps: FakeTurnStep[], signal: AbortSignal): Promise<void> => {
    try {
      for (const step of steps) await playStep(step, turnId, signal);
    } catch (error) {
      if (!(error instanceof AbortedTurn)) throw error;
    }
  };

  const handleRequest = (id: unknown, method: string, params: Record<string, unknown>): void => {
    if (scenario.unsupportedMethods?.includes(method)) {
      send({ id, error: { code: -32601, message: `method not found: ${method}` } });
      return;
    }
    switch (method) {
      case "initialize":
        if (scenario.initialize === "hang") return;
        if (scenario.initialize === "error") {
          send({ id, error: { code: -32600, message: "initialize rejected by scenario" } });
          return;
        }
        send({
          id,
          result: { userAgent: "fake-app-server/0.0.0", platformFamily: "unix", platformOs: "linux" },
        });
        return;
      case "thread/start":
        send({ id, result: { thread: { id: THREAD_ID, cwd: params.cwd ?? null } } });
        notify("thread/started", { thread: { id: THREAD_ID } });
        return;
      case "thread/name/set":
        send({ id, result: {} });
        notify("thread/name/updated", { threadId: THREAD_ID, threadName: params.name ?? null });
        return;
      case "turn/start": {
        turnCount++;
        const turnId = `turn_${turnCount}`;
        const abort = new AbortController();
        activeTurn = { id: turnId, abort };
        const turn = { id: turnId, status: "inProgress", items: [], error: null };
        send({ id, result: { turn } });
        notify("turn/started", { threadId: THREAD_ID, turn });
        const steps = turns[Math.min(turnCount, turns.length) - 1]!;
        void playTurn(turnId, steps, abort.signal);
        return;
      }
      case "turn/interrupt":
        send({ id, result: {} });
        if (activeTurn !== null && activeTurn.id === params.turnId) {
          activeTurn.abort.abort();
          completeTurn(activeTurn.id, "interrupted", null);
        }
        return;
      default:
        send({ id, error: { code: -32601, message: `fake app-server does not implement ${method}` } });
        return;
    }
  };

  const input = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  input.on("line", (line) => {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      appendFileSync(transcriptPath, `${JSON.stringify({ unparsed: line })}\n`);
      return;
    }
    appendFileSync(transcriptPath, `${JSON.stringify(message)}\n`);
    if (silent) return;
    if (typeof message.method === "string") {
      if ("id" in message)
        handleRequest(message.id, message.method, (message.params ?? {}) as Record<string, unknown>);
      return;
    }
    if (typeof message.id === "number") {
      awaitingAnswers.get(message.id)?.();
      awaitingAnswers.delete(message.id);
    }
  });
  // Like the real server: stdin closed means the client is done. A hung fake stays until killed.
  input.on("close", () => {
    if (!silent) process.exit(0);
  });
}

function usage(input: number, output: number) {
  return {
    inputTokens: input,
    cachedInputTokens: 0,
    outputTokens: output,
    reasoningOutputTokens: 0,
    totalTokens: input + output,
  };
}

const [, entry, ...args] = process.argv;
if (entry !== undefined && path.resolve(entry) === fileURLToPath(import.meta.url)) {
  const [scenarioPath, transcriptPath, startupPath] = args;
  if (scenarioPath === undefined || transcriptPath === undefined || startupPath === undefined) {
    process.stderr.write("usage: fake-app-server.ts <scenario.json> <transcript.jsonl> <startup.json>\n");
    process.exit(2);
  }
  runFakeServer(scenarioPath, transcriptPath, startupPath);
}
