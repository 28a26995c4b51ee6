import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { demoScript, launchHeadlessChromium, type ModelRequest } from "@baton/testkit";
import { LocalTicketStore } from "@baton/tracker";
import { afterEach, describe, expect, it } from "vitest";
import { BatonProcess, Project, waitFor } from "./harness.ts";

const BATON_BIN = fileURLToPath(new URL("../bin/baton.js", import.meta.url));

let project: Project | undefined;

// biome-ignore lint/suspicious/noExplicitAny: API answers are checked field by field below.
type Detail = Record<string, any>;

afterEach(async () => {
  await project?.close();
  project = undefined;
});

/** The phases of the README demo, driven by the offline demo model (`Baton phase:` lines). */
function phasesYaml(
  options: { gate?: boolean; test?: string; testLoop?: string; reviewCycles?: number } = {},
) {
  return `agent:
  max_turns: 3
phases:
  - name: plan
    kind: agent
    output: .baton/plan.md
    thread: fresh
    codex: { thread_sandbox: workspace-write }
    prompt: |
      Baton phase: plan
      Plan {{ issue.identifier }}: {{ issue.title }}.
      {% if feedback %}Feedback: {{ feedback }}{% endif %}
  - name: implement
    kind: agent
    prompt: |
      Baton phase: implement
      Implement {{ issue.identifier }} following this plan:
      {{ outputs.plan.text }}
      {% if feedback %}Feedback: {{ feedback }}{% endif %}
  - name: test
    kind: run
    command: ${JSON.stringify(options.test ?? 'grep -q "# Notes for" NOTES.md')}
    timeout_ms: 60000
    loop: ${options.testLoop ?? "{ back_to: implement, max_cycles: 2, on_exhausted: { state: Rework, comment: The checks keep failing. } }"}
  - name: review
    kind: agent
    thread: fresh
    output: .baton/review.md
    verdict: {}
    prompt: |
      Baton phase: review
      Review {{ issue.identifier }}: write .baton/review.md ending in a VERDICT line.
    loop: { back_to: implement, max_cycles: ${options.reviewCycles ?? 2}, on_exhausted: { state: Rework, comment: Review did not pass. } }
${options.gate === false ? "" : "gates:\n  - after: plan\n"}on_success: { state: Human Review, comment: All phases passed. }`;
}

/** The first model request of each turn of a phase (the phase's prompt). */
function phasePrompts(requests: ModelRequest[], phase: string): string[] {
  return requests
    .filter((request) => request.turnToolOutputs.length === 0)
    .map((request) => request.lastUserText ?? "")
    .filter((text) => text.includes(`Baton phase: ${phase}`));
}

async function untilState(baton: BatonProcess, state: string, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    async () => (await project!.store.get("BAT-1")).state === state,
    timeoutMs,
    () => `BAT-1 in ${state}\n${baton.tail(40)}`,
  );
}

async function comments(): Promise<string> {
  return (await project!.store.details("BAT-1")).comments.map((comment) => comment.body).join("\n---\n");
}

async function listening(baton: BatonProcess): Promise<string> {
  return String((await baton.waitForLog(["action=http_server outcome=listening"], 30_000)).url);
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("phases: pipelines end to end with the real codex binary and the offline demo model", () => {
  it("[B.phases-gate-pause][B.phases-gate-approve][B.phases-review-loop][B.phases-on-success][B.phases-log-phase] pauses after plan with the plan shown, is approved through the API, and one CHANGES_REQUESTED review sends the work back exactly once", async () => {
    project = await Project.create({
      script: demoScript(),
      frontMatter: phasesYaml(),
      tickets: [{ title: "Add notes", priority: 1 }],
    });
    const baton = project.start(["--port", "0"]);
    const url = await listening(baton);
    await baton.waitForLog(["action=gate outcome=waiting"], 60_000);

    const detail = (await (await fetch(`${url}/api/v1/BAT-1`)).json()) as Detail;
    expect(detail.status).toBe("awaiting_approval");
    expect(detail.pipeline).toMatchObject({
      current: null,
      cycles: 0,
      phases: [
        { name: "plan", status: "completed" },
        { name: "implement", status: "pending" },
        { name: "test", status: "pending" },
        { name: "review", status: "pending" },
      ],
      waiting: { gate_id: "after:plan" },
    });
    expect(detail.pipeline.waiting.artifact).toContain("# Plan for BAT-1");
    const state = (await (await fetch(`${url}/api/v1/state`)).json()) as Detail;
    expect(state.counts).toMatchObject({ running: 0, awaiting_approval: 1 });
    expect(state.awaiting_approval[0]).toMatchObject({ issue_identifier: "BAT-1", gate_id: "after:plan" });
    await waitFor(
      async () => (await comments()).includes("# Plan for BAT-1"),
      20_000,
      () => `the plan in a ticket comment\n${baton.tail()}`,
    );
    expect(await comments()).toContain("baton approve BAT-1");
    // Paused: no agent runs while it waits.
    const requestsAtGate = project.provider.requests.length;
    const ticks = baton.find("action=tick outcome=completed").length;
    await baton.waitForLog(["action=tick outcome=completed"], 10_000, ticks + 2);
    expect(project.provider.requests.length).toBe(requestsAtGate);

    const approved = await post(`${url}/api/v1/BAT-1/approve`, {});
    expect(approved.status).toBe(202);
    expect(await approved.json()).toMatchObject({ status: "resumed", issue_identifier: "BAT-1" });
    await untilState(baton, "Human Review");

    const requests = project.provider.requests;
    expect(phasePrompts(requests, "plan")).toHaveLength(1);
    expect(phasePrompts(requests, "review")).toHaveLength(2);
    const implement = phasePrompts(requests, "implement");
    expect(implement).toHaveLength(2);
    expect(implement[0]).toContain("# Plan for BAT-1");
    expect(implement[0]).not.toContain("Feedback:");
    expect(implement[1]).toContain("Feedback: Phase review sent the work back (cycle 1 of 2)");
    expect(await comments()).toContain("All phases passed.");
    const reviews = baton.find("action=workflow_phase", "outcome=sent_back");
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ workflow_phase: "review", cycles: 1 });
    // Log lines inside a phase carry it.
    expect(baton.find("action=turn outcome=started").map((line) => line.workflow_phase)).toEqual([
      "plan",
      "implement",
      "review",
      "implement",
      "review",
    ]);
    await baton.stop();
    // So does every record of the session log.
    const records = (await readFile(join(project.dir, ".baton/logs/sessions/BAT-1.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { workflow_phase?: string });
    expect(records.every((record) => record.workflow_phase !== undefined)).toBe(true);
    expect(new Set(records.map((record) => record.workflow_phase))).toEqual(
      new Set(["plan", "implement", "review"]),
    );
  }, 180_000);

  it("[B.phases-gate-approve][B.phases-gate-restart] a gate stays paused across a restart and is approved from the CLI; no finished phase runs again", async () => {
    project = await Project.create({
      script: demoScript(),
      frontMatter: phasesYaml({ reviewCycles: 2 }),
      tickets: [{ title: "Survive a restart", priority: 1 }],
    });
    const first = project.start(["--port", "0"]);
    await listening(first);
    await first.waitForLog(["action=gate outcome=waiting"], 60_000);
    await first.stop("SIGKILL");

    const second = project.start(["--port", "0"]);
    const url = await listening(second);
    const restored = await second.waitForLog(["action=state_restore"], 30_000);
    expect(restored).toMatchObject({ awaiting_approval: 1, running_lost: 0 });
    const detail = (await (await fetch(`${url}/api/v1/BAT-1`)).json()) as Detail;
    expect(detail).toMatchObject({
      status: "awaiting_approval",
      pipeline: { waiting: { gate_id: "after:plan" } },
    });

    const approve = await project.cli(["approve", "BAT-1", "--url", url]);
    expect(approve).toMatchObject({ code: 0, stdout: "approved BAT-1: the run resumes at its next phase\n" });
    await untilState(second, "Human Review");
    expect(phasePrompts(project.provider.requests, "plan")).toHaveLength(1);
    expect(second.find("action=gate outcome=approved")[0]).toMatchObject({
      by: expect.stringMatching(/^cli/),
    });
    const again = await project.cli(["approve", "BAT-1", "--url", url]);
    expect(again.code).toBe(1);
    await second.stop();
  }, 180_000);

  it("[B.phases-gate-reject] a rejection's reason reaches the plan phase's next prompt, and the revised plan is gated again", async () => {
    project = await Project.create({
      script: demoScript(),
      frontMatter: phasesYaml(),
      tickets: [{ title: "Needs a better plan", priority: 1 }],
    });
    const baton = project.start(["--port", "0"]);
    const url = await listening(baton);
    await baton.waitForLog(["action=gate outcome=waiting"], 60_000);
    const rejected = await post(`${url}/api/v1/BAT-1/reject`, { reason: "Split the work into two steps" });
    expect(await rejected.json()).toMatchObject({ status: "resumed" });
    await baton.waitForLog(["action=gate outcome=waiting"], 60_000, 2);
    const plans = phasePrompts(project.provider.requests, "plan");
    expect(plans).toHaveLength(2);
    expect(plans[1]).toMatch(
      /Feedback: A reviewer rejected the result at gate after:plan .*Split the work into two steps/,
    );
    const detail = (await (await fetch(`${url}/api/v1/BAT-1`)).json()) as Detail;
    expect(detail.pipeline.waiting.artifact).toContain("Revised after feedback");
    expect((await project.cli(["reject", "BAT-1", "still", "too", "big", "--url", url])).code).toBe(0);
    await baton.waitForLog(["action=gate outcome=waiting"], 60_000, 3);
    expect(phasePrompts(project.provider.requests, "plan").at(-1)).toContain("still too big");
    await baton.stop();
  }, 180_000);

  it("[B.phases-run-phase] a failing run phase sends the work back with its output, and the fixed work passes", async () => {
    project = await Project.create({
      script: demoScript(),
      frontMatter: phasesYaml({
        gate: false,
        test: "grep -qF -- '- Addressed the review feedback.' NOTES.md || { echo 'NOTES.md lacks the fix line'; exit 3; }",
      }),
      tickets: [{ title: "Fix what the check finds", priority: 1 }],
    });
    const baton = project.start();
    await untilState(baton, "Human Review");
    const implement = phasePrompts(project.provider.requests, "implement");
    expect(implement).toHaveLength(2);
    expect(implement[1]).toContain("exited with code 3");
    expect(implement[1]).toContain("NOTES.md lacks the fix line");
    // The fixed notes pass the check and the first review approves them.
    expect(phasePrompts(project.provider.requests, "review")).toHaveLength(1);
    expect(baton.find("action=workflow_phase", "outcome=sent_back")[0]).toMatchObject({
      workflow_phase: "test",
    });
    await baton.stop();
  }, 180_000);

  it("[B.phases-loop-exhausted] cycles that run out move the ticket to the configured state with a comment saying why", async () => {
    project = await Project.create({
      script: demoScript(),
      frontMatter: phasesYaml({
        gate: false,
        test: "echo 'always red'; exit 1",
        testLoop:
          "{ back_to: implement, max_cycles: 1, on_exhausted: { state: Rework, comment: The checks keep failing. } }",
      }),
      tickets: [{ title: "Never green", priority: 1 }],
    });
    const baton = project.start();
    await untilState(baton, "Rework");
    await waitFor(
      async () => (await comments()).includes("still fails after 1 cycle(s)"),
      20_000,
      () => baton.tail(),
    );
    expect(await comments()).toContain("The checks keep failing.");
    expect(phasePrompts(project.provider.requests, "implement")).toHaveLength(2);
    expect(baton.find("action=pipeline outcome=exhausted")).toHaveLength(1);
    await baton.stop();
  }, 180_000);

  it("[B.phases-restart-resume][B.phases-progress-durable] a restart during a run phase resumes at that phase, never repeating a finished one", async () => {
    const go = join(
      await import("node:os").then((os) => os.tmpdir()),
      `baton-go-${process.pid}-${Date.now()}`,
    );
    project = await Project.create({
      script: demoScript(),
      frontMatter: phasesYaml({
        gate: false,
        test: `while [ ! -f '${go}' ]; do sleep 0.2; done; grep -q "# Notes for" NOTES.md`,
      }),
      tickets: [{ title: "Interrupted", priority: 1 }],
    });
    const first = project.start();
    await first.waitForLog(["action=workflow_phase", "outcome=started"], 90_000, 3);
    expect(first.find("action=workflow_phase", "outcome=started").at(-1)).toMatchObject({
      workflow_phase: "test",
    });
    await first.stop("SIGKILL");
    await writeFile(go, "");

    const second = project.start();
    await untilState(second, "Human Review", 120_000);
    const requests = project.provider.requests;
    expect(phasePrompts(requests, "plan")).toHaveLength(1);
    expect(phasePrompts(requests, "implement")).toHaveLength(2);
    // The resumed attempt started at the test phase.
    expect(second.find("action=workflow_phase", "outcome=started")[0]).toMatchObject({
      workflow_phase: "test",
    });
    await second.stop();
  }, 240_000);

  it("[B.phases-dashboard][B.phases-gate-approve] the dashboard shows the pipeline and the plan awaiting approval, and its Approve button resumes the run", async () => {
    project = await Project.create({
      script: demoScript(),
      frontMatter: phasesYaml(),
      tickets: [{ title: "Approve me in the browser", priority: 1 }],
    });
    const baton = project.start(["--port", "0"]);
    const url = await listening(baton);
    await baton.waitForLog(["action=gate outcome=waiting"], 60_000);
    const browser = await launchHeadlessChromium({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await browser.context.newPage();
      await page.goto(url);
      const row = page.locator('#awaiting tr[data-issue="BAT-1"]');
      await row.waitFor({ timeout: 30_000 });
      expect(await row.textContent()).toContain("after:plan");
      expect(await page.locator("#count-awaiting").textContent()).toBe("1");
      await row.click();
      const artifact = page.locator("#gate-artifact");
      await expect.poll(() => artifact.textContent(), { timeout: 10_000 }).toContain("# Plan for BAT-1");
      expect(await page.locator("#pipeline-phases").textContent()).toBe(
        "plan (agent)implement (agent)test (run)review (agent)",
      );
      expect(await page.locator("#pipeline-phases li.completed").textContent()).toBe("plan (agent)");
      const artifacts = fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "dashboard-gate.png"), fullPage: true });
      await page.locator("#approve").click();
      await untilState(baton, "Human Review");
      expect(baton.find("action=gate outcome=approved")[0]).toMatchObject({ by: "dashboard" });
    } finally {
      await browser.close();
    }
    await baton.stop();
  }, 180_000);

  it("[B.phases-demo] baton demo --phases: the offline demo model plans, the gate pauses, the CLI approves with --workflow, and the ticket passes test and review", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baton-phases-demo-"));
    const home = join(dir, "home");
    await mkdir(home);
    const port = await freePort();
    // The demo's CODEX_HOME must live outside the temp dir (Codex refuses its sandbox helper there).
    const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
    const env = { ...process.env, HOME: home, INIT_CWD: dir, XDG_CACHE_HOME: cache };
    const child = spawn(process.execPath, [BATON_BIN, "demo", "--phases", "--port", String(port)], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const baton = new BatonProcess(child);
    try {
      const store = new LocalTicketStore(join(dir, ".baton", "demo", "tickets"), { prefix: "BAT" });
      // BAT-1 and BAT-2 both run the pipeline: wait for BAT-1's gate, whichever gets there first.
      await waitFor(
        () => baton.find("action=gate outcome=waiting").some((line) => line.issue_identifier === "BAT-1"),
        90_000,
        () => `BAT-1 waiting at its gate\n${baton.tail()}`,
      );
      expect(baton.stderr).toContain("WAITS FOR YOUR APPROVAL");
      const workflow = join(dir, ".baton", "demo", "WORKFLOW.md");
      const approve = spawnSync(process.execPath, [BATON_BIN, "approve", "BAT-1", "--workflow", workflow], {
        cwd: dir,
        env,
        encoding: "utf8",
      });
      expect(approve.stdout, approve.stderr).toBe("approved BAT-1: the run resumes at its next phase\n");
      await waitFor(
        async () => (await store.get("BAT-1")).state === "Human Review",
        90_000,
        () => `BAT-1 in Human Review\n${baton.tail()}`,
      );
      const comments = (await store.details("BAT-1")).comments.map((comment) => comment.body).join("\n");
      expect(comments).toContain("# Plan for BAT-1");
      expect(comments).toContain("Plan approved, checks green, review passed.");
      // The demo's review asked for one fix first.
      expect(baton.find("action=workflow_phase", "outcome=sent_back")[0]).toMatchObject({
        issue_identifier: "BAT-1",
        workflow_phase: "review",
      });
      expect(await baton.stop()).toMatchObject({ code: 0 });
    } finally {
      await baton.stop("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
