import type { IncomingMessage, ServerResponse } from "node:http";
import {
  encodeSse,
  findLastIndex,
  readJsonBody,
  requestPath,
  sendJson,
  startScriptedServer,
} from "./fake-server.ts";
import type { ModelReply, ModelRequest, ModelScript, ToolOutput } from "./model-provider.ts";

/** Per-call token usage the fake Messages API reports (Anthropic's field names). */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export const DEFAULT_ANTHROPIC_USAGE: Readonly<AnthropicUsage> = Object.freeze({
  input_tokens: 100,
  output_tokens: 20,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
});

/**
 * One `POST /v1/messages` call, as a {@link ModelScript} sees it. The fields mean what they mean
 * for the OpenAI fake, so the same scripts drive both agents: `tools` carry the names the script
 * knows (`local_tracker`, not Claude Code's `mcp__baton__local_tracker`), `turnToolOutputs` are the
 * `tool_result` blocks since the latest user text.
 */
export interface AnthropicModelRequest extends ModelRequest {
  /** True for the agent loop's calls (they offer tools); false for Claude Code's side calls. */
  agentTurn: boolean;
  /** The usage this call was answered with (set once it was answered). */
  usage: AnthropicUsage | null;
}

export interface FakeAnthropicProviderOptions {
  /** Usage reported per call; defaults to {@link DEFAULT_ANTHROPIC_USAGE}. */
  usage?: (request: AnthropicModelRequest) => AnthropicUsage;
  /** Rate-limit headers (`anthropic-ratelimit-*`) sent with every answer. */
  rateLimitHeaders?: Record<string, string>;
}

export interface FakeAnthropicProvider {
  /** `http://127.0.0.1:<port>`: what `ANTHROPIC_BASE_URL` must be. */
  baseUrl: string;
  /** Every call, side calls included. */
  requests: AnthropicModelRequest[];
  setScript(script: ModelScript): void;
  /** Variables that point the real `claude` at this fake, offline. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Claude Code names an MCP tool `mcp__<server>__<tool>`. */
const MCP_TOOL_NAME = /^mcp__[^_]+(?:_[^_]+)*?__(.+)$/;
/** Claude Code's shell tool. */
const SHELL_TOOL = "Bash";
const SIDE_CALL_TEXT = "ok";

/**
 * Starts an Anthropic Messages API look-alike on 127.0.0.1 that answers agent calls with the
 * script's reply as a Server-Sent Events stream (tool_use blocks for `shell` and `tool` replies), so
 * the real `claude` binary runs turns offline. Calls without tools (Claude Code's own side calls,
 * e.g. titles) get a short text answer without consulting the script, and count no usage.
 */
export async function startFakeAnthropicProvider(
  script: ModelScript,
  options: FakeAnthropicProviderOptions = {},
): Promise<FakeAnthropicProvider> {
  let currentScript = script;
  const requests: AnthropicModelRequest[] = [];
  const usageOf = options.usage ?? (() => DEFAULT_ANTHROPIC_USAGE);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = requestPath(req);
    if (req.method === "POST" && path === "/v1/messages/count_tokens") {
      sendJson(res, 200, { input_tokens: 100 });
      return;
    }
    if (req.method !== "POST" || path !== "/v1/messages") {
      sendError(res, 404, `the fake Anthropic API only serves POST /v1/messages, not ${req.method} ${path}`);
      return;
    }
    const body = await readJsonBody(req);
    if (body === undefined) {
      sendError(res, 400, "request body is not JSON");
      return;
    }
    const request = toRequest(requests.length, body);
    requests.push(request);
    const reply: ModelReply = request.agentTurn
      ? await currentScript(request)
      : { type: "message", text: SIDE_CALL_TEXT };
    const usage = request.agentTurn ? usageOf(request) : { input_tokens: 0, output_tokens: 0 };
    if (reply.type !== "error" && reply.type !== "hang") request.usage = usage;
    respond(res, request, reply, usage, options.rateLimitHeaders ?? {});
  }

  const server = await startScriptedServer({
    handle,
    failed: (res, message) => sendError(res, 500, `fake Anthropic script failed: ${message}`),
  });
  const baseUrl = `http://127.0.0.1:${server.port}`;

  return {
    baseUrl,
    requests,
    setScript(next) {
      currentScript = next;
    },
    env: () => claudeOfflineEnv(baseUrl),
    close: () => server.close(),
  };
}

/**
 * What the real `claude` needs to run offline against a fake at `baseUrl`: the base URL, a key
 * (any value), no telemetry, update checks or other non-essential traffic.
 */
export function claudeOfflineEnv(baseUrl: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-fake-offline",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
  };
}

/** Sum of the usage the fake reported to agent calls: what a client's token totals must equal. */
export function reportedAnthropicUsage(requests: readonly AnthropicModelRequest[]): {
  input_tokens: number;
  output_tokens: number;
} {
  let input = 0;
  let output = 0;
  for (const request of requests) {
    if (request.usage === null) continue;
    input +=
      request.usage.input_tokens +
      (request.usage.cache_creation_input_tokens ?? 0) +
      (request.usage.cache_read_input_tokens ?? 0);
    output += request.usage.output_tokens;
  }
  return { input_tokens: input, output_tokens: output };
}

// biome-ignore lint/suspicious/noExplicitAny: parsing an open-ended request body.
function toRequest(index: number, body: any): AnthropicModelRequest {
  const messages: unknown[] = Array.isArray(body?.messages) ? body.messages : [];
  const rawTools: unknown[] = Array.isArray(body?.tools) ? body.tools : [];
  // biome-ignore lint/suspicious/noExplicitAny: tool specs are open-ended.
  const tools = rawTools.map((tool: any) => ({ ...tool, name: scriptToolName(String(tool?.name)) }));
  const lastUser = findLastIndex(messages, isUserText);
  const outputsFrom = (items: unknown[]) => items.flatMap(toolResults);
  return {
    index,
    body,
    input: messages,
    tools,
    lastUserText: lastUser >= 0 ? userText(messages[lastUser]) : null,
    toolOutputs: outputsFrom(messages),
    turnToolOutputs: outputsFrom(messages.slice(lastUser + 1)),
    agentTurn: rawTools.length > 0,
    usage: null,
  };
}

function scriptToolName(name: string): string {
  return name.match(MCP_TOOL_NAME)?.[1] ?? name;
}

/** A user message that carries text of its own (not only tool results). */
// biome-ignore lint/suspicious/noExplicitAny: Messages API item.
function isUserText(message: any): boolean {
  if (message?.role !== "user") return false;
  if (typeof message.content === "string") return true;
  return Array.isArray(message.content) && message.content.some(isPromptText);
}

/** Claude Code adds `<system-reminder>` text blocks to user messages; they are not the prompt. */
// biome-ignore lint/suspicious/noExplicitAny: content block.
function isPromptText(block: any): boolean {
  return (
    block?.type === "text" && typeof block.text === "string" && !block.text.startsWith("<system-reminder>")
  );
}

// biome-ignore lint/suspicious/noExplicitAny: Messages API item.
function userText(message: any): string {
  if (typeof message.content === "string") return message.content;
  return (message.content as unknown[])
    .filter(isPromptText)
    .map((block) => (block as { text: string }).text)
    .join("\n");
}

// biome-ignore lint/suspicious/noExplicitAny: Messages API item.
function toolResults(message: any): ToolOutput[] {
  if (message?.role !== "user" || !Array.isArray(message.content)) return [];
  return (
    (message.content as unknown[])
      // biome-ignore lint/suspicious/noExplicitAny: content block.
      .filter((block: any) => block?.type === "tool_result")
      // biome-ignore lint/suspicious/noExplicitAny: content block.
      .map((block: any) => ({ callId: String(block.tool_use_id), output: resultText(block.content) }))
  );
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part?.text === "string" ? part.text : ""))
      .filter((text) => text !== "")
      .join("\n");
  }
  return "";
}

function sendError(res: ServerResponse, status: number, message: string): void {
  const type = status === 429 ? "rate_limit_error" : status >= 500 ? "api_error" : "invalid_request_error";
  sendJson(res, status, { type: "error", error: { type, message } });
}

function respond(
  res: ServerResponse,
  request: AnthropicModelRequest,
  reply: ModelReply,
  usage: AnthropicUsage,
  headers: Record<string, string>,
): void {
  if (reply.type === "error") {
    sendError(res, reply.status, reply.message ?? `scripted HTTP ${reply.status}`);
    return;
  }
  if (reply.type === "hang") return;
  const model = typeof request.body?.model === "string" ? request.body.model : "claude-fake";
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "request-id": `req_fake_${request.index}`,
    ...headers,
  });
  if (request.body?.stream !== true) {
    res.end(JSON.stringify(nonStreamingMessage(request, reply, model, usage)));
    return;
  }
  res.end(sseEvents(request, reply, model, usage).map(encodeSse).join(""));
}

type StreamedReply = Exclude<ModelReply, { type: "error" } | { type: "hang" }>;

/** The event sequence of one streamed message, in the order the Messages API sends it. */
function sseEvents(
  request: AnthropicModelRequest,
  reply: StreamedReply,
  model: string,
  usage: AnthropicUsage,
): Record<string, unknown>[] {
  const start = {
    type: "message_start",
    message: {
      id: `msg_fake_${request.index}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
        cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
        output_tokens: 1,
      },
    },
  };
  if (reply.type === "fail") {
    return [start, { type: "error", error: { type: "api_error", message: reply.message } }];
  }
  const block = contentBlock(request, reply);
  const events: Record<string, unknown>[] = [start];
  if (block.type === "text") {
    events.push(
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: block.text } },
    );
  } else {
    events.push(
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
      },
    );
  }
  events.push(
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: block.type === "text" ? "end_turn" : "tool_use", stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    },
    { type: "message_stop" },
  );
  return events;
}

type ContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown };

function contentBlock(
  request: AnthropicModelRequest,
  reply: Exclude<StreamedReply, { type: "fail" }>,
): ContentBlock {
  const id = `toolu_fake_${request.index}`;
  switch (reply.type) {
    case "message":
      return { type: "text", text: reply.text };
    case "shell":
      return { type: "tool_use", id, name: SHELL_TOOL, input: { command: reply.command } };
    case "tool":
      return { type: "tool_use", id, name: agentToolName(request, reply.name), input: reply.arguments ?? {} };
    case "patch":
      throw new Error("the fake Anthropic API has no apply_patch tool: use a shell reply");
  }
}

/** The name Claude Code offered for a script's tool (`local_tracker` → `mcp__baton__local_tracker`). */
function agentToolName(request: AnthropicModelRequest, name: string): string {
  // biome-ignore lint/suspicious/noExplicitAny: raw tool spec.
  const offered = (request.body?.tools ?? []).map((tool: any) => String(tool?.name));
  return offered.find((candidate: string) => scriptToolName(candidate) === name) ?? name;
}

function nonStreamingMessage(
  request: AnthropicModelRequest,
  reply: StreamedReply,
  model: string,
  usage: AnthropicUsage,
): Record<string, unknown> {
  const block = reply.type === "fail" ? { type: "text", text: reply.message } : contentBlock(request, reply);
  return {
    id: `msg_fake_${request.index}`,
    type: "message",
    role: "assistant",
    model,
    content: [block],
    stop_reason: block.type === "tool_use" ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage,
  };
}
