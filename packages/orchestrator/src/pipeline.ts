import type { Gate, Phase, Pipeline, TrackerOutcome, Verdict } from "@baton/domain";
import { ancestorsOf } from "@baton/domain";

/**
 * Phase routing for `phases:` workflows, as pure functions of plain data: which phase runs next,
 * what a finished phase's exit code or verdict means, how many cycles a loop has used, and what an
 * approval or rejection does. Deterministic code routes; the model only reasons inside a phase.
 * The progress is saved in the claim, so a restart resumes after the last completed phase.
 */
export interface PipelineProgress {
  /** The definition this run started with: a WORKFLOW.md reload never changes a running pipeline. */
  pipeline: Pipeline;
  /** Phases done (in the order they completed) and still valid: a loop back removes the redone ones. */
  completed: string[];
  /** Gates passed, by gate id; a loop back that redoes a gated phase asks again. */
  approved_gates: string[];
  /** Cycles used, by the phase whose loop sent the work back. */
  cycles: Record<string, number>;
  /** Rejections so far, by gate id. */
  rejections: Record<string, number>;
  /** What each phase produced most recently (later prompts read it as `outputs.<name>`). */
  outputs: Record<string, PhaseOutput>;
  /** Why the work came back to a phase (review, failing test output, rejection reason), for its next prompt. */
  feedback: Record<string, string>;
  /** The gate the run is paused at, if any. */
  waiting: GateWait | null;
  /** The phase running now (set when it starts, cleared when it completes or sends the work back). */
  current: string | null;
}

export interface PhaseOutput {
  /** The hand-off file's contents (agent phases) or the captured output (run phases). */
  text: string | null;
  exit_code: number | null;
  verdict: VerdictOutcome | null;
}

export type VerdictOutcome = "approved" | "changes_requested";

export interface GateWait {
  gate_id: string;
  /** The artifact shown to the approver (file contents), null when the gate has none or it is missing. */
  artifact: string | null;
  since_ms: number;
}

/** What the runner does next. */
export type PipelineStep =
  | { kind: "run_phase"; phase: Phase }
  | { kind: "await_gate"; gate: Gate }
  | { kind: "finished"; outcome: PipelineOutcome };

export type PipelineOutcome =
  | { kind: "succeeded"; tracker: TrackerOutcome | null }
  /** A loop ran out of cycles: the ticket goes to the configured state with a comment saying why. */
  | { kind: "exhausted"; phase: string; tracker: TrackerOutcome; reason: string }
  /** A rejection with no (more) attempts left. */
  | { kind: "rejected"; gate_id: string; reason: string }
  /** A phase failed in a way no loop handles (an agent error, a failing run phase without loop, no verdict line). */
  | { kind: "failed"; phase: string; reason: string };

/** What a phase produced: the exit code of a run phase, or the hand-off text of an agent phase. */
export interface PhaseResult {
  exit_code: number | null;
  text: string | null;
}

export function startPipeline(pipeline: Pipeline): PipelineProgress {
  return {
    pipeline,
    completed: [],
    approved_gates: [],
    cycles: {},
    rejections: {},
    outputs: {},
    feedback: {},
    waiting: null,
    current: null,
  };
}

/** Marks `name` as the phase running now (what logs, the API and the dashboard show). */
export function beginPhase(progress: PipelineProgress, name: string): PipelineProgress {
  return { ...progress, current: name };
}

/**
 * The next step: a pending gate after a completed phase, then the first phase (in pipeline order)
 * not yet completed, behind its own `before` gate; finished once every phase completed.
 */
export function nextStep(progress: PipelineProgress): PipelineStep {
  const { pipeline } = progress;
  for (const gate of pipeline.gates) {
    if (gate.position === "after" && isPending(progress, gate) && progress.completed.includes(gate.phase)) {
      return { kind: "await_gate", gate };
    }
  }
  const phase = pipeline.phases.find((candidate) => !progress.completed.includes(candidate.name));
  if (!phase) return { kind: "finished", outcome: { kind: "succeeded", tracker: pipeline.on_success } };
  const before = pipeline.gates.find((gate) => gate.position === "before" && gate.phase === phase.name);
  if (before && isPending(progress, before)) return { kind: "await_gate", gate: before };
  return { kind: "run_phase", phase };
}

function isPending(progress: PipelineProgress, gate: Gate): boolean {
  return !progress.approved_gates.includes(gate.id);
}

/**
 * Records a finished phase and routes on it: exit code 0 or an APPROVED verdict completes it;
 * a failing exit code or CHANGES_REQUESTED goes back through the phase's loop (counting a cycle),
 * or ends the pipeline when the loop is exhausted or there is none.
 */
export function completePhase(
  progress: PipelineProgress,
  name: string,
  result: PhaseResult,
): { progress: PipelineProgress; outcome: PipelineOutcome | null } {
  const phase = phaseNamed(progress, name);
  const verdict =
    phase.kind === "agent" && phase.verdict ? parseVerdict(phase.verdict, result.text ?? "") : null;
  const output: PhaseOutput = { text: result.text, exit_code: result.exit_code, verdict };
  const recorded = { ...progress, current: null, outputs: { ...progress.outputs, [name]: output } };
  const passed =
    phase.kind === "run" ? result.exit_code === 0 : phase.verdict === null || verdict === "approved";
  if (passed) {
    const { [name]: _done, ...feedback } = recorded.feedback;
    return { progress: { ...recorded, completed: [...recorded.completed, name], feedback }, outcome: null };
  }
  const why =
    phase.kind === "run"
      ? `the command \`${phase.command}\` exited with code ${result.exit_code ?? "none (timed out)"}`
      : verdict === null
        ? `${phase.output} has no verdict line`
        : "the review requested changes";
  if (!phase.loop || (phase.kind === "agent" && verdict === null)) {
    return {
      progress: recorded,
      outcome: { kind: "failed", phase: name, reason: `phase ${name} failed: ${why}` },
    };
  }
  const used = (recorded.cycles[name] ?? 0) + 1;
  if (used > phase.loop.max_cycles) {
    const reason = `phase ${name} still fails after ${phase.loop.max_cycles} cycle(s) back to ${phase.loop.back_to}: ${why}`;
    return {
      progress: recorded,
      outcome: { kind: "exhausted", phase: name, tracker: phase.loop.on_exhausted, reason },
    };
  }
  const feedback = `Phase ${name} sent the work back (cycle ${used} of ${phase.loop.max_cycles}): ${why}.${
    result.text ? `\n\n${result.text}` : ""
  }`;
  const counted = { ...recorded, cycles: { ...recorded.cycles, [name]: used } };
  return { progress: goBackTo(counted, phase.loop.back_to, feedback), outcome: null };
}

/** The verdict of the last line matching either pattern (a review may quote earlier verdicts). */
export function parseVerdict(verdict: Verdict, text: string): VerdictOutcome | null {
  const approved = new RegExp(verdict.approved);
  const changes = new RegExp(verdict.changes_requested);
  let found: VerdictOutcome | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (approved.test(line)) found = "approved";
    else if (changes.test(line)) found = "changes_requested";
  }
  return found;
}

/** Pauses at a gate, keeping the artifact the approver sees. */
export function awaitGate(
  progress: PipelineProgress,
  gate: Gate,
  artifact: string | null,
  nowMs: number,
): PipelineProgress {
  return { ...progress, waiting: { gate_id: gate.id, artifact, since_ms: nowMs } };
}

/** `note`: an approval's remark; for an agent's questions, the answer (B.phases approvals). */
export type GateDecision = { kind: "approve"; note?: string } | { kind: "reject"; reason: string };

/**
 * An approval passes the waiting gate. A rejection sends its reason back to the gate's `on_reject`
 * phase (which runs again, and so do the phases after it), up to `max_attempts` rejections; after
 * that, or with no `on_reject`, the pipeline ends as rejected.
 */
export function decideGate(
  progress: PipelineProgress,
  decision: GateDecision,
): { progress: PipelineProgress; outcome: PipelineOutcome | null } {
  const waiting = progress.waiting;
  if (!waiting) throw new Error("decideGate called with no gate waiting");
  const gate = progress.pipeline.gates.find((candidate) => candidate.id === waiting.gate_id)!;
  const resumed = { ...progress, waiting: null };
  if (decision.kind === "approve") {
    return { progress: { ...resumed, approved_gates: [...resumed.approved_gates, gate.id] }, outcome: null };
  }
  const rejections = (resumed.rejections[gate.id] ?? 0) + 1;
  const counted = { ...resumed, rejections: { ...resumed.rejections, [gate.id]: rejections } };
  if (!gate.on_reject || rejections > gate.on_reject.max_attempts) {
    const reason = gate.on_reject
      ? `rejected ${rejections} times at gate ${gate.id} (at most ${gate.on_reject.max_attempts} attempts): ${decision.reason}`
      : `rejected at gate ${gate.id}: ${decision.reason}`;
    return { progress: counted, outcome: { kind: "rejected", gate_id: gate.id, reason } };
  }
  const feedback = `A reviewer rejected the result at gate ${gate.id} (rejection ${rejections} of at most ${gate.on_reject.max_attempts}): ${decision.reason}`;
  return { progress: goBackTo(counted, gate.on_reject.phase, feedback), outcome: null };
}

/**
 * `target` and every phase depending on it (directly or not) run again; gates on them ask again.
 * Phases that do not depend on `target` stay done.
 */
function goBackTo(progress: PipelineProgress, target: string, feedback: string): PipelineProgress {
  const phases = progress.pipeline.phases;
  const redo = new Set([
    target,
    ...phases.filter((phase) => ancestorsOf(phase.name, phases).has(target)).map((phase) => phase.name),
  ]);
  const redoGates = new Set(
    progress.pipeline.gates.filter((gate) => redo.has(gate.phase)).map((gate) => gate.id),
  );
  return {
    ...progress,
    completed: progress.completed.filter((name) => !redo.has(name)),
    approved_gates: progress.approved_gates.filter((id) => !redoGates.has(id)),
    feedback: { ...progress.feedback, [target]: feedback },
  };
}

function phaseNamed(progress: PipelineProgress, name: string): Phase {
  const phase = progress.pipeline.phases.find((candidate) => candidate.name === name);
  if (!phase) throw new Error(`phase ${name} is not in this run's pipeline`);
  return phase;
}

/**
 * What a phase prompt sees besides `issue` and `attempt`: `workflow_phase` (name, kind, cycle),
 * `outputs` of earlier phases and the `feedback` that sent the work back here (null on a first pass).
 */
export function phasePromptContext(progress: PipelineProgress, phase: Phase): Record<string, unknown> {
  return {
    workflow_phase: { name: phase.name, kind: phase.kind, cycle: cyclesInto(progress, phase.name) },
    outputs: progress.outputs,
    feedback: progress.feedback[phase.name] ?? null,
  };
}

/** How many times the work was sent back into `name` so far (0 on the first pass). */
function cyclesInto(progress: PipelineProgress, name: string): number {
  return progress.pipeline.phases
    .filter((phase) => phase.loop?.back_to === name)
    .reduce((sum, phase) => sum + (progress.cycles[phase.name] ?? 0), 0);
}
