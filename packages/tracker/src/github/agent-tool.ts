import type { AgentToolSpec, ToolResult } from "@baton/domain";
import { isBatonError } from "@baton/domain";
import type { GitHubClient, HttpMethod } from "./client.ts";

export const GITHUB_API_TOOL = "github_api";

const METHODS: readonly HttpMethod[] = ["GET", "POST", "PATCH", "PUT", "DELETE"];
const ARGUMENTS = ["method", "path", "params", "body"];
/** RFC 3986 path characters; `?`, `#`, braces, spaces and controls are not among them. */
const PATH_CHARACTERS = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@/]+$/;

export const githubApiToolSpec: AgentToolSpec = {
  name: GITHUB_API_TOOL,
  description:
    "Call the GitHub REST API for this repository with Baton's credentials (you never see the token). " +
    "path is below /repos/{owner}/{repo} of the configured repository, e.g. GET /repos/o/r/issues/12, " +
    "PATCH /repos/o/r/issues/12 with body {state: 'closed'}, POST /repos/o/r/issues/12/comments with body " +
    "{body: '...'}, POST /repos/o/r/issues/12/labels with body {labels: [...]}. params become the query string. " +
    "Returns {status, body}; success is a 2xx status.",
  inputSchema: {
    type: "object",
    properties: {
      method: { type: "string", enum: [...METHODS] },
      path: {
        type: "string",
        description: "API path starting with /repos/{owner}/{repo} of the configured repository.",
      },
      params: {
        type: ["object", "null"],
        description: "Query parameters (string, number or boolean values).",
      },
      body: { description: "JSON request body for POST, PATCH, PUT and DELETE." },
    },
    required: ["method", "path"],
    additionalProperties: false,
  },
};

interface ApiCall {
  method: HttpMethod;
  path: string;
  query: string;
  body: unknown;
}

class ToolArgumentError extends Error {}

/**
 * Runs one `github_api` call host-side with the adapter's client (token, rate limits, timeouts).
 * Output is `{status, body}` for every HTTP answer, success meaning 2xx; calls that are refused or
 * never reach GitHub return `{error: {message, category?, retry_after_ms?}}` and change nothing.
 */
export async function executeGitHubApiTool(
  client: GitHubClient,
  repo: string,
  args: unknown,
): Promise<ToolResult> {
  let call: ApiCall;
  try {
    call = parseArguments(args, repo);
  } catch (error) {
    if (error instanceof ToolArgumentError) return failure({ message: error.message });
    throw error;
  }
  try {
    const response = await client.request({
      method: call.method,
      target: call.path + call.query,
      ...(call.body === undefined ? {} : { body: call.body }),
    });
    const success = response.status >= 200 && response.status < 300;
    return { success, output: { status: response.status, body: response.data ?? null } };
  } catch (error) {
    if (!isBatonError(error)) throw error;
    const retryAfter = error.details.retry_after_ms;
    return failure({
      category: error.category,
      message: error.message,
      ...(typeof retryAfter === "number" ? { retry_after_ms: retryAfter } : {}),
    });
  }
}

function parseArguments(args: unknown, repo: string): ApiCall {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new ToolArgumentError(
      'arguments must be a JSON object such as {"method": "GET", "path": "/repos/o/r"}',
    );
  }
  const record = args as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!ARGUMENTS.includes(key)) {
      throw new ToolArgumentError(
        `unknown argument ${JSON.stringify(key)} (github_api accepts: ${ARGUMENTS.join(", ")})`,
      );
    }
  }
  const method = typeof record.method === "string" ? record.method.toUpperCase() : record.method;
  if (!METHODS.includes(method as HttpMethod)) {
    throw new ToolArgumentError(
      `method must be one of ${METHODS.join(", ")}; got ${JSON.stringify(record.method)}`,
    );
  }
  if (method === "GET" && record.body !== undefined && record.body !== null) {
    throw new ToolArgumentError("GET requests take no body; put query parameters in params");
  }
  return {
    method: method as HttpMethod,
    path: checkPath(record.path, repo),
    query: queryString(record.params),
    body: record.body ?? undefined,
  };
}

/**
 * The reference's checks (starts with `/`, no `://`, CR, LF or NUL) plus Baton's scope: plain path
 * characters only, no `.`/`..` segments (even percent-encoded), and inside `/repos/{owner}/{repo}`
 * of the configured repository (compared case-insensitively, as GitHub does).
 */
function checkPath(path: unknown, repo: string): string {
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new ToolArgumentError(`path must be a string starting with "/"; got ${JSON.stringify(path)}`);
  }
  if (path.includes("://"))
    throw new ToolArgumentError("path must be an API path, not a URL (it contains ://)");
  if (/[\r\n\u0000]/.test(path))
    throw new ToolArgumentError("path must not contain CR, LF or NUL characters");
  if (path.includes("?") || path.includes("#")) {
    throw new ToolArgumentError("path must not contain ? or #: pass query parameters in params");
  }
  if (!PATH_CHARACTERS.test(path)) {
    throw new ToolArgumentError(
      "path contains characters that are not allowed in a URL path (percent-encode them)",
    );
  }
  const segments = path.split("/").slice(1);
  const decoded = segments.map(safeDecode);
  if (decoded.some((segment) => segment === "." || segment === ".." || segment === null)) {
    throw new ToolArgumentError('path must not contain "." or ".." segments');
  }
  const [owner, name] = repo.toLowerCase().split("/");
  if (
    decoded[0] !== "repos" ||
    decoded[1]?.toLowerCase() !== owner ||
    decoded[2]?.toLowerCase() !== name ||
    (segments.length > 3 && segments.slice(3).some((segment) => segment === ""))
  ) {
    throw new ToolArgumentError(
      `path must be inside /repos/${repo} (the configured repository); got ${path}`,
    );
  }
  return path;
}

function queryString(params: unknown): string {
  if (params === undefined || params === null) return "";
  if (typeof params !== "object" || Array.isArray(params)) {
    throw new ToolArgumentError("params must be an object of query parameters");
  }
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new ToolArgumentError(
        `params.${key} must be a string, number or boolean (join lists with commas, as GitHub expects)`,
      );
    }
    query.append(key, String(value));
  }
  const text = query.toString();
  return text === "" ? "" : `?${text}`;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function failure(error: Record<string, unknown>): ToolResult {
  return { success: false, output: { error } };
}
