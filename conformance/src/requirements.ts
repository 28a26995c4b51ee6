/**
 * The requirements index (spec/sections/*.yaml): loading and shape checks. Pure parsing lives here;
 * coverage rules that need the test files are in coverage.ts.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import YAML from "yaml";

export type Level = "MUST" | "SHOULD" | "MAY";
export type Profile = "core" | "extension" | "real-integration";

export const LEVELS: readonly Level[] = ["MUST", "SHOULD", "MAY"];
export const PROFILES: readonly Profile[] = ["core", "extension", "real-integration"];

export interface Requirement {
  id: string;
  section: string;
  level: Level;
  profile: Profile;
  summary: string;
  tests: string[];
  /** The index file that defines it, relative to the repo root. */
  file: string;
}

export interface ImplementationChoice {
  topic: string;
  choice: string;
  documented_in: string;
}

export interface IndexFile {
  file: string;
  section: string;
  title: string;
  /** Sections Baton deliberately does not implement carry `status: not_implemented` and a reason. */
  status: "implemented" | "not_implemented";
  reason: string | null;
  requirements: Requirement[];
  implementationDefined: ImplementationChoice[];
}

export interface RequirementsIndex {
  files: IndexFile[];
  requirements: Requirement[];
  /** Shape problems found while loading (each names the file and field). */
  problems: string[];
}

/**
 * `S` + a section number (digits or an appendix letter, dotted) + `-` + a lowercase slug, or, for
 * Baton's own extensions beyond the spec, `B.` + an area word + `-` + a slug (`B.durable-restart`).
 */
export const REQUIREMENT_ID = /^(?:S(?:\d+|[A-Z])(?:\.\d+)*|B\.[a-z]+)-[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The "section" of a Baton extension area (`B.durable`): not a spec section, always profile extension. */
export const EXTENSION_AREA = /^B\.[a-z]+$/;

/** The section an ID is filed under: `S8.4-x` → `8.4`, `B.durable-x` → `B.durable`. */
export function sectionOfId(id: string): string {
  const dash = id.indexOf("-");
  return id.startsWith("S") ? id.slice(1, dash) : id.slice(0, dash);
}

export const SECTIONS_DIR = "spec/sections";

export async function loadRequirementsIndex(repoRoot: string): Promise<RequirementsIndex> {
  const dir = path.join(repoRoot, SECTIONS_DIR);
  const names = (await readdir(dir)).filter((name) => name.endsWith(".yaml")).sort();
  const files: IndexFile[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const file = `${SECTIONS_DIR}/${name}`;
    const text = await readFile(path.join(dir, name), "utf8");
    files.push(parseIndexFile(file, text, problems));
  }
  const requirements = files.flatMap((file) => file.requirements);
  const seen = new Map<string, string>();
  for (const requirement of requirements) {
    const earlier = seen.get(requirement.id);
    if (earlier !== undefined) {
      problems.push(`${requirement.file}: ${requirement.id} is already defined in ${earlier}`);
    }
    seen.set(requirement.id, requirement.file);
  }
  return { files, requirements, problems };
}

/** Parses one index file, appending a message per malformed field to `problems`. */
export function parseIndexFile(file: string, text: string, problems: string[]): IndexFile {
  let data: unknown;
  try {
    data = YAML.parse(text);
  } catch (error) {
    problems.push(`${file}: not valid YAML: ${(error as Error).message}`);
    data = {};
  }
  const root = isRecord(data) ? data : {};
  if (!isRecord(data)) problems.push(`${file}: must be a YAML map`);
  const section = stringField(root, "section", file, problems);
  const title = stringField(root, "title", file, problems);
  const status = root.status ?? "implemented";
  if (status !== "implemented" && status !== "not_implemented") {
    problems.push(`${file}: status must be implemented or not_implemented, got ${JSON.stringify(status)}`);
  }
  const reason = typeof root.reason === "string" ? root.reason : null;
  if (status === "not_implemented" && reason === null) {
    problems.push(`${file}: a not_implemented section needs a reason`);
  }
  const rawRequirements = Array.isArray(root.requirements) ? root.requirements : [];
  if (!Array.isArray(root.requirements)) problems.push(`${file}: requirements must be a list`);
  const requirements = rawRequirements.map((entry, index) =>
    parseRequirement(entry, `${file}: requirements[${index}]`, file, problems),
  );
  const rawChoices = root.implementation_defined ?? [];
  const implementationDefined: ImplementationChoice[] = [];
  if (!Array.isArray(rawChoices)) problems.push(`${file}: implementation_defined must be a list`);
  else {
    rawChoices.forEach((entry, index) => {
      const where = `${file}: implementation_defined[${index}]`;
      const record = isRecord(entry) ? entry : {};
      implementationDefined.push({
        topic: stringField(record, "topic", where, problems),
        choice: stringField(record, "choice", where, problems),
        documented_in: stringField(record, "documented_in", where, problems),
      });
    });
  }
  return {
    file,
    section,
    title,
    status: status === "not_implemented" ? "not_implemented" : "implemented",
    reason,
    requirements,
    implementationDefined,
  };
}

function parseRequirement(entry: unknown, where: string, file: string, problems: string[]): Requirement {
  const record = isRecord(entry) ? entry : {};
  const id = stringField(record, "id", where, problems);
  const at = id === "" ? where : `${file}: ${id}`;
  if (id !== "" && !REQUIREMENT_ID.test(id)) {
    problems.push(`${at}: id must look like S8.4-failure-backoff or B.durable-restart`);
  }
  const level = record.level as Level;
  if (!LEVELS.includes(level))
    problems.push(`${at}: level must be MUST, SHOULD or MAY, got ${String(level)}`);
  const profile = record.profile as Profile;
  if (!PROFILES.includes(profile)) {
    problems.push(`${at}: profile must be core, extension or real-integration, got ${String(profile)}`);
  }
  if (id.startsWith("B.") && profile !== "extension") {
    problems.push(`${at}: a Baton extension requirement must have profile extension`);
  }
  const tests = record.tests;
  if (!Array.isArray(tests) || !tests.every((test) => typeof test === "string")) {
    problems.push(`${at}: tests must be a list of test file paths`);
  }
  return {
    id,
    section: stringField(record, "section", at, problems),
    level,
    profile,
    summary: stringField(record, "summary", at, problems),
    tests: Array.isArray(tests) ? tests.filter((test): test is string => typeof test === "string") : [],
    file,
  };
}

function stringField(
  record: Record<string, unknown>,
  key: string,
  where: string,
  problems: string[],
): string {
  const value = record[key];
  if (typeof value === "string" && value.trim() !== "") return value;
  problems.push(`${where}: ${key} must be a non-empty string`);
  return "";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
