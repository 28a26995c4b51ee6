#!/usr/bin/env node
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

// In the source repo, rebuild first when a source changed; an installed copy ships only dist/.
const repoBuildCheck = new URL("../../../tools/ensure-built.mjs", import.meta.url);
if (existsSync(repoBuildCheck)) (await import(repoBuildCheck.href)).ensureBuilt();

// The CLI is one bundle (tools/bundle-cli.mjs) compiled with a V8 code cache kept beside it: a start
// then skips resolving, reading and compiling hundreds of modules.
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const bundlePath = join(dist, "baton.cjs");
const source = readFileSync(bundlePath, "utf8");
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
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundlePath,
  cachedData,
});
// Written when the process ends, when by then the run has compiled more than the cache holds: a
// short run (`--help`, a startup that failed) must not leave a thin cache to every later start.
process.once("exit", () => {
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
});

const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, bundleRequire(), bundle, bundlePath, dirname(bundlePath));
process.exitCode = await bundle.exports.runCli(process.argv.slice(2));

/**
 * The bundle's require, for what it leaves out (tools/bundle-cli.mjs): a package is resolved from the
 * CLI's own dependencies first, then from each Baton package it depends on, as the unbundled code did.
 */
function bundleRequire() {
  const cli = createRequire(bundlePath);
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  let resolvers = null;
  const resolve = (id) => {
    if (builtinModules.includes(id.replace(/^node:/, ""))) return id;
    resolvers ??= [
      cli.resolve,
      ...Object.keys(manifest.dependencies ?? {})
        .filter((name) => name.startsWith("@baton/"))
        .map((name) => createRequire(cli.resolve(name)).resolve),
    ];
    for (const resolveFrom of resolvers) {
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
