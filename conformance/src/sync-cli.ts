/** `pnpm spec:sync`: regenerates `tests:` lists and spec/sections.json. `--skip a.yaml,b.yaml` leaves files alone. */
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./paths.ts";
import { syncIndex } from "./sync.ts";

const { values } = parseArgs({ args: process.argv.slice(2), options: { skip: { type: "string" } } });
const { changedFiles } = await syncIndex(REPO_ROOT, { skip: values.skip?.split(",") });
process.stdout.write(
  changedFiles.length === 0 ? "spec index already in sync\n" : `updated:\n  ${changedFiles.join("\n  ")}\n`,
);
