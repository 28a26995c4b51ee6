import { mkdtempSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { AgentEvent, AgentEventName, LaunchedProcess, Launcher, LaunchSpec } from "@baton/domain";
import type { CodexProtocolValidator } from "@baton/testkit";
import { LocalLauncher } from "@baton/workspace";

export interface TempWorkspace {
  root: string;
  workspace: string;
  cleanup(): Promise<void>;
}

/** A workspace root with one issue workspace inside, in the system temp dir. */
export async function tempWorkspace(key = "ABC-1"): Promise<TempWorkspace> {
  const root = await mkdtemp(path.join(os.tmpdir(), "baton-agent-test-"));
  const workspace = path.join(root, key);
  await mkdir(workspace);
  return { root, workspace, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Collects session events and lets a test wait for one. */
export class EventLog {
  readonly events: AgentEvent[] = [];
  private waiters: { match: (event: AgentEvent) => boolean; resolve: (event: AgentEvent) => void }[] = [];

  readonly onEvent = (event: AgentEvent): void => {
    this.events.push(event);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.match(event)) return true;
      waiter.resolve(event);
      return false;
    });
  };

  named(name: AgentEventName): AgentEvent[] {
    return this.events.filter((event) => event.event === name);
  }

  /** Resolves with the first event (past or future) called `name`; rejects after `timeoutMs`. */
  waitFor(name: AgentEventName, timeoutMs = 10_000): Promise<AgentEvent> {
    const match = (event: AgentEvent) => event.event === name;
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${name} event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }
}

type Message = Record<string, unknown>;

/**
 * A LocalLauncher that also records, line by line, what the client writes to the child's stdin and
 * what it reads from the child's stdout, so tests can check the client's side of the conversation.
 */
/**
 * A HOME without dotfiles for the login shells these tests start, unless a test chose its own: the
 * machine's profile is slow, and a shell killed inside it can leave a lock (pyenv's) that stalls
 * every later login shell for a minute.
 */
const PRIVATE_HOME = mkdtempSync(path.join(os.tmpdir(), "baton-agent-home-"));

function withPrivateHome(env: Readonly<Record<string, string | undefined>>) {
  return env.HOME === undefined || env.HOME === os.homedir() ? { ...env, HOME: PRIVATE_HOME } : env;
}

export class RecordingLauncher implements Launcher {
  readonly sent: Message[] = [];
  readonly received: Message[] = [];
  readonly launches: LaunchSpec[] = [];
  readonly pids: number[] = [];
  private readonly inner = new LocalLauncher();
  /** How the launched process sees host paths (a container's mount); identity unless a test sets it. */
  mapPath: (hostPath: string) => string = (hostPath) => hostPath;

  visiblePath(hostPath: string): string {
    return this.mapPath(hostPath);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  launch(spec: LaunchSpec): LaunchedProcess {
    this.launches.push(spec);
    const child = this.inner.launch({ ...spec, env: withPrivateHome(spec.env ?? process.env) });
    if (child.pid !== null) this.pids.push(child.pid);
    const sent = this.sent;
    let partial = "";
    const stdin = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const lines = (partial + chunk.toString("utf8")).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) sent.push(JSON.parse(line) as Message);
        child.stdin.write(chunk, callback);
      },
      final(callback) {
        child.stdin.end(callback);
      },
    });
    let stdoutPartial = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const lines = (stdoutPartial + chunk.toString("utf8")).split("\n");
      stdoutPartial = lines.pop() ?? "";
      for (const line of lines) {
        try {
          this.received.push(JSON.parse(line) as Message);
        } catch {
          // Malformed output is the client's concern, not the recorder's.
        }
      }
    });
    return {
      pid: child.pid,
      stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      exited: child.exited,
      kill: (signal) => child.kill(signal),
    };
  }
}

/**
 * Schema errors in every message the client sent: requests, notifications, and answers to server
 * requests (matched to the request method through the recorded server output).
 */
export function protocolErrors(
  validator: CodexProtocolValidator,
  sent: readonly Message[],
  received: readonly Message[],
): string[] {
  const serverRequestMethods = new Map<unknown, string>();
  for (const message of received) {
    if (typeof message.method === "string" && message.id !== undefined) {
      serverRequestMethods.set(message.id, message.method);
    }
  }
  return sent.flatMap((message) => {
    if (typeof message.method === "string") {
      return "id" in message
        ? validator.validateClientRequest(message as { id: number; method: string; params?: unknown })
        : validator.validateClientNotification(message as { method: string; params?: unknown });
    }
    if ("error" in message) return [];
    const method = serverRequestMethods.get(message.id);
    if (method === undefined) return [`answer to unknown server request ${String(message.id)}`];
    return validator.validateClientResponse(method, message.result);
  });
}
