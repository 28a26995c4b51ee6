// Compiles workflow.schema.json into the validator module Baton loads at startup
// (src/front-matter-validator.generated.ts). Ajv's standalone code is the same validator that
// `ajv.compile` builds at run time, without loading Ajv (~100 modules) and compiling the schema on
// every start. Run after changing the schema: `pnpm --filter @baton/workflow compile-validator`;
// test/validator.test.ts fails while the committed module is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";

export const VALIDATOR_PATH = fileURLToPath(
  new URL("../src/front-matter-validator.generated.ts", import.meta.url),
);

/** The module text: the options are the ones the validator has always had. */
export function validatorSource() {
  const schema = JSON.parse(readFileSync(new URL("../workflow.schema.json", import.meta.url), "utf8"));
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    useDefaults: true,
    allowUnionTypes: true,
    code: { source: true, esm: true },
  });
  // Our own annotation: the text printed after the field name (also shown by editors that know it).
  ajv.addKeyword({ keyword: "errorMessage", schemaType: "string" });
  const header =
    "// @ts-nocheck\n// Generated from workflow.schema.json by scripts/compile-validator.mjs: do not edit.\n";
  // The schema itself too: Baton reads it from here, so no file beside a module is needed at run time.
  const document = `/** workflow.schema.json */\nexport const workflowSchemaDocument = ${JSON.stringify(schema)};\n`;
  return `${header + standaloneCode(ajv, ajv.compile(schema))}\n${document}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(VALIDATOR_PATH, validatorSource());
