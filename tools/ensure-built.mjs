// Baton runs compiled JavaScript that `pnpm build` (run by `pnpm install`) emits next to each
// TypeScript source. When a source is newer than its output (the code was edited), this rebuilds
// before anything runs, so the CLI and the end-to-end tests never run stale code.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function sourceDirs() {
  const packages = readdirSync(join(root, "packages")).map((name) => join(root, "packages", name, "src"));
  return [...packages, join(root, "apps", "baton", "src")].filter((dir) => existsSync(dir));
}

function isStale(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (isStale(path)) return true;
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      const output = `${path.slice(0, -3)}.js`;
      if (!existsSync(output) || statSync(path).mtimeMs > statSync(output).mtimeMs) return true;
    }
  }
  return false;
}

/** Rebuilds when any source is newer than its compiled output; exits the process if the build fails. */
export function ensureBuilt() {
  if (!sourceDirs().some(isStale)) return;
  process.stderr.write("baton: sources changed since the last build; compiling (pnpm build)...\n");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], {
    stdio: ["ignore", process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    process.stderr.write("baton: the build failed; fix the errors above or run `pnpm build`.\n");
    process.exit(1);
  }
}

// `node tools/ensure-built.mjs`: the same check from package scripts (bench, conformance).
if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt();
