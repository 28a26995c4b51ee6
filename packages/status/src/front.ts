import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Logger } from "@baton/domain";
import { type FromFront, type FrontSettings, type ToFront, wallClockMs } from "./front-protocol.ts";

/**
 * While the state keeps changing, a copy of the state answer goes to the front at most this often;
 * the first change after a quiet spell is copied at once.
 */
const STATE_COPY_INTERVAL_MS = 50;
/**
 * The front serves a copy for at most this long; with an older one the request waits for the main
 * thread. Copies come every 50 ms under load, so this covers a main thread held up to ~200 ms (its
 * longest stalls with 200 streaming sessions were 18-80 ms in the bench).
 */
export const STATE_COPY_MAX_AGE_MS = 250;
/**
 * The front takes the port over this long after the server started listening (and again this long
 * after a front thread died). Booting a thread costs ~40 ms of CPU: the start of Baton (its first
 * answers, the first tick) does not share the machine with it.
 */
export const FRONT_HANDOVER_MS = 1000;
/**
 * The port changes hands only after the API has had no request for this long: for the moment it is
 * free, a new connection would be refused, and a client that just asked is likely to ask again.
 */
const HANDOVER_QUIET_MS = 100;

/**
 * Always the built file: a worker thread runs JavaScript, also when the tests run the TypeScript.
 * Resolved at the first handover, not when a start loads this module.
 */
const frontEntry = () => createRequire(import.meta.url).resolve("@baton/status/front-thread");

/** The state answer as the status server gives it (status, headers and the redacted body). */
export interface StateAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface FrontOptions {
  host: string;
  port: number;
  token: string | null;
  /** How long the front serves a copy of the state answer. */
  maxAgeMs: number;
  /** The largest request body a route accepts. */
  maxBodyBytes: number;
  /** HTTP status of `orchestrator_unavailable`, for when the main thread's server cannot be reached. */
  unavailableStatus: number;
  /** Asks the main thread's status server for `GET /api/v1/state`. */
  renderState(): Promise<StateAnswer>;
  /** Gives a connection accepted on the public port to the main thread's HTTP server. */
  serve(socket: Socket): void;
  /** Milliseconds since the main thread's server last began or ended answering a request. */
  quietForMs(): number;
  logger: Logger;
}

export interface StatusFront {
  /** The Unix socket the main thread's status server listens on (the front's upstream). */
  readonly upstream: string;
  /** Listens on the public port on the main thread, until a handover. Rejects with the listen error. */
  listen(): Promise<{ address: string; family: string; port: number }>;
  /** Hands the public port to a front thread `afterMs` from now (0: now, resolved once done). */
  handOver(afterMs: number): Promise<void>;
  /** True once a front thread holds the public port. */
  readonly handedOver: boolean;
  /** The state changed: a fresh copy goes to the front (paced, see STATE_COPY_INTERVAL_MS). */
  stateChanged(): void;
  /** Stops accepting connections, on either thread (in-flight requests still reach the main thread). */
  stopListening(): Promise<void>;
  /** Ends the thread and removes the socket's directory. */
  close(): Promise<void>;
}

function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function nextMessage(thread: Worker, accept: (message: FromFront) => boolean): Promise<FromFront> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromFront) => {
      if (!accept(message)) return;
      thread.off("message", onMessage);
      thread.off("exit", onExit);
      resolve(message);
    };
    const onExit = (code: number) => {
      thread.off("message", onMessage);
      reject(new Error(`the front thread exited (code ${code})`));
    };
    thread.on("message", onMessage);
    thread.once("exit", onExit);
  });
}

/**
 * The public port of the status server. The main thread listens on it first and gives every
 * connection to its HTTP server, so a start answers without waiting for a thread. Then a worker
 * thread, the front (front-thread.ts), takes the port over: it answers `GET /api/v1/state` from a
 * copy, so a dashboard polling under load does not wait for the main thread's event loop (busy
 * with hundreds of agent sessions), and passes every other request (and the state when no fresh
 * copy is there) to the main thread's server, which listens on a Unix socket in a directory only
 * this user can open. If the front thread dies, the main thread takes the port back at once.
 */
export function createFront(options: FrontOptions): StatusFront {
  const socketDir = mkdtempSync(join(tmpdir(), "baton-status-"));
  const upstream = join(socketDir, "http.sock");
  let port = options.port;
  let publicListener: Server | null = null;
  let worker: Worker | null = null;
  let closing = false;
  let handOverTimer: NodeJS.Timeout | null = null;
  let handingOver: Promise<void> | null = null;
  const copies = new StateCopies(options.renderState, (message) => worker?.postMessage(message));

  const listenHere = async () => {
    const server = createServer((socket) => options.serve(socket));
    await listenOn(server, port, options.host);
    publicListener = server;
    const bound = server.address();
    if (bound === null || typeof bound === "string") throw new Error("the listener has no TCP address");
    port = bound.port;
    return bound;
  };

  const scheduleHandOver = (afterMs: number) => {
    if (handOverTimer !== null) clearTimeout(handOverTimer);
    handOverTimer = setTimeout(() => {
      handOverTimer = null;
      void handOverNow();
    }, afterMs);
    handOverTimer.unref();
  };

  // Someone else bound the port in the moment it was free: the API is gone until a restart.
  const reportLost = (error: unknown) =>
    options.logger.error({ port, reason: (error as Error).message }, "action=http_server outcome=port_lost");

  // The front thread died (a bug): the main thread serves the port again, and tries a new front later.
  const takeBack = async (thread: Worker, reason: string) => {
    if (closing || worker !== thread) return;
    worker = null;
    copies.stop();
    try {
      await listenHere();
      // Logged once the port answers again.
      options.logger.error({ port, reason }, "action=status_front outcome=crashed");
      scheduleHandOver(FRONT_HANDOVER_MS);
    } catch (error) {
      options.logger.error({ port, reason }, "action=status_front outcome=crashed");
      reportLost(error);
    }
  };

  const handOverNow = (): Promise<void> => {
    handingOver ??= (async () => {
      let thread: Worker | null = null;
      try {
        // Inside the try: a missing front-thread.js (a broken install) leaves the port with the
        // main thread, logged, instead of an unhandled rejection.
        thread = new Worker(frontEntry(), { env: {}, execArgv: [] });
        // Never keeps the process alive: the main thread's server does while Baton runs.
        thread.unref();
        await nextMessage(thread, (message) => message.type === "ready");
        for (let quiet = options.quietForMs(); quiet < HANDOVER_QUIET_MS; quiet = options.quietForMs()) {
          if (closing) break;
          await new Promise((resolve) => setTimeout(resolve, HANDOVER_QUIET_MS - quiet));
        }
        if (closing || publicListener === null) throw new Error("the status server is closing");
        const settings: FrontSettings = {
          host: options.host,
          port,
          upstream,
          token: options.token,
          maxAgeMs: options.maxAgeMs,
          maxBodyBytes: options.maxBodyBytes,
          unavailableStatus: options.unavailableStatus,
        };
        // From here until the front has bound the port (well under a millisecond), a connection
        // attempt is refused: Node 20 cannot listen twice on one port.
        publicListener.close();
        publicListener = null;
        thread.postMessage({ type: "listen", settings } satisfies ToFront);
        const answer = await nextMessage(thread, (message) => message.type !== "ready");
        if (answer.type !== "listening") {
          throw new Error(answer.type === "listen_failed" ? answer.message : answer.type);
        }
      } catch (error) {
        await thread?.terminate();
        if (closing) return;
        options.logger.warn({ port, reason: (error as Error).message }, "action=status_front outcome=failed");
        if (publicListener === null) await listenHere().catch(reportLost);
        return;
      }
      worker = thread;
      thread.on("error", (error) => void takeBack(thread, error.message));
      thread.on("exit", (code) => void takeBack(thread, `the thread exited (code ${code})`));
      copies.start();
      options.logger.debug({ port }, "action=status_front outcome=listening");
    })().finally(() => {
      handingOver = null;
    });
    return handingOver;
  };

  return {
    upstream,
    listen: listenHere,
    async handOver(afterMs) {
      if (afterMs > 0) scheduleHandOver(afterMs);
      else await handOverNow();
    },
    get handedOver() {
      return worker !== null;
    },
    stateChanged: () => copies.changed(),
    async stopListening() {
      closing = true;
      copies.stop();
      if (handOverTimer !== null) clearTimeout(handOverTimer);
      await handingOver?.catch(() => {});
      publicListener?.close();
      publicListener = null;
      const thread = worker;
      if (thread === null) return;
      const closed = nextMessage(thread, (message) => message.type === "closed").catch(() => null);
      thread.postMessage({ type: "close" } satisfies ToFront);
      await closed;
    },
    async close() {
      closing = true;
      copies.stop();
      if (handOverTimer !== null) clearTimeout(handOverTimer);
      publicListener?.close();
      publicListener = null;
      await worker?.terminate();
      worker = null;
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/**
 * Sends a copy of the state answer after a change: at once after a quiet spell, then at most one
 * per STATE_COPY_INTERVAL_MS while changes keep coming (a copy costs the main thread one answer).
 * Only while a front thread holds the port: before that, nobody would read them.
 */
class StateCopies {
  private lastCopyAt = Number.NEGATIVE_INFINITY;
  private cancelPending: (() => void) | null = null;
  private inFlight = false;
  private changedSince = false;
  private active = false;

  constructor(
    private readonly render: () => Promise<StateAnswer>,
    private readonly send: (message: ToFront) => void,
  ) {}

  start(): void {
    this.active = true;
    this.changed();
  }

  changed(): void {
    if (!this.active || this.cancelPending !== null) return;
    if (this.inFlight) {
      this.changedSince = true;
      return;
    }
    const wait = this.lastCopyAt + STATE_COPY_INTERVAL_MS - performance.now();
    // setImmediate: the other changes of this turn of the event loop go into the same copy.
    if (wait > 0) {
      const timer = setTimeout(this.copy, wait).unref();
      this.cancelPending = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(this.copy).unref();
      this.cancelPending = () => clearImmediate(immediate);
    }
  }

  stop(): void {
    this.active = false;
    this.changedSince = false;
    this.cancelPending?.();
    this.cancelPending = null;
  }

  private readonly copy = async (): Promise<void> => {
    this.cancelPending = null;
    this.inFlight = true;
    this.lastCopyAt = performance.now();
    // Taken before the answer is made: the copy holds every change up to this time, perhaps more.
    const builtAt = wallClockMs();
    try {
      const answer = await this.render();
      if (!this.active) return;
      const body = answer.status === 200 ? answer.body : null;
      this.send({ type: "state", builtAt, headers: answer.headers, body });
    } catch {
      // The front asks the main thread itself, which then answers the error.
      if (this.active) this.send({ type: "state", builtAt, headers: {}, body: null });
    } finally {
      this.inFlight = false;
      if (this.changedSince) {
        this.changedSince = false;
        this.changed();
      }
    }
  };
}
