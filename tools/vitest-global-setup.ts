// @ts-expect-error: a plain .mjs helper shared with bin/baton.js, without type declarations.
import { ensureBuilt } from "./ensure-built.mjs";

/** End-to-end tests start the real `baton` process, which runs the compiled code: build it first. */
export default function setup(): void {
  ensureBuilt();
}
