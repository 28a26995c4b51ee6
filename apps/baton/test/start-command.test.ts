import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "./harness.ts";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

let child: ChildProcess | undefined;
let home: string | undefined;

afterEach(async () => {
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  child = undefined;
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

/** The demo command exactly as README.md's quick start names it (the part after `install ... &&`). */
async function readmeStartCommand(): Promise<string[]> {
  const readme = await readFile(join(REPO_ROOT, "README.md"), "utf8");
  const command = /&& (npx -y pnpm@[0-9.]+ start)\n/.exec(readme)?.[1];
  if (command === undefined) throw new Error("README.md names no `npx -y pnpm@<version> start` command");
  return command.split(" ");
}

/**
 * A terminal's environment: none of the npm_* / pnpm variables of the test runner's own pnpm, a
 * private HOME (the agents' login shells must not read the machine's profile), the user's npm
 * cache (no download of pnpm) and cache dir (Codex refuses a CODEX_HOME under /tmp).
 */
function terminalEnv(privateHome: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_)/i.test(name) || name === "INIT_CWD" || name.startsWith("BATON_")) continue;
    env[name] = value;
  }
  return {
    ...env,
    HOME: privateHome,
    XDG_CACHE_HOME: process.env.XDG_CACHE_HOME || join(homedir(), ".cache"),
    npm_config_cache: process.env.npm_config_cache || join(homedir(), ".npm"),
    npm_config_update_notifier: "false",
  };
}

describe("the README's start command", () => {
  it("[B.ops-start-clean-exit] `npx -y pnpm@… start` exits 0 on Ctrl-C (SIGINT to its process group) after Baton's clean shutdown, without pnpm's ELIFECYCLE", async () => {
    const [command, ...args] = await readmeStartCommand();
    home = await mkdtemp(join(tmpdir(), "baton-start-home-"));
    // Its own process group, like a terminal's foreground job: Ctrl-C signals every process in it.
    child = spawn(command!, args, {
      cwd: REPO_ROOT,
      env: terminalEnv(home),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
      child!.once("exit", (code, signal) => resolveExit({ code, signal })),
    );
    // Ctrl-C while agents are at work, so the shutdown has runs to stop.
    await waitFor(
      () => output.includes("action=turn outcome=started"),
      90_000,
      () => `a demo agent's first turn\n${output.slice(-3000)}`,
    );
    process.kill(-child.pid!, "SIGINT");
    const exit = await exited;
    expect(output).toContain("action=shutdown outcome=completed");
    expect(output).not.toMatch(/ELIFECYCLE|Command failed/);
    expect(exit, output.slice(-3000)).toEqual({ code: 0, signal: null });
  }, 150_000);
});
