import { LocalTicketStore } from "@baton/tracker";
import { BatonProcess, BenchDir } from "../baton-process.ts";
import { type Measurement, measure } from "../report.ts";
import { percentile, wallClockMs } from "../stats.ts";

export interface StartupOptions {
  runs: number;
  tickets: number;
}

export const STARTUP_FULL: StartupOptions = { runs: 5, tickets: 20 };

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
    ];
  } finally {
    await bench.remove();
  }
}
