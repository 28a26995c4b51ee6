import { spawnSync } from "node:child_process";
import { realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type LaunchedProcess, type LaunchSpec, LocalLauncher, loginShellScript } from "../src/index.ts";
import { isolatedEnv, isRunning, tempDir, waitUntil } from "./support.ts";

const started: LaunchedProcess[] = [];
const local = new LocalLauncher();
/** Launches through LocalLauncher and remembers the process so a failing test cannot leak it. */
const launcher = {
  launch(spec: LaunchSpec): LaunchedProcess {
    const child = local.launch(spec);
    started.push(child);
    return child;
  },
};

afterEach(() => {
  for (const child of started.splice(0)) child.kill("SIGKILL");
});

/** Collects stdout and stderr until the process exits. */
async function finish(
  child: LaunchedProcess,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const { code } = await child.exited;
  return { stdout, stderr, code };
}

/** A HOME whose login profile exports a secret and a marker, as a careless dotfile might. */
async function homeWithProfile(): Promise<string> {
  const home = await tempDir("baton-home-");
  await writeFile(
    path.join(home, ".bash_profile"),
    "export BATON_TEST_SECRET=from-profile\nexport BATON_PROFILE_LOADED=yes\n",
  );
  return home;
}

describe("LocalLauncher", () => {
  it("[S9.5-agent-cwd] [S15.2-agent-cwd] runs the command in the given working directory", async () => {
    const cwd = await tempDir();
    const result = await finish(launcher.launch({ command: "pwd -P", cwd, env: isolatedEnv(cwd) }));
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(await realpath(cwd));
  });

  it("[S9.4-hook-shell] runs through a bash login shell and execs a command so its pid is the launched pid", async () => {
    const cwd = await tempDir();
    const home = await homeWithProfile();
    const child = launcher.launch({
      command: `bash -c 'echo "$$ $BATON_PROFILE_LOADED"'`,
      cwd,
      env: isolatedEnv(home),
    });
    const result = await finish(child);
    expect(result.stdout.trim()).toBe(`${child.pid} yes`);
  });

  it("[S9.4-hook-shell] runs a script in full: every line and every && step", async () => {
    const cwd = await tempDir();
    const script = "echo one && echo two\nshopt -q login_shell && echo login\necho three";
    const result = await finish(
      launcher.launch({ command: script, cwd, env: isolatedEnv(cwd), unsetEnv: ["X_SECRET"] }),
    );
    expect(result.stdout.split("\n").filter(Boolean)).toEqual(["one", "two", "login", "three"]);
  });

  it("[S15.3-agent-env-no-secrets] hides unsetEnv variables from the child even when the login profile exports them again", async () => {
    const cwd = await tempDir();
    const home = await homeWithProfile();
    const env = isolatedEnv(home, { BATON_TEST_SECRET: "from-parent", OTHER_SETTING: "kept" });
    for (const command of ["env", "FROM_PREFIX=1 env"]) {
      const result = await finish(launcher.launch({ command, cwd, env, unsetEnv: ["BATON_TEST_SECRET"] }));
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("BATON_PROFILE_LOADED=yes");
      expect(result.stdout).toContain("OTHER_SETTING=kept");
      expect(result.stdout).not.toContain("BATON_TEST_SECRET");
      expect(result.stdout).not.toContain("from-parent");
      expect(result.stdout).not.toContain("from-profile");
    }
  });

  it("[S15.3-agent-env-no-secrets] ignores names that are not valid shell variables instead of running them", () => {
    expect(loginShellScript("codex app-server", ["GOOD_NAME", "$(touch pwned)", "bad-name"])).toBe(
      "unset GOOD_NAME; codex app-server",
    );
  });

  it("[S9.4-hook-kill-group] kill() takes down the whole process group, background jobs included", async () => {
    const cwd = await tempDir();
    const child = launcher.launch({
      command: "sleep 600 &\necho $!\nwait",
      cwd,
      env: isolatedEnv(cwd),
    });
    let firstLine = "";
    child.stdout.on("data", (chunk: Buffer) => {
      firstLine += chunk.toString();
    });
    await waitUntil(() => firstLine.includes("\n"));
    const backgroundPid = Number(firstLine.trim());
    expect(isRunning(backgroundPid)).toBe(true);
    child.kill("SIGKILL");
    const status = await child.exited;
    expect(status.signal).toBe("SIGKILL");
    await waitUntil(() => !isRunning(backgroundPid));
  });

  it("[S9.4-hook-kill-group] kills what a command left running in its group once the command itself exits", async () => {
    const cwd = await tempDir();
    const result = await finish(
      launcher.launch({ command: "sleep 600 &\necho $!", cwd, env: isolatedEnv(cwd) }),
    );
    expect(result.code).toBe(0);
    await waitUntil(() => !isRunning(Number(result.stdout.trim())));
  });

  it("[S9.5-agent-cwd] reports a launch that cannot start (missing cwd) as an exit without status", async () => {
    const cwd = path.join(await tempDir(), "missing");
    const status = await launcher.launch({ command: "true", cwd, env: isolatedEnv(path.dirname(cwd)) })
      .exited;
    expect(status).toEqual({ code: null, signal: null });
  });
});

/** Starts `sleep 600` in the background of a launch and resolves the sleeper's pid. */
async function backgroundSleeper(
  through: LocalLauncher,
  cwd: string,
): Promise<{ child: LaunchedProcess; sleeper: number }> {
  const child = through.launch({ command: "sleep 600 &\necho $!\nwait", cwd, env: isolatedEnv(cwd) });
  started.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitUntil(() => output.includes("\n"));
  return { child, sleeper: Number(output.trim()) };
}

describe("LocalLauncher instances", () => {
  it("[B.env-own-launchers] closing one launcher kills its own process groups and leaves another launcher's running", async () => {
    const cwd = await tempDir();
    const agents = new LocalLauncher();
    const hooks = new LocalLauncher();
    const agent = await backgroundSleeper(agents, cwd);
    const hook = await backgroundSleeper(hooks, cwd);
    expect(agents.running).toEqual([agent.child.pid]);

    await agents.close();
    expect((await agent.child.exited).signal).toBe("SIGKILL");
    await waitUntil(() => !isRunning(agent.sleeper));
    expect(agents.running).toEqual([]);
    expect(isRunning(hook.child.pid!)).toBe(true);
    expect(isRunning(hook.sleeper)).toBe(true);
    expect(hooks.running).toEqual([hook.child.pid]);

    await hooks.close();
    await waitUntil(() => !isRunning(hook.sleeper));
  });

  it("[B.env-own-launchers] when Baton exits abruptly, each launcher kills what it still runs", async () => {
    const dir = await tempDir();
    const script = path.join(dir, "exits.mts");
    await writeFile(
      script,
      `import { LocalLauncher } from ${JSON.stringify(path.resolve(import.meta.dirname, "../src/index.ts"))};
const pids: string[] = [];
for (const launcher of [new LocalLauncher(), new LocalLauncher()]) {
  const child = launcher.launch({ command: "sleep 600 &\\necho $!\\nwait", cwd: ${JSON.stringify(dir)}, env: { PATH: process.env.PATH, HOME: ${JSON.stringify(dir)} } });
  pids.push(await new Promise<string>((resolve) => child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()))));
}
console.log(pids.join(" "));
process.exit(3);
`,
    );
    const tsx = path.resolve(import.meta.dirname, "../node_modules/.bin/tsx");
    const { stdout, stderr, status } = spawnSync(tsx, ["--conditions=source", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect({ status, stderr }).toEqual({ status: 3, stderr: "" });
    const sleepers = stdout.trim().split(" ").map(Number);
    expect(sleepers).toHaveLength(2);
    for (const sleeper of sleepers) await waitUntil(() => !isRunning(sleeper));
  });
});
