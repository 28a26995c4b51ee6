import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AgentPhase, Pipeline, RunPhase } from "@baton/domain";
import type { PipelineProgress, WorkflowPhaseChange } from "@baton/orchestrator";
import { completePhase, startPipeline } from "@baton/orchestrator";
import { MemoryTracker, makeIssue } from "@baton/tracker";
import { renderPrompt } from "@baton/workflow";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentSession, AgentSessionRequest, AttemptDeps, RunReport } from "../src/index.ts";
import { runAttempt, trackerGateway } from "../src/index.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function agentPhase(name: string, fields: Partial<AgentPhase> = {}): AgentPhase {
  return {
    name,
    kind: "agent",
    depends_on: [],
    output: null,
    loop: null,
    prompt: `${name} {{ issue.identifier }} cycle {{ workflow_phase.cycle }}{% if feedback %} Feedback: {{ feedback }}{% endif %}`,
    thread: "continue",
    max_turns: null,
    codex: {},
    verdict: null,
    ...fields,
  };
}

const VERDICT = { approved: "^VERDICT: APPROVED$", changes_requested: "^VERDICT: CHANGES_REQUESTED$" };

/** An attempt over a real temp workspace with fake agent sessions whose turns act on the files. */
async function harness(
  pipeline: Pipeline,
  turn: (phase: string, workspace: string, prompt: string) => Promise<void>,
) {
  const root = await mkdtemp(path.join(tmpdir(), "baton-phases-"));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const workspacePath = path.join(root, "MT-1");
  await mkdir(workspacePath);
  const issue = makeIssue({ id: "1", identifier: "MT-1", state: "Todo" });
  const tracker = new MemoryTracker([issue]);
  const sessions: {
    codex: Record<string, unknown> | undefined;
    phase: string | undefined;
    stopped: boolean;
  }[] = [];
  const prompts: string[] = [];
  const commands: string[] = [];
  const deps: AttemptDeps = {
    workspace: {
      prepare: async () => ({ path: workspacePath, createdNow: false }),
      runHook: async () => undefined,
      runCommand: async (_phase, command) => {
        commands.push(command);
        return { exitCode: 0, timedOut: false, output: `ran ${command}` };
      },
    },
    async startSession(request: AgentSessionRequest): Promise<AgentSession> {
      const record = { codex: request.codex, phase: request.workflowPhase, stopped: false };
      sessions.push(record);
      return {
        pid: null,
        runTurn: async ({ prompt }) => {
          prompts.push(prompt);
          await turn(record.phase!, workspacePath, prompt);
        },
        interrupt: async () => {},
        stop: async () => {
          record.stopped = true;
        },
      };
    },
    renderPrompt,
    promptTemplate: "unused with phases",
    tools: [],
    gateway: trackerGateway(tracker),
    activeStates: ["Todo"],
    terminalStates: ["Done"],
    requiredLabels: [],
    maxTurns: 3,
    pipeline: startPipeline(pipeline),
  };
  const reports: { progress: PipelineProgress; change: WorkflowPhaseChange }[] = [];
  const outcome = await runAttempt(
    { issue, attempt: null, run_id: "run-1" },
    deps,
    (report: RunReport) => {
      if (report.type === "workflow_phase")
        reports.push({ progress: report.progress, change: report.change });
    },
    new AbortController().signal,
  );
  return { outcome, sessions, prompts, commands, reports, workspacePath, deps };
}

describe("phase execution inside one attempt", () => {
  it("[B.phases-verdict][B.phases-thread][B.phases-review-loop] reads the verdict from the hand-off file (a stale one is removed first), gives a fresh reviewer its own session and codex settings, and sends CHANGES_REQUESTED back exactly once", async () => {
    const pipeline: Pipeline = {
      phases: [
        agentPhase("implement"),
        {
          name: "check",
          kind: "run",
          depends_on: ["implement"],
          output: null,
          loop: null,
          command: "make check",
          timeout_ms: 1000,
        } satisfies RunPhase,
        agentPhase("review", {
          depends_on: ["check"],
          thread: "fresh",
          output: ".baton/review.md",
          verdict: VERDICT,
          codex: { thread_sandbox: "read-only" },
          loop: { back_to: "implement", max_cycles: 2, on_exhausted: { state: "Rework", comment: null } },
        }),
      ],
      gates: [],
      on_success: { state: "Human Review", comment: "done" },
    };
    // A stale APPROVED review from an earlier cycle is in the workspace; this review writes nothing.
    const stale = await harness(pipeline, async (phase, workspace) => {
      if (phase !== "implement") return;
      await mkdir(path.join(workspace, ".baton"), { recursive: true });
      await writeFile(path.join(workspace, ".baton/review.md"), "VERDICT: APPROVED\n");
    });
    expect(stale.outcome).toMatchObject({ kind: "failed", error: { category: "workflow_phase_failed" } });
    expect(stale.reports.at(-1)?.change).toMatchObject({ phase: "review", status: "failed" });
    expect(stale.reports.at(-1)?.change.message).toContain(".baton/review.md has no verdict line");

    let reviews = 0;
    const again = await harness(pipeline, async (phase, workspace) => {
      if (phase !== "review") return;
      reviews += 1;
      await mkdir(path.join(workspace, ".baton"), { recursive: true });
      await writeFile(
        path.join(workspace, ".baton/review.md"),
        reviews === 1 ? "Needs tests.\nVERDICT: CHANGES_REQUESTED\n" : "Good.\nVERDICT: APPROVED\n",
      );
    });
    expect(again.outcome).toMatchObject({ kind: "pipeline_ended", outcome: { kind: "succeeded" } });
    expect(again.sessions.map((session) => [session.phase, session.codex])).toEqual([
      ["implement", {}],
      ["review", { thread_sandbox: "read-only" }],
      ["implement", {}],
      ["review", { thread_sandbox: "read-only" }],
    ]);
    expect(again.sessions.every((session) => session.stopped)).toBe(true);
    expect(again.commands).toEqual(["make check", "make check"]);
    expect(again.prompts[2]).toContain("Feedback: Phase review sent the work back (cycle 1 of 2)");
    expect(again.prompts[2]).toContain("Needs tests.");
    expect(again.prompts[2]).toContain("implement MT-1 cycle 1");
    expect(again.reports.map((report) => `${report.change.phase}:${report.change.status}`)).toEqual([
      "implement:started",
      "implement:passed",
      "check:started",
      "check:passed",
      "review:started",
      "review:sent_back",
      "implement:started",
      "implement:passed",
      "check:started",
      "check:passed",
      "review:started",
      "review:passed",
    ]);
    expect(again.reports.at(-1)?.progress.cycles).toEqual({ review: 1 });
  });

  it("[B.phases-restart-resume] resumes after the last completed phase and pauses at a gate with the artifact read from the workspace", async () => {
    const pipeline: Pipeline = {
      phases: [
        agentPhase("plan", { output: ".baton/plan.md" }),
        agentPhase("implement", { depends_on: ["plan"] }),
      ],
      gates: [
        {
          id: "after:plan",
          position: "after",
          phase: "plan",
          artifact: null,
          on_reject: { phase: "plan", max_attempts: 3 },
        },
      ],
      on_success: null,
    };
    const phasesRun: string[] = [];
    const run = await harness(pipeline, async (phase, workspace) => {
      phasesRun.push(phase);
      await mkdir(path.join(workspace, ".baton"), { recursive: true });
      await writeFile(path.join(workspace, ".baton/plan.md"), "1. do it\n");
    });
    expect(run.outcome.kind).toBe("awaiting_approval");
    if (run.outcome.kind !== "awaiting_approval") throw new Error("unreachable");
    expect(run.outcome.progress.waiting).toMatchObject({ gate_id: "after:plan", artifact: "1. do it\n" });
    expect(phasesRun).toEqual(["plan"]);
    expect(await readFile(path.join(run.workspacePath, ".baton/plan.md"), "utf8")).toBe("1. do it\n");

    // A saved progress with plan done and the gate passed resumes at implement.
    const resumed = {
      ...completePhase(startPipeline(pipeline), "plan", { exit_code: null, text: "1. do it\n" }).progress,
      approved_gates: ["after:plan"],
    };
    const deps = { ...run.deps, pipeline: resumed };
    phasesRun.length = 0;
    const outcome = await runAttempt(
      { issue: makeIssue({ id: "1", identifier: "MT-1", state: "Todo" }), attempt: 1, run_id: "run-2" },
      deps,
      () => {},
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({ kind: "pipeline_ended", outcome: { kind: "succeeded" } });
    expect(phasesRun).toEqual(["implement"]);
  });
});
