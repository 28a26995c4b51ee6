import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  claudeCommand,
  claudeOfflineEnv,
  type FakeAnthropicProvider,
  type ModelScript,
  startFakeAnthropicProvider,
} from "@baton/testkit";
import { LocalTicketStore, type NewTicket } from "@baton/tracker";
import { BatonProcess } from "./harness.ts";

const BATON_BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/baton.js");

/**
 * A throwaway project whose WORKFLOW.md selects `agent.kind: claude`: the local tracker, a ticket
 * folder, and the real `claude` binary pointed at the fake Anthropic API driven by `script`.
 */
export class ClaudeProject {
  readonly batons: BatonProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly provider: FakeAnthropicProvider,
    readonly store: LocalTicketStore,
    readonly home: string,
  ) {}

  static async create(options: {
    script: ModelScript;
    tickets?: NewTicket[];
    /** Extra `agent:` keys, e.g. "max_turns: 2". */
    agent?: string;
    /** Extra `claude:` keys, e.g. "stall_timeout_ms: 1500". */
    claude?: string;
  }): Promise<ClaudeProject> {
    const dir = await mkdtemp(join(tmpdir(), "baton-claude-e2e-"));
    const home = join(dir, "home");
    await mkdir(home);
    const provider = await startFakeAnthropicProvider(options.script);
    const store = new LocalTicketStore(join(dir, "tickets"), { prefix: "BAT" });
    const project = new ClaudeProject(dir, provider, store, home);
    const claudeLines = indented([`command: ${JSON.stringify(claudeCommand())}`, options.claude]);
    await writeFile(
      join(dir, "WORKFLOW.md"),
      `---
tracker:
  kind: local
polling:
  interval_ms: 500
workspace:
  root: workspaces
server:
  port: 0
agent:
${indented(["kind: claude", options.agent])}
claude:
${claudeLines}
---
Work on {{ issue.identifier }}: {{ issue.title }}.
`,
    );
    for (const ticket of options.tickets ?? []) await store.create(ticket);
    return project;
  }

  workspace(identifier: string): string {
    return join(this.dir, "workspaces", identifier);
  }

  /** Starts `baton`; the agent inherits its environment: the offline Claude variables and a private HOME. */
  start(): BatonProcess {
    const child = spawn(process.execPath, [BATON_BIN, join(this.dir, "WORKFLOW.md")], {
      cwd: this.dir,
      env: {
        ...process.env,
        ...claudeOfflineEnv(this.provider.baseUrl),
        HOME: this.home,
        BATON_LOG_LEVEL: "debug",
        INIT_CWD: this.dir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const baton = new BatonProcess(child);
    this.batons.push(baton);
    return baton;
  }

  /** GET /api/v1/state of a running baton (its status server listens on a free port). */
  async state(baton: BatonProcess): Promise<Record<string, unknown>> {
    const listening = await baton.waitForLog(["action=http_server outcome=listening"]);
    const response = await fetch(`${String(listening.url)}/api/v1/state`);
    return (await response.json()) as Record<string, unknown>;
  }

  async close(): Promise<void> {
    await Promise.all(this.batons.map((baton) => baton.stop("SIGKILL")));
    await this.provider.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

function indented(blocks: (string | undefined)[]): string {
  return blocks
    .flatMap((block) => (block ?? "").split("\n"))
    .filter(Boolean)
    .map((line) => `  ${line}`)
    .join("\n");
}
