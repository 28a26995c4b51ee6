import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { dockerdSkipReason, redisSkipReason } from "@baton/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { benchEnvironment } from "../src/baton-process.ts";
import {
  type BenchResults,
  formatLine,
  type Measurement,
  machineInfo,
  measure,
  writeResults,
} from "../src/report.ts";
import { SCENARIOS } from "../src/scenarios/index.ts";

// Shape only: these runs are tiny and the machine is shared, so speed is never asserted here.
const LINE = /^[a-z0-9_]+ -?[0-9.e+]+ \S+ (>=|<=)[0-9.]+ (ok|over)( \(bare node [0-9.e+]+\))?$/;

function expectWellFormed(measurements: Measurement[], names: string[]): void {
  expect(measurements.map((measurement) => measurement.name)).toEqual(names);
  for (const measurement of measurements) {
    expect(Number.isFinite(measurement.value), `${measurement.name} is a number`).toBe(true);
    expect(measurement.value).toBeGreaterThanOrEqual(0);
    expect(formatLine(measurement)).toMatch(LINE);
  }
}

async function runSmoke(name: string): Promise<Measurement[]> {
  const scenario = SCENARIOS.find((candidate) => candidate.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return scenario.run("smoke");
}

describe("benchmark harness at smoke size", () => {
  it("[S18.3-bench-event-ingest] streams sessions through the client and orchestrator and compares with a bare parse", async () => {
    const measurements = await runSmoke("event_ingest");
    expectWellFormed(measurements, ["event_ingest_rate", "event_ingest_ratio"]);
    // 3 sessions of 300 notifications each, every one of them counted.
    expect(measurements[0]!.details.notifications).toBe(900);
  });

  it("[S18.3-bench-tick-cost] times ticks of the real orchestrator over a memory-tracker backlog", async () => {
    const measurements = await runSmoke("tick_cost");
    expectWellFormed(measurements, ["tick_cost_p50", "tick_cost_p99"]);
    expect(measurements[0]!.details).toMatchObject({ candidates: 200, ticks: 10, running: 10 });
  });

  it("[S18.3-bench-concurrent-sessions] probes a real baton process running several fake app-servers", async () => {
    const measurements = await runSmoke("concurrent_sessions");
    expectWellFormed(measurements, ["sessions_rss_peak", "sessions_loop_delay_p99", "sessions_state_p99"]);
    expect(measurements[0]!.value).toBeGreaterThan(10);
    expect(measurements[2]!.details).toMatchObject({ sessions: 3, state_requests: 10 });
    expect(measurements[2]!.bare_node).toBeGreaterThan(0);
    expect(measurements[2]!.details.bare_node_state_p50_ms).toBeGreaterThan(0);
  }, 90_000);

  it("[S18.3-bench-pickup-latency][B.webhook-pickup] measures ticket move to turn/start with polling, with the folder watch and with a signed webhook at 60 s polling", async () => {
    const measurements = await runSmoke("pickup_latency");
    expectWellFormed(measurements, ["pickup_polling_1s_p50", "pickup_issue_move_p50", "pickup_webhook_p50"]);
    for (const measurement of measurements) expect(measurement.details.samples).toBe(1);
  }, 90_000);

  it("[S18.3-bench-startup] times the real CLI from process start to its first tick, without the machine's NODE_EXTRA_CA_CERTS, and reports what that costs", async () => {
    const machineCa = process.env.NODE_EXTRA_CA_CERTS;
    // Node warns about a file it cannot read and starts anyway.
    process.env.NODE_EXTRA_CA_CERTS = machineCa ?? path.join(tmpdir(), "no-such-extra-ca.pem");
    try {
      expect(benchEnvironment("/bench-home")).toMatchObject({ HOME: "/bench-home" });
      expect(benchEnvironment("/bench-home")).not.toHaveProperty("NODE_EXTRA_CA_CERTS");
      const measurements = await runSmoke("startup");
      expectWellFormed(measurements, ["startup_to_first_tick_p50", "startup_to_state_200_p50"]);
      expect(measurements[0]!.value).toBeGreaterThan(0);
      // Beside Baton's first answer: a bare Node server's, in the same environment, and with the variable.
      const { details, bare_node } = measurements[1]!;
      expect(bare_node).toBeGreaterThan(0);
      expect(details.bare_node_all_ms).toHaveLength(1);
      expect(details.bare_node_with_node_extra_ca_certs_all_ms).toHaveLength(1);
      expect(details.node_extra_ca_certs_cost_ms).toEqual(expect.any(Number));
    } finally {
      if (machineCa === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = machineCa;
    }
  }, 90_000);

  const noDockerd = dockerdSkipReason();
  it.skipIf(noDockerd !== null)(
    `[B.sandbox-bench] times a sandboxed start from container create to turn/start and reads the container's memory${noDockerd === null ? "" : ` (skipped: ${noDockerd})`}`,
    async () => {
      const measurements = await runSmoke("sandbox_start");
      expectWellFormed(measurements, ["sandbox_start_to_turn_p50", "sandbox_container_memory_p50"]);
      expect(measurements[0]!.details.runs).toBe(1);
      expect(measurements[1]!.value).toBeGreaterThan(1);
    },
    180_000,
  );

  const noRedis = redisSkipReason();
  it.skipIf(noRedis !== null)(
    `[B.queue-bench] relays a worker's agent events through Redis, compares BullMQ's QueueEvents, times no-op attempts end to end, and times a ticket move and a cancel through a real baton worker${noRedis === null ? "" : ` (skipped: ${noRedis})`}`,
    async () => {
      const measurements = await runSmoke("queue");
      expectWellFormed(measurements, [
        "queue_events_relay_rate",
        "queue_dispatch_rate",
        "pickup_queue_issue_move_p50",
        "queue_cancel_to_worker_p50",
      ]);
      expect(measurements[0]!.details.notifications).toBe(2000);
      expect(measurements[0]!.details.bullmq_queue_events_rate).toBeGreaterThan(0);
      expect(measurements[1]!.details.attempts).toBe(20);
      expect(measurements[2]!.details.samples).toBe(1);
      expect(measurements[3]!.details.samples).toBe(1);
      expect(measurements[3]!.value).toBeGreaterThan(0);
    },
    120_000,
  );
});

describe("benchmark results", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("[S18.3-bench-results] prints budget lines, marks misses as over and saves comparable JSON", async () => {
    const within = measure("tick_cost_p50", 4.2, "ms", { op: "<=", limit: 10 });
    const over = measure("event_ingest_rate", 42_000.4, "notifications/s", { op: ">=", limit: 100_000 });
    expect(formatLine(within)).toBe("tick_cost_p50 4.2 ms <=10 ok");
    expect(formatLine(over)).toBe("event_ingest_rate 42000 notifications/s >=100000 over");
    const withFloor = measure("sessions_state_p99", 14.21, "ms", { op: "<=", limit: 10 }, {}, 9.064);
    expect(formatLine(withFloor)).toBe("sessions_state_p99 14.2 ms <=10 over (bare node 9.06)");
    expect(measure("broken", Number.NaN, "ms", { op: "<=", limit: 10 }).ok).toBe(false);

    const dir = await mkdtemp(path.join(tmpdir(), "baton-bench-results-"));
    dirs.push(dir);
    const results: BenchResults = {
      started_at: "2026-01-02T03:04:05.678Z",
      duration_ms: 1,
      machine: machineInfo(),
      ok: false,
      measurements: [within, over],
      failures: [],
    };
    const file = await writeResults(dir, results);
    expect(path.basename(file)).toBe("2026-01-02T03-04-05Z.json");
    const saved = JSON.parse(await readFile(path.join(dir, "latest.json"), "utf8")) as BenchResults;
    expect(saved).toEqual(JSON.parse(await readFile(file, "utf8")));
    expect(saved.machine.cores).toBeGreaterThan(0);
    expect(saved.machine.cpu_model).not.toBe("");
    expect(saved.machine.node).toBe(process.version);
    expect(saved.measurements.map((measurement) => measurement.ok)).toEqual([true, false]);
  });
});
