// Bundles the compiled CLI (apps/baton/dist/cli.js and everything it imports from the workspace)
// into one CommonJS file, apps/baton/dist/baton.cjs, that bin/baton.js compiles with a V8 code
// cache: Node 20 has no compile cache for ES modules, and resolving, reading and compiling the ~600
// modules of a start was most of its time (docs/benchmarks.md, "Startup from one bundle").
import { createHash } from "node:crypto";
import { readFileSync, realpathSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Left out of the bundle and required when first used: native addons, packages that read files
 * beside their own modules (BullMQ's Lua scripts), and the heavy clients a local start never loads.
 * Every Baton package is inside: one copy of each, so `instanceof BatonError` holds everywhere.
 * better-sqlite3's JavaScript is inside too (every start opens the state store); its native addon is
 * loaded from the installed package by @baton/state, so `bindings`, its search for the addon, stays out.
 */
const EXTERNAL = [
  "bindings",
  "bullmq",
  "ioredis",
  "dockerode",
  "@linear/sdk",
  "@octokit/rest",
  "pino-pretty",
];

/**
 * `createRequire(import.meta.url)` has no meaning inside one file that holds many packages (esbuild
 * leaves `import.meta` empty there): it returns the bundle's own require, which bin/baton.js resolves
 * from the CLI and every Baton package. `createRequire(path)` of a real file still resolves from that
 * file, as outside the bundle: the demo finds Codex's platform package next to `@openai/codex`, where
 * pnpm installs it and nowhere the bundle's require looks.
 */
const bundleRequireShim = {
  name: "bundle-require",
  setup(build) {
    build.onResolve({ filter: /^(node:)?module$/ }, (args) =>
      args.namespace === "bundle-require"
        ? { path: "node:module", external: true }
        : { path: "module", namespace: "bundle-require" },
    );
    build.onLoad({ filter: /.*/, namespace: "bundle-require" }, () => ({
      contents:
        'const real = require("node:module");\nmodule.exports = { ...real, createRequire: (from) => (from === undefined ? require : real.createRequire(from)) };\n',
      loader: "js",
    }));
  },
};

/**
 * Optional packages that bundled modules try to require and that no Baton package installs (debug's
 * `supports-color`). Left to run time, each would be searched for in node_modules and in every Baton
 * package on every start before failing; in the bundle it fails at once, with the same error.
 */
const NOT_INSTALLED = ["supports-color"];

const notInstalled = {
  name: "not-installed",
  setup(build) {
    const filter = new RegExp(`^(${NOT_INSTALLED.join("|")})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "not-installed" }));
    build.onLoad({ filter: /.*/, namespace: "not-installed" }, (args) => ({
      contents: `const error = new Error(${JSON.stringify(`Cannot find module '${args.path}'`)});\nerror.code = "MODULE_NOT_FOUND";\nthrow error;\n`,
      loader: "js",
    }));
  },
};

/**
 * pino-roll (the file log, opened after the first tick) takes five functions from date-fns' CommonJS
 * index, which requires all ~300 of its modules. Left out of the bundle, loading it held the event
 * loop 45-65 ms; in the bundle, `date-fns` is those five from their own modules (~100 KB of ~280).
 * The build fails when pino-roll asks for others.
 */
const DATE_FNS_FOR_PINO_ROLL = ["format", "addDays", "addHours", "parse", "isValid"];

function assertPinoRollDateFns(root) {
  const utils = join(
    dirname(createRequire(join(root, "apps", "baton", "package.json")).resolve("pino-roll")),
    "lib",
    "utils.js",
  );
  const asked = /const \{([^}]+)\} = require\('date-fns'\)/.exec(readFileSync(utils, "utf8"))?.[1];
  const names = asked
    ?.split(",")
    .map((name) => name.trim())
    .sort();
  if (names?.join() !== [...DATE_FNS_FOR_PINO_ROLL].sort().join())
    throw new Error(
      `bundle: ${utils} asks date-fns for ${names?.join(", ") ?? "something else"}, not ${DATE_FNS_FOR_PINO_ROLL.join(", ")}`,
    );
}

const dateFnsSubset = {
  name: "date-fns-subset",
  setup(build) {
    // Only pino-roll's: any other importer gets the whole package.
    build.onResolve({ filter: /^date-fns$/ }, (args) =>
      args.importer.includes("/pino-roll/")
        ? { path: "date-fns", namespace: "date-fns-subset", pluginData: args.resolveDir }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "date-fns-subset" }, (args) => ({
      resolveDir: args.pluginData,
      loader: "js",
      contents: DATE_FNS_FOR_PINO_ROLL.map(
        (name) => `exports.${name} = require("date-fns/${name}").${name};`,
      ).join("\n"),
    }));
  },
};

/**
 * The bundle with the non-ASCII characters esbuild leaves in regular expression literals written as
 * `\u` escapes (the same characters to the regex engine): an ASCII file is read into a one-byte
 * string, which bin/baton.js does in about half the time of decoding UTF-8 into a two-byte one.
 */
function asciiOnly(code) {
  return code.replace(/(\\*)([^\x00-\x7f])/g, (_, backslashes, char) => {
    // After an odd number of backslashes the character is itself escaped: `\\u....` would change it.
    if (backslashes.length % 2 === 1)
      throw new Error(`bundle: cannot escape an escaped ${JSON.stringify(char)}`);
    return `${backslashes}\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/**
 * better-sqlite3's JavaScript comes from the copy @baton/state resolves at build time, its addon from
 * the copy the CLI resolves at run time (apps/baton's own, else @baton/state's): they must be one.
 */
function assertOneSqliteCopy(root) {
  const copyFrom = (dir) => {
    try {
      return realpathSync(createRequire(join(dir, "package.json")).resolve("better-sqlite3/package.json"));
    } catch {
      return null;
    }
  };
  const copies = new Set([copyFrom(join(root, "packages", "state")), copyFrom(join(root, "apps", "baton"))]);
  copies.delete(null);
  if (copies.size !== 1)
    throw new Error(
      `bundle: better-sqlite3 must resolve to one copy; found ${[...copies].join(", ") || "none"}`,
    );
}

/**
 * Writes apps/baton/dist/baton.cjs: a first line naming the build (which keys the code cache), then
 * the CommonJS module wrapped in the function bin/baton.js calls with exports, require and module.
 */
export async function bundleCli(root) {
  assertOneSqliteCopy(root);
  assertPinoRollDateFns(root);
  const dist = join(root, "apps", "baton", "dist");
  const result = await build({
    entryPoints: [join(dist, "cli.js")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // import() of a left-out package becomes require(): bin/baton.js resolves it (see EXTERNAL).
    supported: { "dynamic-import": false },
    external: EXTERNAL,
    plugins: [bundleRequireShim, notInstalled, dateFnsSubset],
    logOverride: { "empty-import-meta": "silent" },
    // Less to read and hash on every start; names stay, so stack traces still read.
    minifyWhitespace: true,
    minifySyntax: true,
    write: false,
    logLevel: "warning",
  });
  const code = asciiOnly(result.outputFiles[0].text);
  const id = createHash("sha256").update(code).digest("hex").slice(0, 16);
  // Written aside and renamed into place: a CLI starting meanwhile reads the old bundle or the new one.
  const temporary = join(dist, `baton.cjs.${process.pid}`);
  // Already wrapped as the function bin/baton.js calls: V8 compiles the file's text as it is read,
  // without first copying 2.3 MB into a wrapper.
  writeFileSync(
    temporary,
    `// baton bundle ${id}\n(function (exports, require, module, __filename, __dirname) {${code}\n})\n`,
  );
  renameSync(temporary, join(dist, "baton.cjs"));
}

// `node tools/bundle-cli.mjs [repo root]`: run by tools/ensure-built.mjs after tsc.
if (process.argv[1] === fileURLToPath(import.meta.url))
  await bundleCli(process.argv[2] ?? fileURLToPath(new URL("..", import.meta.url)));
