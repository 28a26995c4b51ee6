/**
 * Regenerates the committed Linear schema subset from Linear's full schema:
 *   pnpm --filter @baton/testkit exec tsx src/linear/generate-schema.ts <path to linear-schema.graphql>
 *   pnpm biome format --write packages/testkit/src/linear/linear-schema.subset.graphql
 */
import { readFile, writeFile } from "node:fs/promises";
import { LINEAR_SUBSET_SCHEMA_PATH } from "./schema.ts";
import { subsetLinearSchema } from "./subset-schema.ts";

const fullSchemaPath = process.argv[2];
if (fullSchemaPath === undefined) {
  process.stderr.write("usage: generate-schema.ts <path to Linear's full schema.graphql>\n");
  process.exit(2);
}
await writeFile(LINEAR_SUBSET_SCHEMA_PATH, subsetLinearSchema(await readFile(fullSchemaPath, "utf8")));
process.stdout.write(`wrote ${LINEAR_SUBSET_SCHEMA_PATH.pathname}\n`);
