import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LocalTicketStore } from "@baton/tracker";

/** The prompt every scaffolded workflow starts with: strict Liquid over the normalized issue. */
export const STARTER_PROMPT = `You are an autonomous software engineer working on ticket {{ issue.identifier }}: {{ issue.title }}.
{% if attempt %}
This is attempt {{ attempt }} on this ticket. The workspace still holds your earlier work: continue from it.
{% endif %}
Ticket state: {{ issue.state }}{% if issue.priority %} · priority {{ issue.priority }}{% endif %}{% if issue.labels.size > 0 %} · labels: {{ issue.labels | join: ", " }}{% endif %}
{% if issue.blocked_by.size > 0 %}Blocked by: {% for blocker in issue.blocked_by %}{{ blocker.identifier }} ({{ blocker.state }}) {% endfor %}{% endif %}

{{ issue.description }}

Rules:
- Work only inside the current directory; it is this ticket's own workspace.
- Keep changes small and explain them in a short NOTES.md.
- When the work is done, use the \`local_tracker\` tool to comment on the ticket with a summary and move it to \`Human Review\`.`;

export interface WorkflowTemplateOptions {
  codexCommand: string;
  /** Extra comment lines above the codex section. */
  codexComment?: string;
  intervalMs?: number;
  /** Runs headless Claude Code (`agent.kind: claude`) with this command instead of Codex. */
  claude?: { command: string; comment?: string };
  /** A `sandbox:` section (YAML, newline-terminated); default: a commented-out example. */
  sandbox?: string;
  /** Adds the demo's `phases:` pipeline (plan with an approval gate, implement, test, review with a fix loop). */
  phases?: boolean;
  /** `server.port` (the phases demo fixes one, so `baton approve --workflow` finds the running Baton). */
  serverPort?: number;
}

/**
 * The demo's three-phase workflow (B.phases): plan (gated: a person approves it), implement, a run
 * phase standing in for the tests, and a fresh-thread review that can send the work back. The
 * `Baton phase:` lines tell the offline demo model which routine to play; a real model just reads them.
 */
export const DEMO_PHASES = `phases:                       # each ticket goes through these, in order (see packages/workflow/README.md)
  - name: plan
    kind: agent
    thread: fresh
    output: .baton/plan.md      # the hand-off file later prompts and the approver read
    prompt: |
      Baton phase: plan
      Plan the work on {{ issue.identifier }}: {{ issue.title }}.
      {{ issue.description }}
      Write the plan to .baton/plan.md and change nothing else yet.
      {% if feedback %}Feedback: {{ feedback }}{% endif %}
  - name: implement
    kind: agent
    prompt: |
      Baton phase: implement
      Implement {{ issue.identifier }} following the approved plan:
      {{ outputs.plan.text }}
      Keep changes small and explain them in NOTES.md.
      {% if feedback %}Feedback: {{ feedback }}{% endif %}
  - name: test
    kind: run                   # a deterministic step: the exit code decides
    command: test -s NOTES.md   # stands in for your tests (npm test, pytest, ...)
    timeout_ms: 600000
    loop: { back_to: implement, max_cycles: 2, on_exhausted: { state: Rework, comment: "The checks keep failing." } }
  - name: review
    kind: agent
    thread: fresh               # the reviewer shares no context with the implementer
    output: .baton/review.md
    verdict: {}                 # read by code: a line VERDICT: APPROVED or VERDICT: CHANGES_REQUESTED
    prompt: |
      Baton phase: review
      Review the change for {{ issue.identifier }} in this workspace (NOTES.md and the diff).
      Write .baton/review.md ending with a line VERDICT: APPROVED or VERDICT: CHANGES_REQUESTED.
    loop: { back_to: implement, max_cycles: 2, on_exhausted: { state: Rework, comment: "The review did not pass." } }
gates:
  - after: plan                 # pauses until someone approves: baton approve <ID>, or the dashboard
on_success: { state: Human Review, comment: "Plan approved, checks green, review passed." }
`;

const SANDBOX_COMMENT = `# sandbox:                    # run each agent in a Docker container (build the image: baton sandbox build)
#   kind: docker
#   model_url: https://api.openai.com/v1   # the only place the agent can reach
`;

/** A WORKFLOW.md for the local tracker with every core section spelled out. */
export function workflowTemplate(options: WorkflowTemplateOptions): string {
  const codexComment = options.codexComment ? `${options.codexComment}\n` : "";
  const claude = options.claude
    ? `${options.claude.comment ? `${options.claude.comment}\n` : ""}claude:
  command: ${yamlCommand(options.claude.command)}
  permission_mode: acceptEdits  # file edits in the workspace are allowed; other tools need allowed_tools
  allowed_tools: [Bash, mcp__baton]
  stall_timeout_ms: 300000
`
    : "";
  return `---
# Baton workflow: runtime settings (this front matter) and the agent prompt (the body below).
# Edits apply live, no restart needed. Check changes with: baton validate
tracker:
  kind: local                 # tickets are Markdown files in a folder of this repo
  provider:
    path: tickets
    prefix: BAT
  active_states: [Todo, In Progress]
  terminal_states: [Done, Closed, Cancelled, Canceled, Duplicate]
polling:
  interval_ms: ${options.intervalMs ?? 5000}
workspace:
  root: .baton/workspaces     # one directory per ticket, relative to this file
hooks:
  timeout_ms: 60000
  # after_create: |           # runs once when a ticket's workspace is created
  #   git clone --depth 1 https://example.com/your/repo.git .
  # before_run: git pull --ff-only || true
agent:
${options.claude ? "  kind: claude                # headless Claude Code; codex (the default) uses the codex: section\n" : ""}  max_concurrent_agents: 2
  max_turns: 5
  max_retry_backoff_ms: 300000
${codexComment}codex:
  command: ${yamlCommand(options.codexCommand)}
  approval_policy: never      # unattended: command and file approvals are granted, inside the sandbox
  thread_sandbox: workspace-write
  stall_timeout_ms: 300000
${claude}${options.sandbox ?? SANDBOX_COMMENT}${options.serverPort !== undefined ? `server:\n  port: ${options.serverPort}\n` : ""}${options.phases ? DEMO_PHASES : ""}---
${STARTER_PROMPT}
`;
}

/** Sample tickets that show ordering, labels and a blocker. */
export async function writeSampleTickets(folder: string): Promise<string[]> {
  const store = new LocalTicketStore(folder, { prefix: "BAT" });
  const first = await store.create({
    title: "Add a README section on local development",
    priority: 1,
    labels: ["docs"],
    description: "Explain how to install dependencies and run the tests locally.",
  });
  const second = await store.create({
    title: "Write a changelog entry for the next release",
    priority: 2,
    labels: ["docs", "release"],
    description: "Summarize the user-visible changes since the last release.",
  });
  const third = await store.create({
    title: "Tag the release once the changelog is written",
    priority: 3,
    labels: ["release"],
    blockedBy: [second.identifier],
    description: "Waits for the changelog ticket: Baton holds it until its blocker is done.",
  });
  return [first.identifier, second.identifier, third.identifier];
}

/** True when the folder is missing or has no entries. */
export async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

export async function writeWorkflow(dir: string, content: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, "WORKFLOW.md");
  await writeFile(path, content, { flag: "wx" });
  return path;
}

/** A plain command stays readable; one starting with a quote must be a YAML string, or YAML ends it there. */
function yamlCommand(command: string): string {
  return /^[A-Za-z0-9_./-][^#:]*$/.test(command) && !command.includes(": ")
    ? command
    : JSON.stringify(command);
}
