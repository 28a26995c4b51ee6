import type { TokenCounts } from "@baton/domain";

type JsonObject = Record<string, unknown>;

function objectAt(value: unknown, ...keys: string[]): JsonObject | null {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== "object") return null;
    current = (current as JsonObject)[key];
  }
  return current !== null && typeof current === "object" ? (current as JsonObject) : null;
}

/**
 * Absolute thread token totals carried by a notification, or null when it carries none (SPEC 13.5).
 * Only payloads defined as cumulative count: `thread/tokenUsage/updated` (`tokenUsage.total`) and
 * the legacy token-count wrappers (`total_token_usage`). Per-response `last` usage is ignored.
 */
export function absoluteTokenTotals(method: string, params: unknown): TokenCounts | null {
  if (method === "thread/tokenUsage/updated") return tokenCounts(objectAt(params, "tokenUsage", "total"));
  if (method.endsWith("token_count")) {
    return tokenCounts(
      objectAt(params, "msg", "payload", "info", "total_token_usage") ??
        objectAt(params, "msg", "info", "total_token_usage") ??
        objectAt(params, "info", "total_token_usage"),
    );
  }
  return null;
}

/** Reads token counts leniently from the field names Codex versions have used. */
export function tokenCounts(source: JsonObject | null): TokenCounts | null {
  if (source === null) return null;
  const input = count(
    source.input_tokens ?? source.inputTokens ?? source.prompt_tokens ?? source.promptTokens,
  );
  const output = count(
    source.output_tokens ?? source.outputTokens ?? source.completion_tokens ?? source.completionTokens,
  );
  const total = count(source.total_tokens ?? source.totalTokens ?? source.total);
  if (input === null && output === null && total === null) return null;
  return {
    input_tokens: input ?? 0,
    output_tokens: output ?? 0,
    total_tokens: total ?? (input ?? 0) + (output ?? 0),
  };
}

function count(value: unknown): number | null {
  const parsed = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof parsed === "number" && Number.isFinite(parsed) && parsed >= 0 ? Math.floor(parsed) : null;
}

/**
 * The increase from the highest totals reported so far to `next`, per field and never negative, and
 * the new high-water mark. Adding up the deltas never counts a token twice, even when totals arrive
 * out of order or repeat.
 */
export function tokenDelta(
  reported: TokenCounts,
  next: TokenCounts,
): { delta: TokenCounts; highWater: TokenCounts } {
  return {
    delta: {
      input_tokens: Math.max(0, next.input_tokens - reported.input_tokens),
      output_tokens: Math.max(0, next.output_tokens - reported.output_tokens),
      total_tokens: Math.max(0, next.total_tokens - reported.total_tokens),
    },
    highWater: {
      input_tokens: Math.max(reported.input_tokens, next.input_tokens),
      output_tokens: Math.max(reported.output_tokens, next.output_tokens),
      total_tokens: Math.max(reported.total_tokens, next.total_tokens),
    },
  };
}

/**
 * Folds a rolling `account/rateLimits/updated` snapshot into the latest known one for the same
 * limit: the protocol sends sparse updates in which a null field means "unknown", not "cleared".
 */
export function mergeRateLimits(previous: JsonObject | null, update: unknown): JsonObject | null {
  if (update === null || typeof update !== "object") return previous;
  const limitId = (update as JsonObject).limitId;
  const sameLimit = limitId == null || previous?.limitId == null || previous.limitId === limitId;
  const merged: JsonObject = sameLimit ? { ...previous } : {};
  for (const key in update) {
    if (!Object.hasOwn(update, key)) continue;
    const value = (update as JsonObject)[key];
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged;
}
