import type { AgentQuestion, AgentRequest, ApprovalAnswer, ToolResult } from "@baton/domain";

/**
 * Baton's policy for requests the app-server sends to the client (SPEC 10.5). Every request gets
 * an answer so no turn waits forever:
 *
 * - command / file-change approvals: with approval policy "never" they are accepted for the session;
 *   with any other policy nobody is there to approve, so they are declined and the run stops as
 *   `approval_required` (the orchestrator keeps the issue claimed and shows it as blocked);
 * - requests for extra sandbox permissions are never granted automatically: declined, `approval_required`;
 * - user-input and MCP elicitation requests are answered empty / declined and the run stops as
 *   `turn_input_required`;
 * - dynamic tool calls go to the advertised tools; an unknown tool gets a failure result and the
 *   turn goes on;
 * - any other request gets a JSON-RPC "method not found" error and the turn goes on.
 *
 * With `approvals.agent_requests: gate` (B.phases) command and file-change approvals and
 * user-input requests are instead asked of a person: the session keeps them waiting (`ask`).
 */
export type ServerRequestDecision =
  | { kind: "answer"; result: unknown; summary: string }
  | {
      kind: "block";
      result: unknown;
      category: "approval_required" | "turn_input_required";
      summary: string;
    }
  | { kind: "ask"; request: AskedRequest }
  | { kind: "tool_call"; tool: string; arguments: unknown }
  | { kind: "unknown_tool"; tool: string; result: unknown; summary: string }
  | { kind: "unsupported"; code: number; message: string };

type JsonObject = Record<string, unknown>;

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as JsonObject)[key] : undefined;
}

function describeCommand(command: unknown): string {
  return Array.isArray(command) ? command.join(" ") : String(command ?? "a command");
}

export const METHOD_NOT_FOUND = -32601;

/** What a waiting request shows, before the session gives it an id and a time. */
export type AskedRequest = Omit<AgentRequest, "id" | "asked_at">;

export function decideServerRequest(
  method: string,
  params: unknown,
  approvalPolicy: unknown,
  toolNames: ReadonlySet<string>,
  agentRequests: "block" | "gate" = "block",
): ServerRequestDecision {
  const autoApprove = approvalPolicy === "never";
  if (agentRequests === "gate" && !autoApprove) {
    const request = askedRequest(method, params);
    if (request !== null) return { kind: "ask", request };
  }
  const policy = JSON.stringify(approvalPolicy);
  switch (method) {
    case "item/commandExecution/requestApproval":
    case "execCommandApproval": {
      const what = `run \`${describeCommand(field(params, "command"))}\``;
      return approval(method === "execCommandApproval", autoApprove, what, policy);
    }
    case "item/fileChange/requestApproval":
    case "applyPatchApproval":
      return approval(method === "applyPatchApproval", autoApprove, "apply a file change", policy);
    case "item/permissions/requestApproval":
      return {
        kind: "block",
        result: { permissions: {}, scope: "turn" },
        category: "approval_required",
        summary: `Codex asked for extra sandbox permissions (${String(field(params, "reason") ?? "no reason given")}); Baton never grants them automatically`,
      };
    case "item/tool/requestUserInput":
      return {
        kind: "block",
        result: { answers: {} },
        category: "turn_input_required",
        summary: "Codex asked for user input; no operator is attached to answer it",
      };
    case "mcpServer/elicitation/request":
      return {
        kind: "block",
        result: { action: "decline" },
        category: "turn_input_required",
        summary: `MCP server ${String(field(params, "serverName"))} asked for user input; no operator is attached to answer it`,
      };
    case "item/tool/call": {
      const tool = String(field(params, "tool") ?? field(params, "name") ?? "");
      if (toolNames.has(tool))
        return { kind: "tool_call", tool, arguments: field(params, "arguments") ?? {} };
      const supported = [...toolNames];
      const message = `Unsupported dynamic tool "${tool}". Supported tools: ${supported.length > 0 ? supported.join(", ") : "none"}.`;
      return {
        kind: "unknown_tool",
        tool,
        result: toolCallResponse({ success: false, output: { error: message, supportedTools: supported } }),
        summary: message,
      };
    }
    default:
      return { kind: "unsupported", code: METHOD_NOT_FOUND, message: `Baton does not handle ${method}` };
  }
}

function approval(
  legacy: boolean,
  autoApprove: boolean,
  what: string,
  policy: string,
): ServerRequestDecision {
  if (autoApprove) {
    return {
      kind: "answer",
      result: { decision: legacy ? "approved_for_session" : "acceptForSession" },
      summary: `auto-approved for the session: ${what}`,
    };
  }
  const reason = `Codex asked for approval to ${what}, but approval_policy is ${policy} and Baton has no operator to ask`;
  return {
    kind: "block",
    result: { decision: legacy ? { denied: { rejection: reason } } : "decline" },
    category: "approval_required",
    summary: reason,
  };
}

/** The protocol's answer to a dynamic tool call: the output as text the model reads. */
export function toolCallResponse(result: ToolResult) {
  const text = typeof result.output === "string" ? result.output : JSON.stringify(result.output ?? null);
  return { success: result.success, contentItems: [{ type: "inputText", text }] };
}

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** The person-facing form of a request that can wait for a person; null for any other request. */
function askedRequest(method: string, params: unknown): AskedRequest | null {
  const base = {
    method,
    command: null,
    cwd: null,
    reason: text(field(params, "reason")),
    diff: null,
    questions: [],
  };
  switch (method) {
    case "item/commandExecution/requestApproval":
    case "execCommandApproval": {
      const command = describeCommand(field(params, "command"));
      return {
        ...base,
        kind: "command",
        summary: `run \`${command}\``,
        command,
        cwd: text(field(params, "cwd")),
      };
    }
    case "item/fileChange/requestApproval":
    case "applyPatchApproval":
      return { ...base, kind: "file_change", summary: "apply a file change" };
    case "item/tool/requestUserInput": {
      const questions = (
        Array.isArray(field(params, "questions")) ? (field(params, "questions") as unknown[]) : []
      ).map(
        (question, index): AgentQuestion => ({
          id: text(field(question, "id")) ?? String(index),
          header: text(field(question, "header")),
          question: text(field(question, "question")) ?? "",
          options: (Array.isArray(field(question, "options"))
            ? (field(question, "options") as unknown[])
            : []
          )
            .map((option) => text(field(option, "label")) ?? text(option))
            .filter((option): option is string => option !== null),
        }),
      );
      const first = questions[0]?.question ?? "a question";
      return { ...base, kind: "user_input", summary: `answer: ${first}`, questions };
    }
    default:
      return null;
  }
}

/** The protocol answer that carries a person's decision on a waiting request. */
export function answerResult(
  request: Pick<AgentRequest, "method" | "questions">,
  answer: ApprovalAnswer,
): unknown {
  const approved = answer.decision === "approve";
  switch (request.method) {
    case "execCommandApproval":
    case "applyPatchApproval":
      return {
        decision: approved
          ? "approved"
          : { denied: { rejection: answer.decision === "reject" ? answer.reason : "" } },
      };
    case "item/tool/requestUserInput": {
      if (!approved) return { answers: {} };
      const answers: Record<string, { answers: string[] }> = {};
      for (const question of request.questions) {
        const reply = answer.note ?? question.options[0] ?? "";
        answers[question.id] = { answers: [reply] };
      }
      return { answers };
    }
    default:
      return { decision: approved ? "accept" : "decline" };
  }
}
