import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ProbeReport } from "./probe.ts";
import { waitUntil } from "./stats.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * The real CLI, as operators run it; `BENCH_BATON_BIN=<path>` runs another build of it instead (a
 * copy of `bin/` and `dist/` made before a change, to compare the two in alternate runs).
 */
export const BATON_BIN = process.env.BENCH_BATON_BIN ?? path.resolve(here, "../../baton/bin/baton.js");
const FAKE_APP_SERVER = path.join(here, "fake-app-server.sh");
const PROBE = pathToFileURL(path.join(here, "probe.ts")).href;
const stdoutFile = process.env.BENCH_STDOUT_FILE;
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/**
 * The environment of every process the bench starts and times (Baton, the bare Node server): this
 * one's, with a private HOME (see `BenchDir.home`) and without NODE_EXTRA_CA_CERTS. Node reads that
 * file at every start, before any code runs; where a machine points it at the whole system bundle
 * (this sandbox does, ~140 certificates) each Node process starts ~55 ms later, a cost of the
 * machine, not Baton's. A team's own CA file, if any, is one or two certificates. The startup
 * scenario still measures the bare Node server with the variable, and reports what it costs here.
 */
export function benchEnvironment(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A port free right now on 127.0.0.1 (the OS picks it; the listener is closed again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One line of a fake app-server's record: when (wall-clock ms) and in which workspace directory. */
export interface AgentRecord {
  atMs: number;
  workspace: string;
}

async function readAgentRecords(file: string): Promise<AgentRecord[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [seconds, ...cwd] = line.split(" ");
      return { atMs: Number(seconds) * 1000, workspace: path.basename(cwd.join(" ")) };
    });
}

/** A temp directory for one scenario, with the fake app-server's turn/start record inside. */
export class BenchDir {
  private constructor(readonly dir: string) {}

  static async create(name: string): Promise<BenchDir> {
    const bench = new BenchDir(await mkdtemp(path.join(tmpdir(), `baton-bench-${name}-`)));
    await mkdir(bench.home);
    return bench;
  }

  /**
   * An empty HOME for Baton and its agents: `bash -lc` would otherwise source this machine's
   * profile (pyenv, cargo...), which costs more per launch than Baton itself and is not Baton's cost.
   */
  get home(): string {
    return path.join(this.dir, "home");
  }

  get recordPath(): string {
    return path.join(this.dir, "turn-starts.log");
  }

  /** `codex.command` running the bash fake app-server; `intervalSeconds` 0 completes each turn at once. */
  fakeAppServerCommand(intervalSeconds: number): string {
    return ["bash", FAKE_APP_SERVER, this.recordPath, String(intervalSeconds)].map(shellQuote).join(" ");
  }

  /** Every turn/start the fakes received: wall-clock ms and the workspace directory name. */
  turnStarts(): Promise<AgentRecord[]> {
    return readAgentRecords(this.recordPath);
  }

  /** Every turn/interrupt the fakes received and every end of their stdin, in the same form. */
  agentStops(): Promise<AgentRecord[]> {
    return readAgentRecords(`${this.recordPath}.stops`);
  }

  /** Writes WORKFLOW.md from front matter (YAML text) and returns its path. */
  async writeWorkflow(frontMatter: string): Promise<string> {
    const file = path.join(this.dir, "WORKFLOW.md");
    await writeFile(
      file,
      `---\n${frontMatter.trim()}\n---\nWork on {{ issue.identifier }}: {{ issue.title }}\n`,
    );
    return file;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

export interface LogLine {
  level: number;
  time: string;
  msg: string;
  [field: string]: unknown;
}

export interface StartOptions {
  workflowPath: string;
  /** HOME for Baton and everything it launches. */
  home: string;
  /** Serve the status API on an ephemeral port. */
  http?: boolean;
  /** Serve the status API on this port. */
  port?: number;
  /** Preload the event-loop probe (reachable through `probe()`). */
  probe?: boolean;
  env?: Record<string, string>;
}

/** A real `baton` process (the CLI as shipped), its JSON log lines parsed as they arrive. */
export class BatonProcess {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<number | null>;
  private stdoutRest = "";
  private stderr = "";

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => this.onStdout(chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  static start(options: StartOptions): BatonProcess {
    const preload = options.probe ? ["--import", TSX, "--import", PROBE] : [];
    // BENCH_CPU_PROFILE_DIR=<dir> writes a V8 CPU profile of every Baton process, to find where time goes;
    // BENCH_CPU_PROFILE_INTERVAL=<us> samples more often than every 1000 us (to tell short tasks apart);
    // BENCH_HEAP_PROFILE=<file> makes the preloaded probe write a sampling heap profile of the window;
    // BENCH_NODE_FLAGS="<flags>" passes Node/V8 flags (`--trace-gc`, `--perf-basic-prof`, heap sizes).
    const nodeFlags = process.env.BENCH_NODE_FLAGS?.split(" ").filter((flag) => flag !== "") ?? [];
    const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
    const interval = process.env.BENCH_CPU_PROFILE_INTERVAL;
    const profile = profileDir
      ? [
          "--cpu-prof",
          `--cpu-prof-dir=${profileDir}`,
          ...(interval ? [`--cpu-prof-interval=${interval}`] : []),
        ]
      : [];
    const args = [
      ...nodeFlags,
      ...profile,
      ...preload,
      BATON_BIN,
      options.workflowPath,
      ...(options.port !== undefined
        ? ["--port", String(options.port)]
        : options.http
          ? ["--port", "0"]
          : []),
    ];
    return BatonProcess.spawn(
      args,
      path.dirname(options.workflowPath),
      options.home,
      options.env,
      options.probe,
    );
  }

  /** A real `baton worker` (B.queue) taking the attempts queued on `queueName`. */
  static worker(options: { redisUrl: string; queueName: string; cwd: string; home: string }): BatonProcess {
    const args = [BATON_BIN, "worker", "--redis", options.redisUrl, "--queue", options.queueName];
    return BatonProcess.spawn(args, options.cwd, options.home);
  }

  private static spawn(
    args: string[],
    cwd: string,
    home: string,
    env: Record<string, string> = {},
    ipc = false,
  ): BatonProcess {
    const child = spawn(process.execPath, args, {
      cwd,
      env: benchEnvironment(home, env),
      stdio: ["ignore", "pipe", "pipe", ...(ipc ? (["ipc"] as const) : [])],
    });
    return new BatonProcess(child);
  }

  hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async waitForLog(fragment: string, timeoutMs: number): Promise<LogLine> {
    return waitUntil(
      () => {
        if (this.child.exitCode !== null) throw new Error(`baton exited early:\n${this.tail()}`);
        return this.logs.find((line) => line.msg.includes(fragment));
      },
      `baton log "${fragment}"\n${this.tail()}`,
      timeoutMs,
      5,
    );
  }

  /** The status API base URL, once the server listens. */
  async url(timeoutMs = 30_000): Promise<string> {
    return String((await this.waitForLog("action=http_server outcome=listening", timeoutMs)).url);
  }

  /** Sends `reset` or `report` to the preloaded probe and returns its answer. */
  probe(message: "reset"): Promise<void>;
  probe(message: "report"): Promise<ProbeReport>;
  probe(message: "reset" | "report"): Promise<unknown> {
    return new Promise((resolve) => {
      this.child.once("message", resolve);
      this.child.send(message);
    });
  }

  /** SIGTERM, then SIGKILL if a graceful stop takes longer than `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  tail(): string {
    return [...this.logs.slice(-15).map((line) => line.msg), this.stderr.slice(-1500)].join("\n");
  }

  private onStdout(chunk: string): void {
    const lines = (this.stdoutRest + chunk).split("\n");
    this.stdoutRest = lines.pop() ?? "";
    for (const line of lines) {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ level: 0, time: "", msg: line });
        // BENCH_STDOUT_FILE=<file> keeps what is not a log line, such as `--trace-gc` output.
        if (stdoutFile !== undefined) appendFileSync(stdoutFile, `${line}\n`);
      }
    }
  }
}
