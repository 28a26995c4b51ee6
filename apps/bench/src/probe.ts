/**
 * Preloaded into a Baton process under test (`node --import tsx --import probe.ts ...`): measures
 * event-loop delay with perf_hooks.monitorEventLoopDelay and answers the benchmark over the IPC
 * channel. `reset` starts a new measuring window; `report` returns the window's figures.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface ProbeReport {
  loop_delay_p50_ms: number;
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
  rss_bytes: number;
  /** Peak resident set size of the process since it started. */
  max_rss_bytes: number;
  /** CPU time (user + system) the process used in the window, per second of the window. */
  cpu_ms_per_s: number;
}

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
let windowStart = { cpu: process.cpuUsage(), at: performance.now() };

process.on("message", (message) => {
  if (message === "reset") {
    delay.reset();
    windowStart = { cpu: process.cpuUsage(), at: performance.now() };
    process.send?.("reset");
  } else if (message === "report") {
    const report: ProbeReport = {
      loop_delay_p50_ms: delay.percentile(50) / 1e6,
      loop_delay_p99_ms: delay.percentile(99) / 1e6,
      loop_delay_max_ms: delay.max / 1e6,
      rss_bytes: process.memoryUsage().rss,
      max_rss_bytes: process.resourceUsage().maxRSS * 1024,
      cpu_ms_per_s: cpuMsPerSecond(),
    };
    process.send?.(report);
  }
});
// The channel must not keep Baton alive once it has shut down.
process.channel?.unref();

function cpuMsPerSecond(): number {
  const used = process.cpuUsage(windowStart.cpu);
  return (used.user + used.system) / 1000 / ((performance.now() - windowStart.at) / 1000);
}
