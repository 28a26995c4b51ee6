import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VALIDATOR_PATH, validatorSource } from "../scripts/compile-validator.mjs";

describe("the compiled front matter validator", () => {
  it("[S6.3-validation-checks] is the schema as it is now: run `pnpm --filter @baton/workflow compile-validator` after changing workflow.schema.json", () => {
    expect(readFileSync(VALIDATOR_PATH, "utf8") === validatorSource()).toBe(true);
  });
});
