import type { TrackerComment } from "@baton/domain";

/**
 * The ticket-comment approval channel as pure functions: which comments are `/baton approve` or
 * `/baton reject <reason>` commands, whose author may give them, and which comment ids have been
 * dealt with (kept in the claim, so a command is applied once across polls and restarts).
 */

export type ApprovalCommand =
  | { decision: "approve"; note: string | null }
  | { decision: "reject"; reason: string };

/** Comments are read from this long before the gate started waiting: tracker clocks and ours differ. */
export const COMMENT_CLOCK_MARGIN_MS = 10_000;
/** Processed comment ids remembered per claim (the newest); older ones are before any gate that can still wait. */
export const PROCESSED_COMMENTS_LIMIT = 100;

const COMMAND = /^\/baton[ \t]+(approve|reject)\b(.*)$/i;

/**
 * The command a comment gives, or null when it gives none. Only the first non-blank line counts,
 * so a comment that quotes or explains the commands (Baton's own gate comment) is not one.
 * `/baton reject` needs a reason: the rest of the line plus the following lines.
 */
export function parseApprovalCommand(body: string): ApprovalCommand | { invalid: string } | null {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const first = lines.findIndex((line) => line.trim() !== "");
  if (first === -1) return null;
  const match = COMMAND.exec(lines[first]!.trim());
  if (!match) return null;
  const rest = [match[2]!, ...lines.slice(first + 1)].join("\n").trim();
  if (match[1]!.toLowerCase() === "approve") return { decision: "approve", note: rest === "" ? null : rest };
  if (rest === "") return { invalid: "/baton reject needs a reason: /baton reject <reason>" };
  return { decision: "reject", reason: rest };
}

export interface ApprovalPolicy {
  /** The tracker kind: on `local` the author text is trusted when no approver list is set. */
  trackerKind: string;
  /** `approvals.approvers`, lowercased; null when not configured. */
  approvers: readonly string[] | null;
}

/** Whether the author may approve; the reason when not. */
export function authorDecision(
  comment: TrackerComment,
  policy: ApprovalPolicy,
): { allowed: true } | { allowed: false; reason: string } {
  // The agent's tracker tool writes with Baton's credentials: such a comment must never approve.
  if (comment.by_baton) {
    return {
      allowed: false,
      reason: `author ${comment.author} is Baton's own identity (Baton or its agent)`,
    };
  }
  if (policy.approvers === null) {
    return policy.trackerKind === "local"
      ? { allowed: true }
      : {
          allowed: false,
          reason: `approvals.approvers is not set, so no ${policy.trackerKind} user may approve by comment`,
        };
  }
  const approvers = policy.approvers;
  return comment.author_keys.some((key) => approvers.includes(key))
    ? { allowed: true }
    : { allowed: false, reason: `author ${comment.author} is not in approvals.approvers` };
}

export interface CommentReading {
  /** The first allowed command among the new comments, to apply to the waiting gate. */
  command: (ApprovalCommand & { comment_id: string; by: string }) | null;
  /** Commands that were not applied, with why (logged once: their ids are processed too). */
  ignored: { comment_id: string; author: string; reason: string }[];
  /** The claim's processed ids after this reading (newest last, bounded). */
  processed: string[];
}

/**
 * Reads the comments of a ticket with a waiting gate: skips those already processed, applies the
 * first allowed command, and marks every comment read as processed (a second `/baton approve`
 * written for the same gate must not approve the next one).
 */
export function readApprovalComments(
  comments: readonly TrackerComment[],
  processed: readonly string[],
  policy: ApprovalPolicy,
): CommentReading {
  const done = new Set(processed);
  const fresh = comments.filter((comment) => !done.has(comment.id));
  let command: CommentReading["command"] = null;
  const ignored: CommentReading["ignored"] = [];
  for (const comment of fresh) {
    const parsed = parseApprovalCommand(comment.body);
    if (parsed === null) continue;
    const skip = (reason: string) => ignored.push({ comment_id: comment.id, author: comment.author, reason });
    if ("invalid" in parsed) {
      skip(parsed.invalid);
      continue;
    }
    const author = authorDecision(comment, policy);
    if (!author.allowed) skip(author.reason);
    else if (command !== null) skip("the gate was already decided by an earlier comment");
    else command = { ...parsed, comment_id: comment.id, by: comment.author };
  }
  return {
    command,
    ignored,
    processed: [...processed, ...fresh.map((comment) => comment.id)].slice(-PROCESSED_COMMENTS_LIMIT),
  };
}
