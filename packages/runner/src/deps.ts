import { startClaudeSession, startCodexSession } from "@baton/agent";
import type { Launcher, Logger } from "@baton/domain";
import {
  agentEnvAllowlist,
  envReferenceName,
  processEnvironment,
  RUN_ID_ENV,
  STATE_DIR_ENV,
  silentLogger,
} from "@baton/domain";
import { startPipeline } from "@baton/orchestrator";
import { renderPrompt } from "@baton/workflow";
import { WorkspaceManager } from "@baton/workspace";
import type { AttemptDeps } from "./attempt.ts";
import type { RunStartMessage, ToolGateway } from "./messages.ts";

export interface AttemptDepsOptions {
  /** Runs the agent process. */
  launcher: Launcher;
  /** Runs the workspace hooks: a launcher of their own, so each owns (and ends) its processes. */
  hookLauncher: Launcher;
  /**
   * The environment of the host the run runs on. The agent and the hooks each get only their
   * allowlist of it plus what WORKFLOW.md declares (`agent.env`, `hooks.env`; docs/safety.md).
   */
  env: Readonly<Record<string, string | undefined>>;
  /** The host's tool gateway for this run. */
  gateway: ToolGateway;
  logger?: Logger;
  /** The state directory of the Baton that owns this run; marks its processes (BATON_STATE_DIR). */
  stateDir?: string | null;
}

/**
 * Everything one attempt needs, built from its start message alone (SPEC 10.7, 16.5): the
 * workspace manager, the prompt, the continuation rules and the agent session (Codex or Claude, as
 * the spec's `agent.kind` says). The same function serves the CLI, the benchmarks and a queue worker.
 */
export function createAttemptDeps(message: RunStartMessage, options: AttemptDepsOptions): AttemptDeps {
  const { spec } = message;
  const logger = options.logger ?? silentLogger;
  // Every process of the run carries its id, so a restarted Baton can find its leftovers.
  const marks: Record<string, string> = { [RUN_ID_ENV]: message.run_id };
  if (options.stateDir) marks[STATE_DIR_ENV] = options.stateDir;
  const workspace = workspaceManagerFor(spec, { ...options, marks });
  const agentEnv = withoutWithheld(spec.agent.env, spec.withheld_env, logger);
  const env = processEnvironment({
    source: options.env,
    allowlist: agentEnvAllowlist(spec.agent.kind),
    declared: agentEnv,
    marks,
  });
  return {
    workspace,
    tools: spec.tracker.tools,
    gateway: options.gateway,
    promptTemplate: spec.prompt_template,
    renderPrompt,
    activeStates: spec.tracker.active_states,
    terminalStates: spec.tracker.terminal_states,
    requiredLabels: spec.tracker.required_labels,
    maxTurns: spec.agent.max_turns,
    pipeline: message.pipeline ?? (spec.pipeline ? startPipeline(spec.pipeline) : null),
    agentCommand: spec.agent.kind === "claude" ? spec.claude.command : spec.codex.command,
    logger,
    async startSession(session) {
      const cwd = await workspace.assertAgentCwd(session.workspacePath, session.issue.identifier);
      const common = {
        workspacePath: cwd,
        workspaceRoot: spec.workspace.root,
        launcher: options.launcher,
        env,
        declaredEnv: Object.keys(agentEnv),
        secretEnvNames: spec.withheld_env,
        tools: session.tools,
        executeTool: session.executeTool,
        onEvent: session.onEvent,
        logger: logger.child({
          issue_id: session.issue.id,
          issue_identifier: session.issue.identifier,
          ...(session.workflowPhase ? { workflow_phase: session.workflowPhase } : {}),
        }),
      };
      if (spec.agent.kind === "claude") {
        const { turn_timeout_ms, read_timeout_ms, ...settings } = spec.claude;
        return startClaudeSession({
          ...common,
          settings,
          readTimeoutMs: read_timeout_ms,
          turnTimeoutMs: turn_timeout_ms,
        });
      }
      // A phase's own codex settings (e.g. a read-only sandbox for a reviewer) win over the workflow's.
      const codex = { ...spec.codex, ...session.codex } as typeof spec.codex;
      return startCodexSession({
        ...common,
        command: spec.codex.command,
        approvalPolicy: codex.approval_policy,
        threadSandbox: codex.thread_sandbox,
        turnSandboxPolicy: codex.turn_sandbox_policy,
        readTimeoutMs: spec.codex.read_timeout_ms,
        turnTimeoutMs: spec.codex.turn_timeout_ms,
        // B.phases approvals: requests wait for a person instead of ending the run as blocked.
        ...(spec.approvals.agent_requests === "gate"
          ? {
              agentRequests: "gate" as const,
              requestWaitMs: spec.approvals.agent_wait_ms,
              ...(session.onAgentRequest ? { onAgentRequest: session.onAgentRequest } : {}),
              ...(session.approvedCommands ? { approvedCommands: session.approvedCommands } : {}),
            }
          : {}),
      });
    },
  };
}

/**
 * The workspace manager of a run spec's workspace and hooks on this host: an attempt's, or a queue
 * worker's removing a terminal issue's workspace (`before_remove` runs with the same environment rules).
 */
export function workspaceManagerFor(
  settings: Pick<RunStartMessage["spec"], "workspace" | "hooks">,
  options: Pick<AttemptDepsOptions, "hookLauncher" | "env" | "logger"> & { marks?: Record<string, string> },
): WorkspaceManager {
  return new WorkspaceManager({
    root: settings.workspace.root,
    hooks: settings.hooks,
    hookTimeoutMs: settings.hooks.timeout_ms,
    launcher: options.hookLauncher,
    logger: options.logger ?? silentLogger,
    env: options.env,
    hookEnv: settings.hooks.env,
    ...(options.marks ? { marks: options.marks } : {}),
  });
}

/**
 * Tracker secrets stay withheld from the agent even when `agent.env` names them or refers to them:
 * the agent reaches the tracker through the tool gateway, never with its credentials.
 */
function withoutWithheld(
  declared: Readonly<Record<string, string>>,
  withheld: readonly string[],
  logger: Logger,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(declared)) {
    const reference = envReferenceName(value);
    if (withheld.includes(name) || (reference !== undefined && withheld.includes(reference))) {
      logger.warn(
        { variable: name },
        `agent.env.${name} names a tracker secret; it is withheld from the agent`,
      );
      continue;
    }
    kept[name] = value;
  }
  return kept;
}
