import type { AgentToolSpec, ToolResult } from "@baton/domain";
import type { LinearTransport } from "./transport.ts";

export const LINEAR_GRAPHQL_TOOL = "linear_graphql";

export const linearGraphqlToolSpec: AgentToolSpec = {
  name: LINEAR_GRAPHQL_TOOL,
  description:
    "Run one GraphQL query or mutation against the Linear API of this project's workspace, with " +
    "Baton's credentials (you never need or see an API key). Use it to read the ticket you work on, " +
    "comment on it (commentCreate) or move it to another workflow state (issueUpdate with stateId). " +
    "Returns Linear's `data`; on failure `error` and Linear's GraphQL `errors`.",
  inputSchema: {
    type: "object",
    properties: {
      query: { type: "string", description: "A GraphQL query or mutation document." },
      variables: {
        type: ["object", "null"],
        description: "Variables for the document, as a JSON object.",
      },
    },
    required: ["query"],
    additionalProperties: false,
  },
};

const OPERATION = "a linear_graphql tool call";

/**
 * Runs one `linear_graphql` call host-side through the adapter's transport (its key, timeout and
 * rate-limit pause). Never throws: bad arguments, transport failures and GraphQL errors all come
 * back as `success: false` with an `error` the model can read.
 */
export async function executeLinearGraphql(transport: LinearTransport, args: unknown): Promise<ToolResult> {
  const call = parseArguments(args);
  if ("problem" in call) return { success: false, output: { error: { message: call.problem } } };
  const answer = await transport.send(call.query, call.variables, OPERATION);
  if (answer.ok) return { success: true, output: { data: answer.data } };
  const { category, message, details } = answer.error;
  const retry = typeof details.retry_after_ms === "number" ? { retry_after_ms: details.retry_after_ms } : {};
  return {
    success: false,
    output: {
      error: { category, message, ...retry },
      ...(answer.graphqlErrors ? { errors: answer.graphqlErrors, data: answer.data ?? null } : {}),
    },
  };
}

type ParsedCall = { query: string; variables: Record<string, unknown> } | { problem: string };

/** `{query, variables?}`; a bare string is taken as the query, as the reference implementation allows. */
function parseArguments(args: unknown): ParsedCall {
  if (typeof args === "string") args = { query: args };
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return { problem: 'arguments must be a JSON object such as {"query": "{ viewer { id } }"}' };
  }
  const record = args as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== "query" && key !== "variables");
  if (unknown.length > 0) {
    return {
      problem: `unknown argument ${JSON.stringify(unknown[0])}; linear_graphql accepts query and variables`,
    };
  }
  if (typeof record.query !== "string" || record.query.trim() === "") {
    return { problem: "query is required and must be a non-empty GraphQL document" };
  }
  const variables = record.variables ?? {};
  if (typeof variables !== "object" || Array.isArray(variables)) {
    return { problem: "variables must be a JSON object (or null)" };
  }
  return { query: record.query, variables: variables as Record<string, unknown> };
}
