import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { BatonError } from "@baton/domain";
import { LineCounter, parseDocument } from "yaml";

/** Parsed WORKFLOW.md (SPEC 4.1.2): the raw front matter map and the trimmed prompt body. */
export interface WorkflowDefinition {
  /** Absolute path of the file. */
  path: string;
  config: Record<string, unknown>;
  promptTemplate: string;
}

/** SPEC 5.1: an explicit path wins (made absolute against cwd), else `WORKFLOW.md` in cwd. */
export function selectWorkflowPath(explicit?: string, cwd: string = process.cwd()): string {
  return explicit !== undefined && explicit !== "" ? resolve(cwd, explicit) : resolve(cwd, "WORKFLOW.md");
}

/** Reads and parses a WORKFLOW.md file; rejects with `missing_workflow_file` or a parse error. */
export async function loadWorkflow(path: string): Promise<WorkflowDefinition> {
  const absolute = resolve(path);
  return parseWorkflow(await readWorkflowSource(absolute), absolute);
}

export async function readWorkflowSource(absolutePath: string): Promise<string> {
  try {
    return await readFile(absolutePath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code;
    throw new BatonError(
      "missing_workflow_file",
      `Cannot read workflow file ${absolutePath} (${reason ?? String(error)}). Create it or pass the right path.`,
      { path: absolutePath, code },
      { cause: error },
    );
  }
}

const FRONT_MATTER_DELIMITER = "---";

/**
 * Splits WORKFLOW.md into front matter and prompt (SPEC 5.2). Front matter exists when the first
 * line is exactly `---`; it must be closed by a later `---` line and decode to a map.
 */
export function parseWorkflow(source: string, path: string): WorkflowDefinition {
  // Windows line endings would leave a stray \r on the last front matter line; normalise first.
  const text = (source.startsWith("\uFEFF") ? source.slice(1) : source).replaceAll("\r\n", "\n");
  const firstLine = text.split("\n", 1)[0]!.trimEnd();
  if (firstLine !== FRONT_MATTER_DELIMITER) {
    // Other tools read `---js` as JavaScript front matter (eval); only plain YAML is accepted.
    if (firstLine.startsWith(FRONT_MATTER_DELIMITER) && !/^-+$/.test(firstLine)) {
      throw new BatonError(
        "workflow_parse_error",
        `${path} line 1: front matter must open with a line containing only "---", found ${JSON.stringify(firstLine)}. Only YAML front matter is supported.`,
        { path, line: 1, column: 1 },
      );
    }
    return { path, config: {}, promptTemplate: text.trim() };
  }
  const close = text.indexOf(`\n${FRONT_MATTER_DELIMITER}`, FRONT_MATTER_DELIMITER.length);
  if (close === -1) {
    throw new BatonError(
      "workflow_parse_error",
      `${path}: the front matter opened by "---" on line 1 is never closed. Add a line containing only "---" after the settings, before the prompt.`,
      { path, line: 1, column: 1 },
    );
  }
  // Split by hand (gray-matter's require alone pulled in js-yaml and esprima: a fifth of startup).
  const frontMatter = text.slice(FRONT_MATTER_DELIMITER.length, close);
  const bodyStart = text.indexOf("\n", close + 1);
  const body = bodyStart === -1 ? "" : text.slice(bodyStart + 1);
  // Empty or comment-only front matter is an empty config.
  const data: unknown = parseYaml(frontMatter, path) ?? {};
  if (!isPlainMap(data)) {
    throw new BatonError(
      "workflow_front_matter_not_a_map",
      `${path}: front matter must be a map of settings (key: value lines), but it is ${describeYamlValue(data)}.`,
      { path },
    );
  }
  return { path, config: data, promptTemplate: body.trim() };
}

/** Extra advice for the YAML mistakes people make most in hand-written front matter. */
const YAML_HINTS: Partial<Record<string, string>> = {
  TAB_AS_INDENT: " (indent with spaces)",
  BLOCK_AS_IMPLICIT_KEY: ' (put the value in quotes when it contains ": ")',
};

/**
 * Parses the front matter. Its text begins right after the opening `---` (with that line's
 * newline), so positions in it are already line numbers of the whole file.
 */
function parseYaml(yaml: string, path: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(yaml, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problem = document.errors[0];
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    const hint = YAML_HINTS[problem.code] ?? "";
    throw new BatonError(
      "workflow_parse_error",
      `${path} line ${line}, column ${col}: invalid YAML front matter: ${problem.message}${hint}.`,
      { path, line, column: col, yamlCode: problem.code },
    );
  }
  try {
    return document.toJS();
  } catch (error) {
    // Unresolved aliases and alias bombs are only detected while building the value.
    throw new BatonError(
      "workflow_parse_error",
      `${path}: invalid YAML front matter: ${(error as Error).message}.`,
      { path },
      { cause: error },
    );
  }
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeYamlValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the text ${JSON.stringify(value.slice(0, 60))}`;
  return `the value ${JSON.stringify(value)}`;
}
