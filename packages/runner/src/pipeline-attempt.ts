import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { AgentPhase, Issue, Logger, Phase, RunPhase } from "@baton/domain";
import { BatonError } from "@baton/domain";
import {
  awaitGate,
  beginPhase,
  completePhase,
  nextStep,
  type PhaseResult,
  type PipelineEnd,
  type PipelineProgress,
  phasePromptContext,
  type WorkflowPhaseChange,
} from "@baton/orchestrator";
import type { TurnLoopStopReason } from "./continuation.ts";

/**
 * Executes a `phases:` pipeline inside one attempt (B.phases): deterministic code picks the next
 * phase (pipeline.ts), an agent phase runs its own prompt on its own (or the previous) thread, a
 * run phase runs a command whose exit code decides, hand-off files and verdict lines are read by
 * code. Every phase change is reported with the whole progress before the next step, so the claim
 * always knows the last completed phase. The attempt ends at an approval gate, at the end of the
 * pipeline, on a failure no loop handles, or when the ticket leaves the active states.
 */

/** How many characters of a hand-off file later prompts and the approver see. */
export const HANDOFF_LIMIT_CHARS = 65_536;

/** What the pipeline needs from the attempt running it (which owns the session, cancellation, the issue). */
export interface PhaseHost {
  readonly workspacePath: string;
  readonly attempt: number | null;
  readonly log: Logger;
  /** The latest known issue (re-read after every turn). */
  issue(): Issue;
  /** Default `max_turns` of an agent phase that sets none (agent.max_turns). */
  readonly maxTurns: number;
  renderPrompt(template: string, context: Record<string, unknown>): Promise<string>;
  /** Starts (or keeps) the agent session for a phase; `fresh` always starts a new thread. */
  session(phase: AgentPhase, logger: Logger): Promise<void>;
  /** Runs one turn on the current session (rejects when cancelled or the turn fails). */
  runTurn(prompt: string): Promise<void>;
  /** Re-reads the issue; a stop reason when it left the active states (or went missing). */
  afterTurn(): Promise<TurnLoopStopReason | null>;
  runCommand(phase: RunPhase): Promise<{ exitCode: number | null; timedOut: boolean; output: string }>;
  throwIfCancelled(): void;
  report(progress: PipelineProgress, change: WorkflowPhaseChange): void;
}

/** How the pipeline part of an attempt ended. */
export type PipelineRunEnd =
  | { kind: "awaiting_approval"; progress: PipelineProgress }
  | { kind: "ended"; progress: PipelineProgress; outcome: PipelineEnd }
  /** A phase failed with no loop to handle it: the attempt fails and its retry resumes at that phase. */
  | { kind: "failed"; progress: PipelineProgress; error: BatonError }
  /** The ticket left the active states (or went missing) mid-pipeline. */
  | { kind: "stopped"; progress: PipelineProgress; reason: TurnLoopStopReason };

export async function runPipeline(start: PipelineProgress, host: PhaseHost): Promise<PipelineRunEnd> {
  let progress = start;
  for (;;) {
    host.throwIfCancelled();
    const next = nextStep(progress);
    if (next.kind === "finished") {
      if (next.outcome.kind !== "succeeded") throw new Error("a pipeline only finishes by succeeding");
      return { kind: "ended", progress, outcome: next.outcome };
    }
    if (next.kind === "await_gate") {
      const gate = next.gate;
      const file =
        gate.artifact ?? progress.pipeline.phases.find((phase) => phase.name === gate.phase)?.output ?? null;
      const artifact = file === null ? null : await readHandoff(host.workspacePath, file);
      host.log.info(
        { gate: gate.id, artifact: file },
        `workflow paused at gate ${gate.id}, awaiting approval`,
      );
      return { kind: "awaiting_approval", progress: awaitGate(progress, gate, artifact, Date.now()) };
    }
    const phase = next.phase;
    const log = host.log.child({ workflow_phase: phase.name });
    progress = beginPhase(progress, phase.name);
    host.report(progress, { phase: phase.name, status: "started", message: `${phase.kind} phase started` });
    log.info({ kind: phase.kind }, `workflow phase ${phase.name} started`);
    const result =
      phase.kind === "run"
        ? await runCommandPhase(phase, host, log)
        : await runAgentPhase(phase, progress, host, log);
    if ("stopped" in result) return { kind: "stopped", progress, reason: result.stopped };
    const routed = completePhase(progress, phase.name, result);
    progress = routed.progress;
    const change = changeOf(phase, progress, routed.outcome, result);
    host.report(progress, change);
    log.info({ outcome: change.status }, `workflow phase ${phase.name} ${change.status}: ${change.message}`);
    if (routed.outcome?.kind === "exhausted") return { kind: "ended", progress, outcome: routed.outcome };
    if (routed.outcome !== null) {
      const reason = "reason" in routed.outcome ? routed.outcome.reason : `phase ${phase.name} failed`;
      return {
        kind: "failed",
        progress,
        error: new BatonError("workflow_phase_failed", reason, { workflow_phase: phase.name }),
      };
    }
  }
}

function changeOf(
  phase: Phase,
  progress: PipelineProgress,
  outcome: ReturnType<typeof completePhase>["outcome"],
  result: PhaseResult,
): WorkflowPhaseChange {
  const verdict = progress.outputs[phase.name]?.verdict ?? null;
  const detail =
    phase.kind === "run"
      ? `exit code ${result.exit_code ?? "none (timed out)"}`
      : verdict !== null
        ? `verdict ${verdict}`
        : phase.output
          ? `${phase.output} ${result.text === null ? "missing" : "written"}`
          : "turns completed";
  if (outcome === null) {
    const passed = progress.completed.includes(phase.name);
    return { phase: phase.name, status: passed ? "passed" : "sent_back", message: detail };
  }
  if (outcome.kind === "exhausted") return { phase: phase.name, status: "failed", message: outcome.reason };
  return { phase: phase.name, status: "failed", message: "reason" in outcome ? outcome.reason : detail };
}

async function runCommandPhase(phase: RunPhase, host: PhaseHost, log: Logger): Promise<PhaseResult> {
  const result = await host.runCommand(phase);
  host.throwIfCancelled();
  log.info(
    { exit_code: result.exitCode, timed_out: result.timedOut },
    `workflow run phase ${phase.name} exited code=${result.exitCode ?? "none"}`,
  );
  return { exit_code: result.exitCode, text: result.output };
}

/**
 * One agent phase: its prompt, then continuation turns only while its hand-off file is still
 * missing (up to `max_turns`); the hand-off is what the phase wrote this time (a stale file from
 * an earlier cycle is removed first).
 */
async function runAgentPhase(
  phase: AgentPhase,
  progress: PipelineProgress,
  host: PhaseHost,
  log: Logger,
): Promise<PhaseResult | { stopped: TurnLoopStopReason }> {
  if (phase.output) await rm(handoffPath(host.workspacePath, phase.output), { force: true });
  // Rendered before the agent starts, so a broken prompt never launches an agent process.
  let prompt: string;
  try {
    prompt = await host.renderPrompt(phase.prompt, {
      issue: host.issue(),
      attempt: host.attempt,
      ...phasePromptContext(progress, phase),
    });
  } catch (error) {
    const cause =
      error instanceof BatonError ? error : new BatonError("template_render_error", String(error));
    throw new BatonError(
      cause.category,
      `${cause.message.replace("of the WORKFLOW.md prompt body", "")} in phases[${phase.name}].prompt`.replace(
        /\s+in phases/,
        " in phases",
      ),
      { ...cause.details, workflow_phase: phase.name },
      { cause: error },
    );
  }
  await host.session(phase, log);
  const maxTurns = phase.max_turns ?? host.maxTurns;
  for (let turn = 1; ; turn++) {
    log.debug({ turn, max_turns: maxTurns }, `workflow phase ${phase.name} turn ${turn}`);
    await host.runTurn(prompt);
    const stop = await host.afterTurn();
    if (stop !== null) return { stopped: stop };
    const text = phase.output ? await readHandoff(host.workspacePath, phase.output) : null;
    if (!phase.output || text !== null || turn >= maxTurns) return { exit_code: null, text };
    prompt = [
      `Continuation guidance for workflow phase ${phase.name} (turn ${turn + 1} of ${maxTurns}):`,
      `The phase is not finished: write its result to ${phase.output} in the workspace.`,
    ].join("\n");
  }
}

function handoffPath(workspacePath: string, file: string): string {
  const resolved = path.resolve(workspacePath, file);
  const relative = path.relative(workspacePath, resolved);
  if (relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new BatonError(
      "invalid_handoff_path",
      `hand-off file ${file} is outside the workspace ${workspacePath}`,
      {
        file,
      },
    );
  }
  return resolved;
}

/** The hand-off file's text (shortened), or null when the phase did not write it. */
export async function readHandoff(workspacePath: string, file: string): Promise<string | null> {
  try {
    const text = await readFile(handoffPath(workspacePath, file), "utf8");
    return text.length > HANDOFF_LIMIT_CHARS
      ? `${text.slice(0, HANDOFF_LIMIT_CHARS)}\n[... shortened by Baton ...]`
      : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
