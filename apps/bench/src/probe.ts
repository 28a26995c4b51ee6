/**
 * Preloaded into a Baton process under test (`node --import tsx --import probe.ts ...`): measures
 * event-loop delay with perf_hooks.monitorEventLoopDelay and answers the benchmark over the IPC
 * channel. `reset` starts a new measuring window; `report` returns the window's figures.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import {
  constants,
  monitorEventLoopDelay,
  type PerformanceEntry,
  PerformanceObserver,
} from "node:perf_hooks";

export interface ProbeReport {
  loop_delay_p50_ms: number;
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
  rss_bytes: number;
  /** Peak resident set size of the process since it started. */
  max_rss_bytes: number;
  /** CPU time (user + system) the process used in the window, per second of the window. */
  cpu_ms_per_s: number;
  /** Garbage-collection pauses in the window: their total per second, the longest, and how many took 2 ms or more. */
  gc_ms_per_s: number;
  gc_pause_max_ms: number;
  gc_pauses_over_2ms: number;
  /** The longest minor (scavenge) and major (mark-compact) pauses. */
  gc_minor_max_ms: number;
  gc_major_max_ms: number;
}

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
const NO_GC = { total: 0, max: 0, over2: 0, minorMax: 0, majorMax: 0 };
let gc = { ...NO_GC };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    gc.total += entry.duration;
    gc.max = Math.max(gc.max, entry.duration);
    if (entry.duration >= 2) gc.over2 += 1;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minorMax = Math.max(gc.minorMax, entry.duration);
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.majorMax = Math.max(gc.majorMax, entry.duration);
  }
}).observe({ entryTypes: ["gc"] });
let windowStart = { cpu: process.cpuUsage(), at: performance.now() };

process.on("message", (message) => {
  if (message === "reset") {
    delay.reset();
    gc = { ...NO_GC };
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
      gc_ms_per_s: gc.total / ((performance.now() - windowStart.at) / 1000),
      gc_pause_max_ms: gc.max,
      gc_pauses_over_2ms: gc.over2,
      gc_minor_max_ms: gc.minorMax,
      gc_major_max_ms: gc.majorMax,
    };
    process.send?.(report);
  }
});
// BENCH_HEAP_PROFILE=<file>: a sampling heap profile of the window, objects already collected
// included, so it shows what allocates (and makes the collector work), not only what stays.
const heapProfile = process.env.BENCH_HEAP_PROFILE;
if (heapProfile) {
  const session = new Session();
  session.connect();
  process.on("message", (message) => {
    if (message === "reset") {
      session.post("HeapProfiler.startSampling", {
        samplingInterval: 8192,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      } as never);
    } else if (message === "report") {
      session.post("HeapProfiler.stopSampling", (error, result) => {
        if (!error) writeFileSync(heapProfile, JSON.stringify((result as { profile: unknown }).profile));
      });
    }
  });
}
// The channel must not keep Baton alive once it has shut down.
process.channel?.unref();

function cpuMsPerSecond(): number {
  const used = process.cpuUsage(windowStart.cpu);
  return (used.user + used.system) / 1000 / ((performance.now() - windowStart.at) / 1000);
}
