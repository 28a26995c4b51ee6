import { writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startStatusServer } from "../src/index.ts";
import {
  call,
  connectEvents,
  type Live,
  startLive,
  stubSource,
  ticket,
  WORKFLOW,
  waitUntil,
} from "./harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function live(...args: Parameters<typeof startLive>): Promise<Live> {
  const started = await startLive(...args);
  cleanups.push(() => started.close());
  return started;
}

async function events(url: string, headers?: Record<string, string>) {
  const client = await connectEvents(url, headers);
  cleanups.push(() => client.close());
  return client;
}

describe("GET /api/v1/events", () => {
  it("[S13.7-event-stream] starts with a snapshot, then streams dispatches, agent events, retries and worker exits", async () => {
    const service = await live([]);
    const stream = await events(service.server.url);
    expect(stream.response.headers.get("content-type")).toContain("text/event-stream");
    const first = await stream.next(() => true, "the first frame");
    expect(first.event).toBe("snapshot");
    expect(first.data).toMatchObject({ counts: { running: 0 }, workflow: { path: service.workflowPath } });

    service.tracker.put(ticket("1"));
    await stream.next((f) => f.event === "dispatched" && f.data.issue_identifier === "BAT-1", "dispatched");
    const run = service.executor.runFor("BAT-1")!;
    run.event({ event: "notification", summary: "Editing README.md", payload: { huge: "x".repeat(10_000) } });
    const agent = await stream.next((f) => f.event === "agent_event", "agent_event");
    expect(agent.data.event).toMatchObject({ event: "notification", summary: "Editing README.md" });
    expect(agent.data.event).not.toHaveProperty("payload");

    run.fail("turn_failed", "model error");
    const exited = await stream.next((f) => f.event === "worker_exited", "worker_exited");
    expect(exited.data).toMatchObject({ issue_identifier: "BAT-1", outcome: "failed" });
    const retry = await stream.next((f) => f.event === "retry_scheduled", "retry_scheduled");
    expect(retry.data).toMatchObject({
      issue_identifier: "BAT-1",
      attempt: 1,
      error: "turn_failed: model error",
    });

    const ids = stream.frames.filter((f) => f.id !== null).map((f) => Number(f.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("[S13.7-event-stream][S13.7.1-dashboard-health] reports config reload results and errors, and the state keeps the validation error", async () => {
    const service = await live([]);
    const stream = await events(service.server.url);
    await stream.next((f) => f.event === "snapshot", "snapshot");

    await writeFile(service.workflowPath, "---\ntracker: [unclosed\n---\nprompt\n");
    const failed = await stream.next((f) => f.event === "workflow_reload_failed", "workflow_reload_failed");
    expect(failed.data).toMatchObject({
      path: service.workflowPath,
      error: { category: "workflow_parse_error" },
    });
    // The state answer may be the front's copy, made at most STATE_COPY_MAX_AGE_MS before.
    const workflowSoon = (outcome: string) =>
      waitUntil(async () => {
        const { workflow } = (await call(`${service.server.url}/api/v1/state`)).body;
        return workflow.last_reload?.outcome === outcome ? workflow : null;
      }, `the state to show the reload ${outcome}`);
    const broken = await workflowSoon("rejected");
    expect(broken).toMatchObject({
      last_reload: { outcome: "rejected", error: { category: "workflow_parse_error" } },
      error: { category: "workflow_parse_error" },
    });

    await writeFile(service.workflowPath, WORKFLOW.replace("60000", "45000"));
    await stream.next((f) => f.event === "workflow_reloaded", "workflow_reloaded");
    const fixed = await workflowSoon("applied");
    expect(fixed).toMatchObject({ last_reload: { outcome: "applied", error: null }, error: null });
  });

  it("[S13.7-event-stream] sends heartbeats while nothing happens", async () => {
    const server = await startStatusServer({ port: 0, source: stubSource(), heartbeatMs: 20 });
    cleanups.push(() => server.close());
    const stream = await events(server.url);
    const beat = await stream.next((f) => f.event === "heartbeat", "a heartbeat");
    expect(Number.isNaN(Date.parse(beat.data.at))).toBe(false);
  });

  it("[S13.4-not-required][S13.7-observability-only] drops a client that stops reading instead of buffering without bound, while others keep receiving", async () => {
    const source = stubSource();
    const server = await startStatusServer({ port: 0, source, maxClientBufferBytes: 64 * 1024 });
    cleanups.push(() => server.close());
    const reader = await events(server.url);
    await reader.next((f) => f.event === "snapshot", "snapshot for the reading client");

    // A client that sends the request and then never reads a byte.
    const { port } = new URL(server.url);
    const stalled = connect(Number(port), "127.0.0.1");
    stalled.pause();
    let stalledClosed = false;
    stalled.on("close", () => {
      stalledClosed = true;
    });
    stalled.on("error", () => {});
    stalled.write(`GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    await waitUntil(() => server.eventClients() === 2, "the stalled client to connect");

    const summary = "x".repeat(16 * 1024);
    let sent = 0;
    while (server.eventClients() === 2 && sent < 2000) {
      source.emit({
        type: "agent_event",
        at: new Date().toISOString(),
        issue_id: "1",
        issue_identifier: "BAT-1",
        event: { event: "notification", timestamp: "", codex_app_server_pid: null, summary },
        session_id: null,
      });
      sent += 1;
      // Let sockets flush what the kernel accepts, as a live service does between events.
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(server.eventClients()).toBe(1);
    stalled.resume();
    await waitUntil(() => stalledClosed, "the stalled client's connection to be closed");
    await waitUntil(
      () => reader.frames.filter((f) => f.event === "agent_event").length === sent,
      "the reading client to receive every event",
      10_000,
    );
  });
});
