import { mkdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import {
  claudeBinary,
  claudeOfflineEnv,
  codexBinary,
  demoScript,
  prepareCodexHome,
  startFakeAnthropicProvider,
  startFakeModelProvider,
} from "@baton/demo";
import { type CommandIO, println, usageError } from "../io.ts";
import { workflowTemplate, writeSampleTickets, writeWorkflow } from "../scaffold.ts";
import { runCommand } from "./run.ts";

/**
 * `baton demo`: the newcomer's first run. A fresh `.baton/demo` folder with a WORKFLOW.md on the
 * local tracker and sample tickets; the real `codex app-server` does the work, talking to Baton's
 * scripted offline demo model on 127.0.0.1 (no credentials, no network). With OPENAI_API_KEY set
 * and BATON_DEMO_MODEL=off, the same setup drives real Codex against OpenAI instead. With
 * `--agent claude` the agent is headless Claude Code, driven by the same demo model behind a fake
 * Anthropic API (or, with ANTHROPIC_API_KEY and BATON_DEMO_MODEL=off, by Anthropic's).
 */
export interface DemoOptions {
  port?: number;
  agent?: "codex" | "claude";
  /** Run every agent in a Docker container (image from `baton sandbox build`, daemon at DOCKER_HOST). */
  sandbox?: boolean;
  /** The three-phase workflow with an approval gate after the plan (B.phases). */
  phases?: boolean;
}

/** The phases demo serves its dashboard here unless --port says otherwise (approvals need it). */
export const PHASES_DEMO_PORT = 4517;

export async function demoCommand(options: DemoOptions, io: CommandIO): Promise<number> {
  const demoDir = join(io.cwd, ".baton", "demo");
  await rm(demoDir, { recursive: true, force: true });
  await mkdir(demoDir, { recursive: true });
  if (options.agent === "claude" && options.sandbox) {
    throw usageError("--sandbox runs the Codex agent only; the agent image has no Claude Code yet");
  }
  if (options.phases) options = { ...options, port: options.port ?? PHASES_DEMO_PORT };
  if (options.agent === "claude") return claudeDemo(demoDir, options, io);

  const realModel = io.env.BATON_DEMO_MODEL === "off" && Boolean(io.env.OPENAI_API_KEY);
  const provider = realModel ? null : await startFakeModelProvider(demoScript());
  try {
    // The home lives in the user's cache dir, never under /tmp: Codex refuses sandbox helpers there.
    if (options.sandbox)
      return await runDemo(demoDir, null, realModel, options, sandboxedIo(io, provider?.baseUrl));
    const codexHome = provider ? await prepareCodexHome({ baseUrl: provider.baseUrl }) : null;
    try {
      return await runDemo(demoDir, codexHome?.home ?? null, realModel, options, io);
    } finally {
      await codexHome?.cleanup();
    }
  } finally {
    await provider?.close();
  }
}

/** The demo with headless Claude Code; its HOME is a folder of the demo, away from your own ~/.claude. */
async function claudeDemo(demoDir: string, options: DemoOptions, io: CommandIO): Promise<number> {
  const realModel = io.env.BATON_DEMO_MODEL === "off" && Boolean(io.env.ANTHROPIC_API_KEY);
  const provider = realModel ? null : await startFakeAnthropicProvider(demoScript());
  try {
    const home = join(demoDir, ".claude-home");
    await mkdir(home, { recursive: true });
    const offline = provider ? claudeOfflineEnv(provider.baseUrl) : {};
    const variables = Object.entries({ HOME: home, ...offline })
      .map(([name, value]) => `${name}=${shellQuote(value)}`)
      .join(" ");
    const workflowPath = await writeWorkflow(
      demoDir,
      workflowTemplate({
        codexCommand: `${shellQuote(codexBinary())} app-server`,
        intervalMs: 2000,
        ...(options.phases && { phases: true, serverPort: options.port }),
        claude: {
          command: `${variables} ${shellQuote(claudeBinary())}`,
          comment: realModel
            ? "# Demo with the real model: claude uses ANTHROPIC_API_KEY."
            : "# OFFLINE DEMO MODEL: claude talks to Baton's scripted demo model behind a fake Anthropic API on 127.0.0.1, not a real model.",
        },
      }),
    );
    return await startDemo(
      demoDir,
      workflowPath,
      realModel
        ? "Model: real Anthropic model via ANTHROPIC_API_KEY; agent: headless Claude Code."
        : "Model: OFFLINE DEMO MODEL (scripted, on 127.0.0.1); the real claude binary runs each command.",
      options,
      io,
    );
  } finally {
    await provider?.close();
  }
}

async function runDemo(
  demoDir: string,
  codexHome: string | null,
  realModel: boolean,
  options: DemoOptions,
  io: CommandIO,
): Promise<number> {
  const codex = shellQuote(codexBinary());
  // In the sandbox, codex is the image's, configured to reach the model through Baton's relay.
  const codexCommand = options.sandbox
    ? "codex app-server"
    : codexHome
      ? `CODEX_HOME=${shellQuote(codexHome)} ${codex} app-server`
      : `${codex} app-server`;
  const workflowPath = await writeWorkflow(
    demoDir,
    workflowTemplate({
      codexCommand,
      intervalMs: 2000,
      ...(options.phases && { phases: true, serverPort: options.port }),
      codexComment: realModel
        ? "# Demo with the real model: codex uses OPENAI_API_KEY."
        : "# OFFLINE DEMO MODEL: codex talks to Baton's scripted demo model on 127.0.0.1, not a real model.",
      ...(options.sandbox && {
        sandbox: [
          "sandbox:                      # every agent and hook runs in a container (baton sandbox build)",
          "  kind: docker",
          "  network: model-only          # the container reaches the model through Baton's relay, nothing else",
          `  model_url: ${realModel ? "https://api.openai.com/v1" : "$BATON_DEMO_MODEL_URL"}`,
          "",
        ].join("\n"),
      }),
    }),
  );
  return startDemo(
    demoDir,
    workflowPath,
    realModel
      ? "Model: real OpenAI model via OPENAI_API_KEY."
      : "Model: OFFLINE DEMO MODEL (scripted, on 127.0.0.1); the real codex binary runs each command.",
    options,
    io,
  );
}

async function startDemo(
  demoDir: string,
  workflowPath: string,
  modelLine: string,
  options: { port?: number; phases?: boolean },
  io: CommandIO,
): Promise<number> {
  const tickets = await writeSampleTickets(join(demoDir, "tickets"));
  const shown = relative(io.cwd, demoDir);

  return runCommand(
    {
      workflowPath,
      port: options.port,
      onStarted: () => {
        println(io.err, "");
        println(
          io.err,
          `Baton demo: ${tickets.length} sample tickets in ${shown}/tickets, workflow ${shown}/WORKFLOW.md`,
        );
        println(io.err, modelLine);
        println(io.err, `Watch tickets move:   pnpm baton issue list --workflow ${shown}/WORKFLOW.md`);
        println(
          io.err,
          `${tickets[2]} waits for ${tickets[1]}: pnpm baton issue move ${tickets[1]} Done --workflow ${shown}/WORKFLOW.md`,
        );
        println(
          io.err,
          `Add one:              pnpm baton issue create "Say hello" --workflow ${shown}/WORKFLOW.md`,
        );
        println(
          io.err,
          `Workspaces: ${shown}/.baton/workspaces   Session logs: ${shown}/.baton/logs/sessions`,
        );
        if (options.phases) {
          println(
            io.err,
            `Phases: each ticket is planned, then WAITS FOR YOUR APPROVAL (see the plan in the dashboard or the ticket's comment).`,
          );
          println(
            io.err,
            `Approve:              pnpm baton approve ${tickets[0]} --workflow ${shown}/WORKFLOW.md   (or the dashboard's Approve button)`,
          );
          println(
            io.err,
            `Reject with a reason: pnpm baton reject ${tickets[0]} "make it shorter" --workflow ${shown}/WORKFLOW.md`,
          );
        }
        println(io.err, "Stop with Ctrl-C.");
        println(io.err, "");
      },
    },
    io,
  );
}

/** The sandboxed demo's environment: the relay's upstream, and a placeholder key for the offline model. */
function sandboxedIo(io: CommandIO, offlineModelUrl: string | undefined): CommandIO {
  if (offlineModelUrl === undefined) return io;
  return {
    ...io,
    env: { ...io.env, BATON_DEMO_MODEL_URL: offlineModelUrl, OPENAI_API_KEY: "offline-demo-model" },
  };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}
