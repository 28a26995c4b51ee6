import { readFileSync } from "node:fs";
import { LocalTicketStore } from "@baton/tracker";
import { BareNodeServer } from "../bare-node.ts";
import { BatonProcess, BenchDir, freePort } from "../baton-process.ts";
import { type Measurement, measure } from "../report.ts";
import { percentile, sleep, wallClockMs } from "../stats.ts";

export interface StartupOptions {
  runs: number;
  tickets: number;
}

export const STARTUP_FULL: StartupOptions = { runs: 11, tickets: 20 };

/**
 * CPU time (user + system, ms) the process has used so far, from /proc: unlike wall time, other
 * work on a shared machine hardly changes it. Clock-tick resolution (10 ms); null off Linux.
 */
function cpuMsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** A server process started for one timed run: Baton, or a bare Node server. */
interface Started {
  readonly pid?: number | undefined;
  hasExited(): boolean;
  tail(): string;
  stop(): Promise<void>;
}

/** Polls `GET /api/v1/state` every few ms until it answers 200; resolves with that moment. */
async function firstStateAnswer(url: string, timeoutMs: number, server: Started): Promise<number> {
  const deadline = wallClockMs() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return wallClockMs();
    } catch {
      // Not listening yet.
    }
    if (server.hasExited()) throw new Error(`exited before answering:\n${server.tail()}`);
    if (wallClockMs() > deadline)
      throw new Error(`no 200 from ${url} within ${timeoutMs} ms\n${server.tail()}`);
    await sleep(2);
  }
}

interface FirstAnswers {
  ms: number[];
  cpuMs: (number | null)[];
}

/**
 * Starts each kind of server `runs` + 1 times, taking turns (one of each, then again), and times each
 * from spawn to its first 200 of `GET /api/v1/state` (the first round unmeasured: it warms caches),
 * with its CPU time at that moment. Taking turns exposes every kind to the same moments of the machine.
 */
async function firstAnswers(runs: number, starters: ((port: number) => Started)[]): Promise<FirstAnswers[]> {
  const results = starters.map((): FirstAnswers => ({ ms: [], cpuMs: [] }));
  for (let run = 0; run <= runs; run++) {
    for (const [kind, start] of starters.entries()) {
      const port = await freePort();
      const startedAt = wallClockMs();
      const server = start(port);
      try {
        const answeredAt = await firstStateAnswer(`http://127.0.0.1:${port}/api/v1/state`, 30_000, server);
        if (run > 0) {
          results[kind]!.ms.push(answeredAt - startedAt);
          results[kind]!.cpuMs.push(cpuMsOf(server.pid));
        }
      } finally {
        await server.stop();
      }
    }
  }
  return results;
}

/**
 * Process start to the end of the first tick, for the real CLI on the local tracker: node and
 * the TypeScript loader start, WORKFLOW.md is loaded and validated, startup cleanup runs and the
 * first poll reads the ticket folder. One unmeasured run first warms the loader's transform cache,
 * as any second start of Baton on a machine finds it.
 */
export async function startup(options: StartupOptions): Promise<Measurement[]> {
  const bench = await BenchDir.create("startup");
  try {
    const store = new LocalTicketStore(`${bench.dir}/tickets`, { prefix: "BAT" });
    for (let index = 0; index < options.tickets; index++) {
      await store.create({ title: `Backlog ticket ${index + 1}`, state: "Backlog" });
    }
    const workflowPath = await bench.writeWorkflow(`
tracker:
  kind: local
  provider: { path: tickets, prefix: BAT }
polling: { interval_ms: 30000 }
workspace: { root: workspaces }
codex: { command: ${JSON.stringify(bench.fakeAppServerCommand(0))} }
`);
    const samples: number[] = [];
    for (let run = 0; run <= options.runs; run++) {
      const startedAt = wallClockMs();
      const baton = BatonProcess.start({ workflowPath, home: bench.home, env: { BATON_LOG_LEVEL: "debug" } });
      try {
        const firstTick = await baton.waitForLog("action=tick outcome=completed", 30_000);
        if (run > 0) samples.push(Date.parse(firstTick.time) - startedAt);
      } finally {
        await baton.stop();
      }
    }
    const answers = await firstAnswers(options.runs, [
      // What a user (or a supervisor's health check) waits for: the status API answering 200.
      (port) => BatonProcess.start({ workflowPath, home: bench.home, port }),
      // The same wait for a bare Node server: this machine's floor for any Node service.
      (port) => BareNodeServer.start(port, bench.home),
      // What this machine's NODE_EXTRA_CA_CERTS, left out above (benchEnvironment), adds to any Node start.
      ...(process.env.NODE_EXTRA_CA_CERTS === undefined
        ? []
        : [(port: number) => BareNodeServer.start(port, bench.home, { machineEnvironment: true })]),
    ]);
    const [state, floor] = [answers[0]!, answers[1]!];
    const machineFloor = answers[2] ?? null;
    return [
      measure(
        "startup_to_first_tick_p50",
        percentile(samples, 50),
        "ms",
        { op: "<=", limit: 500 },
        {
          runs: samples.length,
          max_ms: Math.max(...samples),
          all_ms: samples.map(Math.round),
        },
      ),
      measure(
        "startup_to_state_200_p50",
        percentile(state.ms, 50),
        "ms",
        { op: "<=", limit: 150 },
        {
          runs: state.ms.length,
          max_ms: Math.max(...state.ms),
          all_ms: state.ms.map(Math.round),
          // Process CPU time at the first 200: the load-independent view of the same startup.
          cpu_ms: state.cpuMs,
          bare_node_all_ms: floor.ms.map(Math.round),
          bare_node_with_node_extra_ca_certs_all_ms: machineFloor?.ms.map(Math.round) ?? null,
          node_extra_ca_certs_cost_ms:
            machineFloor === null
              ? null
              : Math.round(percentile(machineFloor.ms, 50) - percentile(floor.ms, 50)),
        },
        percentile(floor.ms, 50),
      ),
    ];
  } finally {
    await bench.remove();
  }
}
