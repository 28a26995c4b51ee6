import type { TokenCounts } from "@baton/domain";

/**
 * Readers for the JSON lines `claude -p --output-format stream-json --verbose` prints. Pure
 * functions: the session decides what to do, these only say what a record means.
 */

type JsonObject = Record<string, unknown>;

export function objectAt(value: unknown, ...keys: string[]): JsonObject | null {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== "object") return null;
    current = (current as JsonObject)[key];
  }
  return current !== null && typeof current === "object" && !Array.isArray(current)
    ? (current as JsonObject)
    : null;
}

export function stringAt(value: unknown, ...keys: string[]): string | null {
  const parent = keys.length > 1 ? objectAt(value, ...keys.slice(0, -1)) : objectAt(value);
  const leaf = parent?.[keys.at(-1) ?? ""];
  return typeof leaf === "string" ? leaf : null;
}

/**
 * Token usage of one turn, from its `result` record. Claude Code's `result.usage` covers the API
 * calls since the previous result (verified with 2.1.332: each turn's figures, not the session's),
 * so the session adds them up. Input counts every prompt token the API billed: fresh, cache
 * writes and cache reads, as Codex's `input_tokens` does.
 */
export function turnUsage(result: unknown): TokenCounts | null {
  const usage = objectAt(result, "usage");
  if (usage === null) return null;
  const input =
    count(usage.input_tokens) +
    count(usage.cache_creation_input_tokens) +
    count(usage.cache_read_input_tokens);
  const output = count(usage.output_tokens);
  return { input_tokens: input, output_tokens: output, total_tokens: input + output };
}

export function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/** How a turn's `result` record ended it. */
export type ResultKind = { kind: "completed" } | { kind: "failed"; reason: string };

export function resultKind(result: unknown): ResultKind {
  const record = objectAt(result) ?? {};
  if (record.is_error !== true && record.subtype === "success") return { kind: "completed" };
  const errors = Array.isArray(record.errors) ? record.errors.filter((e) => typeof e === "string") : [];
  const reason =
    [stringAt(record, "result"), ...errors].filter((text) => text !== null && text !== "").join("; ") ||
    String(record.subtype ?? "unknown result");
  return { kind: "failed", reason };
}

/** One short line per content block of an `assistant` record, for dashboards and logs. */
export function assistantSummaries(record: unknown): string[] {
  const content = objectAt(record, "message")?.content;
  if (!Array.isArray(content)) return [];
  return content.map((block) => {
    const type = stringAt(block, "type");
    if (type === "text") return `assistant: ${clip(stringAt(block, "text") ?? "")}`;
    if (type === "tool_use")
      return `tool use ${stringAt(block, "name")}: ${clip(JSON.stringify(objectAt(block, "input") ?? {}))}`;
    if (type === "thinking") return "assistant thinking";
    return `assistant ${type ?? "content"}`;
  });
}

/** Summaries of the tool results a `user` record carries back to the model. */
export function toolResultSummaries(record: unknown): string[] {
  const content = objectAt(record, "message")?.content;
  if (!Array.isArray(content)) return [];
  return content
    .filter((block) => stringAt(block, "type") === "tool_result")
    .map(
      (block) =>
        `tool result${objectAt(block)?.is_error === true ? " (error)" : ""}: ${clip(resultText(objectAt(block)?.content))}`,
    );
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => stringAt(part, "text") ?? "").join(" ");
  return "";
}

function clip(text: string, max = 160): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
