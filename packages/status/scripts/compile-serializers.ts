// Compiles every API response schema (src/schemas.ts, `responseSchemas`) into the serializer module
// the status server uses (src/response-serializers.generated.ts). fast-json-stringify's standalone
// code is the serializer Fastify would otherwise generate and compile with `new Function` on each
// route's first answer (~6 ms for the state, on the first request after a start); here it is part
// of the CLI's bundle and its code cache. Run after changing a response schema:
// `pnpm --filter @baton/status compile-serializers`; test/serializers.test.ts fails while the
// committed module is out of date.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastJson from "fast-json-stringify";
import { responseSchemas } from "../src/schemas.ts";

export const SERIALIZERS_PATH = fileURLToPath(
  new URL("../src/response-serializers.generated.ts", import.meta.url),
);

/** The shape of fast-json-stringify's standalone module when no schema needs its validator. */
const STANDALONE =
  /^\s*'use strict'\s*const Serializer = require\('fast-json-stringify\/lib\/serializer'\)\s*const serializerState = (\{.*\})\s*const serializer = Serializer\.restoreFromState\(serializerState\)\s*const validator = null\s*module\.exports = function anonymous\(validator,serializer\s*\) \{([\s\S]*)\}\(validator, serializer\)\s*$/;

/** The module text: one factory per schema name, each run on its route's first answer. */
export function serializersSource(): string {
  let state: string | null = null;
  const factories = Object.entries(responseSchemas).map(([name, schema]) => {
    // The options Fastify's default serializer compiler passes: none, and no shared schemas.
    // In standalone mode fast-json-stringify returns the module's code (its types omit that mode).
    const options = { mode: "standalone", schema: {} } as const;
    const code = fastJson(schema as Parameters<typeof fastJson>[0], options) as unknown as string;
    const parts = STANDALONE.exec(code);
    if (parts === null)
      throw new Error(`${name}: fast-json-stringify's standalone code has a shape this script does not know`);
    if (state !== null && state !== parts[1]) throw new Error(`${name}: serializer options differ`);
    state = parts[1]!;
    return `  ${name}: () =>\n    (function (validator, serializer) {${parts[2]}})(null, serializer),\n`;
  });
  return [
    "// @ts-nocheck",
    "// Generated from src/schemas.ts by scripts/compile-serializers.ts: do not edit.",
    'import Serializer from "fast-json-stringify/lib/serializer.js";',
    "",
    `const serializer = Serializer.restoreFromState(${state});`,
    "",
    "/** fast-json-stringify's serializer of each response schema, by its name in `responseSchemas`. */",
    `export const responseSerializers = {\n${factories.join("")}};`,
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(SERIALIZERS_PATH, serializersSource());
