import { afterEach, describe, expect, it } from "vitest";
import { call, type Live, openApiValidator, startLive, ticket, waitUntil } from "./harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function live(...args: Parameters<typeof startLive>): Promise<Live> {
  const started = await startLive(...args);
  cleanups.push(() => started.close());
  return started;
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

describe("operator actions over the API", () => {
  it("[B.operator-stop][B.operator-retry][S13.7.2-schemas] stops a running issue with a reason, shows it as stopped, and retries it now", async () => {
    const service = await live([ticket("1")]);
    await waitUntil(() => service.executor.runs.length === 1, "the dispatch");
    const validate = await openApiValidator(service.server.url);

    const stop = await call(`${service.server.url}/api/v1/BAT-1/stop`, json({ reason: "wrong approach" }));
    expect(stop.status).toBe(202);
    expect(stop.body).toMatchObject({ issue_identifier: "BAT-1", status: "stopping" });
    expect(validate("/api/v1/{issue_identifier}/stop", "post", "202", stop.body)).toEqual([]);

    const state = await waitUntil(async () => {
      const { body } = await call(`${service.server.url}/api/v1/state`);
      return body.stopped.length === 1 ? body : null;
    }, "the stopped row");
    expect(state.counts).toMatchObject({ running: 0, retrying: 0, stopped: 1 });
    expect(state.stopped[0]).toMatchObject({
      issue_identifier: "BAT-1",
      reason: "wrong approach",
      state: "Todo",
    });
    expect(validate("/api/v1/state", "get", "200", state)).toEqual([]);
    const detail = await call(`${service.server.url}/api/v1/BAT-1`);
    expect(detail.body).toMatchObject({ status: "stopped", stopped: { reason: "wrong approach" } });

    const retry = await call(`${service.server.url}/api/v1/BAT-1/retry`, json({}));
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ issue_identifier: "BAT-1", status: "retry_queued" });
    await waitUntil(() => service.executor.runs.length === 2, "the operator's retry to dispatch");
    expect(service.executor.runs[1]!.request.attempt).toBe(1);

    const conflict = await call(`${service.server.url}/api/v1/BAT-1/retry`, json({}));
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("conflict");
  });

  it("[B.operator-write-auth][B.operator-stop] takes JSON bodies with a reason only, names unknown issues, and needs the token like other write routes", async () => {
    const service = await live([ticket("1")], { token: "s3cret" });
    await waitUntil(() => service.executor.runs.length === 1, "the dispatch");
    const auth = { authorization: "Bearer s3cret" };

    const anonymous = await call(`${service.server.url}/api/v1/BAT-1/stop`, json({ reason: "x" }));
    expect(anonymous.status).toBe(401);
    const form = await call(`${service.server.url}/api/v1/BAT-1/stop`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...auth },
      body: "reason=x",
    });
    expect(form.status).toBe(415);
    const noReason = await call(`${service.server.url}/api/v1/BAT-1/stop`, json({}, auth));
    expect(noReason.status).toBe(400);
    const unknown = await call(`${service.server.url}/api/v1/BAT-9/stop`, json({ reason: "x" }, auth));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("issue_not_found");
    expect(service.executor.runs[0]!.request.issue.identifier).toBe("BAT-1");
    expect(service.orchestrator.snapshot().counts.running).toBe(1);

    const stopped = await call(`${service.server.url}/api/v1/BAT-1/stop`, json({ reason: "pause" }, auth));
    expect(stopped.status).toBe(202);
    const wrongMethod = await call(`${service.server.url}/api/v1/BAT-1/stop`, { headers: auth });
    expect(wrongMethod.status).toBe(405);
  });

  it("[B.phases-gate-approve][B.phases-gate-reject] approve and reject are write routes like stop: token, same-origin JSON only, a reason to reject, 409 when nothing waits at a gate", async () => {
    const service = await live([ticket("1")], { token: "s3cret" });
    await waitUntil(() => service.executor.runs.length === 1, "the dispatch");
    const auth = { authorization: "Bearer s3cret" };
    const base = `${service.server.url}/api/v1/BAT-1`;

    expect((await call(`${base}/approve`, json({}))).status).toBe(401);
    expect((await call(`${base}/reject`, json({ reason: "no" }))).status).toBe(401);
    const form = await call(`${base}/approve`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...auth },
      body: "by=x",
    });
    expect(form.status).toBe(415);
    const crossSite = await call(`${base}/approve`, json({}, { ...auth, origin: "https://evil.example" }));
    expect(crossSite.status).toBe(403);
    expect((await call(`${base}/reject`, json({}, auth))).status).toBe(400);

    // The issue runs: there is no gate to decide.
    const approve = await call(`${base}/approve`, json({ by: "ops" }, auth));
    expect(approve.status).toBe(409);
    expect(approve.body.error).toMatchObject({
      code: "conflict",
      message: "issue is not waiting at an approval gate",
    });
    const unknown = await call(`${service.server.url}/api/v1/BAT-9/reject`, json({ reason: "x" }, auth));
    expect(unknown.status).toBe(404);
    expect(service.orchestrator.snapshot().counts.running).toBe(1);
  });
});
