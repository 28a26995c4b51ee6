import type { Issue } from "@baton/domain";
import { isActiveStateIn, issueRoutable } from "@baton/orchestrator";

/** The config values that decide whether a worker keeps going after a turn (snapshotted at attempt start). */
export interface ContinuationRules {
  activeStates: readonly string[];
  terminalStates: readonly string[];
  requiredLabels: readonly string[];
  maxTurns: number;
}

/** Why the turn loop ended normally. */
export type TurnLoopStopReason = "issue_missing" | "issue_not_active" | "issue_not_routable" | "max_turns";

export type AfterTurnDecision =
  | { kind: "continue"; issue: Issue }
  | { kind: "stop"; reason: TurnLoopStopReason };

/**
 * What to do after turn `completedTurns` succeeded, given the issue as just re-read from the
 * tracker (undefined when the tracker no longer returns it). SPEC 16.5 / 7.1.
 */
export function decideAfterTurn(
  refreshed: Issue | undefined,
  completedTurns: number,
  rules: ContinuationRules,
): AfterTurnDecision {
  if (!refreshed) return { kind: "stop", reason: "issue_missing" };
  if (!isActiveStateIn(refreshed.state, rules.activeStates, rules.terminalStates))
    return { kind: "stop", reason: "issue_not_active" };
  if (!issueRoutable(refreshed, rules.requiredLabels)) return { kind: "stop", reason: "issue_not_routable" };
  if (completedTurns >= rules.maxTurns) return { kind: "stop", reason: "max_turns" };
  return { kind: "continue", issue: refreshed };
}

/**
 * The prompt for turn 2 onwards. The original task prompt is already in the thread history, so a
 * continuation turn only tells the agent where it stands (SPEC 7.1).
 */
export function continuationGuidance(issue: Issue, turn: number, maxTurns: number): string {
  return [
    "Continuation guidance:",
    "",
    `This is continuation turn #${turn} of ${maxTurns} for the current agent run.`,
    `The ticket ${issue.identifier} is still in state "${issue.state}" in the issue tracker.`,
    "Continue from the current workspace state: do not redo work that is already finished.",
    "Check what remains, finish it, and when the work is done move the ticket to its handoff state as your workflow describes.",
  ].join("\n");
}
