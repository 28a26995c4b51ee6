// Whether the repo's build is current. Runs on every start of the CLI from the repo (bin/baton.js,
// before anything else) and in tools/ensure-built.mjs. CommonJS, so the CLI's entry loads it
// without Node's ES-module loader; and it reads no directory: each package's stamp (dist/.built,
// written after a successful build) lists the directories and sources under src/ at that time, so
// the check is one stat per listed path.
"use strict";

const { existsSync, readdirSync, readFileSync, statSync } = require("node:fs");
const { join } = require("node:path");

/** The package folders tsconfig.build.json references (each compiles src/ to dist/). */
function builtPackages(root) {
  const text = readFileSync(join(root, "tsconfig.build.json"), "utf8").replace(/^\s*\/\/.*$/gm, "");
  return JSON.parse(text).references.map((reference) => join(root, reference.path, ".."));
}

/** Whether the repo holds the CLI, which runs from one bundle of everything built (tools/bundle-cli.mjs). */
const hasCli = (root) => existsSync(join(root, "apps", "baton", "package.json"));

const stampOf = (pkg) => join(pkg, "dist", ".built");

const isSource = (name) => name.endsWith(".ts") && !name.endsWith(".d.ts");

/**
 * The stamp's text: when it was built, then every directory under src/ (ending in "/") and every
 * source in them, relative to the package, one a line.
 */
function stampText(pkg) {
  const lines = [new Date().toISOString()];
  const walk = (relativeDir) => {
    lines.push(`${relativeDir}/`);
    for (const entry of readdirSync(join(pkg, relativeDir), { withFileTypes: true })) {
      const path = `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (isSource(entry.name)) lines.push(path);
    }
  };
  if (existsSync(join(pkg, "src"))) walk("src");
  return `${lines.join("\n")}\n`;
}

/**
 * Stale when the stamp is missing or lists nothing while src/ exists (a stamp from before the
 * listing), or when a listed directory or source is gone or not older than the stamp. A directory's
 * time changes whenever an entry in it is added, deleted or renamed, so a new source (or JavaScript
 * of builds from before dist/ left among the sources) shows as a newer directory.
 */
function isStale(pkg) {
  let builtAt;
  let listed;
  try {
    builtAt = statSync(stampOf(pkg)).mtimeMs;
    listed = readFileSync(stampOf(pkg), "utf8").split("\n").slice(1, -1);
  } catch {
    return true;
  }
  if (listed.length === 0) return existsSync(join(pkg, "src"));
  for (const path of listed) {
    // Concatenated, not join()ed: the paths are already clean, and join costs more than the stat.
    const stats = statSync(`${pkg}/${path}`, { throwIfNoEntry: false });
    // Not newer but as new: file times tick coarsely (a few ms), and an edit in the tick the stamp
    // was written must not be missed; at worst that costs one more build.
    if (stats === undefined || stats.mtimeMs >= builtAt) return true;
  }
  return false;
}

/** Whether every package's dist/ (and, with the CLI, its bundle) is newer than every source. */
function isBuildCurrent(root) {
  if (hasCli(root) && !existsSync(join(root, "apps", "baton", "dist", "baton.cjs"))) return false;
  return !builtPackages(root).some(isStale);
}

module.exports = { builtPackages, hasCli, isBuildCurrent, stampOf, stampText };
