/**
 * `pnpm --filter @baton/bench start [scenario...]`: runs the benchmark scenarios (all by default),
 * prints one `name value unit budget ok|over` line per figure, writes results/<timestamp>.json and
 * results/latest.json, and exits 1 when any figure is over budget or a scenario failed.
 */
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchResults, formatLine, type Measurement, machineInfo, writeResults } from "./report.ts";
import { SCENARIOS } from "./scenarios/index.ts";

const HERE = fileURLToPath(import.meta.url);
const RESULTS_DIR = path.resolve(path.dirname(HERE), "../results");
/** How this file runs one scenario in a process of its own (see `isolated`). */
const ONE_SCENARIO = "--one-scenario";

type ScenarioReport = { measurements: Measurement[] } | { error: string };

/**
 * Runs one scenario in a fresh process and returns what it measured. Sharing one process, a scenario
 * ran after the in-process ones (event_ingest, tick_cost) with their heap still there, and the
 * 200-session figures came out about twice as high as alone: Baton's loop delay (measured inside
 * Baton) and the bare node server's answers too, so the bench process was taking the cores
 * (docs/benchmarks.md, fifth look).
 */
function isolated(name: string): Promise<Measurement[]> {
  return new Promise((resolve, reject) => {
    const child = fork(HERE, [ONE_SCENARIO, name], { execArgv: process.execArgv, stdio: "inherit" });
    let report: ScenarioReport | null = null;
    child.once("message", (message) => {
      report = message as ScenarioReport;
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (report === null)
        reject(new Error(`its process exited (${signal ?? `code ${code}`}) without a result`));
      else if ("error" in report) reject(new Error(report.error));
      else resolve(report.measurements);
    });
  });
}

/** The child's side of `isolated`: runs the scenario and sends its figures (or why it failed). */
async function runOne(name: string): Promise<void> {
  let report: ScenarioReport;
  try {
    report = { measurements: await SCENARIOS.find((scenario) => scenario.name === name)!.run("full") };
  } catch (error) {
    report = { error: error instanceof Error ? error.message : String(error) };
  }
  await new Promise<void>((resolve) => process.send!(report, () => resolve()));
  process.exit(0);
}

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
      for (const measurement of await isolated(scenario.name)) {
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

if (process.argv[2] === ONE_SCENARIO) await runOne(process.argv[3]!);
else process.exitCode = await main(process.argv.slice(2));
