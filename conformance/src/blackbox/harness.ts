/**
 * What one black-box scenario works with: a fake Linear, scriptable fake app-servers, a temp project
 * with a generated WORKFLOW.md, and the implementation under test started from a command template.
 * Everything judged here is observable from outside the implementation.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createFakeAppServer,
  FAKE_LINEAR_PROJECT,
  type FakeAppServer,
  type FakeAppServerScenario,
  type FakeLinearServer,
  startFakeLinear,
} from "@baton/testkit";

export interface ImplementationCommand {
  /**
   * Shell command run by bash in the scenario's project directory. Placeholders: `{workflow}` (the
   * WORKFLOW.md path, quoted), `{port}` (a free port for the HTTP API), `{here}` (`here`, quoted).
   */
  template: string;
  /** The directory `{here}` stands for: where the suite was started. */
  here: string;
}

/** A failed expectation of a scenario: its message is the reported reason. */
export class CheckFailed extends Error {}

/** A scenario that cannot judge this implementation (e.g. no HTTP API): reported as skipped. */
export class ScenarioSkipped extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

export async function waitUntil<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new CheckFailed(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The parts of `GET /api/v1/state` (SPEC 13.7.2) the scenarios read; anything else is ignored. */
export interface ApiState {
  running: ApiRow[];
  retrying: ApiRow[];
  codex_totals: {
    input_tokens: number;
    output_tokens: number;
    total_tokens: number;
    seconds_running: number;
  };
  rate_limits: unknown;
  last_error: unknown;
  workflow?: unknown;
}

export interface ApiRow {
  issue_id?: string;
  issue_identifier?: string;
  state?: string;
  attempt?: number | null;
  due_at?: string;
  error?: string | null;
  tokens?: { input_tokens: number; output_tokens: number; total_tokens: number };
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** `value.key`, or undefined when value is not an object: for reading untyped protocol messages. */
export function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

export interface WorkflowOptions {
  /** Extra tracker keys as a YAML map body, e.g. "required_labels: [baton]". */
  tracker?: string;
  hooks?: Record<string, string | number>;
  agent?: Record<string, unknown>;
  codex?: Record<string, unknown>;
  pollIntervalMs?: number;
  activeStates?: string[];
  prompt?: string;
  /** Replaces the whole file (for broken workflows). */
  raw?: string;
}

/** One agent session as seen by the fake app-server: the messages it received, in order. */
export interface AgentSession {
  pid: number;
  cwd: string;
  messages: Record<string, unknown>[];
}

export interface RunningImplementation {
  readonly pid: number;
  readonly port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL of its process group after `graceMs`. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class ScenarioContext {
  readonly root: string;
  readonly workflowPath: string;
  readonly agentLog: string;
  readonly envDir: string;
  private readonly fakes: FakeAppServer[] = [];
  private readonly implementations: RunningImplementation[] = [];
  private agentFakes = new Map<string, FakeAppServer>();
  private defaultFake: FakeAppServer | null = null;
  private workflowOptions: WorkflowOptions = {};
  /** Whether the implementation answered GET /api/v1/state (decided by `start`). */
  apiAvailable = false;

  private constructor(
    readonly dir: string,
    readonly linear: FakeLinearServer,
    readonly implementation: ImplementationCommand,
  ) {
    this.root = path.join(dir, "workspaces");
    this.workflowPath = path.join(dir, "WORKFLOW.md");
    this.agentLog = path.join(dir, "agents.log");
    this.envDir = path.join(dir, "agent-env");
  }

  static async create(implementation: ImplementationCommand): Promise<ScenarioContext> {
    const dir = await mkdtemp(path.join(tmpdir(), "baton-conformance-"));
    await mkdir(path.join(dir, "home"));
    await mkdir(path.join(dir, "agent-env"));
    await writeFile(path.join(dir, "agents.log"), "");
    const linear = await startFakeLinear();
    return new ScenarioContext(dir, linear, implementation);
  }

  get store() {
    return this.linear.store;
  }

  /**
   * Scripts the agent: `byWorkspace` maps a workspace directory name to its own fake, everything
   * else gets `fallback`. Each launch records `pid cwd` and its environment (for secret checks).
   */
  async useAgent(fallback: FakeAppServerScenario, byWorkspace: Record<string, FakeAppServerScenario> = {}) {
    this.defaultFake = await this.fake(fallback);
    this.agentFakes = new Map();
    for (const [key, scenario] of Object.entries(byWorkspace))
      this.agentFakes.set(key, await this.fake(scenario));
  }

  private async fake(scenario: FakeAppServerScenario): Promise<FakeAppServer> {
    const fake = await createFakeAppServer(scenario);
    this.fakes.push(fake);
    return fake;
  }

  /** The codex.command: records the launch, then becomes the fake picked by workspace name. */
  agentCommand(): string {
    if (this.defaultFake === null) throw new Error("useAgent() must be called before writing the workflow");
    const cases = [...this.agentFakes].map(([key, fake]) => `${shellQuote(key)}) exec ${fake.command};;`);
    return [
      `printf '%s %s\\n' "$$" "$PWD" >> ${shellQuote(this.agentLog)}`,
      `env > ${shellQuote(this.envDir)}/"$$".env`,
      `case "\${PWD##*/}" in ${cases.join(" ")} *) exec ${this.defaultFake.command};; esac`,
    ].join("; ");
  }

  /** Writes WORKFLOW.md for the fake Linear (both the provider map and the reference's flat keys). */
  async writeWorkflow(options: WorkflowOptions = {}): Promise<void> {
    this.workflowOptions = options;
    await writeFile(this.workflowPath, options.raw ?? this.workflowText(options));
  }

  workflowText(options: WorkflowOptions = this.workflowOptions): string {
    const yaml = (value: unknown) => JSON.stringify(value);
    const map = (entries: Record<string, unknown>) =>
      Object.entries(entries)
        .map(([key, value]) => `  ${key}: ${yaml(value)}`)
        .join("\n");
    const codex = {
      command: this.agentCommand(),
      read_timeout_ms: 10_000,
      turn_timeout_ms: 60_000,
      stall_timeout_ms: 0,
      approval_policy: "never",
      ...options.codex,
    };
    const agent = { max_concurrent_agents: 10, max_turns: 1, ...options.agent };
    const hooks = { timeout_ms: 5_000, ...options.hooks };
    return `---
tracker:
  kind: linear
  endpoint: ${yaml(this.linear.endpoint)}
  api_key: $LINEAR_API_KEY
  project_slug: ${yaml(FAKE_LINEAR_PROJECT)}
  provider:
    endpoint: ${yaml(this.linear.endpoint)}
    api_key: $LINEAR_API_KEY
    project_slug: ${yaml(FAKE_LINEAR_PROJECT)}
  active_states: ${yaml(options.activeStates ?? ["Todo", "In Progress"])}
  terminal_states: ["Done", "Canceled", "Duplicate"]
${(options.tracker ?? "")
  .split("\n")
  .filter(Boolean)
  .map((line) => `  ${line}`)
  .join("\n")}
polling:
  interval_ms: ${options.pollIntervalMs ?? 200}
workspace:
  root: ${yaml(this.root)}
hooks:
${map(hooks)}
agent:
${map(agent)}
codex:
${map(codex)}
---
${options.prompt ?? "Work on {{ issue.identifier }}: {{ issue.title }} (attempt {{ attempt }})."}
`;
  }

  /**
   * Starts the implementation on WORKFLOW.md with a free port and waits until it has talked to the
   * tracker; then decides whether it serves the HTTP API.
   */
  async start(
    options: { workflowArg?: string; waitForTracker?: boolean; env?: Record<string, string> } = {},
  ): Promise<RunningImplementation> {
    const port = await freePort();
    const command = this.implementation.template
      .replaceAll("{workflow}", options.workflowArg ?? shellQuote(this.workflowPath))
      .replaceAll("{port}", String(port))
      .replaceAll("{here}", shellQuote(this.implementation.here));
    // pnpm's INIT_CWD would make a pnpm-aware CLI resolve ./WORKFLOW.md against where the suite started.
    const { INIT_CWD: _initCwd, ...inherited } = process.env;
    const child = spawn("bash", ["-c", `exec ${command}`], {
      cwd: this.dir,
      detached: true,
      env: {
        ...inherited,
        HOME: path.join(this.dir, "home"),
        LINEAR_API_KEY: this.linear.apiKey,
        // Conformance runs may happen inside CI: keep the implementation's own TTY/CI probing neutral.
        FORCE_COLOR: "0",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const running = trackProcess(child, port);
    this.implementations.push(running);
    if (options.waitForTracker ?? true) {
      await waitUntil(
        () => this.linear.requests.length > 0 || running.hasExited(),
        "the implementation's first tracker request",
        30_000,
      );
      if (running.hasExited()) {
        const exit = await running.exited;
        throw new CheckFailed(
          `the implementation exited at startup (code ${exit.code}, signal ${exit.signal}):\n${tail(running.output())}`,
        );
      }
      this.apiAvailable = await waitUntil(
        async () => (await fetchJson(port, "/api/v1/state").catch(() => null)) ?? false,
        "HTTP API",
        3_000,
      ).then(
        () => true,
        () => false,
      );
    }
    return running;
  }

  /** GET /api/v1/...: rejects if the API is not there. */
  async api(route: string): Promise<ApiResponse> {
    const running = this.implementations.at(-1);
    if (running === undefined) throw new Error("no implementation started");
    return fetchJson(running.port, route);
  }

  async state(): Promise<ApiState> {
    const { status, body } = await this.api("/api/v1/state");
    check(status === 200, `GET /api/v1/state answered ${status}`);
    check(
      Array.isArray(field(body, "running")) && Array.isArray(field(body, "retrying")),
      `/api/v1/state lacks running/retrying lists: ${JSON.stringify(body)}`,
    );
    return body as ApiState;
  }

  requireApi(what: string): void {
    if (!this.apiAvailable) throw new ScenarioSkipped(`no HTTP API on --port, needed to observe ${what}`);
  }

  /** Agent launches in order: `[pid, cwd]`. */
  async launches(): Promise<{ pid: number; cwd: string }[]> {
    const text = await readFile(this.agentLog, "utf8");
    return text
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const space = line.indexOf(" ");
        return { pid: Number(line.slice(0, space)), cwd: line.slice(space + 1) };
      });
  }

  /** Launches whose cwd ends in this workspace directory name. */
  async launchesIn(key: string): Promise<{ pid: number; cwd: string }[]> {
    return (await this.launches()).filter((launch) => path.basename(launch.cwd) === key);
  }

  /** Every message the agent fakes received (all sessions of the fallback or a workspace's fake). */
  async received(workspaceKey?: string): Promise<Record<string, unknown>[]> {
    const fake = (workspaceKey && this.agentFakes.get(workspaceKey)) || this.defaultFake;
    return fake ? fake.received() : [];
  }

  /** turn/start requests received, with their prompt text and cwd. */
  async turnStarts(workspaceKey?: string): Promise<{ text: string; cwd: unknown; threadId: unknown }[]> {
    return (await this.received(workspaceKey))
      .filter((message) => message.method === "turn/start")
      .map((message) => {
        const params = message.params;
        const input = field(params, "input");
        const text = (Array.isArray(input) ? input : [])
          .map((item) => {
            const part = field(item, "text");
            return typeof part === "string" ? part : "";
          })
          .join("");
        return { text, cwd: field(params, "cwd"), threadId: field(params, "threadId") };
      });
  }

  async agentEnvironments(): Promise<string[]> {
    const names = await readdir(this.envDir);
    return Promise.all(names.map((name) => readFile(path.join(this.envDir, name), "utf8")));
  }

  workspaceDirs(): Promise<string[]> {
    return readdir(this.root).catch(() => []);
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.implementations.map((running) => running.stop(2_000)));
    // Agents the implementation left behind: end them by the pids they recorded.
    for (const launch of await this.launches().catch(() => [])) killGroup(launch.pid, "SIGKILL");
    await this.linear.close();
    await Promise.all(this.fakes.map((fake) => fake.cleanup()));
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signals the implementation's process group, or the process alone when it leads none. One signal
 * only: sending it to the group and then to the leader again delivered it twice, which an
 * implementation may rightly read as an impatient second signal (force exit).
 */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch {
      // no such group (or already gone): try the process itself
    }
  }
}

function trackProcess(child: ChildProcess, port: number): RunningImplementation {
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  let exitedNow = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      exitedNow = true;
      resolve({ code, signal });
    }),
  );
  const pid = child.pid ?? -1;
  return {
    pid,
    port,
    output: () => output,
    exited,
    hasExited: () => exitedNow,
    async stop(graceMs = 10_000) {
      if (!exitedNow) {
        killGroup(pid, "SIGTERM");
        const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

async function fetchJson(port: number, route: string, init?: RequestInit): Promise<ApiResponse> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    ...init,
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}

export async function postJson(port: number, route: string): Promise<ApiResponse> {
  return fetchJson(port, route, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function tail(text: string, chars = 3_000): string {
  return text.length > chars ? `…${text.slice(-chars)}` : text;
}
