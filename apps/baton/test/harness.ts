import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  codexBinary,
  type FakeModelProvider,
  type ModelScript,
  prepareCodexHome,
  startFakeModelProvider,
} from "@baton/testkit";
import { LocalTicketStore, type NewTicket } from "@baton/tracker";

const BATON_BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/baton.js");

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real `baton` process with its JSON log lines parsed as they arrive. */
export class BatonProcess {
  readonly logs: LogLine[] = [];
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stdoutRest = "";

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => this.onStdout(chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolveExit) =>
      child.once("exit", (code, signal) => resolveExit({ code, signal })),
    );
  }

  /** Log lines whose `msg` contains every given fragment. */
  find(...fragments: string[]): LogLine[] {
    return this.logs.filter((line) => fragments.every((fragment) => line.msg.includes(fragment)));
  }

  async waitForLog(fragments: string[], timeoutMs = 20_000, count = 1): Promise<LogLine> {
    await waitFor(
      () => this.find(...fragments).length >= count,
      timeoutMs,
      () => `log line with ${JSON.stringify(fragments)} (x${count})\n${this.tail()}`,
    );
    return this.find(...fragments)[count - 1]!;
  }

  async stop(
    signal: NodeJS.Signals = "SIGTERM",
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** The last log lines for a failure message; routine tick summaries would crowd out what happened. */
  tail(lines = 40): string {
    const telling = this.logs.filter((line) => !line.msg.startsWith(ROUTINE_TICK));
    return [...telling.slice(-lines).map(describeLine), this.stderr.slice(-2000)].join("\n");
  }

  private onStdout(chunk: string): void {
    const text = this.stdoutRest + chunk;
    const lines = text.split("\n");
    this.stdoutRest = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ level: 0, msg: line });
      }
    }
  }
}

const ROUTINE_TICK = "action=tick outcome=completed";

/** A log line with its fields, so a failure shows which issue, run and error it was about. */
function describeLine(line: LogLine): string {
  const { level: _level, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = line;
  const rest = JSON.stringify(fields);
  return rest === "{}" ? msg : `${msg} ${rest.length > 400 ? `${rest.slice(0, 400)}…` : rest}`;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: API answers are checked field by field.
export type Json = any;

/** GET `path` on the status API of a Baton started with `--port`. */
export async function api(baton: BatonProcess, path: string): Promise<Json> {
  const listening = await baton.waitForLog(["action=http_server outcome=listening"], 30_000);
  const response = await fetch(`${String(listening.url)}${path}`);
  return response.json();
}

/** Polls `GET /api/v1/state` until `condition` holds; resolves with that state. */
export async function waitForState(
  baton: BatonProcess,
  what: string,
  condition: (state: Json) => boolean,
  timeoutMs = 60_000,
): Promise<Json> {
  let state: Json;
  await waitFor(
    async () => {
      state = await api(baton, "/api/v1/state");
      return condition(state);
    },
    timeoutMs,
    () => `${what}\n${JSON.stringify(state)}\n${baton.tail()}`,
  );
  return state;
}

export interface ProjectOptions {
  /** Front matter lines added under the defaults (YAML, already indented for the top level). */
  frontMatter?: string;
  /** Extra `codex:` keys, e.g. "approval_policy: untrusted". */
  codex?: string;
  prompt?: string;
  tickets?: NewTicket[];
  script: ModelScript;
  /** Replaces the real codex command (e.g. with a scripted fake app-server's), or wraps it. */
  codexCommand?: string | ((realCodex: string) => string);
  /** Extra environment for every baton process and CLI call. */
  env?: Record<string, string>;
}

/**
 * A throwaway project: WORKFLOW.md on the local tracker, a ticket folder, and the real codex
 * binary pointed at a fake model provider driven by `script`.
 */
export class Project {
  readonly batons: BatonProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly provider: FakeModelProvider,
    readonly store: LocalTicketStore,
    private readonly cleanupCodexHome: () => Promise<void>,
    readonly codexCommand: string,
    readonly home: string,
    private readonly codexExtra: string,
    readonly env: Record<string, string>,
  ) {}

  static async create(options: ProjectOptions): Promise<Project> {
    const dir = await mkdtemp(join(tmpdir(), "baton-e2e-"));
    const home = join(dir, "home");
    await mkdir(home);
    const provider = await startFakeModelProvider(options.script);
    const codexHome = await prepareCodexHome({ baseUrl: provider.baseUrl });
    const realCodex = `CODEX_HOME='${codexHome.home}' '${codexBinary()}' app-server`;
    const codexCommand =
      typeof options.codexCommand === "function"
        ? options.codexCommand(realCodex)
        : (options.codexCommand ?? realCodex);
    const store = new LocalTicketStore(join(dir, "tickets"), { prefix: "BAT" });
    const project = new Project(
      dir,
      provider,
      store,
      codexHome.cleanup,
      codexCommand,
      home,
      options.codex ?? "",
      options.env ?? {},
    );
    await project.writeWorkflow(options.frontMatter ?? "", options.prompt);
    for (const ticket of options.tickets ?? []) await store.create(ticket);
    return project;
  }

  get workflowPath(): string {
    return join(this.dir, "WORKFLOW.md");
  }

  workspace(identifier: string): string {
    return join(this.dir, "workspaces", identifier);
  }

  async writeWorkflow(
    frontMatter: string,
    prompt = "Work on {{ issue.identifier }}: {{ issue.title }}.",
  ): Promise<void> {
    await writeFile(
      this.workflowPath,
      `---
tracker:
  kind: local
polling:
  interval_ms: 500
workspace:
  root: workspaces
codex:
  command: ${JSON.stringify(this.codexCommand)}
  read_timeout_ms: 20000
${this.codexExtra
  .split("\n")
  .filter(Boolean)
  .map((line) => `  ${line}`)
  .join("\n")}
${frontMatter}
---
${prompt}
`,
    );
  }

  /** Starts `baton` on this project's WORKFLOW.md; logs are JSON lines because stdout is a pipe. */
  start(args: string[] = [], env: Record<string, string> = {}): BatonProcess {
    return this.startWith([this.workflowPath, ...args], env);
  }

  /** Starts `baton` with exactly these arguments (and these variables added to its environment). */
  startWith(args: string[], env: Record<string, string> = {}): BatonProcess {
    const child = spawn(process.execPath, [BATON_BIN, ...args], {
      cwd: this.dir,
      // A private HOME keeps the developer's shell profile out of the agent's login shells.
      env: {
        ...process.env,
        HOME: this.home,
        BATON_LOG_LEVEL: "debug",
        INIT_CWD: this.dir,
        ...this.env,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const baton = new BatonProcess(child);
    this.batons.push(baton);
    return baton;
  }

  /** Runs a one-shot CLI command (`baton issue move ...`) against this project. */
  async cli(
    args: string[],
    env: Record<string, string> = {},
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [BATON_BIN, ...args], {
      cwd: this.dir,
      env: { ...process.env, HOME: this.home, INIT_CWD: this.dir, ...this.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolveExit) => child.once("exit", resolveExit));
    return { code, stdout, stderr };
  }

  async close(): Promise<void> {
    await Promise.all(this.batons.map((baton) => baton.stop("SIGKILL")));
    await this.provider.close();
    await this.cleanupCodexHome();
    await rm(this.dir, { recursive: true, force: true });
  }
}
