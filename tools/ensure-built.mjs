// Baton runs compiled JavaScript that `pnpm build` (run by `pnpm install`) emits to each package's
// dist/ (tsc -b over tsconfig.build.json). When a source is newer than its output, or a source was
// deleted since the last build, this rebuilds (and bundles the CLI: tools/bundle-cli.mjs) before
// anything runs, so the CLI and the end-to-end tests never run stale code. The check itself is
// tools/build-check.cjs, which bin/baton.js runs on every start (and runs this file only to build).

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { builtPackages, hasCli, isBuildCurrent, stampOf, stampText } from "./build-check.cjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
/** The lockfile the last build was made with: the CLI bundle holds the dependencies it names. */
const builtLockfile = join(repoRoot, "node_modules", ".baton-built-lockfile");

function lockfileHash() {
  const lockfile = join(repoRoot, "pnpm-lock.yaml");
  return existsSync(lockfile) ? createHash("sha256").update(readFileSync(lockfile)).digest("hex") : "none";
}

/** Replaced whole: a process checking the build meanwhile never reads a half-written file. */
function writeAtomically(path, text) {
  const temporary = `${path}.${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

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

/** Removes outputs of deleted sources, then compiles; exits the process if the build fails. */
export function build(root = repoRoot) {
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
  // Written after each successful build (tools/build-check.cjs): a source newer than it means the
  // build is stale. tsc -b itself then decides, from content hashes, what really needs compiling.
  for (const pkg of builtPackages(root)) writeAtomically(stampOf(pkg), stampText(pkg));
  if (root === repoRoot && existsSync(join(repoRoot, "node_modules")))
    writeAtomically(builtLockfile, lockfileHash());
}

/** Rebuilds when a source is newer than the last build, or was added or deleted since. */
export function ensureBuilt(root = repoRoot) {
  if (isBuildCurrent(root)) return;
  process.stderr.write("baton: sources changed since the last build; compiling (pnpm build)...\n");
  build(root);
}

/**
 * After `pnpm install` (`prepare`): builds when a source changed or the lockfile did since the last
 * build (new dependencies go into the bundle), and otherwise leaves the build alone. An install
 * that changes nothing, or `pnpm deploy` (which runs `prepare`), then never rewrites a build that
 * running processes and their build checks are reading.
 */
export function buildAfterInstall(root = repoRoot) {
  const built = existsSync(builtLockfile) ? readFileSync(builtLockfile, "utf8") : null;
  if (isBuildCurrent(root) && built === lockfileHash()) return;
  build(root);
}

// `node tools/ensure-built.mjs [--force | --after-install]`: the same check from package scripts
// (bench, conformance); --force always builds (`pnpm build`); --after-install is `prepare`'s.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--force")) build();
  else if (process.argv.includes("--after-install")) buildAfterInstall();
  else ensureBuilt();
}
