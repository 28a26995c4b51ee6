import type { Pipeline } from "@baton/domain";
import { describe, expect, it } from "vitest";
import {
  awaitGate,
  completePhase,
  decideGate,
  nextStep,
  type PipelineProgress,
  parseVerdict,
  phasePromptContext,
  startPipeline,
} from "../src/index.ts";

const VERDICT = {
  approved: "^VERDICT:\\s*APPROVED\\s*$",
  changes_requested: "^VERDICT:\\s*CHANGES_REQUESTED\\s*$",
};

/** The demo's shape: plan (gated) → implement → test → review with a fix loop. */
const PIPELINE: Pipeline = {
  phases: [
    agent("plan", [], { output: ".baton/plan.md" }),
    agent("implement", ["plan"]),
    {
      name: "test",
      kind: "run",
      depends_on: ["implement"],
      output: null,
      command: "npm test",
      timeout_ms: 1000,
      loop: { back_to: "implement", max_cycles: 2, on_exhausted: { state: "Blocked", comment: null } },
    },
    agent("review", ["test"], {
      output: ".baton/review.md",
      thread: "fresh",
      verdict: VERDICT,
      loop: {
        back_to: "implement",
        max_cycles: 1,
        on_exhausted: { state: "Human Review", comment: "needs a person" },
      },
    }),
  ],
  gates: [
    {
      id: "after:plan",
      position: "after",
      phase: "plan",
      artifact: ".baton/plan.md",
      on_reject: { phase: "plan", max_attempts: 2 },
    },
  ],
  on_success: { state: "Human Review", comment: "done" },
};

function agent(name: string, depends_on: string[], extra: Partial<Pipeline["phases"][number]> = {}) {
  return {
    name,
    kind: "agent" as const,
    depends_on,
    output: null,
    loop: null,
    prompt: name,
    thread: "continue" as const,
    max_turns: null,
    codex: {},
    verdict: null,
    ...extra,
  } as Pipeline["phases"][number];
}

function nextName(progress: PipelineProgress): string {
  const step = nextStep(progress);
  if (step.kind === "run_phase") return step.phase.name;
  if (step.kind === "await_gate") return `gate ${step.gate.id}`;
  return `finished ${step.outcome.kind}`;
}

function pass(
  progress: PipelineProgress,
  name: string,
  text: string | null = null,
  exit_code: number | null = null,
) {
  const result = completePhase(progress, name, { text, exit_code });
  expect(result.outcome).toBeNull();
  return result.progress;
}

function approvedPlan(): PipelineProgress {
  let progress = pass(startPipeline(PIPELINE), "plan", "the plan");
  progress = awaitGate(progress, PIPELINE.gates[0]!, "the plan", 1000);
  return decideGate(progress, { kind: "approve" }).progress;
}

describe("phase routing (pure)", () => {
  it("[B.phases-routing] runs phases in order, pausing at the gate after plan until it is approved", () => {
    let progress = startPipeline(PIPELINE);
    expect(nextName(progress)).toBe("plan");
    progress = pass(progress, "plan", "the plan");
    expect(nextName(progress)).toBe("gate after:plan");
    progress = awaitGate(progress, PIPELINE.gates[0]!, "the plan", 1000);
    expect(progress.waiting).toEqual({ gate_id: "after:plan", artifact: "the plan", since_ms: 1000 });
    progress = decideGate(progress, { kind: "approve" }).progress;
    expect(progress.waiting).toBeNull();
    expect(nextName(progress)).toBe("implement");
    progress = pass(progress, "implement");
    progress = pass(progress, "test", "ok", 0);
    progress = pass(progress, "review", "Looks good.\nVERDICT: APPROVED\n");
    expect(nextStep(progress)).toEqual({
      kind: "finished",
      outcome: { kind: "succeeded", tracker: { state: "Human Review", comment: "done" } },
    });
    // Plain data: what the claim saves and a restart reloads.
    expect(JSON.parse(JSON.stringify(progress))).toEqual(progress);
  });

  it("[B.phases-restart-resume] resumes after the last completed phase, never repeating a finished one", () => {
    let progress = pass(approvedPlan(), "implement");
    const reloaded: PipelineProgress = JSON.parse(JSON.stringify(progress));
    expect(nextName(reloaded)).toBe("test");
    progress = pass(reloaded, "test", "ok", 0);
    expect(progress.completed).toEqual(["plan", "implement", "test"]);
  });

  it("[B.phases-gate-reject] a rejection's reason goes back to the producing phase, up to max_attempts", () => {
    let progress = pass(startPipeline(PIPELINE), "plan", "plan v1");
    progress = awaitGate(progress, PIPELINE.gates[0]!, "plan v1", 1);
    const first = decideGate(progress, { kind: "reject", reason: "also cover the API" });
    expect(first.outcome).toBeNull();
    expect(nextName(first.progress)).toBe("plan");
    const context = phasePromptContext(first.progress, PIPELINE.phases[0]!);
    expect(context.feedback).toMatch(/rejection 1 of at most 2\): also cover the API$/);
    expect(context.outputs).toEqual({ plan: { text: "plan v1", exit_code: null, verdict: null } });

    progress = pass(first.progress, "plan", "plan v2");
    expect(progress.feedback).toEqual({});
    progress = awaitGate(progress, PIPELINE.gates[0]!, "plan v2", 2);
    progress = decideGate(progress, { kind: "reject", reason: "still no" }).progress;
    progress = awaitGate(pass(progress, "plan", "plan v3"), PIPELINE.gates[0]!, "plan v3", 3);
    expect(decideGate(progress, { kind: "reject", reason: "no" }).outcome).toEqual({
      kind: "rejected",
      gate_id: "after:plan",
      reason: "rejected 3 times at gate after:plan (at most 2 attempts): no",
    });
  });

  it("[B.phases-run-phase] a failing run phase sends the work back with its output, counting cycles", () => {
    let progress = pass(approvedPlan(), "implement");
    const failed = completePhase(progress, "test", { text: "1 test failed: add()", exit_code: 1 });
    expect(failed.outcome).toBeNull();
    progress = failed.progress;
    expect(nextName(progress)).toBe("implement");
    expect(progress.cycles).toEqual({ test: 1 });
    expect(progress.completed).toEqual(["plan"]);
    expect(phasePromptContext(progress, PIPELINE.phases[1]!)).toMatchObject({
      workflow_phase: { name: "implement", kind: "agent", cycle: 1 },
      feedback: expect.stringContaining("`npm test` exited with code 1.\n\n1 test failed: add()"),
    });
    // The gate after plan stays passed: plan does not depend on implement.
    expect(progress.approved_gates).toEqual(["after:plan"]);
    progress = pass(progress, "implement");
    progress = completePhase(progress, "test", { text: "x", exit_code: 1 }).progress;
    progress = pass(progress, "implement");
    const exhausted = completePhase(progress, "test", { text: "x", exit_code: null });
    expect(exhausted.outcome).toEqual({
      kind: "exhausted",
      phase: "test",
      tracker: { state: "Blocked", comment: null },
      reason:
        "phase test still fails after 2 cycle(s) back to implement: the command `npm test` exited with code none (timed out)",
    });
  });

  it("[B.phases-review-loop] CHANGES_REQUESTED triggers exactly one fix cycle, then APPROVED moves on", () => {
    let progress = pass(pass(approvedPlan(), "implement"), "test", "", 0);
    progress = completePhase(progress, "review", {
      text: "Missing a test.\nVERDICT: CHANGES_REQUESTED",
      exit_code: null,
    }).progress;
    expect(progress.outputs.review?.verdict).toBe("changes_requested");
    expect(nextName(progress)).toBe("implement");
    expect(progress.feedback.implement).toContain("Missing a test.");
    progress = pass(pass(pass(progress, "implement"), "test", "", 0), "review", "VERDICT: APPROVED");
    expect(nextName(progress)).toBe("finished succeeded");
    expect(progress.cycles).toEqual({ review: 1 });
  });

  it("[B.phases-loop-exhausted] exhausted review cycles end in the configured state and comment", () => {
    let progress = pass(pass(approvedPlan(), "implement"), "test", "", 0);
    progress = completePhase(progress, "review", {
      text: "VERDICT: CHANGES_REQUESTED",
      exit_code: null,
    }).progress;
    progress = pass(pass(progress, "implement"), "test", "", 0);
    const result = completePhase(progress, "review", { text: "VERDICT: CHANGES_REQUESTED", exit_code: null });
    expect(result.outcome).toMatchObject({
      kind: "exhausted",
      phase: "review",
      tracker: { state: "Human Review", comment: "needs a person" },
    });
  });

  it("[B.phases-verdict] reads the verdict by code: the last verdict line wins, none is a failure", () => {
    expect(parseVerdict(VERDICT, "VERDICT: CHANGES_REQUESTED\nfixed\nVERDICT: APPROVED")).toBe("approved");
    expect(parseVerdict(VERDICT, "I'd say VERDICT: APPROVED")).toBeNull();
    const progress = pass(pass(approvedPlan(), "implement"), "test", "", 0);
    expect(completePhase(progress, "review", { text: "looks fine", exit_code: null }).outcome).toEqual({
      kind: "failed",
      phase: "review",
      reason: "phase review failed: .baton/review.md has no verdict line",
    });
  });
});
