import { readFile, realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { BatonError } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { HookOutput } from "../src/hooks.ts";
import {
  HOOK_OUTPUT_LIMIT_BYTES,
  type Launcher,
  LocalLauncher,
  type WorkspaceHooks,
  WorkspaceManager,
} from "../src/index.ts";
import { isolatedEnv, isRunning, recordingLogger, tempDir, waitUntil } from "./support.ts";

const NO_HOOKS: WorkspaceHooks = {
  after_create: null,
  before_run: null,
  after_run: null,
  before_remove: null,
};

/** A manager with the given hooks and an existing workspace for ABC-1. */
async function withWorkspace(hooks: Partial<WorkspaceHooks>, hookTimeoutMs = 5000, launcher?: Launcher) {
  const base = await realpath(await tempDir());
  const root = path.join(base, "workspaces");
  const logger = recordingLogger();
  const manager = new WorkspaceManager({
    root,
    hooks: { ...NO_HOOKS, ...hooks },
    hookTimeoutMs,
    logger,
    launcher,
    env: isolatedEnv(base),
  });
  const { path: workspace } = await manager.prepare("ABC-1");
  logger.entries.length = 0;
  return { root, manager, logger, workspace };
}

async function rejection(promise: Promise<unknown>): Promise<BatonError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BatonError);
  return error as BatonError;
}

describe("hook execution", () => {
  it("[S9.4-hook-cwd] [S9.4-hook-shell] [S15.4-hook-in-workspace] runs the whole script in a bash login shell inside the workspace", async () => {
    const { manager, workspace } = await withWorkspace({
      before_run:
        "pwd -P > where.txt\nshopt -q login_shell && echo login > shell.txt\necho done >> shell.txt",
    });
    const result = await manager.runHook("before_run", workspace);
    expect(result).toMatchObject({ name: "before_run", exitCode: 0, timedOut: false });
    expect((await readFile(path.join(workspace, "where.txt"), "utf8")).trim()).toBe(workspace);
    expect(await readFile(path.join(workspace, "shell.txt"), "utf8")).toBe("login\ndone\n");
  });

  it("[S9.4-hooks-supported] runs each of the four hooks from its own script and treats blank ones as not configured", async () => {
    const names = ["after_create", "before_run", "after_run", "before_remove"] as const;
    const hooks = Object.fromEntries(names.map((name) => [name, `echo ${name} >> hooks.log`]));
    // after_create already ran when withWorkspace prepared the workspace.
    const { manager, workspace } = await withWorkspace(hooks);
    for (const name of names.slice(1)) await manager.runHook(name, workspace);
    expect(await readFile(path.join(workspace, "hooks.log"), "utf8")).toBe(`${names.join("\n")}\n`);
    const blank = await withWorkspace({ before_run: "  \n " });
    expect(await blank.manager.runHook("before_run", blank.workspace)).toBeNull();
    expect(blank.logger.entries).toEqual([]);
  });

  it("[S9.4-before-run-fatal] [S9.3-population-error-surfaced] [S9.3-no-reset-reused] rejects the attempt when before_run fails, with status and output, and leaves the workspace as it was", async () => {
    const { manager, workspace } = await withWorkspace({
      before_run: "echo fetching; echo 'fatal: no remote' >&2; exit 3",
    });
    await writeFile(path.join(workspace, "work.txt"), "keep");
    const error = await rejection(manager.runHook("before_run", workspace));
    expect(error.category).toBe("workspace_hook_failed");
    expect(error.message).toContain("before_run");
    expect(error.message).toContain("3");
    expect(error.details).toMatchObject({ hook: "before_run", exitCode: 3, path: workspace });
    expect(error.details.output).toBe("fetching\nfatal: no remote\n");
    expect(await readFile(path.join(workspace, "work.txt"), "utf8")).toBe("keep");
  });

  it("[S9.4-before-run-fatal] [S9.4-hook-timeout] [S9.4-hook-kill-group] [S15.4-hook-timeout-required] kills a before_run that runs past hooks.timeout_ms, background jobs included, and rejects", async () => {
    const { manager, workspace } = await withWorkspace(
      { before_run: "sleep 600 &\necho $! > bg.pid\nsleep 600" },
      1500,
    );
    const error = await rejection(manager.runHook("before_run", workspace));
    expect(error.category).toBe("workspace_hook_timeout");
    expect(error.message).toContain("1500 ms");
    expect(error.details).toMatchObject({ hook: "before_run", timeoutMs: 1500 });
    const backgroundPid = Number(await readFile(path.join(workspace, "bg.pid"), "utf8"));
    await waitUntil(() => !isRunning(backgroundPid));
  });

  it("[S9.4-hook-kill-group] does not let a hook that exits leave a background job running", async () => {
    const { manager, workspace } = await withWorkspace({ before_run: "sleep 600 &\necho $! > bg.pid" });
    expect(await manager.runHook("before_run", workspace)).toMatchObject({ exitCode: 0, timedOut: false });
    const backgroundPid = Number(await readFile(path.join(workspace, "bg.pid"), "utf8"));
    await waitUntil(() => !isRunning(backgroundPid));
  });

  it("[S9.4-after-run-ignored] logs and ignores an after_run failure or timeout", async () => {
    const failing = await withWorkspace({ after_run: "echo cleanup broke >&2; exit 9" });
    expect(await failing.manager.runHook("after_run", failing.workspace)).toMatchObject({
      name: "after_run",
      exitCode: 9,
      timedOut: false,
      output: "cleanup broke\n",
    });
    expect(failing.logger.entries.map((entry) => entry.level)).toEqual(["info", "warn"]);

    const slow = await withWorkspace({ after_run: "sleep 600" }, 300);
    expect(await slow.manager.runHook("after_run", slow.workspace)).toMatchObject({
      exitCode: null,
      timedOut: true,
    });
    expect(slow.logger.entries.map((entry) => entry.level)).toEqual(["info", "warn"]);
  });

  it("[S9.4-hook-logging] logs hook start, failure and timeout with the hook name and workspace path", async () => {
    const { manager, workspace, logger } = await withWorkspace(
      { before_run: "echo oops; exit 2", after_run: "sleep 600" },
      300,
    );
    await rejection(manager.runHook("before_run", workspace));
    await manager.runHook("after_run", workspace);
    const summary = logger.entries.map((entry) => [
      entry.level,
      entry.fields.hook,
      entry.fields.workspace_path,
    ]);
    expect(summary).toEqual([
      ["info", "before_run", workspace],
      ["warn", "before_run", workspace],
      ["info", "after_run", workspace],
      ["warn", "after_run", workspace],
    ]);
    expect(logger.entries[1]).toMatchObject({ fields: { exit_code: 2, output: "oops\n" } });
    expect(logger.entries[1]?.message).toContain("the attempt fails");
    expect(logger.entries[3]).toMatchObject({ fields: { timeout_ms: 300 } });
    expect(logger.entries[3]?.message).toContain("ignored");
  });

  it("[S15.4-hook-output-truncated] keeps only the head and tail of long hook output and says how much was cut", async () => {
    const { manager, workspace, logger } = await withWorkspace({
      after_run: "echo FIRST-LINE; head -c 200000 /dev/zero | tr '\\0' x; echo; echo LAST-LINE; exit 1",
    });
    const result = await manager.runHook("after_run", workspace);
    const output = result?.output ?? "";
    expect(output.startsWith("FIRST-LINE\n")).toBe(true);
    expect(output.endsWith("LAST-LINE\n")).toBe(true);
    expect(output).toMatch(/\[\.\.\. \d+ bytes of hook output omitted \.\.\.\]/);
    const omitted = Number(/(\d+) bytes/.exec(output)?.[1]);
    expect(omitted + HOOK_OUTPUT_LIMIT_BYTES).toBe("FIRST-LINE\n".length + 200000 + 1 + "LAST-LINE\n".length);
    expect(output.length).toBeLessThan(HOOK_OUTPUT_LIMIT_BYTES + 100);
    expect(logger.entries.find((entry) => entry.level === "warn")?.fields.output).toBe(output);
  });

  it("[S15.4-hook-output-truncated] keeps output under the limit whole, however it is split into chunks", () => {
    const capture = new HookOutput(8);
    for (const chunk of ["ab", "c", "def"]) capture.append(Buffer.from(chunk));
    expect(capture.text()).toBe("abcdef");
    const long = new HookOutput(8);
    for (const chunk of ["abc", "defghij", "kl", "mn"]) long.append(Buffer.from(chunk));
    expect(long.text()).toBe("abcd\n[... 6 bytes of hook output omitted ...]\nklmn");
  });

  it("[S15.2-path-under-root] refuses to run a hook with a working directory outside the workspace root", async () => {
    const { manager, root } = await withWorkspace({ before_run: "touch ran" });
    const error = await rejection(manager.runHook("before_run", path.dirname(root)));
    expect(error.category).toBe("invalid_workspace_path");
    expect(error.details.reason).toBe("outside_root");
  });

  it("[S9.4-hook-shell] starts hooks through the configured launcher", async () => {
    const launched: string[] = [];
    const local = new LocalLauncher();
    const spy: Launcher = {
      visiblePath: (hostPath) => hostPath,
      close: () => local.close(),
      launch(spec) {
        launched.push(`${spec.cwd}:${spec.command}`);
        return local.launch(spec);
      },
    };
    const { manager, workspace } = await withWorkspace({ before_run: "true" }, 5000, spy);
    await manager.runHook("before_run", workspace);
    expect(launched).toEqual([`${workspace}:true`]);
  });
});
