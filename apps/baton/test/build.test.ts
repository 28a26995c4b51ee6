import { isAscii } from "node:buffer";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs helper shared with bin/baton.js, without type declarations.
import { ensureBuilt } from "../../../tools/ensure-built.mjs";

let root: string | undefined;

afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** A one-package repo laid out like Baton's: tsconfig.build.json references packages/a (src → dist). */
async function fixtureRepo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "baton-build-"));
  await mkdir(join(dir, "packages", "a", "src"), { recursive: true });
  await writeFile(
    join(dir, "tsconfig.build.json"),
    `// comment lines are allowed, as in the real file\n${JSON.stringify({ files: [], references: [{ path: "packages/a/tsconfig.build.json" }] })}`,
  );
  const compilerOptions = {
    composite: true,
    rootDir: "src",
    outDir: "dist",
    tsBuildInfoFile: "dist/.tsbuildinfo",
    module: "NodeNext",
    target: "ES2022",
    types: [],
    allowImportingTsExtensions: true,
    rewriteRelativeImportExtensions: true,
  };
  await writeFile(
    join(dir, "packages", "a", "tsconfig.build.json"),
    JSON.stringify({ compilerOptions, include: ["src"] }),
  );
  await writeFile(join(dir, "packages", "a", "src", "index.ts"), 'export { extra } from "./extra.ts";\n');
  await writeFile(join(dir, "packages", "a", "src", "extra.ts"), "export const extra = 1;\n");
  return dir;
}

describe("the build behind the CLI", () => {
  it("[B.build-dist-output] compiles to dist/, removes old outputs beside the sources, and rebuilds after an edit, a deletion or an added source", async () => {
    root = await fixtureRepo();
    const src = join(root, "packages", "a", "src");
    const dist = join(root, "packages", "a", "dist");
    await writeFile(join(src, "index.js"), "// left by a build from before dist/\n");
    await writeFile(join(src, "index.js.map"), "{}");

    ensureBuilt(root);
    expect(existsSync(join(dist, "index.js"))).toBe(true);
    expect(existsSync(join(dist, "extra.js"))).toBe(true);
    expect(existsSync(join(src, "index.js"))).toBe(false);
    expect(existsSync(join(src, "index.js.map"))).toBe(false);

    const builtAt = statSync(join(dist, ".built")).mtimeMs;
    ensureBuilt(root);
    expect(statSync(join(dist, ".built")).mtimeMs).toBe(builtAt);

    await writeFile(join(src, "index.ts"), "export const edited = 2;\n");
    await unlink(join(src, "extra.ts"));
    ensureBuilt(root);
    expect(await readFile(join(dist, "index.js"), "utf8")).toContain("edited = 2");
    expect(existsSync(join(dist, "extra.js"))).toBe(false);

    await writeFile(join(src, "added.ts"), "export const added = 3;\n");
    ensureBuilt(root);
    expect(await readFile(join(dist, "added.js"), "utf8")).toContain("added = 3");
    // Four real tsc runs: well over the default timeout when the machine is busy.
  }, 120_000);

  it("[B.build-cli-bundle] the CLI runs from one bundle with a code cache: a run writes it, and a damaged one is only recompiled", async () => {
    const dist = fileURLToPath(new URL("../dist/", import.meta.url));
    const bytes = await readFile(join(dist, "baton.cjs"));
    // ASCII only, so bin/baton.js reads it into a one-byte string without decoding UTF-8.
    expect(isAscii(bytes)).toBe(true);
    const bundle = bytes.toString("latin1");
    const buildId = /^\/\/ baton bundle ([0-9a-f]+)\n/.exec(bundle)?.[1];
    expect(buildId).toMatch(/^[0-9a-f]{16}$/);
    const cache = join(dist, `baton.${buildId}.${process.version}.validate.v8cache`);
    await rm(cache, { force: true });
    root = await mkdtemp(join(tmpdir(), "baton-bundle-"));
    await writeFile(
      join(root, "WORKFLOW.md"),
      "---\ntracker: { kind: local }\n---\nWork on {{ issue.title }}\n",
    );
    const validate = () =>
      spawnSync(
        process.execPath,
        [fileURLToPath(new URL("../bin/baton.js", import.meta.url)), "validate", join(root!, "WORKFLOW.md")],
        {
          cwd: root,
          encoding: "utf8",
        },
      );

    const first = validate();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("valid");
    expect(statSync(cache).size).toBeGreaterThan(10_000);

    await writeFile(cache, "not a V8 code cache");
    const damaged = validate();
    expect(damaged.status, damaged.stderr).toBe(0);
    expect(damaged.stdout).toBe(first.stdout);
    expect(damaged.stderr).toBe("");
    // Rejected by V8, compiled from source, and written again when the run ended.
    expect(statSync(cache).size).toBeGreaterThan(10_000);
  });

  it("[B.build-cli-bundle] a long run writes the code cache once, a few seconds in: a day of work does not leave every later start a fatter cache to read", async () => {
    // A copy of the installed CLI of its own (bin, dist, package.json; node_modules linked), so no
    // other test's run writes its cache meanwhile.
    const app = fileURLToPath(new URL("../", import.meta.url));
    root = await mkdtemp(join(tmpdir(), "baton-cache-"));
    const cli = join(root, "cli");
    await mkdir(cli);
    await cp(join(app, "bin"), join(cli, "bin"), { recursive: true });
    await cp(join(app, "dist"), join(cli, "dist"), {
      recursive: true,
      filter: (source) => !source.endsWith(".v8cache"),
    });
    await cp(join(app, "package.json"), join(cli, "package.json"));
    await symlink(join(app, "node_modules"), join(cli, "node_modules"));
    const project = join(root, "project");
    await mkdir(join(project, "home"), { recursive: true });
    await writeFile(
      join(project, "WORKFLOW.md"),
      "---\ntracker: { kind: local }\n---\nWork on {{ issue.title }}\n",
    );
    const cacheFiles = () =>
      readdirSync(join(cli, "dist")).filter((name) => name.endsWith(".service.v8cache"));

    expect(cacheFiles()).toEqual([]);
    const startedAt = Date.now();
    const service = spawn(process.execPath, [join(cli, "bin", "baton.js"), "WORKFLOW.md"], {
      cwd: project,
      env: { PATH: process.env.PATH, HOME: join(project, "home") },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    service.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise((resolve) => service.once("exit", resolve));
    try {
      while (cacheFiles().length === 0) {
        if (Date.now() - startedAt > 20_000) throw new Error("no code cache written within 20 s");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(service.exitCode, `the service ended early:\n${stderr}`).toBeNull();
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2500);
      const cache = join(cli, "dist", cacheFiles()[0]!);
      const written = statSync(cache).mtimeMs;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      service.kill("SIGTERM");
      await exited;
      // The run went on compiling after that; its end did not write the cache again.
      expect(statSync(cache).mtimeMs).toBe(written);
      expect(statSync(cache).size).toBeGreaterThan(100_000);
    } finally {
      service.kill("SIGKILL");
    }
  });
});
