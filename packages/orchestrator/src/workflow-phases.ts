import type { Issue } from "@baton/domain";
import type { OrchestratorInput, RunExit, Transition } from "./core.ts";
import { refOf, release, runningClaim, scheduleRetry } from "./core.ts";
import { recheckBlocked } from "./decisions.ts";
import type { GateDecision, PipelineProgress } from "./pipeline.ts";
import { decideGate } from "./pipeline.ts";
import type { PipelineEnd, WorkflowPhaseChange } from "./ports.ts";
import type { Claim } from "./state.ts";

/**
 * The claim transitions of `phases:` workflows (B.phases), pure like the rest of the core: a
 * phase reported by the run, a run paused at an approval gate, a pipeline that ended, a gate
 * decision and the re-check of a waiting issue. The routing itself (which phase next, what a
 * verdict means) is in pipeline.ts; this file only moves claims.
 *
 * Contract for gate decisions (API, CLI, dashboard, ticket comments): feed
 * `{ type: "gate_decision", issue_id, decision, by }`; the step's `reply` is
 * `{ ok: true, status: "resumed" }` (the run is queued to continue at the next phase, or at the
 * `on_reject` phase with the reason as its `feedback`), `{ ok: true, status: "rejected" }` (no
 * attempts left: the issue is held as blocked and the ticket told why), or a `conflict` when the
 * issue is not waiting at a gate.
 */

/** How many characters of a gate's artifact go into the ticket comment (the API shows all of it). */
export const GATE_COMMENT_ARTIFACT_CHARS = 4000;

/**
 * True while the claim's current phase is a run phase: a deterministic command with its own
 * `timeout_ms` and no agent events, which stall detection must leave alone.
 */
export function inRunPhase(claim: Claim): boolean {
  const current = claim.pipeline?.current;
  if (!current) return false;
  return claim.pipeline!.pipeline.phases.some((phase) => phase.name === current && phase.kind === "run");
}

/** The progress an exit carries (null when it carries none). */
export function pipelineOfExit(exit: RunExit): PipelineProgress | null {
  return exit.kind === "awaiting_approval" || exit.kind === "pipeline_ended" ? exit.progress : null;
}

function cyclesUsed(progress: PipelineProgress): number {
  return Object.values(progress.cycles).reduce((sum, used) => sum + used, 0);
}

/** Saved before anything else happens, so a restart resumes after the last completed phase. */
export function workflowPhaseReported(
  t: Transition,
  id: string,
  runId: string,
  progress: PipelineProgress,
  change: WorkflowPhaseChange,
): void {
  const claim = runningClaim(t, id, runId);
  if (!claim) return;
  // A phase change is activity: the stall clock restarts (a run phase has no agent events).
  t.put(id, { ...claim, pipeline: progress, session: { ...claim.session, last_event_at_ms: t.now } });
  t.emit({
    type: "workflow_phase",
    at: t.at,
    ...refOf(id, claim),
    workflow_phase: change.phase,
    phase: change.phase,
    status: change.status,
    message: change.message,
    cycles: cyclesUsed(progress),
  });
}

/** The claim of a run that stopped to wait for a person: no agent, no slot, no retry; the workspace stays. */
export function awaitingApproval(claim: Claim): Claim {
  return {
    ...claim,
    status: "awaiting_approval",
    started_at_ms: null,
    stop_request: null,
    processes: [],
    handoff: null,
    tool_calls_in_flight: 0,
    due_at_ms: null,
    retry: null,
    blocked_at_ms: null,
  };
}

/**
 * The run stopped at an approval gate: the claim waits with no agent and no slot (only `running`
 * claims take slots), the workspace stays, and the ticket is told what awaits approval.
 */
export function pausedAtGate(t: Transition, id: string, claim: Claim): void {
  const waiting = claim.pipeline?.waiting;
  if (!waiting) return;
  t.put(id, awaitingApproval(claim));
  t.emit({
    type: "gate_waiting",
    at: t.at,
    ...refOf(id, claim),
    gate_id: waiting.gate_id,
    artifact: waiting.artifact,
  });
  t.effect({
    kind: "update_ticket",
    issue_id: id,
    identifier: claim.issue.identifier,
    purpose: "gate_waiting",
    comment: gateComment(claim.issue.identifier, waiting.gate_id, waiting.artifact),
    move_to_state: null,
  });
}

function gateComment(identifier: string, gateId: string, artifact: string | null): string {
  const shown =
    artifact === null
      ? "(no artifact)"
      : artifact.length > GATE_COMMENT_ARTIFACT_CHARS
        ? `${artifact.slice(0, GATE_COMMENT_ARTIFACT_CHARS)}\n[... shortened; the dashboard and GET /api/v1/${identifier} show all of it]`
        : artifact;
  return [
    `Baton: ${identifier} is waiting for approval at gate ${gateId}.`,
    "",
    shown,
    "",
    `Approve: \`baton approve ${identifier}\` (or the dashboard, or POST /api/v1/${identifier}/approve).`,
    `Reject: \`baton reject ${identifier} "reason"\` (the reason goes back to the phase that produced this).`,
    "Or reply with a comment whose first line is `/baton approve` or `/baton reject <reason>` (see approvals.approvers for who may).",
  ].join("\n");
}

/**
 * Every phase passed: the ticket gets `on_success` (state and comment) and the claim exits like a
 * normal run (a continuation retry re-checks the ticket), with the progress cleared so a ticket
 * still active later starts a new pipeline. A loop that ran out of cycles moves the ticket to its
 * `on_exhausted` state with a comment saying why and holds the issue as blocked (never retried
 * until the ticket changes).
 */
export function pipelineEnded(t: Transition, id: string, claim: Claim, end: PipelineEnd): void {
  const identifier = claim.issue.identifier;
  if (end.kind === "succeeded") {
    const moveTo = end.tracker?.state ?? null;
    t.emit({
      type: "pipeline_ended",
      at: t.at,
      ...refOf(id, claim),
      outcome: "succeeded",
      reason: null,
      move_to_state: moveTo,
    });
    if (end.tracker && (end.tracker.comment !== null || moveTo !== null)) {
      t.effect({
        kind: "update_ticket",
        issue_id: id,
        identifier,
        purpose: "pipeline_succeeded",
        comment: end.tracker.comment,
        move_to_state: moveTo,
      });
    }
    t.update({ completed: { ...t.state.completed, [id]: true } });
    t.completed.push(id);
    scheduleRetry(
      t,
      id,
      { ...claim, pipeline: null },
      {
        attempt: 1,
        kind: "continuation",
        cause: "continuation",
        error: null,
      },
    );
    return;
  }
  const moveTo = end.tracker.state;
  t.emit({
    type: "pipeline_ended",
    at: t.at,
    ...refOf(id, claim),
    outcome: "exhausted",
    reason: end.reason,
    move_to_state: moveTo,
  });
  t.effect({
    kind: "update_ticket",
    issue_id: id,
    identifier,
    purpose: "pipeline_exhausted",
    comment: [end.tracker.comment, `Baton: ${end.reason}.`].filter((line) => line !== null).join("\n\n"),
    move_to_state: moveTo,
  });
  holdBlocked(t, id, claim, {
    category: "pipeline_exhausted",
    message: end.reason,
    details: { phase: end.phase },
  });
}

function holdBlocked(t: Transition, id: string, claim: Claim, error: NonNullable<Claim["last_error"]>): void {
  t.put(id, {
    ...claim,
    status: "blocked",
    blocked_at_ms: t.now,
    started_at_ms: null,
    stop_request: null,
    processes: [],
    due_at_ms: null,
    retry: null,
    last_error: error,
  });
  t.emit({ type: "blocked", at: t.at, ...refOf(id, claim), error: `${error.category}: ${error.message}` });
}

/**
 * An approval or rejection of the waiting gate. Approved: the run is queued now (it takes a slot
 * when one is free) and resumes at the next phase. Rejected with attempts left: it resumes at the
 * gate's `on_reject` phase with the reason as that phase's `feedback`. Rejected with none left:
 * the ticket is told and the issue held as blocked.
 */
export function gateDecided(t: Transition, id: string, decision: GateDecision, by: string | null): void {
  const claim = t.claim(id);
  const progress = claim?.pipeline;
  if (claim?.status !== "awaiting_approval" || !progress?.waiting) {
    t.reply = { ok: false, code: "conflict", message: "issue is not waiting at an approval gate" };
    return;
  }
  const gateId = progress.waiting.gate_id;
  const decided = decideGate(progress, decision);
  t.emit({
    type: "gate_decided",
    at: t.at,
    ...refOf(id, claim),
    gate_id: gateId,
    decision: decision.kind,
    reason: decision.kind === "reject" ? decision.reason : null,
    by,
  });
  const next = { ...claim, pipeline: decided.progress };
  if (decided.outcome?.kind === "rejected") {
    const reason = decided.outcome.reason;
    t.emit({
      type: "pipeline_ended",
      at: t.at,
      ...refOf(id, claim),
      outcome: "rejected",
      reason,
      move_to_state: null,
    });
    t.effect({
      kind: "update_ticket",
      issue_id: id,
      identifier: claim.issue.identifier,
      purpose: "gate_rejected",
      comment: `Baton: the pipeline of ${claim.issue.identifier} stopped: ${reason}.`,
      move_to_state: null,
    });
    holdBlocked(t, id, next, { category: "gate_rejected", message: reason, details: { gate_id: gateId } });
    t.reply = { ok: true, status: "rejected" };
    return;
  }
  scheduleRetry(t, id, next, {
    attempt: 1,
    kind: "continuation",
    cause: "approval",
    error: null,
    delayMs: 0,
  });
  t.reply = { ok: true, status: "resumed" };
}

/** Each tick a waiting issue is re-read: kept while active, released (workspace removed if terminal) otherwise. */
export function awaitingRefreshed(t: Transition, id: string, fresh: Issue | undefined): void {
  const claim = t.claim(id);
  if (claim?.status !== "awaiting_approval") return;
  const action = recheckBlocked(fresh, t.config);
  if (action.kind === "stay") {
    if (JSON.stringify(action.issue) !== JSON.stringify(claim.issue))
      t.put(id, { ...claim, issue: action.issue });
    return;
  }
  if (action.cleanup)
    t.effect({ kind: "remove_workspace", issue_id: id, identifier: claim.issue.identifier });
  release(t, id, claim, action.reason);
}

export type GateDecisionInput = Extract<OrchestratorInput, { type: "gate_decision" }>;
