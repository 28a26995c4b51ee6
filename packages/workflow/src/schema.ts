import type { ErrorObject } from "ajv";
import {
  workflowSchemaDocument as schema,
  validate as validateGenerated,
} from "./front-matter-validator.generated.ts";

/** One validation problem, already phrased for the operator: `agent.max_turns must be ..., got 0`. */
export interface ConfigProblem {
  field: string;
  message: string;
}

/** The published schema (packages/workflow/workflow.schema.json): the validator and editors share it. */
export const workflowSchema: Readonly<Record<string, unknown>> = schema;

/** The schema compiled ahead of time by scripts/compile-validator.mjs (Ajv is not loaded at run time). */
interface FrontMatterValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
const validateFrontMatter: FrontMatterValidator = validateGenerated;

/**
 * Validates the front matter map against the schema, filling schema defaults in place (callers pass
 * a copy). Returns every problem, one per offending field.
 */
export function checkFrontMatter(frontMatter: Record<string, unknown>): ConfigProblem[] {
  if (validateFrontMatter(frontMatter)) return [];
  const byField = new Map<string, ConfigProblem>();
  for (const error of validateFrontMatter.errors ?? []) {
    const field = fieldName(error.instancePath);
    if (!byField.has(field)) byField.set(field, { field, message: describeError(field, error) });
  }
  return [...byField.values()];
}

function describeError(field: string, error: ErrorObject): string {
  const parentSchema = (error.parentSchema ?? {}) as { errorMessage?: string; writeOnly?: boolean };
  const expectation = parentSchema.errorMessage ?? error.message ?? "is invalid";
  const shown = parentSchema.writeOnly ? "a value that is not shown (secret)" : formatValue(error.data);
  return `${field} ${expectation}, got ${shown}`;
}

/** `/tracker/active_states/1` → `tracker.active_states[1]`. */
function fieldName(instancePath: string): string {
  const segments = instancePath
    .split("/")
    .slice(1)
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (segments.length === 0) return "front matter";
  return segments.reduce((name, segment) =>
    /^\d+$/.test(segment) ? `${name}[${segment}]` : `${name}.${segment}`,
  );
}

/** A short, readable rendering of a config value for error messages. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value))
    return value.length === 0 ? "an empty list" : `a list ${truncate(JSON.stringify(value))}`;
  if (typeof value === "object" && value !== null) return `a map ${truncate(JSON.stringify(value))}`;
  return truncate(JSON.stringify(value));
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
