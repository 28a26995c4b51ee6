import type { AgentToolSpec, Pipeline } from "@baton/domain";
import type { ServiceConfig, WorkflowSnapshot } from "@baton/workflow";

/**
 * The immutable, JSON-only description of how one run runs: the slice of the effective config it
 * needs, taken from the same workflow snapshot the orchestrator decided under. It holds no secret:
 * tracker credentials stay on the orchestrator's host (tools go through the gateway), and
 * `withheld_env` names (never values) the variables the agent must not inherit.
 */
export interface RunSpec {
  workflow: { path: string; content_hash: string };
  prompt_template: string;
  tracker: {
    kind: string;
    active_states: string[];
    terminal_states: string[];
    required_labels: string[];
    /** The host-side tools the agent is offered; calls go through the tool gateway. */
    tools: AgentToolSpec[];
  };
  workspace: { root: string };
  hooks: ServiceConfig["hooks"];
  /** Where the agent (and, with `hooks.sandbox`, the hooks) run on the host that runs the attempt (B.sandbox). */
  sandbox: ServiceConfig["sandbox"];
  /** `env` as WORKFLOW.md declares it: `$VAR` values are resolved where the run runs, never carried here. */
  agent: { kind: ServiceConfig["agent"]["kind"]; max_turns: number; env: Record<string, string> };
  codex: Omit<ServiceConfig["codex"], "stall_timeout_ms">;
  claude: Omit<ServiceConfig["claude"], "stall_timeout_ms">;
  /** Tracker secret variable names the agent and hooks must not inherit (SPEC 10.5, 15.3). */
  withheld_env: string[];
  /** `phases:` (Baton extension): the pipeline a first run starts; null runs `prompt_template` as the SPEC says. */
  pipeline: Pipeline | null;
  /** B.phases approvals: whether the agent's approval and input requests wait for a person, and how long. */
  approvals: Pick<ServiceConfig["approvals"], "agent_requests" | "agent_wait_ms">;
}

/** What the host knows about the tracker at dispatch: the tools it offers and its secrets' names. */
export interface RunSpecTracker {
  tools: AgentToolSpec[];
  secretEnvNames: readonly string[];
}

/** The run spec for a dispatch decided under `snapshot` (deep-copied: later edits never reach it). */
export function runSpecFrom(snapshot: WorkflowSnapshot, tracker: RunSpecTracker): RunSpec {
  const { config, definition } = snapshot;
  const { stall_timeout_ms: _codexStall, ...codex } = config.codex;
  const { stall_timeout_ms: _claudeStall, ...claude } = config.claude;
  const spec: RunSpec = {
    workflow: { path: config.workflowPath, content_hash: snapshot.contentHash },
    prompt_template: definition.promptTemplate,
    tracker: {
      kind: config.tracker.kind,
      active_states: config.tracker.active_states,
      terminal_states: config.tracker.terminal_states,
      required_labels: config.tracker.required_labels,
      tools: tracker.tools,
    },
    workspace: { root: config.workspace.root },
    hooks: config.hooks,
    sandbox: config.sandbox,
    agent: { kind: config.agent.kind, max_turns: config.agent.max_turns, env: config.agent.env },
    codex,
    claude,
    withheld_env: [...new Set(tracker.secretEnvNames)],
    pipeline: config.phases,
    approvals: {
      agent_requests: config.approvals.agent_requests,
      agent_wait_ms: config.approvals.agent_wait_ms,
    },
  };
  return structuredClone(spec);
}
