import { type BatonError, isBatonError } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { neverMatches, parseWorkflow, resolveConfig, type ServiceConfig } from "../src/index.ts";
import { testEnv, testProfiles } from "./support.ts";

const LINEAR = "tracker:\n  kind: linear\n  provider:\n    project_slug: web-app";

function resolveYaml(frontMatter: string): ServiceConfig {
  const definition = parseWorkflow(`---\n${LINEAR}\n${frontMatter}\n---\nprompt`, "/repo/WORKFLOW.md");
  return resolveConfig(definition, { env: testEnv, trackerProfiles: testProfiles });
}

function problemsOf(frontMatter: string): string[] {
  try {
    resolveYaml(frontMatter);
  } catch (error) {
    if (isBatonError(error)) return (error as BatonError).details.problems as string[];
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

const THREE_PHASES = `
phases:
  - name: plan
    kind: agent
    prompt: "Plan {{ issue.identifier }}"
    output: .baton/plan.md
    thread: fresh
    codex: { thread_sandbox: read-only }
  - name: implement
    kind: agent
    prompt: "Implement {{ outputs.plan.text }}"
    max_turns: 5
  - name: test
    kind: run
    command: pnpm test
    timeout_ms: 60000
    loop: { back_to: implement, max_cycles: 3, on_exhausted: { state: Blocked, comment: "tests keep failing" } }
  - name: review
    kind: agent
    prompt: "Review"
    thread: fresh
    output: .baton/review.md
    verdict: {}
    loop: { back_to: implement, max_cycles: 2, on_exhausted: { state: Human Review } }
gates:
  - after: plan
on_success: { state: Human Review, comment: "All phases passed." }
`;

describe("phases: the pipeline in WORKFLOW.md", () => {
  it("[B.phases-no-phases-unchanged] a workflow without phases: has no pipeline", () => {
    expect(resolveYaml("").phases).toBeNull();
  });

  it("[B.phases-schema] reads an ordered list with every key and its defaults", () => {
    const pipeline = resolveYaml(THREE_PHASES).phases!;
    expect(pipeline.phases.map((phase) => [phase.name, phase.depends_on])).toEqual([
      ["plan", []],
      ["implement", ["plan"]],
      ["test", ["implement"]],
      ["review", ["test"]],
    ]);
    expect(pipeline.phases[0]).toMatchObject({
      kind: "agent",
      thread: "fresh",
      output: ".baton/plan.md",
      codex: { thread_sandbox: "read-only" },
      max_turns: null,
      verdict: null,
      loop: null,
    });
    expect(pipeline.phases[1]).toMatchObject({ thread: "continue", max_turns: 5 });
    expect(pipeline.phases[2]).toMatchObject({
      kind: "run",
      command: "pnpm test",
      timeout_ms: 60000,
      loop: {
        back_to: "implement",
        max_cycles: 3,
        on_exhausted: { state: "Blocked", comment: "tests keep failing" },
      },
    });
    expect(pipeline.phases[3]).toMatchObject({
      verdict: {
        approved: "^VERDICT:\\s*APPROVED\\s*$",
        changes_requested: "^VERDICT:\\s*CHANGES_REQUESTED\\s*$",
      },
      loop: { max_cycles: 2, on_exhausted: { state: "Human Review", comment: null } },
    });
    expect(pipeline.gates).toEqual([
      {
        id: "after:plan",
        position: "after",
        phase: "plan",
        artifact: ".baton/plan.md",
        on_reject: { phase: "plan", max_attempts: 3 },
      },
    ]);
    expect(pipeline.on_success).toEqual({ state: "Human Review", comment: "All phases passed." });
    expect(resolveYaml(THREE_PHASES).warnings).toEqual([]);
  });

  it("[B.phases-schema] orders a DAG by depends_on, keeping file order between independent phases", () => {
    const pipeline = resolveYaml(`
phases:
  - { name: review, kind: agent, prompt: r, depends_on: [lint, build] }
  - { name: lint, kind: run, command: lint, depends_on: [implement] }
  - { name: implement, kind: agent, prompt: i }
  - { name: build, kind: run, command: build, depends_on: [implement] }
`).phases!;
    expect(pipeline.phases.map((phase) => phase.name)).toEqual(["implement", "lint", "build", "review"]);
  });

  it("[B.phases-validation] names the phase and field of unknown references, cycles and missing gate phases", () => {
    expect(
      problemsOf(`
phases:
  - { name: a, kind: agent, prompt: x, depends_on: [b] }
  - { name: b, kind: agent, prompt: x, depends_on: [a] }
`),
    ).toEqual(["phases.depends_on forms a cycle among a, b; phases must form a DAG (use loop: to go back)"]);
    expect(problemsOf("phases:\n  - { name: a, kind: agent, prompt: x, depends_on: [nope] }")).toEqual([
      'phases[0] (a).depends_on names "nope", which is not a phase (phases: a)',
    ]);
    expect(
      problemsOf(`
phases:
  - { name: a, kind: agent, prompt: x }
  - { name: b, kind: run, command: t, loop: { back_to: c } }
  - { name: c, kind: agent, prompt: x }
gates:
  - { after: plan }
  - { before: a, on_reject: { phase: ghost } }
`),
    ).toEqual([
      'phases[1] (b).loop.back_to names "c", which does not come before b (a loop can only go back to a phase it depends on)',
      'gates[0].after names "plan", which is not a phase (phases: a, b, c)',
      'gates[1].on_reject.phase names "ghost", which is not a phase (phases: a, b, c)',
    ]);
  });

  it("[B.phases-validation] rejects wrong kinds, keys, prompts and loops, each under its phase", () => {
    expect(
      problemsOf(`
phases:
  - { name: Plan, kind: agent, prompt: x }
  - { name: plan, kind: script }
  - { name: impl, kind: agent, prompt: "{{ issue.title | nosuch }}", thread: shared, commnd: x }
  - { name: test, kind: run }
  - { name: review, kind: agent, prompt: x, loop: { back_to: impl } }
  - { name: impl, kind: run, command: x }
`),
    ).toEqual([
      'phases[0].name must be a lowercase identifier (letters, digits, _), got "Plan"',
      'phases[1] (plan).kind must be agent or run, got "script"',
      "phases[2] (impl).commnd is not a key of a agent phase (keys: name, kind, depends_on, output, loop, prompt, thread, max_turns, codex, verdict)",
      'phases[2] (impl).thread must be fresh or continue, got "shared"',
      expect.stringMatching(/^phases\[2\] \(impl\)\.prompt is not a valid template: .*nosuch/),
      "phases[3] (test).command must be a non-empty string, got nothing",
      "phases[4] (review).loop needs a verdict: on an agent phase (the loop goes back on CHANGES_REQUESTED)",
      'phases[5].name "impl" is used by an earlier phase; names must be unique',
    ]);
  });

  it("[B.phases-validation] rejects verdict patterns that can never match, or cannot be told apart", () => {
    expect(
      problemsOf(`
phases:
  - { name: impl, kind: agent, prompt: x }
  - name: review
    kind: agent
    prompt: x
    output: .baton/review.md
    verdict: { approved: "VERDICT:$ APPROVED", changes_requested: "(" }
    loop: { back_to: impl }
  - name: again
    kind: agent
    prompt: x
    output: .baton/again.md
    verdict: { approved: "OK", changes_requested: "OK" }
  - { name: bare, kind: agent, prompt: x, verdict: { approved: "x*" } }
`),
    ).toEqual([
      'phases[1] (review).verdict.approved pattern "VERDICT:$ APPROVED" has $ before the end of the pattern, so it can never match',
      expect.stringMatching(
        /^phases\[1\] \(review\)\.verdict\.changes_requested pattern "\(" is not a valid regular expression/,
      ),
      "phases[2] (again).verdict approved and changes_requested are the same pattern, so a verdict could never be told apart",
      'phases[3] (bare).verdict.approved pattern "x*" matches an empty line, so it would match every hand-off file',
      "phases[3] (bare).verdict needs output: (the hand-off file the verdict line is read from)",
    ]);
    expect(neverMatches("A^B")).toMatch(/\^ after the start/);
    expect(neverMatches("line one\\nline two")).toMatch(/line break/);
    expect(neverMatches("^VERDICT: [$^]OK$")).toBeNull();
  });

  it("[B.phases-validation] gates and on_success without phases are errors, not silently ignored", () => {
    expect(problemsOf("gates: [{ after: plan }]\non_success: { state: Done }")).toEqual([
      "gates needs a phases: list (there are no phases to apply it to)",
      "on_success needs a phases: list (there are no phases to apply it to)",
    ]);
  });
});
