#!/usr/bin/env node
// Baton runs its TypeScript sources directly through tsx's loader: no build step to forget.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
const { processIO } = await import("../src/io.ts");
try {
  process.exitCode = await main(process.argv.slice(2), processIO());
} catch (error) {
  process.stderr.write(`baton: unexpected failure: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
}
