/**
 * `pnpm --filter @baton/bench start [scenario...]`: runs the benchmark scenarios (all by default),
 * prints one `name value unit budget ok|over` line per figure, writes results/<timestamp>.json and
 * results/latest.json, and exits 1 when any figure is over budget or a scenario failed.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchResults, formatLine, type Measurement, machineInfo, writeResults } from "./report.ts";
import { SCENARIOS } from "./scenarios/index.ts";

const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../results");

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown scenario ${unknown.join(", ")}; choose from ${SCENARIOS.map((s) => s.name).join(", ")}\n`,
    );
    return 2;
  }
  const selected =
    argv.length === 0 ? SCENARIOS : SCENARIOS.filter((scenario) => argv.includes(scenario.name));
  const startedAt = new Date();
  const machine = machineInfo();
  process.stdout.write(
    `# ${machine.cpu_model}, ${machine.cores} cores, node ${machine.node}, load ${machine.load_average_1m}\n`,
  );
  const measurements: Measurement[] = [];
  const failures: BenchResults["failures"] = [];
  for (const scenario of selected) {
    try {
      for (const measurement of await scenario.run("full")) {
        measurements.push(measurement);
        process.stdout.write(`${formatLine(measurement)}\n`);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ scenario: scenario.name, error: message });
      process.stdout.write(`${scenario.name} failed: ${message}\n`);
    }
  }
  const results: BenchResults = {
    started_at: startedAt.toISOString(),
    duration_ms: Date.now() - startedAt.getTime(),
    machine,
    ok: failures.length === 0 && measurements.every((measurement) => measurement.ok),
    measurements,
    failures,
  };
  const file = await writeResults(RESULTS_DIR, results);
  process.stdout.write(`# ${results.ok ? "all within budget" : "OVER BUDGET"}; results in ${file}\n`);
  return results.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
