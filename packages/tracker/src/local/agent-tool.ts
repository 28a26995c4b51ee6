import type { AgentToolSpec, ToolContext, ToolResult } from "@baton/domain";
import { isBatonError } from "@baton/domain";
import type { LocalTicketStore } from "./store.ts";

export const LOCAL_TRACKER_TOOL = "local_tracker";

const ACTIONS = ["get", "set_state", "comment", "list"] as const;
type Action = (typeof ACTIONS)[number];

/** Which optional arguments each action reads; anything else is refused rather than silently dropped. */
const ARGUMENTS_BY_ACTION: Record<Action, readonly string[]> = {
  get: ["identifier"],
  set_state: ["identifier", "state"],
  comment: ["identifier", "body"],
  list: ["state"],
};

export const localTrackerToolSpec: AgentToolSpec = {
  name: LOCAL_TRACKER_TOOL,
  description:
    "Read and update tickets of the local ticket folder. get: the ticket with its comments. " +
    "set_state: move the ticket to another state (e.g. 'In Progress', 'Human Review', 'Done'). " +
    "comment: append a Markdown comment. list: all tickets, optionally only those in `state`. " +
    "`identifier` defaults to the ticket you are working on.",
  inputSchema: {
    type: "object",
    properties: {
      action: { type: "string", enum: [...ACTIONS] },
      identifier: {
        type: "string",
        description: "Ticket identifier such as BAT-12; defaults to the current ticket.",
      },
      state: { type: "string", description: "set_state: the new state. list: only tickets in this state." },
      body: { type: "string", description: "comment: the Markdown text of the comment." },
    },
    required: ["action"],
    additionalProperties: false,
  },
};

const COMMENT_AUTHOR = "agent";

/** Runs one tool call host-side. Failures come back as `{ success: false, output: { error } }`, never as exceptions. */
export async function executeLocalTrackerTool(
  store: LocalTicketStore,
  args: unknown,
  context: ToolContext,
): Promise<ToolResult> {
  try {
    const call = parseArguments(args);
    if (call.action === "list") {
      const issues = await store.list(call.state === undefined ? undefined : [call.state]);
      const tickets = issues.map(({ identifier, title, state, priority, labels, dispatchable }) => ({
        identifier,
        title,
        state,
        priority,
        labels,
        dispatchable,
      }));
      return { success: true, output: { tickets } };
    }
    const identifier = call.identifier ?? context.issue?.identifier;
    if (identifier === undefined) return failure("identifier is required: there is no current ticket");
    if (call.action === "set_state") await store.move(identifier, required(call.state, "state", call.action));
    if (call.action === "comment")
      await store.comment(identifier, required(call.body, "body", call.action), COMMENT_AUTHOR);
    const { issue, comments } = await store.details(identifier);
    return { success: true, output: { ticket: { ...issue, comments } } };
  } catch (error) {
    if (error instanceof ToolArgumentError) return failure(error.message);
    if (isBatonError(error)) return failure(error.message, error.category);
    return failure(`local_tracker failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

interface ToolCall {
  action: Action;
  identifier?: string;
  state?: string;
  body?: string;
}

class ToolArgumentError extends Error {}

function parseArguments(args: unknown): ToolCall {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new ToolArgumentError('arguments must be a JSON object such as {"action": "get"}');
  }
  const record = args as Record<string, unknown>;
  const action = record.action;
  if (!ACTIONS.includes(action as Action)) {
    throw new ToolArgumentError(`action must be one of ${ACTIONS.join(", ")}; got ${JSON.stringify(action)}`);
  }
  const allowed = ARGUMENTS_BY_ACTION[action as Action];
  const call: ToolCall = { action: action as Action };
  for (const [key, value] of Object.entries(record)) {
    if (key === "action") continue;
    if (!allowed.includes(key)) {
      throw new ToolArgumentError(
        `argument ${JSON.stringify(key)} is not used by ${String(action)} (it accepts: ${allowed.join(", ") || "nothing else"})`,
      );
    }
    if (typeof value !== "string")
      throw new ToolArgumentError(`argument ${JSON.stringify(key)} must be a string`);
    call[key as "identifier" | "state" | "body"] = value;
  }
  return call;
}

function required(value: string | undefined, name: string, action: Action): string {
  if (value === undefined)
    throw new ToolArgumentError(`${action} needs the ${JSON.stringify(name)} argument`);
  return value;
}

function failure(message: string, category?: string): ToolResult {
  return { success: false, output: { error: category === undefined ? { message } : { category, message } } };
}
