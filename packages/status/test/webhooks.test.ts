import type { Issue, Logger, TrackerAdapter } from "@baton/domain";
import { type ConfigSource, Orchestrator } from "@baton/orchestrator";
import { startFakeGitHub, startFakeLinear } from "@baton/testkit";
import { MemoryTracker } from "@baton/tracker";
import { afterEach, describe, expect, it } from "vitest";
import { type StatusServer, signWebhook, startStatusServer, type WebhookDelivery } from "../src/index.ts";
import { call, ManualExecutor, stubSource, ticket, waitUntil } from "./harness.ts";

const SECRETS = { linear: { secret: "lin-secret" }, github: { secret: "gh-secret" } };

/** Captures warn lines so tests can check that rejections are logged. */
function recordingLogger(): Logger & { warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  const logger = {
    warnings,
    debug() {},
    info() {},
    warn(fields: Record<string, unknown>, msg?: string) {
      warnings.push({ ...fields, msg });
    },
    error() {},
    child: () => logger,
  };
  return logger;
}

const servers: StatusServer[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function webhookServer(token: string | null = null) {
  const deliveries: WebhookDelivery[] = [];
  const logger = recordingLogger();
  const server = await startStatusServer({
    source: stubSource(),
    port: 0,
    token,
    logger,
    webhooks: { secrets: () => SECRETS, onDelivery: (delivery) => deliveries.push(delivery) },
  });
  servers.push(server);
  return { server, deliveries, logger };
}

function linearBody(issueId: string, timestamp = Date.now()): string {
  return JSON.stringify({
    action: "update",
    type: "Issue",
    data: { id: issueId, identifier: "ENG-1", state: { name: "Todo" } },
    webhookTimestamp: timestamp,
  });
}

function postLinear(url: string, body: string, signature: string | null) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers["linear-signature"] = signature;
  return call(`${url}/api/v1/webhooks/linear`, { method: "POST", headers, body });
}

function postGitHub(url: string, body: string, signature: string | null, delivery: string) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-github-event": "issues",
    "x-github-delivery": delivery,
  };
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  return call(`${url}/api/v1/webhooks/github`, { method: "POST", headers, body });
}

describe("signed tracker webhooks", () => {
  it("[B.webhook-linear-signature] accepts a Linear delivery signed with the secret and names its issue, even with a bearer token configured", async () => {
    const { server, deliveries } = await webhookServer("api-token");
    const body = linearBody("issue-uuid-1");
    const answer = await postLinear(server.url, body, signWebhook("linear", "lin-secret", body));
    expect(answer.status).toBe(202);
    expect(deliveries).toEqual([{ provider: "linear", issue_id: "issue-uuid-1", action: "update" }]);
  });

  it("[B.webhook-reject] rejects unsigned, wrongly signed, replayed and malformed Linear deliveries, changes nothing and logs each", async () => {
    const { server, deliveries, logger } = await webhookServer();
    const body = linearBody("issue-uuid-1");
    expect((await postLinear(server.url, body, null)).status).toBe(401);
    expect((await postLinear(server.url, body, signWebhook("linear", "wrong", body))).status).toBe(401);
    const tampered = body.replace("issue-uuid-1", "issue-uuid-2");
    expect((await postLinear(server.url, tampered, signWebhook("linear", "lin-secret", body))).status).toBe(
      401,
    );
    const old = linearBody("issue-uuid-1", Date.now() - 10 * 60_000);
    const replayed = await postLinear(server.url, old, signWebhook("linear", "lin-secret", old));
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.code).toBe("replayed");
    const garbage = "not json";
    expect((await postLinear(server.url, garbage, signWebhook("linear", "lin-secret", garbage))).status).toBe(
      400,
    );
    expect(deliveries).toEqual([]);
    expect(logger.warnings.map((line) => line.code)).toEqual([
      "unsigned",
      "bad_signature",
      "bad_signature",
      "replayed",
      "malformed",
    ]);
    expect(JSON.stringify(logger.warnings)).not.toContain("lin-secret");
  });

  it("[B.webhook-github-signature][B.webhook-reject] verifies X-Hub-Signature-256 and refuses a replayed delivery id", async () => {
    const { server, deliveries } = await webhookServer();
    const body = JSON.stringify({ action: "labeled", issue: { number: 42 } });
    const signature = signWebhook("github", "gh-secret", body);
    expect((await postGitHub(server.url, body, signature, "d-1")).status).toBe(202);
    expect((await postGitHub(server.url, body, signature, "d-1")).status).toBe(401);
    expect((await postGitHub(server.url, body, null, "d-2")).status).toBe(401);
    expect((await postGitHub(server.url, body, `sha256=${"0".repeat(64)}`, "d-3")).status).toBe(401);
    expect(deliveries).toEqual([{ provider: "github", issue_id: "42", action: "labeled" }]);
  });

  it("[B.webhook-pickup] with polling at 60 s, a signed delivery gets a new ticket dispatched at once", async () => {
    const memory = new MemoryTracker([]);
    // No push signal: only polling or the webhook can bring the new ticket in.
    const tracker: TrackerAdapter = {
      kind: "memory",
      fetchIssuesByStates: (states) => memory.fetchIssuesByStates(states),
      fetchIssuesByIds: (ids) => memory.fetchIssuesByIds(ids),
      fetchIssue: (id) => memory.fetchIssue(id),
      secretEnvironmentNames: () => [],
    };
    const executor = new ManualExecutor();
    const config: ConfigSource = {
      current: () => ({
        tracker: { active_states: ["Todo"], terminal_states: ["Done"], required_labels: [] },
        polling: { interval_ms: 60_000 },
        agent: {
          max_concurrent_agents: 5,
          max_turns: 1,
          max_retry_backoff_ms: 300_000,
          max_concurrent_agents_by_state: {},
          max_tokens_per_issue: null,
          max_tokens_per_session: null,
        },
        codex: { stall_timeout_ms: 0, turn_timeout_ms: 60_000 },
        budget: null,
      }),
      tracker: () => tracker,
      preflight: async () => null,
    };
    const orchestrator = new Orchestrator({
      config,
      executor,
      workspaces: { remove: async () => "removed" as const },
    });
    const server = await startStatusServer({
      source: stubSource(),
      port: 0,
      webhooks: { secrets: () => SECRETS, onDelivery: () => orchestrator.requestRefresh() },
    });
    servers.push(server);
    await orchestrator.start();
    cleanups.push(() => orchestrator.stop());
    await waitUntil(() => {
      const { polling } = orchestrator.snapshot();
      return polling.next_tick_at !== null && !polling.checking;
    }, "the first tick to finish");
    const fresh: Issue = ticket("7");
    memory.put(fresh);
    expect(executor.runs).toEqual([]);
    const body = linearBody("7");
    expect((await postLinear(server.url, body, signWebhook("linear", "lin-secret", body))).status).toBe(202);
    const run = await waitUntil(() => executor.runFor("BAT-7"), "the webhook to dispatch BAT-7");
    expect(run.request.issue.id).toBe("7");
  });

  it("[B.webhook-linear-signature][B.webhook-github-signature] accepts the signed webhooks the testkit's fake Linear and fake GitHub send", async () => {
    const { server, deliveries } = await webhookServer();
    const linear = await startFakeLinear();
    const github = await startFakeGitHub({ repo: "acme/app", token: "ghp_fake" });
    cleanups.push(
      () => linear.close(),
      () => github.close(),
    );
    const ticketOnLinear = linear.store.addIssue({ title: "Fix it", state: "Todo" });
    const ticketOnGitHub = github.addIssue({ title: "Fix it too" });
    const linearTarget = { url: `${server.url}/api/v1/webhooks/linear`, secret: "lin-secret" };
    const githubTarget = { url: `${server.url}/api/v1/webhooks/github`, secret: "gh-secret" };
    expect(await linear.deliverWebhook(linearTarget, ticketOnLinear.identifier)).toBe(202);
    expect(await github.deliverWebhook(githubTarget, ticketOnGitHub.number)).toBe(202);
    expect(await github.deliverWebhook({ ...githubTarget, secret: "not-ours" }, ticketOnGitHub.number)).toBe(
      401,
    );
    expect(deliveries).toEqual([
      { provider: "linear", issue_id: ticketOnLinear.id, action: "update" },
      { provider: "github", issue_id: String(ticketOnGitHub.number), action: "edited" },
    ]);
  });
});
