import { type ChildProcess, spawn } from "node:child_process";
import { benchEnvironment } from "./baton-process.ts";

/**
 * The client that times the 200-session scenario's state answers, in a process of its own with
 * nothing else to do: in the bench's process, the same requests also waited for its other work
 * (Baton's log lines, the scenario's bookkeeping) and for fetch's own per-request cost. Plain
 * `node:http` over kept-alive connections, as a dashboard polls. Once told to go, it asks
 * `targets[0]` at the start of each gap and `targets[1]` half a gap later, and sends back every
 * request's milliseconds.
 */
const CLIENT = `
const http = require("node:http");
const { targets, requests, windowMs } = JSON.parse(process.argv[1]);
const agent = new http.Agent({ keepAlive: true });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const timed = (url) =>
  new Promise((resolve, reject) => {
    const sentAt = performance.now();
    http
      .get(url, { agent }, (response) => {
        response.on("data", () => {});
        response.on("end", () =>
          response.statusCode === 200
            ? resolve(performance.now() - sentAt)
            : reject(new Error(url + " answered " + response.statusCode)),
        );
      })
      .on("error", reject);
  });
async function run() {
  const samples = targets.map(() => []);
  const gapMs = windowMs / requests;
  const start = performance.now();
  for (let index = 0; index < requests; index++) {
    for (let target = 0; target < targets.length; target++) {
      await sleep(start + (index + target / targets.length) * gapMs - performance.now());
      samples[target].push(await timed(targets[target]));
    }
  }
  return samples;
}
process.once("message", () =>
  run().then(
    (samples) => process.send({ samples }, () => process.exit(0)),
    (error) => process.send({ error: String(error) }, () => process.exit(1)),
  ),
);
// One untimed request to each first: the window's first would otherwise also time this client's
// own first use of its code and the connection's setup.
(async () => {
  for (const target of targets) await timed(target);
})().then(
  () => process.send({ ready: true }),
  (error) => process.send({ error: String(error) }, () => process.exit(1)),
);
`;

type ClientMessage = { ready: true } | { samples: number[][] } | { error: string };

function failed(message: ClientMessage): Error {
  return new Error(`the timing client failed: ${"error" in message ? message.error : "unexpected message"}`);
}

export class TimingClient {
  private stderr = "";
  private readonly messages: ClientMessage[] = [];
  private readonly waiters: (() => void)[] = [];
  private exitCode: number | null | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-2000);
    });
    child.on("message", (message) => {
      this.messages.push(message as ClientMessage);
      this.wake();
    });
    child.once("exit", (code) => {
      this.exitCode = code;
      this.wake();
    });
  }

  /** Starts the client and resolves once it is ready to go (each target asked once, untimed). */
  static async start(
    targets: string[],
    options: { requests: number; windowMs: number; home: string },
  ): Promise<TimingClient> {
    const args = JSON.stringify({ targets, requests: options.requests, windowMs: options.windowMs });
    const client = new TimingClient(
      spawn(process.execPath, ["-e", CLIENT, args], {
        env: benchEnvironment(options.home),
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      }),
    );
    const ready = await client.next();
    if (!("ready" in ready)) throw failed(ready);
    return client;
  }

  /** Runs the window; resolves with each target's request times, in ms. */
  async run(): Promise<number[][]> {
    this.child.send("go");
    const message = await this.next();
    if ("samples" in message) return message.samples;
    throw failed(message);
  }

  /** Ends the client if it still runs (a scenario that failed before its window ended). */
  stop(): void {
    if (this.exitCode === undefined) this.child.kill("SIGKILL");
  }

  private async next(): Promise<ClientMessage> {
    while (this.messages.length === 0) {
      if (this.exitCode !== undefined)
        throw new Error(`the timing client exited (code ${this.exitCode}): ${this.stderr}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.messages.shift()!;
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
