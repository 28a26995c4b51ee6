import { Readable, Writable } from "node:stream";
import type { ExitStatus, LaunchedProcess, Launcher, LaunchSpec } from "@baton/workspace";

/**
 * An app-server that lives inside the benchmark process: it answers the handshake the way codex
 * does and, on `turn/start`, hands itself to `onTurnStarted`, which streams whatever bytes the
 * scenario wants through `push`. Baton's client reads them through its normal stdout path
 * (framing, parse, events), without child processes or pipes competing for the two cores.
 */
export class MemoryAppServer implements LaunchedProcess {
  readonly stdout = new Readable({ read() {} });
  readonly stderr = new Readable({ read() {} });
  readonly stdin: Writable;
  readonly exited: Promise<ExitStatus>;
  readonly threadId: string;
  private resolveExit!: (status: ExitStatus) => void;
  private pendingInput = "";
  private turns = 0;

  constructor(
    readonly pid: number,
    readonly cwd: string,
    private readonly onTurnStarted: (server: MemoryAppServer, turnId: string) => void,
  ) {
    this.threadId = `thr_${pid}`;
    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
    this.stdin = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.onInput(chunk.toString("utf8"));
        done();
      },
      final: (done) => {
        this.exit();
        done();
      },
    });
  }

  /** Sends bytes as the server's stdout. */
  push(bytes: Buffer): void {
    this.stdout.push(bytes);
  }

  kill(): void {
    this.exit();
  }

  private exit(): void {
    this.stdout.push(null);
    this.stderr.push(null);
    this.resolveExit({ code: 0, signal: null });
  }

  private send(message: Record<string, unknown>): void {
    this.stdout.push(`${JSON.stringify(message)}\n`);
  }

  private onInput(text: string): void {
    const lines = (this.pendingInput + text).split("\n");
    this.pendingInput = lines.pop() ?? "";
    for (const line of lines) {
      if (line !== "") this.onRequest(JSON.parse(line) as { id?: number; method?: string; params?: unknown });
    }
  }

  private onRequest(message: { id?: number; method?: string }): void {
    const { id, method } = message;
    if (id === undefined) return;
    if (method !== "turn/start") {
      this.send({ id, result: this.answer(method) });
      return;
    }
    this.turns += 1;
    const turn = { id: `turn_${this.turns}`, status: "inProgress", items: [], error: null };
    this.send({ id, result: { turn } });
    this.send({ method: "turn/started", params: { threadId: this.threadId, turn } });
    this.onTurnStarted(this, turn.id);
  }

  private answer(method: string | undefined): Record<string, unknown> {
    switch (method) {
      case "initialize":
        return { userAgent: "bench/0", platformFamily: "unix", platformOs: "linux" };
      case "thread/start":
        return { thread: { id: this.threadId } };
      default:
        return {};
    }
  }
}

/** Launches a MemoryAppServer per session, numbering them from 0 in launch order. */
export class MemoryAppServerLauncher implements Launcher {
  private launched = 0;

  constructor(private readonly onTurnStarted: (server: MemoryAppServer, turnId: string) => void) {}

  visiblePath(hostPath: string): string {
    return hostPath;
  }

  /** Its servers live in memory: nothing outlives the benchmark. */
  async close(): Promise<void> {}

  launch(spec: LaunchSpec): LaunchedProcess {
    return new MemoryAppServer(this.launched++, spec.cwd, this.onTurnStarted);
  }
}
