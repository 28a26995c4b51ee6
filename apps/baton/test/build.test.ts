import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  it("[B.build-dist-output] compiles to dist/, removes old outputs beside the sources, and rebuilds after an edit or a deletion", async () => {
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
    // Three real tsc runs: well over the default timeout when the machine is busy.
  }, 120_000);
});
