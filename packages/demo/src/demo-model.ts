import type { ModelReply, ModelRequest, ModelScript } from "./model-provider.ts";

const ISSUE_IDENTIFIER = /\b[A-Z][A-Z0-9]*-\d+\b/;
const DEMO_TRACKER_TOOL = "local_tracker";
const NOTES_FILE = "NOTES.md";

/** Where the demo model hands a finished ticket: a review state, so its workspace stays to look at. */
export const DEMO_HANDOFF_STATE = "Human Review";

/**
 * THE OFFLINE DEMO MODEL used by Baton's first-run demo: no AI, a fixed deterministic routine.
 * For a prompt naming an issue identifier it (1) writes NOTES.md in the workspace with a shell
 * command, and when the `local_tracker` tool is offered (2) comments on the ticket and (3) moves
 * it to Human Review, then (4) replies with a summary. Continuation turns get a short reply.
 *
 * A `phases:` prompt carrying a line `Baton phase: <name>` gets that phase's routine instead (see
 * `demoPhaseStep`): plan, implement and review, with one review-and-fix cycle.
 */
export function demoScript(): ModelScript {
  return (request) => {
    const prompt = request.lastUserText ?? "";
    if (prompt.startsWith("Continuation guidance")) {
      return { type: "message", text: "Offline demo model: nothing left to do on this ticket." };
    }
    const phase = prompt.match(PHASE_LINE)?.[1];
    if (phase !== undefined) return demoPhaseStep(request, phase, prompt);
    const identifier = prompt.match(ISSUE_IDENTIFIER)?.[0];
    if (identifier === undefined) {
      return {
        type: "message",
        text: "Offline demo model: the prompt names no issue identifier, so I did nothing.",
      };
    }
    return demoStep(request, identifier, prompt);
  };
}

function demoStep(request: ModelRequest, identifier: string, prompt: string): ModelReply {
  const trackerOffered = request.tools.some((tool) => tool?.name === DEMO_TRACKER_TOOL);
  const summary = `Offline demo model wrote ${NOTES_FILE} describing ${identifier}.`;
  const steps: ModelReply[] = [{ type: "shell", command: writeNotesCommand(identifier, prompt) }];
  if (trackerOffered) {
    steps.push(
      { type: "tool", name: DEMO_TRACKER_TOOL, arguments: { action: "comment", body: summary } },
      {
        type: "tool",
        name: DEMO_TRACKER_TOOL,
        arguments: { action: "set_state", state: DEMO_HANDOFF_STATE },
      },
    );
  }
  const done = trackerOffered
    ? `${summary} Then it commented on ${identifier} and moved it to ${DEMO_HANDOFF_STATE} via ${DEMO_TRACKER_TOOL}.`
    : `${summary} The ${DEMO_TRACKER_TOOL} tool was not offered, so the ticket state is unchanged.`;
  return steps[request.turnToolOutputs.length] ?? { type: "message", text: done };
}

const PHASE_LINE = /^Baton phase: ([a-z][a-z0-9_]*)\s*$/m;
const FEEDBACK_LINE = /^Feedback: (.+)$/m;
const FIX_MARK = "- Addressed the review feedback.";

/**
 * The demo's phase routines, one shell command then a summary:
 * - `plan` writes `.baton/plan.md` (naming the feedback of a rejection when the prompt has a
 *   `Feedback:` line);
 * - `implement` writes NOTES.md, adding FIX_MARK when the prompt carries feedback (a review or a
 *   failing check sent the work back);
 * - `review` writes `.baton/review.md` ending in `VERDICT: APPROVED` when NOTES.md has FIX_MARK, else
 *   `VERDICT: CHANGES_REQUESTED`: the first review asks for one fix, the second approves. The
 *   verdict is decided by the shell command, so the demo needs no memory between turns.
 * Any other phase name gets a message only.
 */
function demoPhaseStep(request: ModelRequest, phase: string, prompt: string): ModelReply {
  const identifier = prompt.match(ISSUE_IDENTIFIER)?.[0] ?? "the ticket";
  const feedback = prompt.match(FEEDBACK_LINE)?.[1]?.trim() ?? null;
  const commands: Record<string, string> = {
    plan: writeFileCommand(".baton/plan.md", [
      `# Plan for ${identifier}`,
      "",
      "1. Write NOTES.md describing the change.",
      "2. Run the checks.",
      ...(feedback ? ["", `Revised after feedback: ${feedback}`] : []),
    ]),
    implement: `${writeNotesCommand(identifier, prompt)}${feedback ? `\necho '${FIX_MARK}' >> ${NOTES_FILE}` : ""}`,
    review: [
      "mkdir -p .baton",
      `if grep -qF -- '${FIX_MARK}' ${NOTES_FILE} 2>/dev/null; then`,
      "  printf '%s\\n' '# Review' 'NOTES.md is complete.' 'VERDICT: APPROVED' > .baton/review.md",
      "else",
      "  printf '%s\\n' '# Review' 'NOTES.md does not say how review feedback was handled.' 'VERDICT: CHANGES_REQUESTED' > .baton/review.md",
      "fi",
    ].join("\n"),
  };
  const command = commands[phase];
  if (command === undefined || request.turnToolOutputs.length > 0) {
    return { type: "message", text: `Offline demo model finished phase ${phase} of ${identifier}.` };
  }
  return { type: "shell", command };
}

function writeFileCommand(file: string, lines: string[]): string {
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
  return `mkdir -p ${dir} && cat > ${file} <<'${HEREDOC_END}'\n${lines.join("\n")}\n${HEREDOC_END}`;
}

const HEREDOC_END = "BATON_DEMO_NOTES";

/** A heredoc with a quoted delimiter, so nothing in the prompt is expanded by the shell. */
function writeNotesCommand(identifier: string, prompt: string): string {
  const firstLine = prompt
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line !== "" && line !== HEREDOC_END);
  const notes = [
    `# Notes for ${identifier}`,
    "",
    "Written by Baton's offline demo model: a scripted stand-in for a real coding agent.",
    "",
    `- Ticket: ${identifier}`,
    `- Prompt starts with: ${(firstLine ?? "").slice(0, 200)}`,
    "- Next step with a real agent: read the ticket, change the code, run the tests.",
  ];
  return `cat > ${NOTES_FILE} <<'${HEREDOC_END}'\n${notes.join("\n")}\n${HEREDOC_END}`;
}
