import type {
  AgentEvent,
  AgentPhase,
  AgentToolSpec,
  ApprovalAnswer,
  Issue,
  Logger,
  RunPhase,
  ToolResult,
} from "@baton/domain";
import { BatonError, normalizeState, runFailureDisposition, silentLogger, toBatonError } from "@baton/domain";
import {
  type AgentDecision,
  isActiveStateIn,
  type PipelineProgress,
  type RunOutcome,
  type RunRequest,
} from "@baton/orchestrator";
import { continuationGuidance, decideAfterTurn, type TurnLoopStopReason } from "./continuation.ts";
import type { RunReport, ToolGateway } from "./messages.ts";
import { type PhaseHost, runPipeline } from "./pipeline-attempt.ts";
import type { AgentSession, AgentSessionRequest, AttemptWorkspace } from "./ports.ts";

/**
 * Everything one attempt needs, chosen from the config snapshot taken when the attempt starts: a
 * workflow reload mid-run changes future attempts, never this one (SPEC 6.2, 10.5).
 */
export interface AttemptDeps {
  workspace: AttemptWorkspace;
  startSession(request: AgentSessionRequest): Promise<AgentSession>;
  /** Strict Liquid; phase prompts get `workflow_phase`, `outputs` and `feedback` besides `issue` and `attempt`. */
  renderPrompt(
    template: string,
    context: { issue: Issue; attempt: number | null } & Record<string, unknown>,
  ): Promise<string>;
  promptTemplate: string;
  /** The host-side tools offered to the agent (from the run spec). */
  tools: readonly AgentToolSpec[];
  /** How the run reaches the host: tool calls and issue re-reads, never the tracker itself. */
  gateway: ToolGateway;
  activeStates: readonly string[];
  terminalStates: readonly string[];
  requiredLabels: readonly string[];
  maxTurns: number;
  /**
   * `phases:` workflows: where this attempt starts or resumes (the claim's progress, or a new one
   * from the run spec's pipeline). Absent or null: the one prompt runs as the SPEC says.
   */
  pipeline?: PipelineProgress | null;
  /** The agent's command line as configured, recorded with its process for the operator. */
  agentCommand?: string;
  logger?: Logger;
}

/** What the executor can do to a live attempt besides cancelling it. */
export interface AttemptControl {
  /** B.phases approvals: answers the agent's waiting request; false when none waits under that id. */
  answer?(requestId: string, answer: ApprovalAnswer): boolean;
}

/** Run attempt phases as logged (SPEC 7.2). */
export type AttemptPhase =
  | "preparing_workspace"
  | "building_prompt"
  | "launching_agent"
  | "streaming_turn"
  | "finishing";

/**
 * One worker attempt (SPEC 16.5): workspace, before_run, prompt, agent session, turns while the
 * issue stays active and routable, then stop the session and run after_run whatever happened.
 * Never rejects: every ending is a RunOutcome.
 */
export async function runAttempt(
  request: RunRequest,
  deps: AttemptDeps,
  report: (report: RunReport) => void,
  signal: AbortSignal,
  control: AttemptControl = {},
): Promise<RunOutcome> {
  try {
    const attempt = new WorkerAttempt(request, deps, report, signal);
    control.answer = (requestId, answer) => attempt.answer(requestId, answer);
    return await attempt.run();
  } catch (error) {
    return { kind: "failed", error: toBatonError(error, "worker_error") };
  }
}

/** Thrown internally when the attempt notices its signal was aborted. */
class AttemptCancelled extends Error {}

class WorkerAttempt {
  private issue: Issue;
  private phase: AttemptPhase = "preparing_workspace";
  private workspacePath: string | null = null;
  private session: AgentSession | null = null;
  private sessionId: string | null = null;
  private completedTurns = 0;
  /** The state the agent's own tool call moved the ticket to, out of the active states. */
  private handoffState: string | null = null;
  /** `phases:` workflows: the codex overrides the live session was started with. */
  private sessionSettings: string | null = null;
  /** B.phases approvals: a decision on an earlier run's agent request, told in this attempt's first prompt. */
  private pendingDecision: AgentDecision | null;
  private readonly baseLog: Logger;
  /** The attempt's logger; inside a workflow phase it carries `workflow_phase`. */
  private log: Logger;

  constructor(
    private readonly request: RunRequest,
    private readonly deps: AttemptDeps,
    private readonly report: (report: RunReport) => void,
    private readonly signal: AbortSignal,
  ) {
    this.issue = request.issue;
    this.pendingDecision = request.agent_decision ?? null;
    this.baseLog = (deps.logger ?? silentLogger).child({
      issue_id: request.issue.id,
      issue_identifier: request.issue.identifier,
      attempt: request.attempt,
    });
    this.log = this.baseLog;
  }

  async run(): Promise<RunOutcome> {
    let outcome: RunOutcome;
    try {
      const pipeline = this.deps.pipeline;
      if (pipeline) {
        outcome = await this.workPipeline(pipeline);
        await this.finish(outcome);
        return outcome;
      }
      const loopEnd = await this.work();
      // The agent handing its own ticket off is the reason the loop ended, whatever the state is called.
      const stopReason =
        this.handoffState !== null && loopEnd !== "max_turns" ? `handoff to ${this.handoffState}` : loopEnd;
      this.log.info(
        { stop_reason: stopReason, turns: this.completedTurns },
        `turn loop ended reason=${stopReason}`,
      );
      outcome = { kind: "normal", turns: this.completedTurns, reason: stopReason };
    } catch (error) {
      outcome = this.outcomeFor(error);
    }
    await this.finish(outcome);
    return outcome;
  }

  /** Workspace and before_run (bounded by hooks.timeout_ms, so they may finish when cancelled). */
  private async prepareWorkspace(): Promise<{ path: string }> {
    const { deps, request } = this;
    this.enterPhase("preparing_workspace");
    this.throwIfCancelled();
    // Preparation and hooks are bounded by hooks.timeout_ms, so they are allowed to finish: once the
    // attempt settles nothing it started is still touching the workspace.
    const workspace = await deps.workspace.prepare(this.issue.identifier);
    this.workspacePath = workspace.path;
    this.report({ type: "workspace_ready", run_id: request.run_id, path: workspace.path });
    this.throwIfCancelled();
    await deps.workspace.runHook("before_run", workspace.path);
    this.throwIfCancelled();
    return workspace;
  }

  /** A `phases:` attempt: the pipeline from where the claim left it, until a gate, its end, or a failure. */
  private async workPipeline(start: PipelineProgress): Promise<RunOutcome> {
    const workspace = await this.prepareWorkspace();
    const end = await runPipeline(start, this.phaseHost(workspace.path));
    this.log = this.baseLog;
    switch (end.kind) {
      case "awaiting_approval":
        return { kind: "awaiting_approval", progress: end.progress };
      case "ended":
        return { kind: "pipeline_ended", progress: end.progress, outcome: end.outcome };
      case "failed":
        return { kind: "failed", error: end.error };
      case "stopped":
        this.log.info({ stop_reason: end.reason }, `workflow stopped reason=${end.reason}`);
        return { kind: "normal", turns: this.completedTurns, reason: end.reason };
    }
  }

  private phaseHost(workspacePath: string): PhaseHost {
    const { deps, request } = this;
    return {
      workspacePath,
      attempt: request.attempt,
      maxTurns: deps.maxTurns,
      log: this.baseLog,
      issue: () => this.issue,
      renderPrompt: (template, context) => {
        this.enterPhase("building_prompt");
        return deps.renderPrompt(template, context as { issue: Issue; attempt: number | null });
      },
      session: (phase, log) => this.phaseSession(phase, log, workspacePath),
      runTurn: async (prompt) => {
        this.enterPhase("streaming_turn", { turn: this.completedTurns + 1 });
        await this.runTurn(this.session!, prompt);
        this.completedTurns += 1;
      },
      afterTurn: async () => {
        const decision = decideAfterTurn(await this.refreshIssue(), 0, { ...deps, maxTurns: 1 });
        this.throwIfCancelled();
        if (decision.kind === "stop") return decision.reason;
        this.issue = decision.issue;
        return null;
      },
      runCommand: (phase: RunPhase) => {
        this.enterPhase("streaming_turn", { command: phase.command });
        return deps.workspace.runCommand(phase.name, phase.command, workspacePath, phase.timeout_ms);
      },
      throwIfCancelled: () => this.throwIfCancelled(),
      report: (progress, change) => {
        this.log = progress.current ? this.baseLog.child({ workflow_phase: progress.current }) : this.baseLog;
        this.report({ type: "workflow_phase", run_id: request.run_id, progress, change });
      },
    };
  }

  /**
   * The agent session of a phase: `continue` keeps the live session (same thread) when the phase's
   * codex settings are those it started with; `fresh`, different settings or no session start a
   * new one (the previous one is stopped first), so a reviewer shares no context with the implementer.
   */
  private async phaseSession(phase: AgentPhase, log: Logger, workspacePath: string): Promise<void> {
    const settings = JSON.stringify(phase.codex);
    if (this.session && phase.thread === "continue" && settings === this.sessionSettings) return;
    if (this.session) {
      if (phase.thread === "continue")
        log.info({}, "phase codex settings differ from the live session's; starting a new thread");
      const previous = this.session;
      this.session = null;
      try {
        await previous.stop();
      } catch (error) {
        log.warn({ error: String(error) }, "agent session stop failed");
      }
    }
    this.enterPhase("launching_agent");
    const session = await this.deps.startSession({
      ...this.sessionRequest(workspacePath),
      codex: phase.codex,
      workflowPhase: phase.name,
    });
    this.session = session;
    this.sessionSettings = settings;
    if (typeof session.pid === "number") {
      this.report({
        type: "process_started",
        run_id: this.request.run_id,
        process: { pid: session.pid, command: this.deps.agentCommand ?? "" },
      });
    }
    this.throwIfCancelled();
  }

  private async work(): Promise<TurnLoopStopReason> {
    const { deps, request } = this;
    const workspace = await this.prepareWorkspace();

    this.enterPhase("building_prompt");
    // Rendered before the agent starts so a broken template never launches an agent process.
    let prompt = await deps.renderPrompt(deps.promptTemplate, {
      issue: this.issue,
      attempt: request.attempt,
    });
    this.throwIfCancelled();

    this.enterPhase("launching_agent");
    const session = await deps.startSession(this.sessionRequest(workspace.path));
    this.session = session;
    if (typeof session.pid === "number") {
      this.report({
        type: "process_started",
        run_id: request.run_id,
        process: { pid: session.pid, command: deps.agentCommand ?? "" },
      });
    }
    this.throwIfCancelled();

    for (let turn = 1; ; turn++) {
      this.enterPhase("streaming_turn", { turn, max_turns: deps.maxTurns });
      await this.runTurn(session, prompt);
      this.completedTurns = turn;
      const decision = decideAfterTurn(await this.refreshIssue(), turn, deps);
      this.throwIfCancelled();
      if (decision.kind === "stop") return decision.reason;
      this.issue = decision.issue;
      prompt = continuationGuidance(this.issue, turn + 1, deps.maxTurns);
    }
  }

  /** Tools and the tracker that executes them are this attempt's snapshot; the issue is the latest read. */
  private sessionRequest(workspacePath: string): AgentSessionRequest {
    return {
      workspacePath,
      issue: this.issue,
      tools: [...this.deps.tools],
      executeTool: (name, args) => this.executeTool(name, args),
      onEvent: (event) => this.forwardEvent(event),
      onAgentRequest: (request, waiting) =>
        this.report({ type: "agent_request", run_id: this.request.run_id, request, waiting }),
      approvedCommands: approvedCommandsOf(this.request.agent_decision ?? null),
    };
  }

  /** Gives the live agent a person's answer to its waiting request. */
  answer(requestId: string, answer: ApprovalAnswer): boolean {
    return this.session?.answerRequest?.(requestId, answer) ?? false;
  }

  private async runTurn(session: AgentSession, prompt: string): Promise<void> {
    const title = `${this.issue.identifier}: ${this.issue.title}`;
    const decision = this.pendingDecision;
    this.pendingDecision = null;
    const text = decision === null ? prompt : `${agentDecisionNote(decision)}\n\n${prompt}`;
    try {
      await untilAborted(session.runTurn({ prompt: text, title }), this.signal);
    } catch (error) {
      if (error instanceof AttemptCancelled) await this.interrupt(session);
      throw error;
    }
  }

  private async refreshIssue(): Promise<Issue | undefined> {
    const { id, identifier } = this.issue;
    try {
      return await this.fetchIssue();
    } catch (error) {
      const cause = toBatonError(error, "worker_error");
      throw new BatonError(
        cause.category,
        `issue state refresh error for ${identifier}: ${cause.message}`,
        { ...cause.details, issue_id: id },
        { cause: error },
      );
    }
  }

  /** The issue as the tracker returns it now, read by the host through the gateway. */
  private async fetchIssue(): Promise<Issue | undefined> {
    const reply = await this.deps.gateway({
      type: "fetch_issue",
      run_id: this.request.run_id,
      issue_id: this.issue.id,
    });
    if (reply.type === "error") throw BatonError.fromRecord(reply.error);
    if (reply.type !== "issue")
      throw new BatonError("worker_error", `unexpected gateway reply ${reply.type}`);
    return reply.issue ?? undefined;
  }

  /**
   * Runs a tracker tool call, telling the orchestrator while it executes and whether it was the
   * agent's own hand-off (the ticket left the active states), so reconciliation lets the turn finish.
   */
  private async executeTool(name: string, args: unknown): Promise<ToolResult> {
    const runId = this.request.run_id;
    this.report({ type: "tool_call_started", run_id: runId, tool: name });
    let handoff: string | null = null;
    try {
      const reply = await this.deps.gateway({
        type: "execute_tool",
        run_id: runId,
        issue: this.issue,
        tool: name,
        arguments: args,
      });
      if (reply.type === "error") throw BatonError.fromRecord(reply.error);
      if (reply.type !== "tool_result")
        throw new BatonError("tool_error", `unexpected gateway reply ${reply.type}`);
      if (reply.result.success && this.handoffState === null) handoff = await this.ownHandoff();
      return reply.result;
    } catch (error) {
      const failure = toBatonError(error, "tool_error");
      this.log.warn({ tool: name, error: failure.toString() }, `tool call failed tool=${name}`);
      return { success: false, output: { error: failure.toString() } };
    } finally {
      this.report({ type: "tool_call_ended", run_id: runId, tool: name, handoff_state: handoff });
    }
  }

  /** The ticket's new state when a tool call just moved it out of the active states, else null. */
  private async ownHandoff(): Promise<string | null> {
    let fresh: Issue | undefined;
    try {
      fresh = await this.fetchIssue();
    } catch (error) {
      this.log.debug({ error: String(error) }, "state read after a tool call failed");
      return null;
    }
    if (fresh === undefined || normalizeState(fresh.state) === normalizeState(this.issue.state)) return null;
    if (isActiveStateIn(fresh.state, this.deps.activeStates, this.deps.terminalStates)) return null;
    this.handoffState = fresh.state;
    this.log.info({ state: fresh.state }, `agent handed the ticket off state=${fresh.state}`);
    return fresh.state;
  }

  private forwardEvent(event: AgentEvent): void {
    if (event.session_id) this.sessionId = event.session_id;
    this.report({ type: "agent_event", run_id: this.request.run_id, event });
  }

  private async interrupt(session: AgentSession): Promise<void> {
    try {
      await session.interrupt();
    } catch (error) {
      // Usually a race: the turn ended between the stop decision and the request. The session is
      // stopped next either way, so this is not worth an operator's attention.
      this.log.debug({ error: String(error) }, "turn interrupt failed; stopping the session anyway");
    }
  }

  /** Stop the agent, then after_run (SPEC 5.3.4: after every attempt once the workspace exists). */
  private async finish(outcome: RunOutcome): Promise<void> {
    this.enterPhase("finishing", { outcome: outcome.kind });
    if (this.session) {
      try {
        await this.session.stop();
      } catch (error) {
        this.log.warn({ error: String(error) }, "agent session stop failed");
      }
    }
    if (this.workspacePath !== null) {
      try {
        await this.deps.workspace.runHook("after_run", this.workspacePath);
      } catch (error) {
        this.log.warn({ error: String(error) }, "after_run hook failed; ignored");
      }
    }
    this.logOutcome(outcome);
  }

  private outcomeFor(error: unknown): RunOutcome {
    if (this.signal.aborted) return { kind: "cancelled", reason: abortReason(this.signal) };
    const failure =
      error instanceof BatonError
        ? error
        : new BatonError(
            "worker_error",
            `${this.phase} failed for ${this.issue.identifier}: ${error instanceof Error ? error.message : String(error)}`,
            { issue_id: this.issue.id, phase: this.phase },
            { cause: error },
          );
    return runFailureDisposition(failure.category) === "block"
      ? { kind: "blocked", error: failure }
      : { kind: "failed", error: failure };
  }

  private logOutcome(outcome: RunOutcome): void {
    const fields = { outcome: outcome.kind, turns: this.completedTurns, session_id: this.sessionId };
    switch (outcome.kind) {
      case "normal":
        this.log.info(fields, `worker attempt completed outcome=normal turns=${outcome.turns}`);
        break;
      case "cancelled":
        this.log.info(
          { ...fields, reason: outcome.reason },
          `worker attempt cancelled reason=${outcome.reason}`,
        );
        break;
      case "awaiting_approval":
        this.log.info(
          { ...fields, gate: outcome.progress.waiting?.gate_id },
          `worker attempt paused outcome=awaiting_approval gate=${outcome.progress.waiting?.gate_id}`,
        );
        break;
      case "pipeline_ended":
        this.log.info(
          { ...fields, pipeline: outcome.outcome.kind },
          `worker attempt completed outcome=pipeline_${outcome.outcome.kind}`,
        );
        break;
      default:
        this.log.warn(
          { ...fields, error_category: outcome.error.category, error: outcome.error.message },
          `worker attempt ${outcome.kind} reason=${outcome.error.toString()}`,
        );
    }
  }

  private enterPhase(phase: AttemptPhase, fields: Record<string, unknown> = {}): void {
    this.phase = phase;
    this.log.debug({ phase, session_id: this.sessionId, ...fields }, `worker phase=${phase}`);
  }

  private throwIfCancelled(): void {
    if (this.signal.aborted) throw new AttemptCancelled();
  }
}

/** The command an earlier run's agent asked for and a person approved, so asking again needs no new approval. */
function approvedCommandsOf(decision: AgentDecision | null): { command: string; cwd: string | null }[] {
  if (decision?.answer.decision !== "approve" || decision.request.command === null) return [];
  return [{ command: decision.request.command, cwd: decision.request.cwd }];
}

/**
 * What a fresh turn is told about the decision on a request an earlier run of its agent made and
 * no longer waited for (the run timed out waiting, or Baton restarted).
 */
export function agentDecisionNote(decision: AgentDecision): string {
  const { request, answer, by } = decision;
  const who = by === null ? "A person" : `${by}`;
  const what = answer.decision === "approve" ? "APPROVED" : "REJECTED";
  const lines = [`Decision on your earlier request: ${who} ${what} your request to ${request.summary}.`];
  if (answer.decision === "reject") lines.push(`Reason: ${answer.reason}`);
  else if (answer.note !== null)
    lines.push(request.kind === "user_input" ? `Answer: ${answer.note}` : `Note: ${answer.note}`);
  lines.push(
    answer.decision === "approve"
      ? "The earlier run ended before it could act on this; do it now if it is still needed (the same command is approved when you ask again)."
      : "Do not do it; continue without it.",
  );
  return lines.join("\n");
}

/** Settles like `work`, or rejects with AttemptCancelled as soon as the signal aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AttemptCancelled());
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === "string") return reason;
  return reason instanceof Error ? reason.message : "cancelled";
}
