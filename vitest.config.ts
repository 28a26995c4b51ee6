import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["apps/*/test/**/*.test.ts", "packages/*/test/**/*.test.ts", "conformance/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real processes (codex, bash); two cores, so keep parallelism modest.
    maxWorkers: 2,
    reporters: ["default", "./tools/summary-reporter.ts"],
    globalSetup: ["./tools/vitest-global-setup.ts"],
  },
  // Tests import the workspace packages' TypeScript sources (the `source` export condition).
  resolve: { conditions: ["source", "module", "node", "development|production"] },
  ssr: { resolve: { conditions: ["source", "module", "node", "development|production"] } },
});
