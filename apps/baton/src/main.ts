import { parseArgs } from "node:util";
import { isBatonError } from "@baton/domain";
import { type CommandIO, println, usageError } from "./io.ts";

const USAGE = `Usage:
  baton [path-to-WORKFLOW.md] [--port N] [--logs-root DIR] [--state-dir DIR]
                                                             run the service (default ./WORKFLOW.md;
                                                             state in <workflow dir>/.baton/state)
  baton validate [path-to-WORKFLOW.md]                       check a workflow and print its effective config
  baton init [DIR]                                           scaffold WORKFLOW.md and a local ticket folder
  baton issue create <title> [--priority N] [--label L]... [--state S] [--blocked-by ID]... [--description TEXT]
  baton issue list [--state S]...
  baton issue move <ID> <STATE>
  baton issue comment <ID> <TEXT> [--author NAME]
      (issue commands read the local tracker folder from --workflow PATH, default ./WORKFLOW.md)
  baton demo [--port N] [--agent codex|claude] [--sandbox] [--phases]
                                                             run the offline demo (local tickets + real codex or claude + demo model);
                                                             --phases: plan → approval gate → implement → test → review with a fix loop
  baton sandbox build [--image NAME] [--codex PATH]          build the sandbox agent image offline (Docker at DOCKER_HOST)
  baton worker --redis URL [--concurrency N] [--workspace-root DIR] [--queue NAME] [--lock-ms N]
                                                             run queued attempts on this host (executor.kind queue;
                                                             URL redis:// or rediss://, or $BATON_REDIS_URL)
  baton stop <ID> --reason TEXT                              stop a running issue; not retried until the ticket changes or retry
  baton retry <ID>                                           retry a queued, blocked or stopped issue now
  baton events <ID> [--follow] [--limit N] [--json]          show an issue's agent session events (--follow: live)
  baton approve <ID>                                         approve the gate a phases: run waits at; it resumes
  baton reject <ID> [reason]                                 reject it; the reason goes back to the phase that made the artifact
      (stop/retry/events/approve/reject talk to the running Baton: --url URL, else server.host/port of --workflow PATH;
       token from --token, $BATON_TOKEN or server.token)
`;

/**
 * Parses the command line and runs one command; resolves to the process exit code. Commands are
 * imported on demand: the daemon's startup should not pay for the demo's fakes or the CLI helpers.
 */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [first, ...rest] = argv;
  if (wantsHelp(argv)) {
    io.out.write(usageOf(argv));
    return 0;
  }
  try {
    switch (first) {
      case "validate": {
        const { validateCommand } = await import("./commands/validate.ts");
        return await validateCommand(
          parse(() => parseArgs({ args: rest, allowPositionals: true })).positionals[0],
          io,
        );
      }
      case "init": {
        const { initCommand } = await import("./commands/init.ts");
        return await initCommand(
          parse(() => parseArgs({ args: rest, allowPositionals: true })).positionals[0],
          io,
        );
      }
      case "issue": {
        const { issueCommand } = await import("./commands/issue.ts");
        return await issueCommand(rest, io);
      }
      case "stop":
      case "retry":
      case "events":
      case "approve":
      case "reject": {
        const { operatorCommand } = await import("./commands/operator.ts");
        return await operatorCommand(first, rest, io);
      }
      case "demo": {
        const { values } = parse(() =>
          parseArgs({
            args: rest,
            options: {
              port: { type: "string" },
              agent: { type: "string" },
              sandbox: { type: "boolean" },
              phases: { type: "boolean" },
            },
          }),
        );
        const { demoCommand } = await import("./commands/demo.ts");
        return await demoCommand(
          {
            port: parsePort(values.port),
            agent: parseAgent(values.agent),
            sandbox: values.sandbox ?? false,
            phases: values.phases ?? false,
          },
          io,
        );
      }
      case "sandbox": {
        const { values, positionals } = parse(() =>
          parseArgs({
            args: rest,
            allowPositionals: true,
            options: { image: { type: "string" }, codex: { type: "string" } },
          }),
        );
        const { sandboxCommand } = await import("./commands/sandbox.ts");
        return await sandboxCommand(positionals, values, io);
      }
      case "worker": {
        const { values } = parse(() =>
          parseArgs({
            args: rest,
            options: {
              redis: { type: "string" },
              concurrency: { type: "string" },
              "workspace-root": { type: "string" },
              queue: { type: "string" },
              "lock-ms": { type: "string" },
            },
          }),
        );
        const redisUrl = values.redis ?? io.env.BATON_REDIS_URL;
        if (redisUrl === undefined || !/^rediss?:\/\/./.test(redisUrl)) {
          throw usageError("worker needs --redis redis://[:password@]host:port (or rediss:// for TLS)");
        }
        const { workerCommand } = await import("./commands/worker.ts");
        return await workerCommand(
          {
            redisUrl,
            queueName: parseQueueName(values.queue),
            concurrency: parsePositive("--concurrency", values.concurrency, 1),
            ...(values["workspace-root"] === undefined ? {} : { workspaceRoot: values["workspace-root"] }),
            lockMs: parsePositive("--lock-ms", values["lock-ms"], 30_000),
          },
          io,
        );
      }
      case "help":
        io.out.write(usageOf(rest));
        return 0;
      default: {
        const { values, positionals: paths } = parse(() =>
          parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
              port: { type: "string" },
              "logs-root": { type: "string" },
              "state-dir": { type: "string" },
            },
          }),
        );
        if (paths.length > 1) throw usageError(`expected at most one workflow path, got ${paths.length}`);
        const { runCommand } = await import("./commands/run.ts");
        return await runCommand(
          {
            workflowPath: paths[0],
            port: parsePort(values.port),
            logsRoot: values["logs-root"],
            stateDir: values["state-dir"],
          },
          io,
        );
      }
    }
  } catch (error) {
    if (!isBatonError(error)) throw error;
    println(io.err, `error ${error.category}: ${error.message}`);
    if (error.category === "usage") io.err.write(`\n${USAGE}`);
    return error.category === "usage" ? 2 : 1;
  }
}

/** `--help` or `-h` anywhere before a `--`, on any command or subcommand (present or added later). */
function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

/**
 * The usage lines of the longest command prefix of `argv` that USAGE documents (`issue move`, then
 * `issue`), with their indented notes; the whole text when none matches (the run command, a path).
 */
function usageOf(argv: string[]): string {
  const words = argv.filter((arg) => !arg.startsWith("-"));
  const lines = USAGE.split("\n");
  for (let length = Math.min(words.length, 2); length > 0; length--) {
    const prefix = `  baton ${words.slice(0, length).join(" ")}`;
    const picked: string[] = [];
    let inCommand = false;
    for (const line of lines) {
      if (line.startsWith("  baton")) inCommand = line === prefix || line.startsWith(`${prefix} `);
      else if (!line.startsWith("      ")) inCommand = false;
      if (inCommand) picked.push(line);
    }
    if (picked.length > 0) return `Usage:\n${picked.join("\n")}\n`;
  }
  return USAGE;
}

/** Runs a parseArgs call, turning its errors into usage errors. */
function parse<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

function parsePort(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw usageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

function parsePositive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw usageError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return number;
}

function parseQueueName(value: string | undefined): string {
  if (value === undefined) return "baton";
  if (!/^[A-Za-z0-9_-]+$/.test(value)) {
    throw usageError(`--queue must be a name of letters, digits, - and _, got ${JSON.stringify(value)}`);
  }
  return value;
}

function parseAgent(value: unknown): "codex" | "claude" | undefined {
  if (value === undefined || value === "codex" || value === "claude") return value;
  throw usageError(`--agent must be codex or claude, got ${JSON.stringify(value)}`);
}
