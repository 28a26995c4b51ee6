// Baton runs compiled JavaScript that `pnpm build` (run by `pnpm install`) emits to each package's
// dist/ (tsc -b over tsconfig.build.json). When a source is newer than its output, or a source was
// deleted since the last build, this rebuilds (and bundles the CLI: tools/bundle-cli.mjs) before
// anything runs, so the CLI and the end-to-end tests never run stale code.

import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** The package folders tsconfig.build.json references (each compiles src/ to dist/). */
function builtPackages(root) {
  const text = readFileSync(join(root, "tsconfig.build.json"), "utf8").replace(/^\s*\/\/.*$/gm, "");
  return JSON.parse(text).references.map((reference) => join(root, reference.path, ".."));
}

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

const isSource = (path) => path.endsWith(".ts") && !path.endsWith(".d.ts");

/** Outputs in dist/ whose source is gone. */
function orphanedOutputs(pkg) {
  const orphans = [];
  for (const path of files(join(pkg, "dist"))) {
    const output = relative(join(pkg, "dist"), path);
    const base = output.replace(/(\.d\.ts|\.js\.map|\.js)$/, "");
    if (base !== output && !existsSync(join(pkg, "src", `${base}.ts`))) orphans.push(path);
  }
  return orphans;
}

/** JavaScript that builds before dist/ existed left next to the TypeScript sources (with its map). */
function legacyOutputs(root) {
  const dirs = readdirSync(join(root, "packages")).map((name) => join(root, "packages", name, "src"));
  const compiled = (path) => path.endsWith(".js.map") || (path.endsWith(".js") && existsSync(`${path}.map`));
  return [...dirs, join(root, "apps", "baton", "src")].flatMap((dir) => [...files(dir)].filter(compiled));
}

// Written after each successful build: a source newer than it means the build is stale. tsc -b
// itself then decides, from content hashes, what really needs compiling.
const stampOf = (pkg) => join(pkg, "dist", ".built");

/**
 * One walk of the package's src/, without reading dist/ (it runs on every start of the CLI from the
 * repo): stale when the stamp is missing, a source is newer than it, a directory is (a source was
 * added, deleted or renamed in it), or JavaScript of builds from before dist/ lies among the sources.
 */
function isStale(pkg) {
  const stamp = stampOf(pkg);
  if (!existsSync(stamp)) return true;
  const builtAt = statSync(stamp).mtimeMs;
  const changedIn = (dir) => {
    if (statSync(dir).mtimeMs > builtAt) return true;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() ? changedIn(path) : entry.name.endsWith(".js.map")) return true;
      if (isSource(path) && statSync(path).mtimeMs > builtAt) return true;
    }
    return false;
  };
  const src = join(pkg, "src");
  return existsSync(src) && changedIn(src);
}

/** Whether the repo holds the CLI, which runs from one bundle of everything built (tools/bundle-cli.mjs). */
const hasCli = (root) => existsSync(join(root, "apps", "baton", "package.json"));

/** Removes outputs of deleted sources, then compiles; exits the process if the build fails. */
export function build(root = repoRoot) {
  // Required here, not imported: every start of the CLI from the repo runs the check, few build.
  const { spawnSync } = createRequire(import.meta.url)("node:child_process");
  for (const legacy of legacyOutputs(root)) rmSync(legacy);
  for (const pkg of builtPackages(root)) {
    const orphans = orphanedOutputs(pkg);
    for (const orphan of orphans) rmSync(orphan);
    // tsc -b trusts its build info; after a deletion it must look at the package again.
    if (orphans.length > 0) rmSync(join(pkg, "dist", ".tsbuildinfo"), { force: true });
  }
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-b", join(root, "tsconfig.build.json")], {
    stdio: ["ignore", process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    process.stderr.write("baton: the build failed; fix the errors above or run `pnpm build`.\n");
    process.exit(1);
  }
  const bundled = !hasCli(root)
    ? { status: 0 }
    : spawnSync(process.execPath, [join(repoRoot, "tools", "bundle-cli.mjs"), root], {
        stdio: ["ignore", process.stderr, process.stderr],
      });
  if (bundled.status !== 0) {
    process.stderr.write("baton: bundling the CLI failed; see the errors above.\n");
    process.exit(1);
  }
  for (const pkg of builtPackages(root)) writeFileSync(stampOf(pkg), `${new Date().toISOString()}\n`);
}

/** Rebuilds when a source is newer than the last build, or was added or deleted since. */
export function ensureBuilt(root = repoRoot) {
  const bundled = !hasCli(root) || existsSync(join(root, "apps", "baton", "dist", "baton.cjs"));
  if (bundled && !builtPackages(root).some(isStale)) return;
  process.stderr.write("baton: sources changed since the last build; compiling (pnpm build)...\n");
  build(root);
}

// `node tools/ensure-built.mjs [--force]`: the same check from package scripts (bench, conformance);
// --force always builds (`pnpm build`).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--force")) build();
  else ensureBuilt();
}
