import { PassThrough, type Readable, type Writable } from "node:stream";
import type { ExitStatus, LaunchedProcess } from "@baton/domain";
import { BatonError, toBatonError } from "@baton/domain";
import type Docker from "dockerode";
import { describeDaemon, missingImageError } from "./daemon.ts";

const STREAM_DRAIN_MS = 2_000;

/**
 * One launch = one container, created, attached and started in the background while the caller
 * already holds the stdio streams. When the command exits the container is inspected (for an OOM
 * kill) and removed, and only then does `exited` resolve: nothing of a finished launch is left.
 */
export class ContainerProcess implements LaunchedProcess {
  readonly stdin: Writable = new PassThrough();
  readonly stdout: Readable = new PassThrough();
  readonly stderr: Readable = new PassThrough();
  readonly exited: Promise<ExitStatus>;
  /** The container's id once created (for logs, tests and reaping records). */
  containerId: string | null = null;
  private container: Docker.Container | null = null;
  private started = false;
  private finished = false;
  private requestedSignal: NodeJS.Signals | null = null;

  constructor(
    private readonly docker: Docker,
    private readonly options: Docker.ContainerCreateOptions,
    private readonly describe: { issue: string; memory: number | null; image: string },
  ) {
    this.exited = this.run();
  }

  /** Host pid of the container's init is of no use to callers; containers are addressed by id. */
  get pid(): number | null {
    return null;
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.finished) return;
    this.requestedSignal = signal;
    if (this.container === null || !this.started) return; // run() applies it once the container exists
    this.container.kill({ signal }).catch(() => {
      // Already stopped: the exit is reported through `exited`.
    });
  }

  private async run(): Promise<ExitStatus> {
    let status: ExitStatus;
    try {
      status = await this.runContainer();
    } catch (error) {
      const failure = this.launchError(error);
      (this.stderr as PassThrough).write(`${failure.message}\n`);
      status = { code: null, signal: null, error: failure };
    }
    if (this.container !== null) {
      await this.container.remove({ force: true }).catch(() => {
        // Gone already (or the daemon is): reaping on the next start covers what is left.
      });
    }
    this.finished = true;
    (this.stdout as PassThrough).end();
    (this.stderr as PassThrough).end();
    return status;
  }

  private async runContainer(): Promise<ExitStatus> {
    const container = await this.docker.createContainer(this.options);
    this.container = container;
    this.containerId = container.id;
    const stream = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as NodeJS.ReadWriteStream & { destroy(): void };
    const streamEnded = new Promise<void>((resolve) => {
      stream.once("end", () => resolve());
      stream.once("close", () => resolve());
      stream.once("error", () => resolve());
    });
    this.docker.modem.demuxStream(stream, this.stdout as PassThrough, this.stderr as PassThrough);
    if (this.requestedSignal === "SIGKILL") {
      stream.destroy();
      return { code: null, signal: "SIGKILL" };
    }
    await container.start();
    this.started = true;
    // Input written so far waited in the PassThrough; ending it half-closes the attach socket,
    // which closes the container's stdin (StdinOnce), as closing a local child's stdin would.
    (this.stdin as PassThrough).on("data", (chunk: Buffer) => stream.write(chunk));
    (this.stdin as PassThrough).on("end", () => stream.end());
    if (this.requestedSignal !== null) this.kill(this.requestedSignal);
    // Asked only now: the daemon answers a wait for "not-running" at once, with code 0, while the
    // container has not started yet, and a wait sent before the start may reach it first. After
    // the start it returns the exit code, at once if the command has already ended.
    const result = (await container.wait()) as { StatusCode: number };
    await settleWithin(streamEnded, STREAM_DRAIN_MS);
    const state = (await container.inspect()).State;
    const code = result.StatusCode;
    if (state.OOMKilled) {
      const limit =
        this.describe.memory === null ? "" : ` (sandbox.memory ${formatBytes(this.describe.memory)})`;
      return {
        code,
        signal: "SIGKILL",
        error: new BatonError(
          "sandbox_oom",
          `the sandbox container for issue ${this.describe.issue} ran out of memory${limit} and was killed; raise sandbox.memory or make the task use less`,
          { issue: this.describe.issue, container_id: container.id, memory_bytes: this.describe.memory },
        ),
      };
    }
    const signal = code > 128 && this.requestedSignal !== null ? this.requestedSignal : null;
    return { code: signal === null ? code : null, signal };
  }

  private launchError(error: unknown): BatonError {
    const statusCode = (error as { statusCode?: number }).statusCode;
    const message = (error as Error).message ?? String(error);
    if (statusCode === 404 && /no such image/i.test(message)) {
      return missingImageError(this.docker, this.describe.image);
    }
    if (
      (error as NodeJS.ErrnoException).code === "ENOENT" ||
      (error as NodeJS.ErrnoException).code === "ECONNREFUSED"
    ) {
      return new BatonError(
        "sandbox_docker_unavailable",
        `could not start the sandbox container for issue ${this.describe.issue}: ${describeDaemon(this.docker)} is not reachable`,
        { issue: this.describe.issue },
        { cause: error },
      );
    }
    const failure = toBatonError(error, "sandbox_start_failed");
    return failure.category === "sandbox_start_failed"
      ? new BatonError(
          "sandbox_start_failed",
          `could not start the sandbox container for issue ${this.describe.issue}: ${message}`,
          { issue: this.describe.issue },
          { cause: error },
        )
      : failure;
  }
}

function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ["g", 1024 ** 3],
    ["m", 1024 ** 2],
    ["k", 1024],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes} bytes`;
}
