import { describe, expect, it } from "vitest";
import { checkCoverage } from "../src/coverage.ts";
import { REPO_ROOT } from "../src/paths.ts";

describe("requirements index coverage", () => {
  it("[S17-core-deterministic-tests][S17-extension-tests][S18.1-core-checklist] every core and extension MUST has a test, every test ID is indexed, tests lists match and the index follows the spec's sections", async () => {
    const report = await checkCoverage({ repoRoot: REPO_ROOT, ci: process.env.CI === "true" });
    for (const note of report.notes) console.warn(`coverage check: ${note}`);
    expect(report.problems).toEqual([]);
  });
});
