import type { AgentRequest, ApprovalAnswer } from "@baton/domain";
import type { ApprovalCommand, CommentReading } from "./approval-comments.ts";
import type { Transition } from "./core.ts";
import { refOf, runningClaim, scheduleRetry } from "./core.ts";
import type { GateDecision } from "./pipeline.ts";
import type { AgentDecision, Claim, ClaimApproval } from "./state.ts";
import { awaitingApproval } from "./workflow-phases.ts";

/**
 * Claim transitions of the approval channels (B.phases approvals), pure like the rest of the core:
 * a Codex request waiting for a person (`approvals.agent_requests: gate`) and the ticket comments
 * read while a gate waits. A decision on an agent request goes to the live agent when it still
 * waits (`answer_agent` effect); otherwise the issue waits as `awaiting_approval` and the decision
 * resumes it on a fresh run whose prompt carries it.
 */

export const NO_APPROVAL: ClaimApproval = { agent_request: null, agent_decision: null, comments_read: [] };

export function approvalOf(claim: Claim): ClaimApproval {
  return claim.approval ?? NO_APPROVAL;
}

/** The gate id an agent request is shown under (events, logs, the API). */
export function agentGateId(request: AgentRequest): string {
  return `agent:${request.kind}`;
}

/** What a person sees of an agent request: the command and its directory, the diff, or the questions. */
export function agentRequestText(request: AgentRequest): string {
  const lines = [`The agent asks to ${request.summary}.`];
  if (request.reason) lines.push(`Reason: ${request.reason}`);
  if (request.command) lines.push(`Command: ${request.command}`);
  if (request.cwd) lines.push(`Directory: ${request.cwd}`);
  if (request.diff) lines.push("", "```diff", request.diff, "```");
  for (const question of request.questions) {
    const options = question.options.length > 0 ? ` (options: ${question.options.join(", ")})` : "";
    lines.push(`Question${question.header ? ` [${question.header}]` : ""}: ${question.question}${options}`);
  }
  return lines.join("\n");
}

/** The live agent started or stopped waiting for a person. */
export function agentRequestReported(
  t: Transition,
  id: string,
  runId: string,
  request: AgentRequest,
  waiting: boolean,
): void {
  const claim = runningClaim(t, id, runId);
  if (!claim) return;
  const approval = approvalOf(claim);
  if (!waiting) {
    if (approval.agent_request?.id === request.id)
      t.put(id, { ...claim, approval: { ...approval, agent_request: null } });
    return;
  }
  t.put(id, { ...claim, approval: { ...approval, agent_request: request } });
  const artifact = agentRequestText(request);
  t.emit({ type: "gate_waiting", at: t.at, ...refOf(id, claim), gate_id: agentGateId(request), artifact });
  t.effect({
    kind: "update_ticket",
    issue_id: id,
    identifier: claim.issue.identifier,
    purpose: "agent_request_waiting",
    comment: [
      `Baton: the agent working on ${claim.issue.identifier} waits for a decision.`,
      "",
      artifact,
      "",
      `Approve: \`baton approve ${claim.issue.identifier}\`, the dashboard, POST /api/v1/${claim.issue.identifier}/approve, or a comment \`/baton approve\`.`,
      `Reject: \`baton reject ${claim.issue.identifier} "reason"\` or a comment \`/baton reject <reason>\`.`,
    ].join("\n"),
    move_to_state: null,
  });
}

/**
 * The run ended while its agent's request was unanswered (its wait ran out, or Baton restarted):
 * the issue waits with no agent and no slot, unless the answer came meanwhile, which resumes it now.
 */
export function agentRunGone(t: Transition, id: string, claim: Claim, request: AgentRequest): void {
  const approval = approvalOf(claim);
  if (approval.agent_decision !== null) {
    resumeWithDecision(t, id, { ...claim, approval: { ...approval, agent_request: null } });
    return;
  }
  t.put(id, { ...awaitingApproval(claim), approval: { ...approval, agent_request: request } });
}

/** A decision on the agent's waiting request: to the live agent, or to the next run's prompt. */
export function agentGateDecided(
  t: Transition,
  id: string,
  claim: Claim,
  request: AgentRequest,
  decision: GateDecision,
  by: string | null,
): void {
  const answer: ApprovalAnswer =
    decision.kind === "approve"
      ? { decision: "approve", note: decision.note ?? null }
      : { decision: "reject", reason: decision.reason };
  t.emit({
    type: "gate_decided",
    at: t.at,
    ...refOf(id, claim),
    gate_id: agentGateId(request),
    decision: decision.kind,
    reason: decision.kind === "reject" ? decision.reason : null,
    by,
  });
  const agentDecision: AgentDecision = { request, answer, by };
  const approval: ClaimApproval = {
    ...approvalOf(claim),
    agent_request: null,
    agent_decision: agentDecision,
  };
  t.reply = { ok: true, status: "resumed" };
  if (claim.status === "running") {
    // Kept until the run confirms delivery: if the agent no longer waits, the next run gets it.
    t.put(id, { ...claim, approval });
    t.effect({ kind: "answer_agent", issue_id: id, run_id: claim.run_id, request_id: request.id, answer });
    return;
  }
  resumeWithDecision(t, id, { ...claim, approval });
}

function resumeWithDecision(t: Transition, id: string, claim: Claim): void {
  scheduleRetry(t, id, claim, {
    attempt: 1,
    kind: "continuation",
    cause: "approval",
    error: null,
    delayMs: 0,
  });
}

/** The live agent received the answer: nothing is left for a later prompt. */
export function agentAnswerDelivered(t: Transition, id: string, runId: string, requestId: string): void {
  const claim = runningClaim(t, id, runId);
  const approval = claim ? approvalOf(claim) : null;
  if (!claim || approval?.agent_decision?.request.id !== requestId) return;
  t.put(id, { ...claim, approval: { ...approval, agent_decision: null } });
}

/** The decision a starting run's prompt must carry; taken out of the claim as the run starts. */
export function takeAgentDecision(claim: Claim | undefined): AgentDecision | null {
  return claim?.approval?.agent_decision ?? null;
}

/** A gate decision from a ticket comment's command. */
export function commandDecision(command: ApprovalCommand): GateDecision {
  return command.decision === "approve"
    ? { kind: "approve", ...(command.note === null ? {} : { note: command.note }) }
    : { kind: "reject", reason: command.reason };
}

/** Records the comments read (and reports ignored commands); the caller then applies the command, if any. */
export function commentsRead(t: Transition, id: string, reading: CommentReading): Claim | undefined {
  const claim = t.claim(id);
  if (!claim) return undefined;
  for (const ignored of reading.ignored) {
    t.emit({ type: "approval_comment_ignored", at: t.at, ...refOf(id, claim), ...ignored });
  }
  const next = { ...claim, approval: { ...approvalOf(claim), comments_read: reading.processed } };
  t.put(id, next);
  return next;
}
