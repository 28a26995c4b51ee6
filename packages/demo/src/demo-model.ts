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
 */
export function demoScript(): ModelScript {
  return (request) => {
    const prompt = request.lastUserText ?? "";
    if (prompt.startsWith("Continuation guidance")) {
      return { type: "message", text: "Offline demo model: nothing left to do on this ticket." };
    }
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
