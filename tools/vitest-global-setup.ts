// @ts-expect-error: a plain .mjs helper shared with bin/baton.js, without type declarations.
import { ensureBuilt } from "./ensure-built.mjs";

/** End-to-end tests start the real `baton` process, which runs the compiled code: build it first. */
export default function setup(): void {
  // pnpm's bin shim for vitest sets NODE_PATH to every hoisted package; the processes the tests start
  // (the CLI, agents, hooks) must resolve modules as from a terminal, or a missing dependency hides.
  delete process.env.NODE_PATH;
  ensureBuilt();
}
