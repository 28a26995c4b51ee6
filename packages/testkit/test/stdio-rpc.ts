import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";

// biome-ignore lint/suspicious/noExplicitAny: protocol messages are checked by the tests themselves.
export type Message = Record<string, any>;

export interface SentMessage {
  kind: "request" | "notification" | "response";
  /** For responses: the method of the server request being answered. */
  method: string;
  message: Message;
}

/**
 * The smallest JSON-RPC-over-stdio client that can drive `codex app-server`: one JSON message per
 * line, requests matched to responses by id, server requests handed to `onServerRequest`.
 * Everything it sends is recorded in `sent` so tests can validate it against the schema.
 */
export class StdioRpc {
  readonly received: Message[] = [];
  readonly sent: SentMessage[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(m: Message): void; reject(e: Error): void }>();
  private readonly waiters: { match(m: Message): boolean; resolve(m: Message): void }[] = [];

  constructor(
    command: string,
    args: string[],
    options: { cwd: string; env: Record<string, string> },
    private readonly onServerRequest: (request: Message) => unknown = () => {
      throw new Error("unexpected server request");
    },
  ) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.exited = new Promise((resolve) => this.child.once("close", (code) => resolve(code)));
    this.child.stderr.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString()));
    createInterface({ input: this.child.stdout }).on("line", (line) => this.onLine(line));
  }

  request(method: string, params: unknown): Promise<Message> {
    const id = this.nextId++;
    const message = { id, method, params };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ kind: "request", method, message });
    });
  }

  notify(method: string, params?: unknown): void {
    this.write({
      kind: "notification",
      method,
      message: params === undefined ? { method } : { method, params },
    });
  }

  /** Resolves with the first received message (past or future) that matches. */
  waitFor(match: (message: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no matching message within ${timeoutMs} ms; stderr: ${this.stderr.join("")}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  notifications(method: string): Message[] {
    return this.received.filter((message) => message.method === method && message.id === undefined);
  }

  /** Closing stdin is how a client ends the app-server; it exits on its own. */
  async close(): Promise<void> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  private write(entry: SentMessage): void {
    this.sent.push(entry);
    this.child.stdin.write(`${JSON.stringify(entry.message)}\n`);
  }

  private onLine(line: string): void {
    const message = JSON.parse(line) as Message;
    this.received.push(message);
    if (message.method !== undefined && message.id !== undefined) {
      void this.answer(message);
    } else if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error)
        pending?.reject(new Error(`${message.error.message} (${JSON.stringify(message.error)})`));
      else pending?.resolve(message.result);
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.match(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }

  private async answer(request: Message): Promise<void> {
    const result = await this.onServerRequest(request);
    this.write({ kind: "response", method: request.method, message: { id: request.id, result } });
  }
}
