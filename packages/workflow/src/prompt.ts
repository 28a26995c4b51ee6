import type { Issue } from "@baton/domain";
import { BatonError } from "@baton/domain";
import { Liquid, type Template } from "liquidjs";

/**
 * What a prompt template sees (SPEC 5.4, 12.1). `phases:` prompts also get `workflow_phase`,
 * `outputs` and `feedback` (B.phases); the WORKFLOW.md body never does, so strict rendering still
 * rejects them there.
 */
export interface PromptInput {
  issue: Issue;
  /** null (or absent) on the first run, so `{% if attempt %}` is false; 1, 2, ... on retries and continuations. */
  attempt?: number | null;
  [variable: string]: unknown;
}

/** Used when the WORKFLOW.md body is empty (SPEC 5.4), with the same fields the reference prints. */
export const DEFAULT_PROMPT_TEMPLATE = `You are working on an issue from the configured tracker.

Identifier: {{ issue.identifier }}
Title: {{ issue.title }}
Body:
{% if issue.description %}{{ issue.description }}{% else %}No description provided.{% endif %}`;

// Strict: an unknown variable or filter is an error, never an empty string (SPEC 12.2). A fixed
// locale renders dates the same on every host, and spares each start the ~15 ms liquidjs spends
// asking Intl for the host's.
const engine = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  locale: "en-US",
});

/** Parsed templates by source text: the prompt is parsed once per WORKFLOW.md version, rendered per run. */
const parsedTemplates = new Map<string, Template[]>();
const PARSED_TEMPLATE_LIMIT = 16;

/**
 * Parses (and caches) a prompt template, throwing BatonError `template_parse_error` for syntax
 * problems or `template_render_error` for unknown filters. Lets `baton validate` check a body early.
 */
export function parsePromptTemplate(template: string): Template[] {
  const source = template.trim() === "" ? DEFAULT_PROMPT_TEMPLATE : template;
  const cached = parsedTemplates.get(source);
  if (cached) return cached;
  let parsed: Template[];
  try {
    parsed = engine.parse(source);
  } catch (error) {
    // liquidjs resolves filters while parsing; SPEC 5.5 counts an unknown filter as a render error.
    const unknownFilter = error instanceof Error && error.message.startsWith("undefined filter");
    throw templateError(unknownFilter ? "template_render_error" : "template_parse_error", error);
  }
  if (parsedTemplates.size >= PARSED_TEMPLATE_LIMIT) {
    parsedTemplates.delete(parsedTemplates.keys().next().value!);
  }
  parsedTemplates.set(source, parsed);
  return parsed;
}

/** Renders the per-issue prompt; an empty template uses DEFAULT_PROMPT_TEMPLATE. */
export async function renderPrompt(template: string, input: PromptInput): Promise<string> {
  const parsed = parsePromptTemplate(template);
  try {
    return await engine.render(parsed, { ...input, issue: input.issue, attempt: input.attempt ?? null });
  } catch (error) {
    throw templateError("template_render_error", error);
  }
}

/** Rephrases liquidjs' `undefined variable: x, line:2, col:4` with the position made explicit. */
function templateError(
  category: "template_parse_error" | "template_render_error",
  error: unknown,
): BatonError {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /^(.*), line:(\d+), col:(\d+)$/s.exec(raw);
  const action = category === "template_parse_error" ? "cannot be parsed" : "cannot be rendered";
  if (!position) return new BatonError(category, `Prompt template ${action}: ${raw}`, {}, { cause: error });
  const [, problem, line, column] = position;
  return new BatonError(
    category,
    `Prompt template ${action}: ${problem} at line ${line}, column ${column} of the WORKFLOW.md prompt body`,
    { line: Number(line), column: Number(column) },
    { cause: error },
  );
}
