#!/usr/bin/env node
import { ensureBuilt } from "../../../tools/ensure-built.mjs";

ensureBuilt();
const { main } = await import("../src/main.js");
const { processIO } = await import("../src/io.js");
try {
  process.exitCode = await main(process.argv.slice(2), processIO());
} catch (error) {
  process.stderr.write(`baton: unexpected failure: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
}
