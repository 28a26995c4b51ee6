import { Agent, get } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type StatusServerOptions, startStatusServer } from "../src/index.ts";
import { call, emptySnapshot, messageLogger, stubSource, waitUntil } from "./harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const event = {
  type: "tick_completed",
  at: new Date().toISOString(),
  running: 0,
  retrying: 0,
  blocked: 0,
} as unknown as Parameters<ReturnType<typeof stubSource>["emit"]>[0];

/**
 * A source whose snapshot answers `answers` times (each a snapshot marked by its number), then
 * never again: after that, only the front's copy can answer 200, anything sent on to the main
 * thread's server runs into the (short) snapshot timeout.
 */
async function serverWithSnapshots(answers: number, options: Partial<StatusServerOptions> = {}) {
  let calls = 0;
  const source = stubSource({
    snapshot: () => {
      calls += 1;
      if (calls > answers) return new Promise(() => {});
      return { ...emptySnapshot(), generated_at: new Date(Date.UTC(2026, 0, 1, 0, 0, calls)).toISOString() };
    },
    ...options.source,
  });
  const server = await startStatusServer({ port: 0, snapshotTimeoutMs: 200, ...options, source });
  cleanups.push(() => server.close());
  const state = (headers: Record<string, string> = {}) => call(`${server.url}/api/v1/state`, { headers });
  return { server, source, state, snapshotCalls: () => calls };
}

/** Second `n` of 2026-01-01: which snapshot an answer was made from. */
const snapshotNumber = (body: { generated_at: string }) => new Date(body.generated_at).getUTCSeconds();

describe("the status front (B.ops-state-copy)", () => {
  it("[B.ops-state-copy] answers GET /api/v1/state from a copy of the route's answer, without waiting for the main thread", async () => {
    const { source, state, snapshotCalls } = await serverWithSnapshots(1, {
      frontHandoverMs: 0,
      stateCopyMaxAgeMs: 60_000,
    });
    // Before any change there is no copy: the state goes to the main thread's server.
    source.emit(event);
    await waitUntil(() => snapshotCalls() === 1, "a copy made after the change");
    // Every later snapshot hangs: a 200 can only come from the copy.
    const answer = await waitUntil(async () => {
      const reply = await state();
      return reply.status === 200 ? reply : null;
    }, "an answer from the copy");
    expect(snapshotNumber(answer.body)).toBe(1);
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const again = await state();
    expect(again.status).toBe(200);
    expect(again.body).toEqual(answer.body);
  });

  it("[B.ops-state-copy] never serves a copy older than its maximum age: the main thread answers then", async () => {
    const { source, state, snapshotCalls } = await serverWithSnapshots(2, {
      frontHandoverMs: 0,
      stateCopyMaxAgeMs: 100,
    });
    source.emit(event);
    await waitUntil(() => snapshotCalls() === 1, "a copy made after the change");
    await new Promise((resolve) => setTimeout(resolve, 150));
    const answer = await state();
    expect(answer.status).toBe(200);
    expect(snapshotNumber(answer.body)).toBe(2);
  });

  it("[B.ops-state-copy][B.operator-stop] shows an operator action in the next answer: a copy made before it is not served", async () => {
    let stopped = 0;
    const source = stubSource({
      snapshot: () => ({ ...emptySnapshot(), counts: { ...emptySnapshot().counts, stopped } }),
      stopIssue: async () => {
        stopped = 1;
        return { ok: true, status: "stopped", issue_id: "1", issue_identifier: "BAT-1", requested_at: "" };
      },
    });
    const server = await startStatusServer({
      port: 0,
      source,
      frontHandoverMs: 0,
      stateCopyMaxAgeMs: 60_000,
    });
    cleanups.push(() => server.close());
    // A copy from before the action, which the front would otherwise serve for a minute (whether it
    // reaches the front before or after the action's answer).
    source.emit(event);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stop = await call(`${server.url}/api/v1/BAT-1/stop`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "operator" }),
    });
    expect(stop.status).toBe(202);
    const after = await call(`${server.url}/api/v1/state`);
    expect(after.body.counts.stopped).toBe(1);
  });

  it("[B.ops-state-copy][S13.7-token-off-loopback] a copy is served only to requests the guard lets through", async () => {
    const { source, state, snapshotCalls } = await serverWithSnapshots(1, {
      frontHandoverMs: 0,
      stateCopyMaxAgeMs: 60_000,
      token: "front-token-123456",
    });
    source.emit(event);
    await waitUntil(() => snapshotCalls() === 1, "a copy made after the change");
    const auth = { authorization: "Bearer front-token-123456" };
    await waitUntil(async () => (await state(auth)).status === 200, "an answer from the copy");
    const missing = await state();
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="baton"');
    expect((await state({ authorization: "Bearer wrong-token-12345" })).status).toBe(401);
  });

  it("[B.ops-state-copy] answers from the main thread at once, then hands the port to the front in a quiet moment: a keep-alive client is told to reconnect", async () => {
    const { logger, lines } = messageLogger();
    const server = await startStatusServer({ port: 0, source: stubSource(), frontHandoverMs: 200, logger });
    cleanups.push(() => server.close());
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    const ask = () =>
      new Promise<{ status: number; connection: string | undefined; port: number | undefined }>(
        (resolve, reject) => {
          get(`${server.url}/api/v1/state`, { agent }, (response) => {
            // Read now: at the end the socket goes back to the agent's pool.
            const port = response.socket.localPort;
            response.resume();
            response.on("end", () =>
              resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, port }),
            );
          }).on("error", reject);
        },
      );

    // The start answers on the main thread's own listener, keeping the connection open.
    const first = await ask();
    expect(first).toMatchObject({ status: 200, connection: "keep-alive" });
    expect(lines).not.toContain("action=status_front outcome=listening");
    await waitUntil(() => lines.includes("action=status_front outcome=listening"), "the handover");
    // That connection is still the main thread's: its next answer asks the client to reconnect.
    const second = await ask();
    expect(second).toMatchObject({ status: 200, connection: "close", port: first.port });
    // The new connection is the front's, which keeps it.
    const third = await ask();
    expect(third).toMatchObject({ status: 200, connection: "keep-alive" });
    expect(third.port).not.toBe(first.port);
  });
});
