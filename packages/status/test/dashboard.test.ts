import type { AgentRequest } from "@baton/domain";
import { type BrowserContext, launchHeadlessChromium } from "@baton/testkit";

import { afterEach, describe, expect, it } from "vitest";
import { startStatusServer } from "../src/index.ts";
import { call, emptySnapshot, stubSource } from "./harness.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function browser(): Promise<BrowserContext> {
  const chromium = await launchHeadlessChromium();
  cleanups.push(() => chromium.close());
  return chromium.context;
}

const HOSTILE = `<img src=x onerror="window.__pwned=1">`;

function hostileSnapshot() {
  const now = new Date().toISOString();
  return {
    ...emptySnapshot(),
    counts: { running: 1, retrying: 0, blocked: 1, stopped: 0, completed: 0, awaiting_approval: 0 },
    running: [
      {
        issue_id: "1",
        issue_identifier: "BAT-1",
        title: HOSTILE,
        issue_url: "javascript:window.__pwned=1",
        state: "Todo",
        session_id: "s-1",
        turn_count: 2,
        last_event: "notification",
        last_message: HOSTILE,
        started_at: new Date(Date.now() - 90_000).toISOString(),
        last_event_at: now,
        tokens: { input_tokens: 1000, output_tokens: 200, total_tokens: 1200 },
        workspace_path: "/ws/BAT-1",
        attempt: null,
        worker: { host: HOSTILE, pid: 4242 },
      },
    ],
    blocked: [
      {
        issue_id: "2",
        issue_identifier: "BAT-2",
        title: "Blocked ticket",
        issue_url: "https://tracker.example/BAT-2",
        state: "In Progress",
        error: "approval_required: run `rm -rf build`?",
        session_id: null,
        blocked_at: now,
        workspace_path: null,
        last_event: null,
        last_message: null,
        last_event_at: null,
      },
    ],
    codex_totals: { input_tokens: 1000, output_tokens: 200, total_tokens: 1200, seconds_running: 90 },
  };
}

describe("dashboard page", () => {
  it("[S13.7.1-dashboard] is one self-contained page whose CSP allows only its own inlined script and style", async () => {
    const server = await startStatusServer({ port: 0, source: stubSource() });
    cleanups.push(() => server.close());
    const { status, headers, body } = await call(`${server.url}/`);
    expect(status).toBe(200);
    const csp = headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(body).toContain("<script>");
    expect(body).not.toMatch(/<script[^>]+src=/);
  });

  it("[S13.7.1-dashboard][S13.7.2-client-consumes-api][B.queue-worker-shown] renders untrusted text as text, links only http(s) tracker URLs, and follows the event stream", async () => {
    let snapshot = hostileSnapshot();
    const source = stubSource({ snapshot: () => snapshot });
    const server = await startStatusServer({ port: 0, source });
    cleanups.push(() => server.close());
    const page = await (await browser()).newPage();
    await page.goto(server.url);

    const running = page.locator('#running tr[data-issue="BAT-1"]');
    await running.waitFor();
    expect(await running.locator(".message").textContent()).toBe(HOSTILE);
    expect(await running.locator(".issue-title").textContent()).toBe(HOSTILE);
    expect(await running.locator("a").count()).toBe(0);
    expect(await running.locator(`td[data-label="Worker"]`).textContent()).toBe(`${HOSTILE} (pid 4242)`);
    const blockedLink = page.locator('#blocked tr[data-issue="BAT-2"] a');
    expect(await blockedLink.getAttribute("href")).toBe("https://tracker.example/BAT-2");
    expect(await page.locator("#tokens-total").textContent()).toBe("1,200");
    expect(await page.evaluate("window.__pwned")).toBeUndefined();

    // Runtime ticks in the browser from the snapshot: 90 s plus the running session's elapsed time.
    await expect
      .poll(() => page.locator("#runtime").textContent(), { timeout: 5000 })
      .toMatch(/^1m 3[1-9]s$/);

    snapshot = {
      ...hostileSnapshot(),
      running: [],
      counts: { running: 0, retrying: 0, blocked: 1, stopped: 0, completed: 0, awaiting_approval: 0 },
    };
    source.emit({
      type: "worker_exited",
      at: new Date().toISOString(),
      issue_id: "1",
      issue_identifier: "BAT-1",
      outcome: "normal",
      error: null,
      reason: null,
      turns: 1,
      runtime_seconds: 90,
      session_id: null,
    });
    await running.waitFor({ state: "detached", timeout: 5000 });
    expect(await page.locator("#count-running").textContent()).toBe("0");
  });

  it("[B.operator-stop][B.operator-retry][B.operator-session-events][S13.3-rate-limits] stops and retries from the detail panel with JSON requests, shows the session log and rate-limit windows", async () => {
    const resetsAt = Math.floor(Date.now() / 1000) + 2 * 3600 + 300;
    const snapshot = {
      ...hostileSnapshot(),
      rate_limits: {
        limitId: "codex",
        primary: { usedPercent: 42, windowDurationMins: 300, resetsAt },
        secondary: { usedPercent: 7, windowDurationMins: 10080, resetsAt: null },
      },
    };
    const stops: { identifier: string; reason: string }[] = [];
    const retries: string[] = [];
    const detail = (status: "running" | "stopped") => ({
      issue_identifier: "BAT-1",
      issue_id: "1",
      status,
      workspace: { path: "/ws/BAT-1" },
      attempts: { restart_count: 0, current_retry_attempt: null },
      running: status === "running" ? hostileSnapshot().running[0]! : null,
      retry: null,
      blocked: null,
      stopped:
        status === "stopped"
          ? {
              issue_id: "1",
              issue_identifier: "BAT-1",
              title: "t",
              issue_url: null,
              state: "Todo",
              reason: "wrong approach",
              stopped_at: new Date().toISOString(),
              attempt: null,
              workspace_path: "/ws/BAT-1",
              session_id: null,
              last_event: null,
              last_message: null,
              last_event_at: null,
            }
          : null,
      recent_events: [],
      last_error: null,
      pipeline: null,
      agent_request: null,
      logs: { codex_session_logs: [] },
    });
    let status: "running" | "stopped" = "running";
    const source = stubSource({
      snapshot: () => snapshot,
      issueDetail: () => detail(status),
      stopIssue: async (identifier, reason) => {
        stops.push({ identifier, reason });
        status = "stopped";
        return {
          ok: true,
          status: "stopping",
          requested_at: new Date().toISOString(),
          issue_id: "1",
          issue_identifier: identifier,
        };
      },
      retryIssue: async (identifier) => {
        retries.push(identifier);
        return {
          ok: true,
          status: "retry_queued",
          requested_at: new Date().toISOString(),
          issue_id: "1",
          issue_identifier: identifier,
        };
      },
      sessionEvents: async (_identifier, cursor) => ({
        events:
          cursor === 0
            ? [
                {
                  event: "session_started",
                  timestamp: new Date().toISOString(),
                  summary: "session thr-turn started",
                },
                { event: "notification", timestamp: new Date().toISOString(), summary: HOSTILE },
              ]
            : [],
        next_cursor: 120,
        has_more: false,
      }),
    });
    const server = await startStatusServer({ port: 0, source });
    cleanups.push(() => server.close());
    const page = await (await browser()).newPage();
    await page.goto(`${server.url}/#issue=BAT-1`);

    const windows = page.locator("#rate-limits");
    await expect.poll(() => windows.textContent(), { timeout: 5000 }).toContain("primary (5h window)");
    const text = (await windows.textContent()) ?? "";
    expect(text).toMatch(/42% used · resets in 2h 0[45]m/);
    expect(text).toContain("secondary (7d window)7% used");
    expect(text).toContain("Limitcodex");

    const log = page.locator("#session-events li");
    await expect.poll(() => log.count(), { timeout: 5000 }).toBe(2);
    expect(await log.first().locator(".msg").textContent()).toBe(HOSTILE);

    await page.locator("#stop").click();
    expect(await page.locator("#action-result").textContent()).toBe("give a reason for stopping");
    expect(stops).toEqual([]);
    await page.locator("#stop-reason").fill("wrong approach");
    await page.locator("#stop").click();
    await expect
      .poll(() => stops, { timeout: 5000 })
      .toEqual([{ identifier: "BAT-1", reason: "wrong approach" }]);
    await expect.poll(() => page.locator("#retry").isVisible(), { timeout: 5000 }).toBe(true);
    await page.locator("#retry").click();
    await expect.poll(() => retries, { timeout: 5000 }).toEqual(["BAT-1"]);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
  });

  it("[B.phases-approval-agent-gate] shows the agent's waiting request (command, or questions) in the running row and the detail panel, and sends the approval with the typed answer", async () => {
    const question: AgentRequest = {
      id: "item/tool/requestUserInput#3",
      kind: "user_input",
      method: "item/tool/requestUserInput",
      summary: "answer: Touch the API too?",
      command: null,
      cwd: null,
      reason: HOSTILE,
      diff: null,
      questions: [{ id: "q1", header: "Scope", question: "Touch the API too?", options: ["Yes", "No"] }],
      asked_at: new Date().toISOString(),
    };
    const base = hostileSnapshot();
    const running = { ...base.running[0]!, agent_request: question };
    const approvals: { identifier: string; by: string | null; note: string | null | undefined }[] = [];
    const source = stubSource({
      snapshot: () => ({ ...base, running: [running] }),
      issueDetail: () => ({
        issue_identifier: "BAT-1",
        issue_id: "1",
        status: "running",
        workspace: { path: "/ws/BAT-1" },
        attempts: { restart_count: 0, current_retry_attempt: null },
        running,
        retry: null,
        blocked: null,
        stopped: null,
        recent_events: [],
        last_error: null,
        pipeline: null,
        agent_request: question,
        logs: { codex_session_logs: [] },
      }),
      approveGate: async (identifier, by, note) => {
        approvals.push({ identifier, by, note });
        return {
          ok: true,
          status: "resumed",
          requested_at: new Date().toISOString(),
          issue_id: "1",
          issue_identifier: identifier,
        };
      },
    });
    const server = await startStatusServer({ port: 0, source });
    cleanups.push(() => server.close());
    const page = await (await browser()).newPage();
    await page.goto(`${server.url}/#issue=BAT-1`);
    await expect
      .poll(() => page.locator("#running").textContent(), { timeout: 5000 })
      .toContain("waiting for approval: answer: Touch the API too?");
    await expect.poll(() => page.locator("#gate").isVisible(), { timeout: 5000 }).toBe(true);
    expect(await page.locator("#gate-title").textContent()).toContain(
      "The agent asks to answer: Touch the API too?",
    );
    const artifact = (await page.locator("#gate-artifact").textContent()) ?? "";
    expect(artifact).toContain("[Scope] Touch the API too? (options: Yes, No)");
    expect(artifact).toContain(HOSTILE);
    await page.locator("#approve-note").fill("No, only the page");
    await page.locator("#approve").click();
    await expect
      .poll(() => approvals, { timeout: 5000 })
      .toEqual([{ identifier: "BAT-1", by: "dashboard", note: "No, only the page" }]);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
  });
});
