import type { TokenCounts } from "@baton/domain";

/**
 * Short human summaries of protocol notifications for dashboards and logs (SPEC 13.6). They are
 * observability only: nothing decides anything from them. High-volume streaming deltas get constant
 * strings so the hot path stays cheap.
 */

const MESSAGE_PREVIEW = 140;

type JsonObject = Record<string, unknown>;

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as JsonObject)[key] : undefined;
}

function preview(text: unknown): string {
  if (typeof text !== "string") return "";
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MESSAGE_PREVIEW ? `${oneLine.slice(0, MESSAGE_PREVIEW)}…` : oneLine;
}

function commandText(command: unknown): string {
  return Array.isArray(command) ? command.join(" ") : String(command ?? "");
}

/** `1234567` → `1,234,567` for the non-negative integer counts Baton reports (Intl was a visible share of event ingest). */
function grouped(count: number): string {
  if (count < 1000) return String(count);
  const rest = count % 1000;
  return `${grouped(Math.floor(count / 1000))},${rest < 10 ? "00" : rest < 100 ? "0" : ""}${rest}`;
}

export function formatTokens(totals: TokenCounts): string {
  return `tokens ${grouped(totals.total_tokens)} total (${grouped(totals.input_tokens)} in, ${grouped(totals.output_tokens)} out)`;
}

function summarizeItem(verb: "started" | "completed", item: unknown): string {
  const type = field(item, "type");
  switch (type) {
    case "commandExecution": {
      const command = commandText(field(item, "command"));
      if (verb === "started") return `running \`${command}\``;
      const exitCode = field(item, "exitCode");
      return `ran \`${command}\` (${exitCode === null || exitCode === undefined ? String(field(item, "status")) : `exit ${exitCode}`})`;
    }
    case "agentMessage":
      return verb === "completed" ? `agent: ${preview(field(item, "text"))}` : "agent is writing";
    case "fileChange": {
      const changes = field(item, "changes");
      const count = Array.isArray(changes) ? changes.length : 0;
      return `${verb === "started" ? "editing" : "edited"} ${count} file${count === 1 ? "" : "s"}`;
    }
    case "dynamicToolCall":
    case "mcpToolCall":
      return `${verb === "started" ? "calling" : "called"} tool ${String(field(item, "tool"))}`;
    case "reasoning":
      return verb === "started" ? "thinking" : "thought";
    default:
      return `item ${verb}: ${String(type)}`;
  }
}

export function summarizeNotification(method: string, params: unknown): string {
  switch (method) {
    case "item/agentMessage/delta":
      return "agent message streaming";
    case "item/commandExecution/outputDelta":
      return "command output streaming";
    case "item/reasoning/textDelta":
    case "item/reasoning/summaryTextDelta":
      return "reasoning streaming";
    case "item/started":
      return summarizeItem("started", field(params, "item"));
    case "item/completed":
      return summarizeItem("completed", field(params, "item"));
    case "error":
      return `error: ${preview(field(field(params, "error"), "message"))}`;
    case "warning":
      return `warning: ${preview(field(params, "message"))}`;
    case "thread/status/changed":
      return `thread ${String(field(field(params, "status"), "type"))}`;
    case "account/rateLimits/updated":
      return "rate limits updated";
    default:
      return method;
  }
}
