import type { Pipeline } from "@baton/domain";
import { describe, expect, it } from "vitest";
import type { OrchestratorInput, StepResult } from "../src/core.ts";
import { step } from "../src/core.ts";
import {
  awaitGate,
  beginPhase,
  completePhase,
  type PipelineProgress,
  startPipeline,
} from "../src/pipeline.ts";
import type { Claim, OrchestratorState } from "../src/state.ts";
import { CLAIM_DEFAULTS, emptyState, newSession } from "../src/state.ts";
import { issue, makeConfig, T0 } from "./helpers.ts";

const config = makeConfig();

const PIPELINE: Pipeline = {
  phases: [
    {
      name: "plan",
      kind: "agent",
      depends_on: [],
      output: ".baton/plan.md",
      loop: null,
      prompt: "Plan {{ issue.identifier }}",
      thread: "fresh",
      max_turns: null,
      codex: {},
      verdict: null,
    },
    {
      name: "implement",
      kind: "agent",
      depends_on: ["plan"],
      output: null,
      loop: null,
      prompt: "Implement",
      thread: "continue",
      max_turns: null,
      codex: {},
      verdict: null,
    },
  ],
  gates: [
    {
      id: "after:plan",
      position: "after",
      phase: "plan",
      artifact: ".baton/plan.md",
      on_reject: { phase: "plan", max_attempts: 1 },
    },
  ],
  on_success: { state: "Human Review", comment: "All phases passed." },
};

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function run(state: OrchestratorState, ...inputs: [OrchestratorInput, number][]): StepResult {
  let result: StepResult = { state, effects: [], events: [], changed: [], completed: [] };
  for (const [input, now] of inputs) result = step(deepFreeze(result.state), input, now, config);
  return result;
}

function running(id: string, pipeline: PipelineProgress | null): Claim {
  return {
    status: "running",
    issue: issue(id),
    run_id: `run-${id}`,
    attempt: null,
    started_at_ms: T0,
    stop_request: null,
    processes: [{ pid: 4242, command: "codex app-server" }],
    ...CLAIM_DEFAULTS,
    due_at_ms: null,
    retry: null,
    blocked_at_ms: null,
    last_error: null,
    workspace_path: `/ws/BAT-${id}`,
    session: newSession(),
    recent_events: [],
    pipeline,
  };
}

function withClaim(claim: Claim): OrchestratorState {
  return { ...emptyState(), claims: { [claim.issue.id]: claim } };
}

/** Plan done and the run paused at its gate, as the runner reports it. */
function planned(): PipelineProgress {
  const done = completePhase(beginPhase(startPipeline(PIPELINE), "plan"), "plan", {
    exit_code: null,
    text: "1. do it",
  });
  return awaitGate(done.progress, PIPELINE.gates[0]!, "1. do it", T0 + 5_000);
}

const paused = (id: string): OrchestratorInput => ({
  type: "run_exited",
  issue_id: id,
  run_id: `run-${id}`,
  exit: { kind: "awaiting_approval", progress: planned() },
});

describe("approval gates and workflow phases in the pure core", () => {
  it("[B.phases-progress-durable] a phase report saves the whole progress in the claim and logs the workflow phase", () => {
    const progress = beginPhase(startPipeline(PIPELINE), "plan");
    const result = run(withClaim(running("1", null)), [
      {
        type: "workflow_phase",
        issue_id: "1",
        run_id: "run-1",
        progress,
        change: { phase: "plan", status: "started", message: "agent phase started" },
      },
      T0 + 1_000,
    ]);
    expect(result.state.claims["1"]!.pipeline).toEqual(progress);
    expect(result.changed).toEqual(["1"]);
    expect(result.events).toMatchObject([
      { type: "workflow_phase", phase: "plan", status: "started", workflow_phase: "plan", cycles: 0 },
    ]);
    // Later events of the issue carry the phase it is in.
    const later = run(result.state, [
      {
        type: "agent_event",
        issue_id: "1",
        run_id: "run-1",
        event: { event: "notification", timestamp: "", summary: "x" } as never,
      },
      T0 + 2_000,
    ]);
    expect(later.events[0]).toMatchObject({ type: "agent_event", workflow_phase: "plan" });
  });

  it("[B.phases-gate-pause] a run at a gate waits as awaiting_approval: no slot, no process, workspace kept, the ticket shown the artifact", () => {
    const result = run(withClaim(running("1", null)), [paused("1"), T0 + 10_000]);
    const claim = result.state.claims["1"]!;
    expect(claim).toMatchObject({
      status: "awaiting_approval",
      processes: [],
      started_at_ms: null,
      workspace_path: "/ws/BAT-1",
      pipeline: { waiting: { gate_id: "after:plan", artifact: "1. do it" }, completed: ["plan"] },
    });
    expect(result.effects.map((effect) => effect.kind)).toEqual(["update_ticket"]);
    expect(result.effects[0]).toMatchObject({ purpose: "gate_waiting", move_to_state: null });
    expect((result.effects[0] as { comment: string }).comment).toContain("1. do it");
    expect((result.effects[0] as { comment: string }).comment).toContain("baton approve BAT-1");
    expect(result.events.map((event) => event.type)).toEqual(["worker_exited", "gate_waiting"]);
    // No slot held: a new candidate is dispatched with max_concurrent_agents = 1.
    const one = makeConfig({ agent: { max_concurrent_agents: 1 } });
    const other = step(
      result.state,
      { type: "dispatch", issue: issue("2"), run_id: "run-2" },
      T0 + 11_000,
      one,
    );
    expect(other.effects.map((effect) => effect.kind)).toEqual(["start_run"]);
    // Nothing fires on its own: no retry timer, and a restart keeps it waiting.
    const restarted = run(result.state, [{ type: "restarted", warnings: [] }, T0 + 60_000]);
    expect(restarted.state.claims["1"]!.status).toBe("awaiting_approval");
    expect(restarted.effects).toEqual([]);
    expect(restarted.events[0]).toMatchObject({
      type: "state_restored",
      awaiting_approval: 1,
      running_lost: 0,
    });
  });

  it("[B.phases-gate-approve] an approval queues the run now, resuming after the gate with the progress it saved", () => {
    const waiting = run(withClaim(running("1", null)), [paused("1"), T0 + 10_000]).state;
    const approved = run(waiting, [
      { type: "gate_decision", issue_id: "1", decision: { kind: "approve" }, by: "api" },
      T0 + 20_000,
    ]);
    expect(approved.reply).toEqual({ ok: true, status: "resumed" });
    const claim = approved.state.claims["1"]!;
    expect(claim).toMatchObject({
      status: "retry_queued",
      due_at_ms: T0 + 20_000,
      retry: { cause: "approval" },
    });
    expect(claim.pipeline).toMatchObject({
      approved_gates: ["after:plan"],
      waiting: null,
      completed: ["plan"],
    });
    expect(approved.events).toMatchObject([
      { type: "gate_decided", decision: "approve", by: "api", gate_id: "after:plan" },
      { type: "retry_scheduled", cause: "approval", delay_ms: 0 },
    ]);
    // The retry dispatches with the saved progress: the runner resumes at implement.
    const dispatched = run(approved.state, [
      {
        type: "retry_due",
        issue_id: "1",
        seq: claim.retry!.seq,
        refreshed: { issue: issue("1") },
        run_id: "run-1b",
      },
      T0 + 20_000,
    ]);
    expect(dispatched.effects).toContainEqual(
      expect.objectContaining({
        kind: "start_run",
        pipeline: expect.objectContaining({ approved_gates: ["after:plan"] }),
      }),
    );
    // A second decision is a conflict: nothing waits any more.
    const again = run(approved.state, [
      { type: "gate_decision", issue_id: "1", decision: { kind: "approve" }, by: null },
      T0 + 21_000,
    ]);
    expect(again.reply).toMatchObject({ ok: false, code: "conflict" });
  });

  it("[B.phases-gate-reject] a rejection sends its reason to the on_reject phase; past max_attempts the issue is held as blocked and the ticket told", () => {
    const waiting = run(withClaim(running("1", null)), [paused("1"), T0 + 10_000]).state;
    const rejected = run(waiting, [
      {
        type: "gate_decision",
        issue_id: "1",
        decision: { kind: "reject", reason: "split it in two" },
        by: "cli",
      },
      T0 + 20_000,
    ]);
    expect(rejected.reply).toEqual({ ok: true, status: "resumed" });
    const claim = rejected.state.claims["1"]!;
    expect(claim.status).toBe("retry_queued");
    expect(claim.pipeline?.completed).toEqual([]);
    expect(claim.pipeline?.feedback.plan).toContain("split it in two");

    // The redone plan pauses again; a second rejection has no attempts left (max_attempts 1).
    const redone = { ...claim, status: "running" as const, run_id: "run-1", pipeline: claim.pipeline };
    const again = run(
      { ...rejected.state, claims: { "1": redone } },
      [
        {
          type: "run_exited",
          issue_id: "1",
          run_id: "run-1",
          exit: {
            kind: "awaiting_approval",
            progress: awaitGate(
              completePhase(beginPhase(claim.pipeline!, "plan"), "plan", { exit_code: null, text: "v2" })
                .progress,
              PIPELINE.gates[0]!,
              "v2",
              T0 + 30_000,
            ),
          },
        },
        T0 + 30_000,
      ],
      [
        {
          type: "gate_decision",
          issue_id: "1",
          decision: { kind: "reject", reason: "still too big" },
          by: "cli",
        },
        T0 + 40_000,
      ],
    );
    expect(again.reply).toEqual({ ok: true, status: "rejected" });
    expect(again.state.claims["1"]).toMatchObject({
      status: "blocked",
      last_error: { category: "gate_rejected" },
    });
    expect(again.effects).toContainEqual(
      expect.objectContaining({ kind: "update_ticket", purpose: "gate_rejected" }),
    );
  });

  it("[B.phases-on-success] a pipeline that passed every phase moves the ticket and comments (on_success), then exits like a normal run", () => {
    const progress = {
      ...startPipeline(PIPELINE),
      completed: ["plan", "implement"],
      approved_gates: ["after:plan"],
    };
    const result = run(withClaim(running("1", progress)), [
      {
        type: "run_exited",
        issue_id: "1",
        run_id: "run-1",
        exit: {
          kind: "pipeline_ended",
          progress,
          outcome: { kind: "succeeded", tracker: PIPELINE.on_success },
        },
      },
      T0 + 10_000,
    ]);
    expect(result.effects).toContainEqual({
      kind: "update_ticket",
      issue_id: "1",
      identifier: "BAT-1",
      purpose: "pipeline_succeeded",
      comment: "All phases passed.",
      move_to_state: "Human Review",
    });
    expect(result.state.claims["1"]).toMatchObject({
      status: "retry_queued",
      pipeline: null,
      retry: { cause: "continuation" },
    });
    expect(result.completed).toEqual(["1"]);
  });

  it("[B.phases-loop-exhausted] exhausted cycles move the ticket to the configured state with a comment saying why, and hold the issue", () => {
    const progress = startPipeline(PIPELINE);
    const result = run(withClaim(running("1", progress)), [
      {
        type: "run_exited",
        issue_id: "1",
        run_id: "run-1",
        exit: {
          kind: "pipeline_ended",
          progress,
          outcome: {
            kind: "exhausted",
            phase: "review",
            tracker: { state: "Rework", comment: "Review keeps failing." },
            reason:
              "phase review still fails after 1 cycle(s) back to implement: the review requested changes",
          },
        },
      },
      T0 + 10_000,
    ]);
    expect(result.effects).toContainEqual(
      expect.objectContaining({
        kind: "update_ticket",
        purpose: "pipeline_exhausted",
        move_to_state: "Rework",
        comment: expect.stringContaining("still fails after 1 cycle(s)"),
      }),
    );
    expect(result.state.claims["1"]).toMatchObject({
      status: "blocked",
      last_error: { category: "pipeline_exhausted" },
    });
  });

  it("[B.phases-gate-pause] a waiting issue whose ticket leaves the active states is released (workspace removed when terminal)", () => {
    const waiting = run(withClaim(running("1", null)), [paused("1"), T0 + 10_000]).state;
    const kept = run(waiting, [
      { type: "awaiting_refreshed", issue_id: "1", issue: issue("1") },
      T0 + 20_000,
    ]);
    expect(kept.state.claims["1"]!.status).toBe("awaiting_approval");
    const done = run(waiting, [
      { type: "awaiting_refreshed", issue_id: "1", issue: issue("1", { state: "Done" }) },
      T0 + 20_000,
    ]);
    expect(done.state.claims["1"]).toBeUndefined();
    expect(done.effects).toContainEqual({ kind: "remove_workspace", issue_id: "1", identifier: "BAT-1" });
  });

  it("[B.phases-run-phase] stall detection leaves a run phase alone (it has its own timeout) and a phase change restarts the stall clock", () => {
    const stallConfig = makeConfig({ codex: { stall_timeout_ms: 60_000 } });
    const pipeline: Pipeline = {
      ...PIPELINE,
      phases: [
        ...PIPELINE.phases,
        {
          name: "test",
          kind: "run",
          depends_on: ["implement"],
          output: null,
          loop: null,
          command: "npm test",
          timeout_ms: 600_000,
        },
      ],
    };
    const testing = beginPhase({ ...startPipeline(pipeline), completed: ["plan", "implement"] }, "test");
    const reported = step(
      withClaim(running("1", null)),
      {
        type: "workflow_phase",
        issue_id: "1",
        run_id: "run-1",
        progress: testing,
        change: { phase: "test", status: "started", message: "run phase started" },
      },
      T0 + 50_000,
      stallConfig,
    );
    expect(reported.state.claims["1"]!.session.last_event_at_ms).toBe(T0 + 50_000);
    const quiet = step(reported.state, { type: "stall_check" }, T0 + 500_000, stallConfig);
    expect(quiet.effects).toEqual([]);
    // The same silence in an agent phase is a stall.
    const implementing = {
      ...reported.state.claims["1"]!,
      pipeline: beginPhase(startPipeline(pipeline), "plan"),
    };
    const stalled = step(withClaim(implementing), { type: "stall_check" }, T0 + 500_000, stallConfig);
    expect(stalled.effects.map((effect) => effect.kind)).toEqual(["cancel_run"]);
  });
});
