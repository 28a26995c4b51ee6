#!/usr/bin/env node
import { existsSync } from "node:fs";

// In the source repo, rebuild first when a source changed; an installed copy ships only dist/.
const repoBuildCheck = new URL("../../../tools/ensure-built.mjs", import.meta.url);
if (existsSync(repoBuildCheck)) (await import(repoBuildCheck.href)).ensureBuilt();
const { main } = await import("../dist/main.js");
const { processIO } = await import("../dist/io.js");
try {
  process.exitCode = await main(process.argv.slice(2), processIO());
} catch (error) {
  process.stderr.write(`baton: unexpected failure: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
}
