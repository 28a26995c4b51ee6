import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** A limit a figure must stay within: at least (`>=`) or at most (`<=`) `limit`. */
export interface Budget {
  op: ">=" | "<=";
  limit: number;
}

/** One reported figure of a scenario, checked against its budget. */
export interface Measurement {
  name: string;
  value: number;
  unit: string;
  budget: Budget;
  ok: boolean;
  /** Supporting numbers (sample counts, other percentiles) kept in the JSON results only. */
  details: Record<string, unknown>;
  /**
   * The same figure for a bare Node process in the same run (bare-node.ts), where a scenario takes
   * one: the part of the figure this machine sets, whatever the code.
   */
  bare_node?: number;
}

export function measure(
  name: string,
  value: number,
  unit: string,
  budget: Budget,
  details: Record<string, unknown> = {},
  bareNode?: number,
): Measurement {
  const ok = Number.isFinite(value) && (budget.op === ">=" ? value >= budget.limit : value <= budget.limit);
  return {
    name,
    value,
    unit,
    budget,
    ok,
    details,
    ...(bareNode === undefined ? {} : { bare_node: bareNode }),
  };
}

/** Rounds to 3 significant digits so lines stay readable; integers above 1000 are kept whole. */
export function roundFigure(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  if (Math.abs(value) >= 1000) return Math.round(value);
  return Number(value.toPrecision(3));
}

/**
 * `name value unit budget ok|over`, e.g. `event_ingest_rate 183000 notifications/s >=100000 ok`, then
 * `(bare node 9.1)` when the scenario measured the same figure for a bare Node process.
 */
export function formatLine(measurement: Measurement): string {
  const { name, value, unit, budget, ok, bare_node: bareNode } = measurement;
  const line = `${name} ${roundFigure(value)} ${unit} ${budget.op}${budget.limit} ${ok ? "ok" : "over"}`;
  return bareNode === undefined ? line : `${line} (bare node ${roundFigure(bareNode)})`;
}

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  memory_mb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on a shared machine skews every figure. */
  load_average_1m: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memory_mb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    load_average_1m: Number(os.loadavg()[0]!.toFixed(2)),
  };
}

export interface BenchResults {
  started_at: string;
  duration_ms: number;
  machine: MachineInfo;
  ok: boolean;
  measurements: Measurement[];
  /** Scenarios that could not run to the end, with why; a failed scenario makes the run fail. */
  failures: { scenario: string; error: string }[];
}

/** Writes `results/<timestamp>.json` and `results/latest.json`; returns the timestamped path. */
export async function writeResults(resultsDir: string, results: BenchResults): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const stamp = results.started_at.replaceAll(":", "-").replace(/\.\d+Z$/, "Z");
  const file = path.join(resultsDir, `${stamp}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  await writeFile(file, text);
  await writeFile(path.join(resultsDir, "latest.json"), text);
  return file;
}
