import type { AgentRequest } from "@baton/domain";
import { BatonError } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { harness, issue, JsonMemoryStore, makeConfig, T0 } from "./helpers.ts";

/** Codex approval requests as gates in the orchestrator (approvals.agent_requests: gate). */

const request: AgentRequest = {
  id: "item/commandExecution/requestApproval#0",
  kind: "command",
  method: "item/commandExecution/requestApproval",
  summary: "run `touch escalated.txt`",
  command: "touch escalated.txt",
  cwd: "/ws/1",
  reason: "it writes outside the sandbox",
  diff: null,
  questions: [],
  asked_at: new Date(T0 + 1000).toISOString(),
};

const approvers = { ...makeConfig(), approvals: { approvers: ["ada"] } };

function unanswered(): BatonError {
  return new BatonError("agent_request_unanswered", "nobody answered", { agent_request: request });
}

describe("an agent request waiting for a person", () => {
  it("[B.phases-approval-agent-gate] is shown while the live agent waits, and an approval from the API reaches that agent", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    const run = h.executor.lastRun("1");
    run.reporter.agentRequest?.(request, true);
    await h.settle();
    expect(h.orchestrator.snapshot().running[0]?.agent_request).toEqual(request);
    expect(h.orchestrator.issueDetail("BAT-1")?.agent_request).toEqual(request);
    expect(h.eventsOf("gate_waiting")).toMatchObject([{ gate_id: "agent:command" }]);
    expect(h.eventsOf("gate_waiting")[0]?.artifact).toContain("Command: touch escalated.txt");

    expect(await h.orchestrator.approveGate("BAT-1", "api")).toMatchObject({ ok: true, status: "resumed" });
    await h.settle();
    expect(run.answers).toEqual([{ requestId: request.id, answer: { decision: "approve", note: null } }]);
    expect(run.cancelReason).toBeNull();
    expect(h.orchestrator.snapshot().running[0]?.agent_request).toBeUndefined();
    expect(h.eventsOf("gate_decided")).toMatchObject([
      { gate_id: "agent:command", decision: "approve", by: "api" },
    ]);
    // Delivered: nothing is kept for a later prompt, and a second decision has nothing to decide.
    run.reporter.agentRequest?.(request, false);
    run.succeed();
    await h.settle();
    await h.advance(1000);
    expect(h.executor.runsFor("1").at(-1)?.request.agent_decision ?? null).toBeNull();
    expect(await h.orchestrator.approveGate("BAT-1")).toMatchObject({ ok: false, code: "conflict" });
  });

  it("[B.phases-approval-agent-resume] once the run is gone the issue waits without a slot, and the decision resumes it on a fresh run that is told", async () => {
    const h = harness({ issues: [issue("1")], config: makeConfig({ agent: { max_concurrent_agents: 1 } }) });
    await h.start();
    const first = h.executor.lastRun("1");
    first.reporter.agentRequest?.(request, true);
    first.finish({ kind: "blocked", error: unanswered() });
    await h.settle();
    const view = h.orchestrator.snapshot();
    expect(view.running).toHaveLength(0);
    expect(view.awaiting_approval).toMatchObject([
      { issue_identifier: "BAT-1", gate_id: "agent:command", pipeline: null, agent_request: request },
    ]);
    expect(view.blocked).toHaveLength(0);

    expect(await h.orchestrator.rejectGate("BAT-1", "not outside the sandbox", "ada")).toMatchObject({
      ok: true,
      status: "resumed",
    });
    await h.advance(0);
    const second = h.executor.lastRun("1");
    expect(second).not.toBe(first);
    expect(second.request.agent_decision).toEqual({
      request,
      answer: { decision: "reject", reason: "not outside the sandbox" },
      by: "ada",
    });
    expect(h.orchestrator.issueDetail("BAT-1")?.agent_request).toBeNull();
  });

  it("[B.phases-approval-agent-gate] an approval's note is the answer an agent that asked a question gets", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    const run = h.executor.lastRun("1");
    const question: AgentRequest = {
      ...request,
      id: "item/tool/requestUserInput#3",
      kind: "user_input",
      method: "item/tool/requestUserInput",
      summary: "answer: Touch the API too?",
      command: null,
      questions: [{ id: "q1", header: null, question: "Touch the API too?", options: ["Yes", "No"] }],
    };
    run.reporter.agentRequest?.(question, true);
    await h.orchestrator.approveGate("BAT-1", "api", "No, only the page");
    await h.settle();
    expect(run.answers).toEqual([
      { requestId: question.id, answer: { decision: "approve", note: "No, only the page" } },
    ]);
    expect(h.eventsOf("gate_waiting")[0]?.artifact).toContain(
      "Question: Touch the API too? (options: Yes, No)",
    );
  });

  it("[B.phases-approval-agent-resume] an answer the live agent no longer waited for goes to the next run", async () => {
    const h = harness({ issues: [issue("1")] });
    await h.start();
    const run = h.executor.lastRun("1");
    run.agentWaits = false;
    run.reporter.agentRequest?.(request, true);
    await h.orchestrator.approveGate("BAT-1", "api");
    await h.settle();
    run.finish({ kind: "blocked", error: unanswered() });
    await h.settle();
    await h.advance(0);
    expect(h.executor.lastRun("1").request.agent_decision).toMatchObject({
      answer: { decision: "approve" },
      by: "api",
    });
  });

  it("[B.phases-approval-agent-restart] a restart while the agent waited keeps the issue waiting (no retry), and the answer resumes it", async () => {
    const store = new JsonMemoryStore();
    const first = harness({ issues: [issue("1")], store });
    await first.start();
    first.executor.lastRun("1").reporter.agentRequest?.(request, true);
    await first.settle();
    // Baton dies here.
    const second = harness({ store, clock: first.clock, tracker: first.tracker });
    await second.start();
    expect(second.executor.runs).toHaveLength(0);
    expect(second.orchestrator.snapshot().awaiting_approval).toMatchObject([{ agent_request: request }]);
    await second.tick();
    expect(second.executor.runs).toHaveLength(0);
    await second.orchestrator.approveGate("BAT-1", "cli");
    await second.advance(0);
    expect(second.executor.lastRun("1").request.agent_decision).toMatchObject({ request, by: "cli" });
  });
});

describe("ticket comments on an issue with a waiting gate", () => {
  it("[B.phases-approval-comment-poll][B.phases-approval-comment-once] reads comments only while a gate waits, applies an approver's command once and reports others once, across restarts", async () => {
    const store = new JsonMemoryStore();
    const first = harness({ issues: [issue("1"), issue("2")], store, config: approvers });
    const at = (ms: number) => new Date(T0 + ms).toISOString();
    let reads = 0;
    const read = first.tracker.fetchCommentsSince.bind(first.tracker);
    first.tracker.fetchCommentsSince = (id, since) => {
      reads += 1;
      return read(id, since);
    };
    // Written for an earlier gate, long before this one: never applied to it.
    first.tracker.comment("1", "ada", "/baton approve", at(-60_000));
    await first.start();
    await first.tick();
    expect(reads).toBe(0);
    first.executor.lastRun("1").reporter.agentRequest?.(request, true);
    first.executor.lastRun("1").finish({ kind: "blocked", error: unanswered() });
    await first.settle();
    first.tracker.comment("1", "mallory", "/baton approve", at(2000));
    await first.tick();
    await first.tick();
    expect(reads).toBe(2);
    expect(first.eventsOf("approval_comment_ignored")).toMatchObject([
      { issue_id: "1", author: "mallory", reason: "author mallory is not in approvals.approvers" },
    ]);
    expect(first.orchestrator.snapshot().awaiting_approval).toHaveLength(1);

    // A restarted Baton remembers which comments it read: mallory is not reported again.
    const second = harness({ store, clock: first.clock, tracker: first.tracker, config: approvers });
    await second.start();
    await second.tick();
    expect(second.eventsOf("approval_comment_ignored")).toHaveLength(0);
    first.tracker.comment("1", "Ada", "/baton reject use the workspace instead", at(3000));
    await second.tick();
    await second.advance(0);
    expect(second.executor.lastRun("1").request.agent_decision).toEqual({
      request,
      answer: { decision: "reject", reason: "use the workspace instead" },
      by: "Ada",
    });
    expect(second.eventsOf("gate_decided")).toMatchObject([{ decision: "reject", by: "Ada" }]);
    await second.tick();
    expect(second.eventsOf("gate_decided")).toHaveLength(1);
  });
});
