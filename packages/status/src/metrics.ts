import type { OrchestratorSnapshot, RetryCause } from "@baton/orchestrator";
// One module each, not the package index: that also loads the Pushgateway and the cluster
// aggregator (https, zlib, node:cluster), a few ms of every start (src/prom-client-modules.d.ts).
import Counter from "prom-client/lib/counter.js";
import collectDefaultMetrics from "prom-client/lib/defaultMetrics.js";
import Gauge from "prom-client/lib/gauge.js";
import Histogram from "prom-client/lib/histogram.js";
import Registry from "prom-client/lib/registry.js";
import type { StatusEvent } from "./source.ts";

/** One tracker API call, as the service's tracker wrapper reports it. */
export interface TrackerRequestSample {
  /** Adapter operation, e.g. `fetchIssuesByStates`. */
  operation: string;
  durationSeconds: number;
  /** BatonError category when the call failed (SPEC 11.4), null on success. */
  errorCategory: string | null;
}

const TOKEN_KINDS = ["input", "output", "total"] as const;

/**
 * Prometheus metrics. Counters of things that happen (dispatches, retries, tracker calls) come
 * from events; gauges and token totals are read from the orchestrator snapshot at scrape time,
 * so they can never drift from what the API shows.
 */
export class StatusMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;

  private readonly issues = new Gauge({
    name: "baton_issues",
    help: "Issues currently claimed by the orchestrator, by status.",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  private readonly dispatches = new Counter({
    name: "baton_dispatches_total",
    help: "Agent attempts started.",
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: "baton_retries_scheduled_total",
    help: "Retries scheduled, by reason kind (continuation, failure, stall, no_slots).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: "baton_agent_tokens_total",
    help: "Tokens used by coding-agent sessions since Baton started.",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  private readonly runtime = new Counter({
    name: "baton_agent_runtime_seconds_total",
    help: "Agent session runtime, ended sessions plus the elapsed time of running ones.",
    registers: [this.registry],
  });
  private readonly trackerLatency = new Histogram({
    name: "baton_tracker_request_duration_seconds",
    help: "Duration of tracker adapter requests.",
    labelNames: ["operation", "outcome"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly trackerErrors = new Counter({
    name: "baton_tracker_request_errors_total",
    help: "Failed tracker adapter requests, by operation and error category.",
    labelNames: ["operation", "category"] as const,
    registers: [this.registry],
  });

  /** Snapshot totals already added to the counters, to add only what is new on the next scrape. */
  private counted = { input: 0, output: 0, total: 0, seconds: 0 };

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "baton_" });
    for (const reason of [
      "continuation",
      "failure",
      "stall",
      "no_slots",
      "operator",
    ] satisfies RetryCause[]) {
      this.retries.inc({ reason }, 0);
    }
  }

  record(event: StatusEvent): void {
    if (event.type === "dispatched") this.dispatches.inc();
    else if (event.type === "retry_scheduled") this.retries.inc({ reason: event.cause });
  }

  readonly observeTrackerRequest = (sample: TrackerRequestSample): void => {
    const outcome = sample.errorCategory === null ? "ok" : "error";
    this.trackerLatency.observe({ operation: sample.operation, outcome }, sample.durationSeconds);
    if (sample.errorCategory !== null) {
      this.trackerErrors.inc({ operation: sample.operation, category: sample.errorCategory });
    }
  };

  async render(snapshot: OrchestratorSnapshot): Promise<string> {
    this.issues.set({ status: "running" }, snapshot.counts.running);
    this.issues.set({ status: "retrying" }, snapshot.counts.retrying);
    this.issues.set({ status: "blocked" }, snapshot.counts.blocked);
    this.issues.set({ status: "stopped" }, snapshot.counts.stopped);
    this.issues.set({ status: "awaiting_approval" }, snapshot.counts.awaiting_approval);

    const totals = snapshot.codex_totals;
    const seen = { input: totals.input_tokens, output: totals.output_tokens, total: totals.total_tokens };
    for (const kind of TOKEN_KINDS) {
      this.tokens.inc({ kind }, Math.max(seen[kind] - this.counted[kind], 0));
    }
    this.runtime.inc(Math.max(totals.seconds_running - this.counted.seconds, 0));
    this.counted = {
      input: Math.max(seen.input, this.counted.input),
      output: Math.max(seen.output, this.counted.output),
      total: Math.max(seen.total, this.counted.total),
      seconds: Math.max(totals.seconds_running, this.counted.seconds),
    };
    return this.registry.metrics();
  }
}
