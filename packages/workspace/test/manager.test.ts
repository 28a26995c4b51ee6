import { lstat, mkdir, readdir, readFile, realpath, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { BatonError } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { type WorkspaceHooks, WorkspaceManager, type WorkspaceSettings } from "../src/index.ts";
import { isolatedEnv, recordingLogger, tempDir } from "./support.ts";

const NO_HOOKS: WorkspaceHooks = {
  after_create: null,
  before_run: null,
  after_run: null,
  before_remove: null,
};

type Overrides = Partial<Omit<WorkspaceSettings, "hooks">> & { hooks?: Partial<WorkspaceHooks> };

/** A manager over `<temp>/workspaces`; overrides may depend on the temp dir (`base`). */
async function setup(overridesFor: Overrides | ((base: string) => Overrides) = {}) {
  const base = await realpath(await tempDir());
  const overrides = typeof overridesFor === "function" ? overridesFor(base) : overridesFor;
  const root = path.join(base, "workspaces");
  const logger = recordingLogger();
  const manager = new WorkspaceManager({
    root,
    hookTimeoutMs: 5000,
    logger,
    env: isolatedEnv(base),
    ...overrides,
    hooks: { ...NO_HOOKS, ...overrides.hooks },
  });
  return { base, root, manager, logger };
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

describe("WorkspaceManager paths", () => {
  it("[S9.1-path-layout] [S9.1-root-absolute] puts each issue at <absolute root>/<key>, the same path every time", async () => {
    const { root, manager } = await setup();
    expect(await manager.pathFor("ABC-1")).toBe(path.join(root, "ABC-1"));
    expect(await manager.pathFor("ABC/1")).toBe(path.join(root, "ABC_1--40196a1712fb54ce"));
    expect(await manager.pathFor("ABC/1")).toBe(await manager.pathFor("ABC/1"));

    const relative = new WorkspaceManager({ root: "rel/ws/../ws", hooks: NO_HOOKS, hookTimeoutMs: 1000 });
    expect(await relative.pathFor("X-1")).toBe(path.join(await realpath(process.cwd()), "rel", "ws", "X-1"));
  });

  it("[S9.1-root-absolute] [S9.5-root-containment] judges paths on the canonical root when the root is reached through a symlink", async () => {
    const { base, root } = await setup();
    await mkdir(root);
    const alias = path.join(base, "alias");
    await symlink(root, alias);
    const manager = new WorkspaceManager({ root: alias, hooks: NO_HOOKS, hookTimeoutMs: 1000 });
    expect(await manager.pathFor("ABC-1")).toBe(path.join(root, "ABC-1"));
  });

  it("[S9.5-root-containment] [S15.2-path-under-root] rejects a workspace entry that is a symlink leading outside the root", async () => {
    const { base, root, manager } = await setup();
    const outside = path.join(base, "outside");
    await mkdir(outside);
    await mkdir(root);
    await symlink(outside, path.join(root, "ABC-1"));
    const error = await rejection(manager.pathFor("ABC-1"));
    expect(error.category).toBe("invalid_workspace_path");
    expect(error.details.reason).toBe("symlink_escape");
    expect(error.message).toContain(path.join(root, "ABC-1"));
    // The same holds for a dangling link whose target would be outside.
    await symlink(path.join(base, "nowhere"), path.join(root, "ABC-2"));
    expect((await rejection(manager.prepare("ABC-2"))).details.reason).toBe("symlink_escape");
  });

  it("[S9.5-root-containment] [S15.2-path-under-root] rejects a workspace entry that resolves to the root itself", async () => {
    const { root, manager } = await setup();
    await mkdir(root);
    await symlink(".", path.join(root, "ABC-1"));
    const error = await rejection(manager.prepare("ABC-1"));
    expect(error.category).toBe("invalid_workspace_path");
    expect(error.details.reason).toBe("workspace_equals_root");
  });
});

describe("WorkspaceManager.prepare", () => {
  it("[S9.2-create-missing] creates the root and the issue directory when missing and says it did", async () => {
    const { root, manager } = await setup();
    const prepared = await manager.prepare("ABC-1");
    expect(prepared).toEqual({ path: path.join(root, "ABC-1"), key: "ABC-1", createdNow: true });
    expect((await lstat(prepared.path)).isDirectory()).toBe(true);
  });

  it("[S9.2-reuse-existing] [S9.1-reuse-across-runs] reuses an existing workspace without touching its contents", async () => {
    const { manager } = await setup();
    const first = await manager.prepare("ABC-1");
    await writeFile(path.join(first.path, "work.txt"), "in progress");
    const second = await manager.prepare("ABC-1");
    expect(second).toEqual({ ...first, createdNow: false });
    expect(await readFile(path.join(first.path, "work.txt"), "utf8")).toBe("in progress");
  });

  it("[S9.2-non-directory-safe] refuses a file at the workspace path and leaves it in place", async () => {
    const { root, manager } = await setup();
    await mkdir(root);
    await writeFile(path.join(root, "ABC-1"), "not mine");
    const error = await rejection(manager.prepare("ABC-1"));
    expect(error.category).toBe("workspace_path_conflict");
    expect(error.message).toContain(path.join(root, "ABC-1"));
    expect(error.message).toContain("regular file");
    expect(await readFile(path.join(root, "ABC-1"), "utf8")).toBe("not mine");
  });

  it("[S9.2-non-directory-safe] refuses a symlink to a file at the workspace path and leaves both in place", async () => {
    const { root, manager } = await setup();
    await mkdir(root);
    await writeFile(path.join(root, "notes.txt"), "keep");
    await symlink("notes.txt", path.join(root, "ABC-1"));
    const error = await rejection(manager.prepare("ABC-1"));
    expect(error.category).toBe("workspace_path_conflict");
    expect(error.details.found).toBe("a symbolic link to a regular file");
    expect((await lstat(path.join(root, "ABC-1"))).isSymbolicLink()).toBe(true);
    expect(await readFile(path.join(root, "notes.txt"), "utf8")).toBe("keep");
  });

  it("[S9.2-after-create-only-new] runs after_create when the directory is created and not when it is reused", async () => {
    const { manager } = await setup({ hooks: { after_create: "echo ran >> after_create.log" } });
    const { path: workspace } = await manager.prepare("ABC-1");
    await manager.prepare("ABC-1");
    await manager.prepare("ABC-1");
    expect(await readFile(path.join(workspace, "after_create.log"), "utf8")).toBe("ran\n");
  });

  it("[S9.4-after-create-fatal] [S9.3-population-error-surfaced] [S9.3-remove-partial-new] fails creation when after_create fails, removes the new directory, and retries it next time", async () => {
    const { base, root, manager } = await setup((dir) => ({
      hooks: {
        // Fails the first time (after leaving a half-made checkout), succeeds the second.
        after_create: `touch half-made; n=$(cat "$COUNTER" 2>/dev/null || echo 0); echo $((n + 1)) > "$COUNTER"; echo "clone failed" >&2; [ "$n" -ge 1 ]`,
      },
      env: isolatedEnv(dir),
      hookEnv: { COUNTER: path.join(dir, "count") },
    }));
    const error = await rejection(manager.prepare("ABC-1"));
    expect(error.category).toBe("workspace_hook_failed");
    expect(error.details).toMatchObject({ hook: "after_create", exitCode: 1 });
    expect(error.details.output).toContain("clone failed");
    expect(await readdir(root)).toEqual([]);

    const retried = await manager.prepare("ABC-1");
    expect(retried.createdNow).toBe(true);
    expect(await readFile(path.join(base, "count"), "utf8")).toBe("2\n");
  });

  it("[S9.4-after-create-fatal] [S9.4-hook-timeout] fails creation when after_create times out and removes the new directory", async () => {
    const { root, manager } = await setup({
      hooks: { after_create: "touch started; sleep 600" },
      hookTimeoutMs: 300,
    });
    const error = await rejection(manager.prepare("ABC-1"));
    expect(error.category).toBe("workspace_hook_timeout");
    expect(error.details).toMatchObject({ hook: "after_create", timeoutMs: 300 });
    expect(await readdir(root)).toEqual([]);
  });
});

describe("WorkspaceManager.remove", () => {
  it("[S9.4-before-remove-ignored] runs before_remove inside the workspace, then deletes the workspace", async () => {
    const { base, manager } = await setup((dir) => ({
      hooks: { before_remove: `ls > "$MARKER"` },
      env: isolatedEnv(dir),
      hookEnv: { MARKER: path.join(dir, "removed-listing") },
    }));
    const { path: workspace } = await manager.prepare("ABC-1");
    await writeFile(path.join(workspace, "result.txt"), "done");
    await manager.remove("ABC-1");
    expect(await readFile(path.join(base, "removed-listing"), "utf8")).toBe("result.txt\n");
    await expect(lstat(workspace)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("[S9.4-before-remove-ignored] still deletes the workspace when before_remove fails or times out", async () => {
    for (const script of ["echo refusing >&2; exit 7", "sleep 600"]) {
      const { root, manager, logger } = await setup({ hooks: { before_remove: script }, hookTimeoutMs: 300 });
      await manager.prepare("ABC-1");
      await manager.remove("ABC-1");
      expect(await readdir(root)).toEqual([]);
      expect(
        logger.entries.some((entry) => entry.level === "warn" && entry.fields.hook === "before_remove"),
      ).toBe(true);
    }
  });

  it("[S9.4-before-remove-ignored] does nothing, and runs no hook, when the workspace does not exist", async () => {
    const { root, manager, logger } = await setup({ hooks: { before_remove: "exit 1" } });
    await manager.remove("ABC-1");
    expect(logger.entries.filter((entry) => entry.fields.hook === "before_remove")).toEqual([]);
    await expect(lstat(root)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("[S15.2-path-under-root] never deletes through a symlink that leads outside the root", async () => {
    const { base, root, manager } = await setup();
    const outside = path.join(base, "outside");
    await mkdir(outside);
    await writeFile(path.join(outside, "precious.txt"), "keep");
    await mkdir(root);
    await symlink(outside, path.join(root, "ABC-1"));
    expect((await rejection(manager.remove("ABC-1"))).details.reason).toBe("symlink_escape");
    expect(await readFile(path.join(outside, "precious.txt"), "utf8")).toBe("keep");
  });

  it("[S15.2-path-under-root] re-checks containment after before_remove, so a hook that swaps in an outside symlink deletes nothing outside", async () => {
    const { base, manager } = await setup((dir) => ({
      hooks: { before_remove: `cd .. && rm -rf ABC-1 && ln -s "$OUTSIDE" ABC-1` },
      env: isolatedEnv(dir),
      hookEnv: { OUTSIDE: path.join(dir, "outside") },
    }));
    const outside = path.join(base, "outside");
    await mkdir(outside);
    await writeFile(path.join(outside, "precious.txt"), "keep");
    await manager.prepare("ABC-1");
    expect((await rejection(manager.remove("ABC-1"))).details.reason).toBe("symlink_escape");
    expect(await readFile(path.join(outside, "precious.txt"), "utf8")).toBe("keep");
  });

  it("[S15.2-path-under-root] deletes symlinks found inside the workspace without following them out of the root", async () => {
    const { base, manager } = await setup();
    const outside = path.join(base, "outside");
    await mkdir(outside);
    await writeFile(path.join(outside, "precious.txt"), "keep");
    const { path: workspace } = await manager.prepare("ABC-1");
    await symlink(outside, path.join(workspace, "link-to-outside"));
    await manager.remove("ABC-1");
    await expect(lstat(workspace)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await readFile(path.join(outside, "precious.txt"), "utf8")).toBe("keep");
  });

  it("[S15.2-path-under-root] removes only the link when the workspace is a symlink to another directory inside the root", async () => {
    const { root, manager } = await setup();
    await mkdir(path.join(root, "shared"), { recursive: true });
    await writeFile(path.join(root, "shared", "keep.txt"), "keep");
    await symlink("shared", path.join(root, "ABC-1"));
    await manager.remove("ABC-1");
    expect((await readdir(root)).sort()).toEqual(["shared"]);
    expect(await readFile(path.join(root, "shared", "keep.txt"), "utf8")).toBe("keep");
  });

  it("[S9.2-non-directory-safe] refuses to delete a file that sits at the workspace path", async () => {
    const { root, manager } = await setup();
    await mkdir(root);
    await writeFile(path.join(root, "ABC-1"), "not mine");
    expect((await rejection(manager.remove("ABC-1"))).category).toBe("workspace_path_conflict");
    expect(await readFile(path.join(root, "ABC-1"), "utf8")).toBe("not mine");
  });
});

describe("WorkspaceManager.assertAgentCwd", () => {
  it("[S9.5-agent-cwd] [S15.2-agent-cwd] accepts the issue's own workspace and returns its canonical path", async () => {
    const { base, root, manager } = await setup();
    const { path: workspace } = await manager.prepare("ABC-1");
    await symlink(root, path.join(base, "alias"));
    expect(await manager.assertAgentCwd(workspace, "ABC-1")).toBe(workspace);
    expect(await manager.assertAgentCwd(path.join(base, "alias", "ABC-1"), "ABC-1")).toBe(workspace);
  });

  it("[S9.5-agent-cwd] [S9.5-root-containment] [S15.2-agent-cwd] rejects the root, paths outside it, symlink escapes and another issue's workspace", async () => {
    const { base, root, manager } = await setup();
    await manager.prepare("ABC-1");
    const other = await manager.prepare("ABC-2");
    const outside = path.join(base, "outside");
    await mkdir(outside);
    await symlink(outside, path.join(root, "sneaky"));
    const cases: Array<[string, string]> = [
      [root, "workspace_equals_root"],
      [outside, "outside_root"],
      [path.join(root, "..", "outside"), "outside_root"],
      [path.join(root, "sneaky"), "symlink_escape"],
      [other.path, "not_issue_workspace"],
    ];
    for (const [cwd, reason] of cases) {
      const error = await rejection(manager.assertAgentCwd(cwd, "ABC-1"));
      expect(error.category).toBe("invalid_workspace_cwd");
      expect(error.details.reason).toBe(reason);
      expect(error.message).toContain("ABC-1");
    }
  });
});
