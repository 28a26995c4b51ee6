#!/usr/bin/env node
// CommonJS (bin/package.json says so): Node then starts it without its ES-module loader.
"use strict";
const { isAscii } = require("node:buffer");
const { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { builtinModules, createRequire } = require("node:module");
const { join } = require("node:path");
const { Script } = require("node:vm");

// In the source repo, rebuild first when a source changed; an installed copy ships only dist/.
const repoRoot = join(__dirname, "..", "..", "..");
const buildCheck = join(repoRoot, "tools", "build-check.cjs");
if (existsSync(buildCheck) && !require(buildCheck).isBuildCurrent(repoRoot)) {
  const { spawnSync } = require("node:child_process");
  const built = spawnSync(process.execPath, [join(repoRoot, "tools", "ensure-built.mjs")], {
    stdio: ["ignore", 2, 2],
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

// The CLI is one bundle (tools/bundle-cli.mjs) compiled with a V8 code cache kept beside it: a start
// then skips resolving, reading and compiling hundreds of modules.
const dist = join(__dirname, "..", "dist");
const bundlePath = join(dist, "baton.cjs");
const bytes = readFileSync(bundlePath);
// The build writes ASCII (tools/bundle-cli.mjs), which reads into a one-byte string at once.
const source = isAscii(bytes) ? bytes.latin1Slice() : bytes.toString("utf8");
// V8 checks a cache against the source's length only: the build id in the first line keys it.
const buildId = /^\/\/ baton bundle ([0-9a-f]+)\n/.exec(source)?.[1] ?? "unknown";
// One cache per command: each compiles what its own run needs (the service far more than `validate`).
const command = /^[a-z]+$/.test(process.argv[2] ?? "") ? process.argv[2] : "service";
const cachePath = join(dist, `baton.${buildId}.${process.version}.${command}.v8cache`);
let cachedData;
try {
  cachedData = readFileSync(cachePath);
} catch {
  cachedData = undefined;
}
// The file is the function expression `(function (exports, require, module, __filename, __dirname)`.
const script = new Script(source, { filename: bundlePath, cachedData });
// Written once, CACHE_AFTER_MS into the run or when the process ends before, and only when the run
// has compiled more than the cache holds: a short run (`--help`, a startup that failed) must not
// leave a thin cache to every later start, and a long one must not leave a fat one (everything a
// day of work compiled, which every later start would then read: ~2.5 MB instead of ~1.9).
const CACHE_AFTER_MS = 3000;
let cacheWritten = false;
process.once("exit", writeCache);
setTimeout(writeCache, CACHE_AFTER_MS).unref();
function writeCache() {
  if (cacheWritten) return;
  cacheWritten = true;
  const temporary = `${cachePath}.${process.pid}`;
  try {
    const data = script.createCachedData();
    const kept = cachedData !== undefined && !script.cachedDataRejected;
    if (kept && data.length <= cachedData.length) return;
    writeFileSync(temporary, data);
    renameSync(temporary, cachePath);
    for (const name of readdirSync(dist))
      if (name.endsWith(".v8cache") && !name.startsWith(`baton.${buildId}.${process.version}.`))
        rmSync(join(dist, name), { force: true });
  } catch {
    // A read-only install runs without a cache.
    rmSync(temporary, { force: true });
  }
}

const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, bundleRequire(), bundle, bundlePath, dist);
bundle.exports.runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

/**
 * The bundle's require, for what it leaves out (tools/bundle-cli.mjs): a package is resolved from the
 * CLI's own dependencies first, then from each Baton package it depends on, as the unbundled code did.
 */
function bundleRequire() {
  const cli = createRequire(bundlePath);
  let fromPackages = null;
  // Made on first need: the CLI resolves most of what it asks for itself.
  function* resolvers() {
    yield cli.resolve;
    fromPackages ??= Object.keys(
      JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")).dependencies ?? {},
    )
      .filter((name) => name.startsWith("@baton/"))
      .map((name) => createRequire(cli.resolve(name)).resolve);
    yield* fromPackages;
  }
  const resolve = (id) => {
    if (builtinModules.includes(id.replace(/^node:/, ""))) return id;
    for (const resolveFrom of resolvers()) {
      try {
        return resolveFrom(id);
      } catch (error) {
        if (error?.code !== "MODULE_NOT_FOUND") throw error;
      }
    }
    return cli.resolve(id); // throws MODULE_NOT_FOUND, naming the bundle
  };
  const bundleRequire = (id) => cli(resolve(id));
  bundleRequire.resolve = resolve;
  return bundleRequire;
}
