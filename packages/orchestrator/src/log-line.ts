import type { Logger } from "@baton/domain";

export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Record<string, LogValue>;
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Reasons come from tracker and agent errors; a long one would bury the line it explains. */
const MAX_VALUE_LENGTH = 300;

function formatValue(value: string | number | boolean | null): string {
  if (typeof value !== "string") return String(value);
  const text = value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH)}…` : value;
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

/** Stable `key=value` phrasing (SPEC 13.1): `action=retry outcome=scheduled attempt=3 reason="..."`. */
export function logLine(fields: LogFields): string {
  return Object.entries(fields)
    .filter((entry): entry is [string, string | number | boolean | null] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(" ");
}

/** Writes the line and the same fields as structured data, so both humans and log queries can use them. */
export function writeLog(logger: Logger, level: LogLevel, fields: LogFields): void {
  logger[level](fields, logLine(fields));
}
