import type { IncomingMessage, ServerResponse } from "node:http";
import {
  encodeSse,
  findLastIndex,
  readJsonBody,
  requestPath,
  sendJson,
  startScriptedServer,
} from "./fake-server.ts";

/** One `POST /v1/responses` call Codex made, as a script sees it. */
export interface ModelRequest {
  /** 0-based, counted across the provider's lifetime (not reset by setScript). */
  index: number;
  // biome-ignore lint/suspicious/noExplicitAny: the Responses API body is whatever Codex sends.
  body: any;
  /** `body.input`: the full history Codex sends. */
  // biome-ignore lint/suspicious/noExplicitAny: Responses API items are open-ended.
  input: any[];
  /** `body.tools`: the tools Codex offers (exec_command, apply_patch, dynamic tools...). */
  // biome-ignore lint/suspicious/noExplicitAny: tool specs are open-ended.
  tools: any[];
  /** Text of the latest user message in `input`. */
  lastUserText: string | null;
  /** Every function_call_output / custom_tool_call_output item in `input`. */
  toolOutputs: ToolOutput[];
  /** The tool outputs that came after the latest user message: what happened so far in this turn. */
  turnToolOutputs: ToolOutput[];
}

export interface ToolOutput {
  callId: string;
  output: string;
}

export type ModelReply =
  /** An assistant message; ends the turn. */
  | { type: "message"; text: string }
  /** A function_call of Codex's shell tool `exec_command`. */
  | { type: "shell"; command: string }
  /** A function_call of a dynamic (client-side) tool. */
  | { type: "tool"; name: string; arguments: unknown }
  /** A custom_tool_call of the freeform `apply_patch` tool. */
  | { type: "patch"; patch: string }
  /** An HTTP error status instead of a stream. */
  | { type: "error"; status: number; message?: string }
  /** A stream that ends with `response.failed`. */
  | { type: "fail"; message: string }
  /** Accepts the request and never answers, until the provider closes. */
  | { type: "hang" };

export type ModelScript = (request: ModelRequest) => ModelReply | Promise<ModelReply>;

export interface ModelUsage {
  input_tokens: number;
  output_tokens: number;
  cached_tokens?: number;
  reasoning_tokens?: number;
}

export interface FakeModelProviderOptions {
  /** Token usage reported in `response.completed`; defaults to {@link DEFAULT_MODEL_USAGE}. */
  usage?: (request: ModelRequest) => ModelUsage;
}

export interface FakeModelProvider {
  /** `http://127.0.0.1:<port>/v1`: the `base_url` of a Codex model provider. */
  baseUrl: string;
  requests: ModelRequest[];
  setScript(script: ModelScript): void;
  close(): Promise<void>;
}

export const DEFAULT_MODEL_USAGE: Readonly<ModelUsage> = Object.freeze({
  input_tokens: 100,
  cached_tokens: 0,
  output_tokens: 20,
  reasoning_tokens: 0,
});

/**
 * Starts an OpenAI Responses API look-alike on 127.0.0.1 that answers each model call with the
 * script's reply as a Server-Sent Events stream, so the real `codex` binary can run turns offline.
 */
export async function startFakeModelProvider(
  script: ModelScript,
  options: FakeModelProviderOptions = {},
): Promise<FakeModelProvider> {
  let currentScript = script;
  const requests: ModelRequest[] = [];
  const usageOf = options.usage ?? (() => DEFAULT_MODEL_USAGE);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = requestPath(req);
    if (req.method !== "POST" || path !== "/v1/responses") {
      sendError(
        res,
        404,
        `the fake model provider only serves POST /v1/responses, not ${req.method} ${path}`,
      );
      return;
    }
    const body = await readJsonBody(req);
    if (body === undefined) {
      sendError(res, 400, "request body is not JSON");
      return;
    }
    const request = toModelRequest(requests.length, body);
    requests.push(request);
    const reply = await currentScript(request);
    respond(res, request, reply, usageOf(request));
  }

  const server = await startScriptedServer({
    handle,
    // A script that throws is a test bug: answer 500 so Codex fails the turn visibly.
    failed: (res, message) => sendError(res, 500, `fake model script failed: ${message}`),
  });
  return {
    baseUrl: `http://127.0.0.1:${server.port}/v1`,
    requests,
    setScript(next) {
      currentScript = next;
    },
    close: () => server.close(),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: parsing an open-ended request body.
function toModelRequest(index: number, body: any): ModelRequest {
  const input: unknown[] = Array.isArray(body?.input) ? body.input : [];
  const tools: unknown[] = Array.isArray(body?.tools) ? body.tools : [];
  const lastUser = findLastIndex(input, isUserMessage);
  const outputsFrom = (items: unknown[]) => items.filter(isToolOutput).map(toToolOutput);
  return {
    index,
    body,
    input,
    tools,
    lastUserText: lastUser >= 0 ? messageText(input[lastUser]) : null,
    toolOutputs: outputsFrom(input),
    turnToolOutputs: outputsFrom(input.slice(lastUser + 1)),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: Responses API item.
function isUserMessage(item: any): boolean {
  return item?.type === "message" && item.role === "user";
}

// biome-ignore lint/suspicious/noExplicitAny: Responses API item.
function isToolOutput(item: any): boolean {
  return item?.type === "function_call_output" || item?.type === "custom_tool_call_output";
}

// biome-ignore lint/suspicious/noExplicitAny: Responses API item.
function toToolOutput(item: any): ToolOutput {
  return { callId: String(item.call_id), output: contentText(item.output) };
}

// biome-ignore lint/suspicious/noExplicitAny: Responses API item.
function messageText(item: any): string {
  return contentText(item.content);
}

/** Content is either a plain string or a list of parts with `text`. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part?.text === "string" ? part.text : ""))
      .filter((text) => text !== "")
      .join("\n");
  }
  if (content && typeof content === "object" && "content" in content) {
    return contentText((content as { content: unknown }).content);
  }
  return "";
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: "fake_provider_error", code: null } });
}

function respond(res: ServerResponse, request: ModelRequest, reply: ModelReply, usage: ModelUsage): void {
  if (reply.type === "error") {
    sendError(res, reply.status, reply.message ?? `scripted HTTP ${reply.status}`);
    return;
  }
  if (reply.type === "hang") return;
  const responseId = `resp_${request.index}`;
  const model = typeof request.body?.model === "string" ? request.body.model : "fake";
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.end(sseEvents(responseId, model, request.index, reply, usage).map(encodeSse).join(""));
}

type StreamedReply = Exclude<ModelReply, { type: "error" } | { type: "hang" }>;

/** The event sequence of one model response, in the order the Responses API streams it. */
function sseEvents(
  responseId: string,
  model: string,
  index: number,
  reply: StreamedReply,
  usage: ModelUsage,
): Record<string, unknown>[] {
  const created = { type: "response.created", response: { id: responseId, model, status: "in_progress" } };
  if (reply.type === "fail") {
    return [
      created,
      {
        type: "response.failed",
        response: {
          id: responseId,
          status: "failed",
          error: { code: "server_error", message: reply.message },
        },
      },
    ];
  }
  const item = outputItem(reply, index);
  const events: Record<string, unknown>[] = [
    created,
    { type: "response.output_item.added", output_index: 0, item: { ...item, ...inProgressFields(item) } },
  ];
  if (reply.type === "message") {
    events.push({
      type: "response.output_text.delta",
      item_id: item.id,
      output_index: 0,
      content_index: 0,
      delta: reply.text,
    });
  }
  events.push(
    { type: "response.output_item.done", output_index: 0, item },
    {
      type: "response.completed",
      response: { id: responseId, model, status: "completed", usage: usagePayload(usage) },
    },
  );
  return events;
}

type ItemReply = Exclude<StreamedReply, { type: "fail" }>;

function outputItem(reply: ItemReply, index: number): Record<string, unknown> {
  const callId = `call_${index}`;
  switch (reply.type) {
    case "message":
      return {
        type: "message",
        id: `msg_${index}`,
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: reply.text, annotations: [] }],
      };
    case "shell":
      return functionCall(index, callId, "exec_command", { cmd: reply.command });
    case "tool":
      return functionCall(index, callId, reply.name, reply.arguments ?? {});
    case "patch":
      return {
        type: "custom_tool_call",
        id: `ctc_${index}`,
        call_id: callId,
        name: "apply_patch",
        input: reply.patch,
        status: "completed",
      };
  }
}

function functionCall(index: number, callId: string, name: string, args: unknown): Record<string, unknown> {
  return {
    type: "function_call",
    id: `fc_${index}`,
    call_id: callId,
    name,
    arguments: JSON.stringify(args),
    status: "completed",
  };
}

/** While an item streams it has no final content yet. */
function inProgressFields(item: Record<string, unknown>): Record<string, unknown> {
  return item.type === "message" ? { status: "in_progress", content: [] } : { status: "in_progress" };
}

function usagePayload(usage: ModelUsage): Record<string, unknown> {
  return {
    input_tokens: usage.input_tokens,
    input_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: usage.reasoning_tokens ?? 0 },
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
}
