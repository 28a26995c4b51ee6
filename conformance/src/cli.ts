/**
 * `pnpm conformance`: package contract tests and the black-box profile against Baton.
 * `pnpm conformance --impl "<command template>"`: the black-box profile against another implementation.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { runBlackBox } from "./blackbox/runner.ts";
import { runPackageTests } from "./package-tests.ts";
import { BATON_TEMPLATE, REPO_ROOT } from "./paths.ts";
import {
  buildReport,
  type Evidence,
  formatLine,
  formatSummary,
  scenarioEvidence,
  writeReports,
} from "./report.ts";
import { loadRequirementsIndex } from "./requirements.ts";

const USAGE = `Usage: pnpm conformance [--impl "<command template>"] [--only scenario,...] [--concurrency N] [--reports DIR]
  --impl         run only the black-box profile against this command; placeholders {workflow}, {port}, {here}
  --only         black-box scenarios to run (default: all)
  --skip-package do not run the package contract tests
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      impl: { type: "string" },
      only: { type: "string" },
      concurrency: { type: "string" },
      reports: { type: "string" },
      "skip-package": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const here = process.env.INIT_CWD ?? process.cwd();
  const template = values.impl ?? BATON_TEMPLATE;
  const index = await loadRequirementsIndex(REPO_ROOT);
  const evidence = new Map<string, Evidence[]>();
  const add = (more: Map<string, Evidence[]>) => {
    for (const [id, items] of more) evidence.set(id, [...(evidence.get(id) ?? []), ...items]);
  };

  if (values.impl === undefined && !values["skip-package"]) {
    process.stdout.write("Package contract tests (vitest packages/ apps/)...\n");
    add(await runPackageTests(REPO_ROOT, (chunk) => process.stderr.write(chunk)));
  }
  process.stdout.write(`Black-box profile against: ${template}\n`);
  const results = await runBlackBox({
    implementation: { template, here },
    only: values.only?.split(",").map((name) => name.trim()),
    concurrency: values.concurrency ? Number(values.concurrency) : 3,
    onResult: (result) =>
      process.stdout.write(
        `  scenario ${result.name}: ${result.outcome}${result.reason ? ` (${result.reason.split("\n")[0]})` : ""}\n`,
      ),
  });
  add(scenarioEvidence(results));

  const report = buildReport(template, index.requirements, evidence, {
    onlyJudged: values.impl !== undefined,
  });
  for (const verdict of report.verdicts) process.stdout.write(`${formatLine(verdict)}\n`);
  process.stdout.write(`${formatSummary(report)}\n`);
  const written = await writeReports(
    report,
    path.resolve(here, values.reports ?? path.join(REPO_ROOT, "conformance/reports")),
  );
  process.stdout.write(`Reports: ${written.markdown}, ${written.json}\n`);
  return report.summary.fail > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`conformance: ${(error as Error)?.stack ?? error}\n${USAGE}`);
  return 2;
});
