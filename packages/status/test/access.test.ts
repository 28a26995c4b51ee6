import { request } from "node:http";
import { isBatonError } from "@baton/domain";
import { afterEach, describe, expect, it } from "vitest";
import { isLoopbackHost, startStatusServer } from "../src/index.ts";
import { call, connectEvents, stubSource } from "./harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A GET with a chosen Host header (fetch does not let a caller set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("binding and access", () => {
  it("[S13.7-loopback-default][S13.7-ephemeral-port] binds 127.0.0.1 by default and takes a free port for 0", async () => {
    const server = await startStatusServer({ port: 0, source: stubSource() });
    cleanups.push(() => server.close());
    const url = new URL(server.url);
    expect(url.hostname).toBe("127.0.0.1");
    expect(Number(url.port)).toBeGreaterThan(0);
    expect((await call(`${server.url}/api/v1/state`)).status).toBe(200);
  });

  it("[S13.7-token-off-loopback] refuses to start on a non-loopback host without server.token, naming the field", async () => {
    const attempt = startStatusServer({ port: 0, host: "0.0.0.0", source: stubSource() });
    await expect(attempt).rejects.toSatisfy(
      (error) =>
        isBatonError(error, "invalid_server_config") &&
        error.message.includes("server.token") &&
        error.message.includes("0.0.0.0"),
    );
    expect(["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"].every(isLoopbackHost)).toBe(true);
    expect(["0.0.0.0", "192.168.1.10", "::", "example.com"].some(isLoopbackHost)).toBe(false);
  });

  it("[S13.7-token-off-loopback] with a token, every request but the page shell needs the bearer token", async () => {
    const token = "s3cret-token";
    const server = await startStatusServer({ port: 0, host: "0.0.0.0", token, source: stubSource() });
    cleanups.push(() => server.close());
    const base = server.url.replace("0.0.0.0", "127.0.0.1");

    for (const path of [
      "/api/v1/state",
      "/api/v1/BAT-1",
      "/api/v1/events",
      "/api/v1/openapi.json",
      "/metrics",
    ]) {
      for (const authorization of [undefined, "Bearer wrong", `Basic ${token}`]) {
        const headers: Record<string, string> = authorization ? { authorization } : {};
        const { status, headers: answerHeaders, body } = await call(`${base}${path}`, { headers });
        expect({ path, authorization, status }).toEqual({ path, authorization, status: 401 });
        expect(body.error.code).toBe("unauthorized");
        expect(body.error.message).not.toContain(token);
        expect(answerHeaders.get("www-authenticate")).toContain("Bearer");
      }
    }
    const refused = await call(`${base}/api/v1/refresh`, { method: "POST" });
    expect(refused.status).toBe(401);

    const authorized = { authorization: `Bearer ${token}` };
    expect((await call(`${base}/api/v1/state`, { headers: authorized })).status).toBe(200);
    expect((await call(`${base}/metrics`, { headers: authorized })).status).toBe(200);
    expect((await call(`${base}/api/v1/refresh`, { method: "POST", headers: authorized })).status).toBe(202);
    const stream = await connectEvents(base, authorized);
    cleanups.push(() => stream.close());
    expect((await stream.next((f) => f.event === "snapshot", "snapshot")).event).toBe("snapshot");

    // The shell holds no data; its script reads the token from the URL fragment.
    const shell = await call(`${base}/`);
    expect(shell.status).toBe(200);
    expect(shell.headers.get("content-type")).toContain("text/html");
  });

  it("[S13.7-loopback-default] without a token, answers only requests addressed to a loopback host name (no DNS rebinding)", async () => {
    const server = await startStatusServer({ port: 0, source: stubSource() });
    cleanups.push(() => server.close());
    const rebound = await getWithHost(`${server.url}/api/v1/state`, "attacker.example:80");
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error.code).toBe("forbidden_host");
    expect((await getWithHost(`${server.url}/api/v1/state`, "localhost")).status).toBe(200);
  });

  it("[S13.7-ephemeral-port] reports a port that is already taken as server_listen_failed", async () => {
    const first = await startStatusServer({ port: 0, source: stubSource() });
    cleanups.push(() => first.close());
    const port = Number(new URL(first.url).port);
    await expect(startStatusServer({ port, source: stubSource() })).rejects.toSatisfy(
      (error) => isBatonError(error, "server_listen_failed") && error.message.includes(`127.0.0.1:${port}`),
    );
  });
});

describe("secret redaction", () => {
  it("[B.ops-no-secret-on-disk] removes secret values from every answer and event-stream frame", async () => {
    const secret = "sk-live-SECRET-0123456789";
    const redact = (text: string) => text.replaceAll(secret, "[redacted]");
    const source = stubSource({
      workflow: () => ({
        path: "/repo/WORKFLOW.md",
        last_reload: null,
        error: { category: "x", message: `bad ${secret}`, at: new Date().toISOString() },
      }),
    });
    const server = await startStatusServer({ port: 0, source, redact });
    cleanups.push(() => server.close());
    const state = await call(`${server.url}/api/v1/state`);
    expect(state.body.workflow.error.message).toBe("bad [redacted]");
    const events = await connectEvents(server.url);
    const snapshot = await events.next((frame) => frame.event === "snapshot", "the snapshot");
    expect(JSON.stringify(snapshot)).toContain("bad [redacted]");
    source.emit({
      type: "workflow_reload_failed",
      at: new Date().toISOString(),
      path: "/repo/WORKFLOW.md",
      error: { category: "x", message: `again ${secret}` },
    });
    const failed = await events.next((frame) => frame.event === "workflow_reload_failed", "the failure");
    expect(JSON.stringify(failed)).toContain("again [redacted]");
    expect(JSON.stringify(events.frames)).not.toContain(secret);
    await events.close();
  });
});
