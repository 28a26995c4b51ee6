import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@baton/domain";
import { launchHeadlessChromium } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type StatusServerOptions, startStatusServer } from "../src/index.ts";
import { startLive, stubSource, ticket, waitUntil } from "./harness.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Logged {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

function recordingLogger(records: Logged[]): Logger {
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, msg = "") =>
      records.push({ level, msg, fields });
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

/** A request with exactly these headers (fetch would add or forbid some of them). */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    // Node sends DELETE bodies unframed unless told their length; browsers and curl always do.
    const framed =
      body === undefined || "content-length" in headers
        ? headers
        : { ...headers, "content-length": String(Buffer.byteLength(body)) };
    const req = request(url, { method, headers: framed }, (res) => {
      let text = "";
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: text === "" ? {} : JSON.parse(text) }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function countingServer(options: Partial<Omit<StatusServerOptions, "source">> = {}) {
  const refreshes: string[] = [];
  const logs: Logged[] = [];
  const source = stubSource({
    requestRefresh: () => {
      refreshes.push(new Date().toISOString());
      return { queued: true, coalesced: false, requested_at: new Date().toISOString() };
    },
  });
  const server = await startStatusServer({ port: 0, source, logger: recordingLogger(logs), ...options });
  cleanups.push(() => server.close());
  return { server, refreshes, logs };
}

const JSON_TYPE = { "content-type": "application/json" };

describe("operator actions are refused from other origins and without JSON", () => {
  it("[B.ops-cross-origin-refused] answers 403 cross_origin_refused to a foreign Origin or a cross-site fetch, and logs it", async () => {
    const { server, refreshes, logs } = await countingServer();
    const refresh = `${server.url}/api/v1/refresh`;
    const foreign: Record<string, string>[] = [
      { ...JSON_TYPE, origin: "https://evil.example" },
      { ...JSON_TYPE, origin: "http://127.0.0.1:1" },
      { ...JSON_TYPE, origin: "null" },
      { ...JSON_TYPE, "sec-fetch-site": "cross-site" },
      { ...JSON_TYPE, "sec-fetch-site": "same-site" },
      { "content-type": "text/plain", origin: "https://evil.example" },
    ];
    for (const headers of foreign) {
      const answer = await send(refresh, "POST", headers, "{}");
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body.error?.code).toBe("cross_origin_refused");
    }
    expect(refreshes).toEqual([]);
    const refused = logs.filter((line) => line.msg.includes("action=operator_request outcome=refused"));
    expect(refused).toHaveLength(foreign.length);
    expect(refused[0]!.fields).toMatchObject({
      method: "POST",
      path: "/api/v1/refresh",
      origin: "https://evil.example",
    });
  });

  it("[B.ops-json-only] answers 415 json_required to form, text and unlabeled bodies", async () => {
    const { server, refreshes } = await countingServer();
    const refresh = `${server.url}/api/v1/refresh`;
    for (const [headers, body] of [
      [{ "content-type": "text/plain" }, "{}"],
      [{ "content-type": "application/x-www-form-urlencoded" }, "a=1"],
      [{ "content-type": "multipart/form-data; boundary=x" }, "--x--"],
      [{ "content-length": "2" }, "{}"],
    ] as [Record<string, string>, string][]) {
      const answer = await send(refresh, "POST", headers, body);
      expect(answer.status, JSON.stringify(headers)).toBe(415);
      expect(answer.body.error?.code).toBe("json_required");
    }
    expect(refreshes).toEqual([]);
  });

  it("[B.ops-cross-origin-refused] covers every state-changing method on every path, so new operator routes are guarded too", async () => {
    const { server } = await countingServer();
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      for (const path of [
        "/api/v1/refresh",
        "/api/v1/BAT-1/stop",
        "/api/v1/BAT-1/retry",
        "/api/v1/state",
        "/",
      ]) {
        const answer = await send(
          `${server.url}${path}`,
          method,
          { ...JSON_TYPE, origin: "https://evil.example" },
          "{}",
        );
        expect(answer.status, `${method} ${path}`).toBe(403);
      }
    }
    // Reads stay open to any origin's navigation (CORS still keeps their bodies from other pages).
    expect((await send(`${server.url}/api/v1/state`, "GET", { origin: "https://evil.example" })).status).toBe(
      200,
    );
  });

  it("[B.ops-cross-origin-refused][B.ops-json-only] still accepts curl and the CLI (no Origin) and the server's own pages", async () => {
    const { server, refreshes } = await countingServer();
    const refresh = `${server.url}/api/v1/refresh`;
    const host = new URL(server.url).host;
    const accepted: [Record<string, string>, string | undefined][] = [
      [{}, undefined], // curl -X POST
      [JSON_TYPE, "{}"], // curl -H 'content-type: application/json' -d '{}'
      [{ "content-type": "application/json; charset=utf-8" }, ""],
      [{ ...JSON_TYPE, origin: `http://${host}`, "sec-fetch-site": "same-origin" }, "{}"], // the dashboard
    ];
    for (const [headers, body] of accepted) {
      expect((await send(refresh, "POST", headers, body)).status, JSON.stringify(headers)).toBe(202);
    }
    expect(refreshes).toHaveLength(accepted.length);
  });

  it("[B.ops-cross-origin-refused] applies on top of a configured token", async () => {
    const token = "guard-token-123";
    const { server, refreshes } = await countingServer({ token });
    const refresh = `${server.url}/api/v1/refresh`;
    const bearer = { authorization: `Bearer ${token}` };
    const crossSite = await send(
      refresh,
      "POST",
      { ...bearer, ...JSON_TYPE, origin: "https://evil.example" },
      "{}",
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error?.code).toBe("cross_origin_refused");
    const text = await send(refresh, "POST", { ...bearer, "content-type": "text/plain" }, "{}");
    expect(text.body.error?.code).toBe("json_required");
    expect((await send(refresh, "POST", { ...JSON_TYPE, origin: "https://evil.example" }, "{}")).status).toBe(
      401,
    );
    expect((await send(refresh, "POST", { ...bearer, ...JSON_TYPE }, "{}")).status).toBe(202);
    expect(refreshes).toHaveLength(1);
  });
});

/** A page on another local origin (localhost vs 127.0.0.1: another site to the browser). */
async function hostilePage(target: string): Promise<string> {
  const html = `<!doctype html><html><body>
<form id="form" method="POST" action="${target}" enctype="text/plain">
  <input name='{"a":"' value='"}'>
</form>
<script>
  window.noCorsFetch = () =>
    fetch(${JSON.stringify(target)}, { method: "POST", mode: "no-cors", body: "{}" }).then(
      (response) => response.type,
      (error) => "error: " + error,
    );
</script>
</body></html>`;
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  );
  return `http://localhost:${(server.address() as AddressInfo).port}/`;
}

describe("a hostile page in a real browser", () => {
  it("[B.ops-cross-origin-refused][B.ops-json-only] cannot refresh Baton with a no-cors fetch or a form POST, while the dashboard's own button can", async () => {
    const logs: Logged[] = [];
    const live = await startLive([ticket("1", { state: "Backlog" })], { logger: recordingLogger(logs) });
    cleanups.push(() => live.close());
    await waitUntil(() => live.tracker.calls.length >= 1, "the startup poll");
    const chromium = await launchHeadlessChromium();
    cleanups.push(() => chromium.close());
    const polls = () => live.tracker.calls.filter((call) => call.op === "fetchIssuesByStates").length;
    const pollsBefore = polls();
    const snapshotBefore = live.orchestrator.snapshot();
    const refused = () => logs.filter((line) => line.msg.includes("action=operator_request outcome=refused"));

    const page = await chromium.context.newPage();
    await page.goto(await hostilePage(`${live.server.url}/api/v1/refresh`));
    expect(await page.evaluate("window.noCorsFetch()")).toBe("opaque");
    await waitUntil(() => refused().length === 1, "the refused no-cors fetch");
    await Promise.all([
      page.waitForURL(`${live.server.url}/api/v1/refresh`),
      page.evaluate("document.getElementById('form').submit()"),
    ]);
    expect(await page.textContent("body")).toContain("cross_origin_refused");
    await waitUntil(() => refused().length === 2, "the refused form POST");
    expect(refused().map((line) => line.fields.sec_fetch_site)).toEqual(["cross-site", "cross-site"]);

    // Nothing happened: no poll was queued and the orchestrator state is what it was.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(polls()).toBe(pollsBefore);
    expect({ ...live.orchestrator.snapshot(), generated_at: null }).toEqual({
      ...snapshotBefore,
      generated_at: null,
    });

    // The dashboard's own button still works.
    const dashboard = await chromium.context.newPage();
    await dashboard.goto(`${live.server.url}/`);
    await dashboard.click("#refresh");
    await dashboard.waitForFunction("document.getElementById('refresh')?.textContent === 'Refresh queued'");
    await waitUntil(() => polls() > pollsBefore, "the dashboard's refresh poll");
    expect(refused()).toHaveLength(2);
  });
});
