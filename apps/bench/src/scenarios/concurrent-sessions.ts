import { writeFile } from "node:fs/promises";
import { LocalTicketStore } from "@baton/tracker";
import { BareNodeServer } from "../bare-node.ts";
import { BatonProcess, BenchDir, freePort } from "../baton-process.ts";
import { type Measurement, measure } from "../report.ts";
import { percentile, waitUntil } from "../stats.ts";
import { TimingClient } from "../timing-client.ts";

export interface ConcurrentSessionsOptions {
  sessions: number;
  /** Seconds between two notifications of one session. */
  notificationIntervalSeconds: number;
  /** How long the steady state is measured. */
  windowMs: number;
  /** `GET /api/v1/state` requests spread over the window. */
  stateRequests: number;
}

export const CONCURRENT_SESSIONS_FULL: ConcurrentSessionsOptions = {
  sessions: 200,
  notificationIntervalSeconds: 0.05,
  windowMs: 10_000,
  stateRequests: 400,
};

interface StateView {
  counts: { running: number };
  running: { session_id: string | null; tokens: { total_tokens: number } }[];
  codex_totals: { total_tokens: number };
}

/**
 * The real `baton` CLI runs `sessions` agents at once, each a lightweight bash app-server that
 * streams a notification every interval. Once every session is streaming, the preloaded probe
 * measures Baton's event-loop delay while a client of its own (timing-client.ts) polls
 * `/api/v1/state` like a dashboard. Half a gap after each request the client asks a bare Node
 * server for the same bytes, under the same load.
 */
export async function concurrentSessions(options: ConcurrentSessionsOptions): Promise<Measurement[]> {
  const bench = await BenchDir.create("sessions");
  let baton: BatonProcess | null = null;
  let bare: BareNodeServer | null = null;
  let client: TimingClient | null = null;
  try {
    const store = new LocalTicketStore(`${bench.dir}/tickets`, { prefix: "BAT" });
    for (let index = 0; index < options.sessions; index++) {
      await store.create({ title: `Concurrent session ${index + 1}`, priority: 2 });
    }
    const workflowPath = await bench.writeWorkflow(`
tracker:
  kind: local
  provider: { path: tickets, prefix: BAT }
polling: { interval_ms: 30000 }
workspace: { root: workspaces }
agent: { max_concurrent_agents: ${options.sessions}, max_turns: 1 }
codex:
  command: ${JSON.stringify(bench.fakeAppServerCommand(options.notificationIntervalSeconds))}
  stall_timeout_ms: 600000
`);
    baton = BatonProcess.start({ workflowPath, home: bench.home, http: true, probe: true });
    const url = await baton.url();
    const state = async (): Promise<StateView> =>
      (await fetch(`${url}/api/v1/state`)).json() as Promise<StateView>;
    await waitUntil(
      async () => {
        const view = await state();
        return (
          view.running.length === options.sessions && view.running.every((row) => row.session_id !== null)
        );
      },
      `${options.sessions} sessions streaming`,
      120_000,
      250,
    );

    const answerFile = `${bench.dir}/state-answer.json`;
    await writeFile(answerFile, Buffer.from(await (await fetch(`${url}/api/v1/state`)).arrayBuffer()));
    const barePort = await freePort();
    bare = BareNodeServer.start(barePort, bench.home, { bodyFile: answerFile });
    const bareUrl = `http://127.0.0.1:${barePort}/api/v1/state`;
    await waitUntil(
      async () => (await fetch(bareUrl).catch(() => null))?.ok === true,
      "the bare server",
      30_000,
      20,
    );

    client = await TimingClient.start([`${url}/api/v1/state`, bareUrl], {
      requests: options.stateRequests,
      windowMs: options.windowMs,
      home: bench.home,
    });
    await baton.probe("reset");
    const tokensBefore = (await state()).codex_totals.total_tokens;
    const windowStart = performance.now();
    const [latencies, bareLatencies] = (await client.run()) as [number[], number[]];
    const report = await baton.probe("report");
    const last = await state();
    if (last.counts.running !== options.sessions) {
      throw new Error(`only ${last.counts.running} of ${options.sessions} sessions were still running`);
    }
    const details = {
      sessions: options.sessions,
      window_ms: Math.round(performance.now() - windowStart),
      notifications_per_second_offered: Math.round(options.sessions / options.notificationIntervalSeconds),
      tokens_counted_in_window: last.codex_totals.total_tokens - tokensBefore,
      state_requests: latencies.length,
      state_p50_ms: percentile(latencies, 50),
      bare_node_state_p50_ms: percentile(bareLatencies, 50),
      loop_delay_p50_ms: report.loop_delay_p50_ms,
      loop_delay_max_ms: report.loop_delay_max_ms,
      rss_mb_at_end: report.rss_bytes / 2 ** 20,
      // Baton's own CPU use while streaming (ms per s; 1000 = one core): unlike the latencies,
      // other work on the machine hardly changes it.
      baton_cpu_ms_per_s: report.cpu_ms_per_s,
      gc_ms_per_s: report.gc_ms_per_s,
      gc_pause_max_ms: report.gc_pause_max_ms,
      gc_pauses_over_2ms: report.gc_pauses_over_2ms,
      gc_minor_max_ms: report.gc_minor_max_ms,
      gc_major_max_ms: report.gc_major_max_ms,
    };
    return [
      measure("sessions_rss_peak", report.max_rss_bytes / 2 ** 20, "MB", { op: "<=", limit: 250 }, details),
      measure("sessions_loop_delay_p99", report.loop_delay_p99_ms, "ms", { op: "<=", limit: 20 }, details),
      measure(
        "sessions_state_p99",
        percentile(latencies, 99),
        "ms",
        { op: "<=", limit: 10 },
        details,
        percentile(bareLatencies, 99),
      ),
    ];
  } finally {
    client?.stop();
    await bare?.stop();
    await baton?.stop();
    await bench.remove();
  }
}
