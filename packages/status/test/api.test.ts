import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BatonError } from "@baton/domain";
import { afterEach, describe, expect, it } from "vitest";
import {
  errorSchema,
  issueDetailSchema,
  refreshSchema,
  STATE_COPY_MAX_AGE_MS,
  startStatusServer,
  stateSchema,
} from "../src/index.ts";
import { call, type Live, openApiValidator, startLive, stubSource, ticket, waitUntil } from "./harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function live(...args: Parameters<typeof startLive>): Promise<Live> {
  const started = await startLive(...args);
  cleanups.push(() => started.close());
  return started;
}

/** BAT-1 running with a session, tokens and rate limits; BAT-2 failed once and waits for its retry. */
async function busyService(): Promise<Live> {
  const service = await live([ticket("1"), ticket("2", { url: null }), ticket("3")]);
  await waitUntil(() => service.executor.runs.length === 3, "three dispatches");
  const first = service.executor.runFor("BAT-1")!;
  first.reporter.workspaceReady("/ws/BAT-1");
  first.event({ event: "session_started", session_id: "thread-a-turn-1", thread_id: "thread-a" });
  first.event({
    event: "notification",
    summary: "Running the test suite",
    usage_delta: { input_tokens: 120, output_tokens: 30, total_tokens: 150 },
    rate_limits: { limit_id: "codex", primary: { used_percent: 12, window_minutes: 300 } },
  });
  service.executor.runFor("BAT-2")!.fail("turn_failed", "model returned an error");
  service.executor.runFor("BAT-3")!.finish({
    kind: "blocked",
    error: new BatonError("approval_required", "approval required for `rm -rf build`"),
  });
  await waitUntil(
    () =>
      service.orchestrator.snapshot().retrying.length === 1 &&
      service.orchestrator.snapshot().blocked.length === 1,
    "BAT-2 to wait for a retry and BAT-3 to be blocked",
  );
  return service;
}

describe("GET /api/v1/state", () => {
  it("[S13.3-running-rows][S13.3-turn-count][S13.3-issue-url][S13.3-codex-totals][S13.3-rate-limits][S13.3-retry-rows][S13.7.2-state-endpoint][S13.7.2-blocked-rows][S13.7.2-schemas] returns running, retrying and blocked rows, live totals and rate limits in the declared shape", async () => {
    const service = await busyService();
    const validate = await openApiValidator(service.server.url);

    const { status, body } = await call(`${service.server.url}/api/v1/state`);

    expect(status).toBe(200);
    expect(validate("/api/v1/state", "get", "200", body)).toEqual([]);
    expect(body.counts).toEqual({
      running: 1,
      retrying: 1,
      blocked: 1,
      stopped: 0,
      completed: 0,
      awaiting_approval: 0,
    });
    expect(body.running).toEqual([
      expect.objectContaining({
        issue_identifier: "BAT-1",
        issue_url: "https://tracker.example/BAT-1",
        session_id: "thread-a-turn-1",
        turn_count: 1,
        last_message: "Running the test suite",
        workspace_path: "/ws/BAT-1",
        tokens: { input_tokens: 120, output_tokens: 30, total_tokens: 150 },
      }),
    ]);
    expect(body.retrying).toEqual([
      expect.objectContaining({
        issue_identifier: "BAT-2",
        issue_url: null,
        attempt: 1,
        error: "turn_failed: model returned an error",
      }),
    ]);
    expect(Date.parse(body.retrying[0].due_at)).toBeGreaterThan(Date.parse(body.generated_at));
    expect(body.blocked).toEqual([
      expect.objectContaining({
        issue_identifier: "BAT-3",
        error: expect.stringContaining("approval required"),
      }),
    ]);
    expect(body.codex_totals).toMatchObject({ input_tokens: 120, output_tokens: 30, total_tokens: 150 });
    // Includes BAT-1, still running: at least its own elapsed time at snapshot time.
    const liveSeconds = (Date.parse(body.generated_at) - Date.parse(body.running[0].started_at)) / 1000;
    expect(body.codex_totals.seconds_running).toBeGreaterThanOrEqual(liveSeconds);
    expect(body.codex_totals.seconds_running).toBeGreaterThan(0);
    expect(body.rate_limits).toEqual({
      limit_id: "codex",
      primary: { used_percent: 12, window_minutes: 300 },
    });
    expect(body.workflow).toEqual({ path: service.workflowPath, last_reload: null, error: null });
  });

  it("[S13.3-running-rows][S13.7.2-state-endpoint][S13.7.2-schemas][B.ops-state-copy] every answer holds each running row as it is (at most a state copy's age before the request), unchanged rows too, without undeclared fields", async () => {
    const service = await live([ticket("1"), ticket("2")]);
    await waitUntil(() => service.executor.runs.length === 2, "two dispatches");
    const [first, second] = ["BAT-1", "BAT-2"].map((identifier) => service.executor.runFor(identifier)!);
    first!.event({ event: "notification", session_id: "th-1", summary: "first step" });
    second!.event({ event: "notification", session_id: "th-2", summary: "other issue" });
    const url = `${service.server.url}/api/v1/state`;
    const rowsOf = async () =>
      Object.fromEntries(
        ((await call(url)).body.running as { issue_identifier: string; last_message: string }[]).map(
          (row) => [row.issue_identifier, row.last_message],
        ),
      );
    // An answer may come from the front's copy of the state, made at most STATE_COPY_MAX_AGE_MS before.
    const rowsSoon = (expected: Record<string, string>) =>
      waitUntil(
        async () => JSON.stringify(await rowsOf()) === JSON.stringify(expected),
        JSON.stringify(expected),
      );
    await rowsSoon({ "BAT-1": "first step", "BAT-2": "other issue" });
    expect(await rowsOf()).toEqual({ "BAT-1": "first step", "BAT-2": "other issue" });
    first!.event({
      event: "notification",
      summary: "second step",
      usage_delta: { input_tokens: 7, output_tokens: 3, total_tokens: 10 },
    });
    await rowsSoon({ "BAT-1": "second step", "BAT-2": "other issue" });
    const { body } = await call(url);
    expect(body.running[0].tokens).toEqual({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    expect(body.codex_totals).toMatchObject({ total_tokens: 10 });
    const validate = await openApiValidator(service.server.url);
    expect(validate("/api/v1/state", "get", "200", body)).toEqual([]);

    // A source's row with a field the schema does not declare: the answer leaves it out.
    const base = service.orchestrator.snapshot();
    const stub = await startStatusServer({
      port: 0,
      source: stubSource({
        snapshot: () => ({ ...base, running: base.running.map((row) => ({ ...row, internal_note: "x" })) }),
      }),
    });
    cleanups.push(() => stub.close());
    const stubbed = await call(`${stub.url}/api/v1/state`);
    expect(stubbed.status).toBe(200);
    expect(stubbed.body.running).toHaveLength(2);
    expect(stubbed.body.running[0]).not.toHaveProperty("internal_note");
    expect(stubbed.body.running[0]).toMatchObject({ issue_identifier: "BAT-1", last_message: "second step" });
  });

  it("[S13.3-snapshot-timeout] answers 504 snapshot_timeout when the snapshot does not come in time", async () => {
    const server = await startStatusServer({
      port: 0,
      snapshotTimeoutMs: 50,
      source: stubSource({ snapshot: () => new Promise(() => {}), issueDetail: () => new Promise(() => {}) }),
    });
    cleanups.push(() => server.close());

    for (const path of ["/api/v1/state", "/api/v1/BAT-1", "/api/v1/events", "/metrics"]) {
      const { status, body } = await call(`${server.url}${path}`);
      expect({ path, status, code: body.error?.code }).toEqual({
        path,
        status: 504,
        code: "snapshot_timeout",
      });
      expect(body.error.message).toContain("50 ms");
    }
    expect(server.eventClients()).toBe(0);
  });

  it("[S13.3-snapshot-unavailable] answers 503 when the orchestrator is not running, and refresh says so too", async () => {
    const service = await live([]);
    const validate = await openApiValidator(service.server.url);
    service.running = false;
    await service.orchestrator.stop();
    // The front's copy of the state, if any, is served for at most STATE_COPY_MAX_AGE_MS.
    await new Promise((resolve) => setTimeout(resolve, STATE_COPY_MAX_AGE_MS + 10));

    for (const path of ["/api/v1/state", "/api/v1/BAT-1", "/api/v1/events", "/metrics"]) {
      const { status, body } = await call(`${service.server.url}${path}`);
      expect({ path, status, code: body.error?.code }).toEqual({
        path,
        status: 503,
        code: "snapshot_unavailable",
      });
    }
    const refresh = await call(`${service.server.url}/api/v1/refresh`, { method: "POST" });
    expect(refresh.status).toBe(503);
    expect(refresh.body.error.code).toBe("orchestrator_unavailable");
    expect(validate("/api/v1/refresh", "post", "5XX", refresh.body)).toEqual([]);
  });
});

describe("GET /api/v1/<issue_identifier>", () => {
  it("[S13.7.2-issue-endpoint][S13.7.2-schemas] returns the workspace, attempts, session and recent events of a claimed issue", async () => {
    const service = await busyService();
    await writeFile(join(service.dir, "BAT-1.jsonl"), "{}\n");
    const validate = await openApiValidator(service.server.url);

    const running = await call(`${service.server.url}/api/v1/BAT-1`);
    expect(running.status).toBe(200);
    expect(validate("/api/v1/{issue_identifier}", "get", "200", running.body)).toEqual([]);
    expect(running.body).toMatchObject({
      issue_identifier: "BAT-1",
      status: "running",
      workspace: { path: "/ws/BAT-1" },
      attempts: { restart_count: 0, current_retry_attempt: null },
      running: { session_id: "thread-a-turn-1", turn_count: 1 },
      retry: null,
      last_error: null,
      logs: { codex_session_logs: [{ label: "latest", path: join(service.dir, "BAT-1.jsonl"), url: null }] },
    });
    expect(running.body.recent_events.map((event: { event: string }) => event.event)).toEqual([
      "dispatched",
      "session_started",
      "notification",
    ]);

    const retrying = await call(`${service.server.url}/api/v1/BAT-2`);
    expect(validate("/api/v1/{issue_identifier}", "get", "200", retrying.body)).toEqual([]);
    expect(retrying.body).toMatchObject({
      status: "retrying",
      attempts: { restart_count: 0, current_retry_attempt: 1 },
      last_error: "turn_failed: model returned an error",
      logs: { codex_session_logs: [] },
    });
  });

  it("[S13.7.2-issue-not-found][S13.7.2-error-envelope] answers 404 issue_not_found for an issue Baton does not hold", async () => {
    const service = await live([]);
    const validate = await openApiValidator(service.server.url);
    const { status, body } = await call(`${service.server.url}/api/v1/NOPE-9`);
    expect(status).toBe(404);
    expect(body.error).toEqual({ code: "issue_not_found", message: expect.stringContaining("NOPE-9") });
    expect(validate("/api/v1/{issue_identifier}", "get", "4XX", body)).toEqual([]);
  });
});

describe("POST /api/v1/refresh", () => {
  it("[S13.7.2-refresh] queues an immediate poll and reconcile (202), with an empty body or {}", async () => {
    const service = await live([]);
    const validate = await openApiValidator(service.server.url);
    await waitUntil(() => service.tracker.calls.length >= 1, "the startup poll");
    const pollsBefore = service.tracker.calls.filter((c) => c.op === "fetchIssuesByStates").length;

    const answers = [
      await call(`${service.server.url}/api/v1/refresh`, { method: "POST" }),
      await call(`${service.server.url}/api/v1/refresh`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    ];

    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(validate("/api/v1/refresh", "post", "202", answer.body)).toEqual([]);
      expect(answer.body).toMatchObject({ queued: true, operations: ["poll", "reconcile"] });
    }
    await waitUntil(
      () => service.tracker.calls.filter((c) => c.op === "fetchIssuesByStates").length > pollsBefore,
      "the refresh poll",
    );
  });

  it("[S13.7.2-error-envelope] rejects a body that is not JSON with 400 bad_request", async () => {
    const server = await startStatusServer({ port: 0, source: stubSource() });
    cleanups.push(() => server.close());
    const { status, body } = await call(`${server.url}/api/v1/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
  });
});

describe("errors and methods", () => {
  it("[S13.7.2-method-not-allowed][S13.7.2-read-only][S13.7.2-error-envelope] answers 405 with an Allow header for wrong methods on every route", async () => {
    const server = await startStatusServer({ port: 0, source: stubSource() });
    cleanups.push(() => server.close());
    const cases: [string, string, string][] = [
      ["POST", "/api/v1/state", "GET, HEAD"],
      ["DELETE", "/api/v1/BAT-1", "GET, HEAD"],
      ["GET", "/api/v1/refresh", "POST"],
      ["PUT", "/api/v1/refresh", "POST"],
      ["POST", "/api/v1/events", "GET, HEAD"],
      ["PATCH", "/metrics", "GET, HEAD"],
      ["POST", "/", "GET, HEAD"],
      ["GET", "/api/v1/BAT-1/stop", "POST"],
      ["OPTIONS", "/api/v1/state", "GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const { status, headers, body } = await call(`${server.url}${path}`, { method });
      expect({ method, path, status, allow: headers.get("allow") }).toEqual({
        method,
        path,
        status: 405,
        allow,
      });
      expect(body.error.code).toBe("method_not_allowed");
    }
  });

  it("[S13.7.2-error-envelope] answers unknown routes with 404 not_found in the error envelope", async () => {
    const server = await startStatusServer({ port: 0, source: stubSource() });
    cleanups.push(() => server.close());
    const { status, body } = await call(`${server.url}/api/v2/state`);
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: "not_found", message: "no such route: GET /api/v2/state" } });
  });

  it("[S13.7.2-error-envelope] answers 500 internal_error without the exception text when the source throws a bug", async () => {
    const server = await startStatusServer({
      port: 0,
      source: stubSource({
        snapshot: () => {
          throw new Error("secret-ish internals");
        },
      }),
    });
    cleanups.push(() => server.close());
    const { status, body } = await call(`${server.url}/api/v1/state`);
    expect(status).toBe(500);
    expect(body.error.code).toBe("internal_error");
    expect(body.error.message).not.toContain("internals");
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("[S13.7.2-schemas] publishes the same response schemas the server serializes with", async () => {
    const server = await startStatusServer({ port: 0, source: stubSource() });
    cleanups.push(() => server.close());
    const { status, body } = await call(`${server.url}/api/v1/openapi.json`);
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    const json = (path: string, method: string, code: string) =>
      body.paths[path][method].responses[code].content["application/json"].schema;
    expect(json("/api/v1/state", "get", "200")).toEqual(stateSchema);
    expect(json("/api/v1/{issue_identifier}", "get", "200")).toEqual(issueDetailSchema);
    expect(json("/api/v1/refresh", "post", "202")).toEqual(refreshSchema);
    expect(json("/api/v1/state", "get", "5XX")).toEqual(errorSchema);
    expect(Object.keys(body.paths).sort()).toEqual([
      "/api/v1/events",
      "/api/v1/refresh",
      "/api/v1/state",
      "/api/v1/{issue_identifier}",
      "/api/v1/{issue_identifier}/approve",
      "/api/v1/{issue_identifier}/events",
      "/api/v1/{issue_identifier}/reject",
      "/api/v1/{issue_identifier}/retry",
      "/api/v1/{issue_identifier}/stop",
      "/metrics",
    ]);
  });
});
