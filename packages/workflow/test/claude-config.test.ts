import { type BatonError, isBatonError } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { parseWorkflow, resolveConfig, type ServiceConfig } from "../src/index.ts";
import { testEnv, testProfiles } from "./support.ts";

const LINEAR = "tracker:\n  kind: linear\n  provider:\n    project_slug: web-app";

function resolveYaml(frontMatter: string): ServiceConfig {
  const definition = parseWorkflow(`---\n${LINEAR}\n${frontMatter}\n---\nprompt`, "/repo/WORKFLOW.md");
  return resolveConfig(definition, { env: testEnv, trackerProfiles: testProfiles });
}

function resolveError(frontMatter: string): BatonError {
  try {
    resolveYaml(frontMatter);
  } catch (error) {
    if (isBatonError(error)) return error;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

describe("agent.kind and the claude: section", () => {
  it("[B.claude-agent-kind] runs Codex unless the workflow chooses Claude Code", () => {
    expect(resolveYaml("").agent.kind).toBe("codex");
    expect(resolveYaml("agent:\n  kind: claude").agent.kind).toBe("claude");
  });

  it("[B.claude-agent-kind] reads every claude: key, keeping the defaults for the rest", () => {
    const config = resolveYaml(
      [
        "agent:",
        "  kind: claude",
        "claude:",
        "  command: npx claude",
        "  model: sonnet",
        "  permission_mode: dontAsk",
        "  allowed_tools: [Read, 'Bash(npm test:*)', mcp__baton]",
        "  disallowed_tools: []",
        "  extra_args: [--max-budget-usd, '5']",
        "  turn_timeout_ms: 600000",
        "  stall_timeout_ms: 0",
      ].join("\n"),
    );
    expect(config.claude).toEqual({
      command: "npx claude",
      model: "sonnet",
      permission_mode: "dontAsk",
      allowed_tools: ["Read", "Bash(npm test:*)", "mcp__baton"],
      disallowed_tools: [],
      extra_args: ["--max-budget-usd", "5"],
      turn_timeout_ms: 600000,
      read_timeout_ms: 15000,
      stall_timeout_ms: 0,
    });
  });

  it("[B.claude-agent-kind] names the field of an unknown agent kind or permission mode", () => {
    const kind = resolveError("agent:\n  kind: gemini");
    expect(kind.category).toBe("invalid_config");
    expect(kind.message).toContain('agent.kind must be codex or claude, got "gemini"');
    const mode = resolveError("claude:\n  permission_mode: yolo\n  allowed_tools: Bash");
    expect(mode.message).toContain("claude.permission_mode must be one of");
    expect(mode.message).toContain("claude.allowed_tools must be a list of tool rules");
  });
});
