import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadWorkflow, renderPrompt, resolveConfig } from "../src/index.ts";
import { sampleIssue, testProfiles } from "./support.ts";

const FIXTURE = join(import.meta.dirname, "fixtures", "reference-WORKFLOW.md");
const env = { LINEAR_API_KEY: "lin_api_reference" };

describe("a WORKFLOW.md written for the reference implementation", () => {
  it("[S5.2-self-contained] [S5.3-unknown-keys] [S5.3.1-provider-preserved] loads unchanged into the effective config", async () => {
    const definition = await loadWorkflow(FIXTURE);
    const config = resolveConfig(definition, { env, trackerProfiles: testProfiles });
    expect(config.tracker).toEqual({
      kind: "linear",
      provider: {
        project_slug: "payments-platform-3c1d2e9f0a7b",
        api_key: "lin_api_reference",
        endpoint: "https://api.linear.app/graphql",
      },
      required_labels: [],
      active_states: ["Todo", "In Progress", "Rework", "Merging"],
      terminal_states: ["Closed", "Cancelled", "Canceled", "Duplicate", "Done"],
    });
    expect(config.polling.interval_ms).toBe(5000);
    expect(config.workspace.root).toBe(join(homedir(), "code/payments-workspaces"));
    expect(config.hooks.after_create).toContain("if command -v mise >/dev/null 2>&1; then\n  mise trust");
    expect(config.hooks.before_remove).toBe("./scripts/cleanup-branch.sh || true\n");
    expect(config.hooks.timeout_ms).toBe(120000);
    expect(config.agent).toEqual({
      max_concurrent_agents: 4,
      max_turns: 12,
      max_retry_backoff_ms: 300000,
      max_concurrent_agents_by_state: { merging: 1 },
      kind: "codex",
      max_tokens_per_issue: null,
      max_tokens_per_session: null,
      env: {},
    });
    expect(config.codex).toEqual({
      command:
        "codex --config shell_environment_policy.inherit=all --config model_reasoning_effort=high app-server",
      approval_policy: { reject: { sandbox_approval: true, rules: true, mcp_elicitations: true } },
      thread_sandbox: "workspace-write",
      turn_sandbox_policy: { type: "workspaceWrite", networkAccess: true },
      turn_timeout_ms: 3600000,
      read_timeout_ms: 5000,
      stall_timeout_ms: 600000,
    });
    expect(config.server).toEqual({
      port: 4040,
      host: "127.0.0.1",
      token: null,
      webhooks: { linear: null, github: null },
    });
    expect(config.warnings).toEqual([]);
  });

  it("[S5.4-inputs] [S5.4-attempt] renders its prompt for a first run and for a retry", async () => {
    const { promptTemplate } = await loadWorkflow(FIXTURE);
    const issue = sampleIssue();
    const first = await renderPrompt(promptTemplate, { issue, attempt: null });
    expect(first).toContain("You are handling Linear ticket `ABC-123`.");
    expect(first).not.toContain("This is attempt #");
    expect(first).toContain("- Labels: bug, frontend\n- URL: https://tracker.example/ABC-123");
    expect(first).toContain("Blocked by:\n- ABC-100 (In Progress)\n");
    expect(first).toContain("Users land on /404 after login.");

    const retry = await renderPrompt(promptTemplate, {
      issue: sampleIssue({ description: null, blocked_by: [] }),
      attempt: 2,
    });
    expect(retry).toContain("This is attempt #2: the ticket is still active.");
    expect(retry).toContain("No description provided.");
    expect(retry).not.toContain("Blocked by:");
  });
});
