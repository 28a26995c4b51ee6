import type { RetryCause } from "@baton/orchestrator";
import { afterEach, describe, expect, it } from "vitest";
import { StatusMetrics } from "../src/index.ts";
import { call, type Live, startLive, ticket, waitUntil } from "./harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function live(...args: Parameters<typeof startLive>): Promise<Live> {
  const started = await startLive(...args);
  cleanups.push(() => started.close());
  return started;
}

/** The value of one sample line, e.g. `baton_issues{status="running"}`. */
function sample(text: string, name: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe("GET /metrics", () => {
  it("[S13.7-metrics] exposes claimed-issue gauges, dispatches, retries by reason and token totals", async () => {
    const service = await live([ticket("1"), ticket("2"), ticket("3")]);
    await waitUntil(() => service.executor.runs.length === 3, "three dispatches");
    const first = service.executor.runFor("BAT-1")!;
    first.event({
      event: "notification",
      usage_delta: { input_tokens: 200, output_tokens: 50, total_tokens: 250 },
    });
    service.executor.runFor("BAT-2")!.fail("turn_failed", "boom");
    service.executor.runFor("BAT-3")!.finish({ kind: "normal", turns: 1, reason: "issue_not_active" });
    await waitUntil(() => service.orchestrator.snapshot().retrying.length === 2, "two retries");

    const { status, headers, body } = await call(`${service.server.url}/metrics`);
    expect(status).toBe(200);
    expect(headers.get("content-type")).toContain("text/plain");
    expect(sample(body, 'baton_issues{status="running"}')).toBe(1);
    expect(sample(body, 'baton_issues{status="retrying"}')).toBe(2);
    expect(sample(body, 'baton_issues{status="blocked"}')).toBe(0);
    expect(sample(body, "baton_dispatches_total")).toBe(3);
    expect(sample(body, 'baton_retries_scheduled_total{reason="failure"}')).toBe(1);
    expect(sample(body, 'baton_retries_scheduled_total{reason="continuation"}')).toBe(1);
    expect(sample(body, 'baton_retries_scheduled_total{reason="stall"}')).toBe(0);
    expect(sample(body, 'baton_agent_tokens_total{kind="total"}')).toBe(250);
    expect(sample(body, 'baton_agent_tokens_total{kind="input"}')).toBe(200);

    // Counters only grow: a second scrape adds what is new, never counts the same tokens twice.
    first.event({
      event: "notification",
      usage_delta: { input_tokens: 10, output_tokens: 0, total_tokens: 10 },
    });
    const again = (await call(`${service.server.url}/metrics`)).body;
    expect(sample(again, 'baton_agent_tokens_total{kind="total"}')).toBe(260);
    expect(sample(again, "baton_agent_runtime_seconds_total")).toBeGreaterThan(0);
  });

  it("[S13.7-metrics] records tracker request latency and errors reported by the service", async () => {
    const service = await live([]);
    service.server.metrics.observeTrackerRequest({
      operation: "fetchIssuesByStates",
      durationSeconds: 0.2,
      errorCategory: null,
    });
    service.server.metrics.observeTrackerRequest({
      operation: "fetchIssuesByIds",
      durationSeconds: 3,
      errorCategory: "tracker_status",
    });
    const { body } = await call(`${service.server.url}/metrics`);
    expect(
      sample(
        body,
        'baton_tracker_request_duration_seconds_count{operation="fetchIssuesByStates",outcome="ok"}',
      ),
    ).toBe(1);
    expect(
      sample(
        body,
        'baton_tracker_request_duration_seconds_bucket{le="0.25",operation="fetchIssuesByStates",outcome="ok"}',
      ),
    ).toBe(1);
    expect(
      sample(
        body,
        'baton_tracker_request_errors_total{operation="fetchIssuesByIds",category="tracker_status"}',
      ),
    ).toBe(1);
  });

  it("[S13.7-metrics] counts retries by the cause the orchestrator reports, in a fixed label set", () => {
    const metrics = new StatusMetrics();
    const retry = (cause: RetryCause) =>
      metrics.record({
        type: "retry_scheduled",
        at: new Date().toISOString(),
        issue_id: "1",
        issue_identifier: "BAT-1",
        attempt: 1,
        kind: cause === "continuation" ? "continuation" : "failure",
        cause,
        delay_ms: 1000,
        due_at: new Date().toISOString(),
        error: null,
      });
    retry("stall");
    retry("no_slots");
    retry("no_slots");
    return metrics.registry.metrics().then((body) => {
      expect(sample(body, 'baton_retries_scheduled_total{reason="no_slots"}')).toBe(2);
      expect(sample(body, 'baton_retries_scheduled_total{reason="stall"}')).toBe(1);
      expect(sample(body, 'baton_retries_scheduled_total{reason="continuation"}')).toBe(0);
    });
  });
});
