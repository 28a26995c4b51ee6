import type { TrackerComment } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { parseApprovalCommand, readApprovalComments } from "../src/approval-comments.ts";

function comment(id: string, body: string, author: string, keys = [author.toLowerCase()]): TrackerComment {
  // Locally Baton writes as `baton` and its agent's tool as `agent`; the adapters mark those.
  const byBaton = author === "agent" || author === "baton";
  return {
    id,
    body,
    author,
    author_keys: keys,
    created_at: `2026-05-01T10:00:0${id.length % 10}.000Z`,
    by_baton: byBaton,
  };
}

describe("ticket-comment approval commands", () => {
  it("[B.phases-approval-comment-command] reads /baton approve and /baton reject <reason> from the first non-blank line only", () => {
    expect(parseApprovalCommand("/baton approve")).toEqual({ decision: "approve", note: null });
    expect(parseApprovalCommand("\n  /Baton APPROVE looks good\n")).toEqual({
      decision: "approve",
      note: "looks good",
    });
    expect(parseApprovalCommand("/baton reject the plan skips tests\nAdd a test step.")).toEqual({
      decision: "reject",
      reason: "the plan skips tests\nAdd a test step.",
    });
    expect(parseApprovalCommand("/baton reject")).toEqual({
      invalid: "/baton reject needs a reason: /baton reject <reason>",
    });
    // Explaining or quoting the commands is not giving one.
    expect(
      parseApprovalCommand("Waiting for approval.\nReply /baton approve or /baton reject <reason>."),
    ).toBeNull();
    expect(parseApprovalCommand("> /baton approve")).toBeNull();
    expect(parseApprovalCommand("/batonapprove")).toBeNull();
    expect(parseApprovalCommand("/baton approved")).toBeNull();
  });

  it("[B.phases-approval-comment-authors] on Linear and GitHub applies only commands of configured approvers and reports the others", () => {
    const comments = [
      comment("1", "/baton approve", "mallory"),
      comment("2", "/baton approve", "Ada", ["ada@example.com", "user-1"]),
    ];
    const reading = readApprovalComments(comments, [], {
      trackerKind: "linear",
      approvers: ["ada@example.com"],
    });
    expect(reading.command).toEqual({ decision: "approve", note: null, comment_id: "2", by: "Ada" });
    expect(reading.ignored).toEqual([
      { comment_id: "1", author: "mallory", reason: "author mallory is not in approvals.approvers" },
    ]);
    // Written with Baton's own token (the agent's github_api tool uses it): never, even when listed.
    const own = { ...comment("3", "/baton approve", "baton-bot"), by_baton: true };
    expect(
      readApprovalComments([own], [], { trackerKind: "github", approvers: ["baton-bot"] }),
    ).toMatchObject({
      command: null,
      ignored: [{ reason: "author baton-bot is Baton's own identity (Baton or its agent)" }],
    });
    const unconfigured = readApprovalComments(comments, [], { trackerKind: "github", approvers: null });
    expect(unconfigured.command).toBeNull();
    expect(unconfigured.ignored.map((entry) => entry.reason)).toEqual([
      "approvals.approvers is not set, so no github user may approve by comment",
      "approvals.approvers is not set, so no github user may approve by comment",
    ]);
  });

  it("[B.phases-approval-comment-authors] on the local tracker trusts the file's authors, never Baton's or its agent's own comments", () => {
    const comments = [
      comment("1", "/baton approve", "agent"),
      comment("2", "/baton approve", "baton"),
      comment("3", "/baton reject needs a rollback plan", "ada"),
    ];
    const reading = readApprovalComments(comments, [], { trackerKind: "local", approvers: null });
    expect(reading.command).toEqual({
      decision: "reject",
      reason: "needs a rollback plan",
      comment_id: "3",
      by: "ada",
    });
    expect(reading.ignored.map((entry) => entry.author)).toEqual(["agent", "baton"]);
    const restricted = readApprovalComments(comments, [], { trackerKind: "local", approvers: ["grace"] });
    expect(restricted.command).toBeNull();
  });

  it("[B.phases-approval-comment-once] applies a command once: processed ids are skipped, and a second command for the same gate is not kept for the next", () => {
    const first = [comment("1", "hello", "ada"), comment("2", "/baton approve", "ada")];
    const reading = readApprovalComments(first, [], { trackerKind: "local", approvers: null });
    expect(reading.command?.comment_id).toBe("2");
    expect(reading.processed).toEqual(["1", "2"]);
    // The next poll (or a restarted Baton) sees the same comments plus a late duplicate.
    const again = readApprovalComments(
      [...first, comment("3", "/baton approve", "ada"), comment("4", "/baton approve", "ada")],
      reading.processed,
      { trackerKind: "local", approvers: null },
    );
    expect(again.command?.comment_id).toBe("3");
    expect(again.ignored).toEqual([
      { comment_id: "4", author: "ada", reason: "the gate was already decided by an earlier comment" },
    ]);
    expect(again.processed).toEqual(["1", "2", "3", "4"]);
    const bounded = readApprovalComments(
      Array.from({ length: 150 }, (_, n) => comment(`c${n}`, "chat", "ada")),
      [],
      { trackerKind: "local", approvers: null },
    );
    expect(bounded.processed).toHaveLength(100);
    expect(bounded.processed.at(-1)).toBe("c149");
  });
});
