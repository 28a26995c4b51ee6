/**
 * The coverage check run in CI: the index, the test titles and the spec's section list must agree.
 *
 * Rule for `tests:` lists (kept by `pnpm spec:sync`): a requirement lists exactly the test files
 * with at least one test whose title names its ID in brackets, no more, no fewer.
 */
import { access, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import {
  EXTENSION_AREA,
  loadRequirementsIndex,
  REQUIREMENT_ID,
  type RequirementsIndex,
  sectionOfId,
} from "./requirements.ts";
import {
  diffSections,
  extractSpecSections,
  readSectionsJson,
  SECTIONS_JSON,
  SPEC_FILE,
  type SpecSection,
  topLevel,
} from "./spec-sections.ts";

/** The test roots of the root vitest config. */
export const TEST_ROOTS = ["apps", "packages", "conformance"];

export interface TestFileIds {
  /** Repo-relative path with forward slashes. */
  file: string;
  /** IDs named in the leading brackets of its test titles. */
  ids: Set<string>;
  /** Bracketed tokens in titles that are not shaped like IDs. */
  malformed: string[];
}

export interface CoverageOptions {
  repoRoot: string;
  /** True in CI: the spec file must then be present. */
  ci: boolean;
}

export interface CoverageReport {
  problems: string[];
  notes: string[];
  index: RequirementsIndex;
  testFiles: TestFileIds[];
  sections: SpecSection[];
}

// it("[S1-a][S2-b] title", ...), test.skipIf(x)(`[S1-a] ...`), it.concurrent(\n "[...] ...", with the
// title's leading bracket group captured.
const TEST_TITLE =
  /\b(?:it|test)(?:\.(?:only|skip|todo|concurrent|sequential|fails|skipIf\([^)]*\)|runIf\([^)]*\)))*\s*\(\s*["'`]((?:\[[^\]\n]*\][ \t]*)+)/g;
const BRACKET = /\[([^\]\n]*)\]/g;

/** IDs named by the test titles of one test file's source. */
export function idsInTestSource(source: string): { ids: Set<string>; malformed: string[] } {
  const ids = new Set<string>();
  const malformed: string[] = [];
  for (const title of source.matchAll(TEST_TITLE)) {
    for (const token of title[1]!.matchAll(BRACKET)) {
      const id = token[1]!;
      if (REQUIREMENT_ID.test(id)) ids.add(id);
      else malformed.push(id);
    }
  }
  return { ids, malformed };
}

export async function findTestFiles(repoRoot: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(path.join(repoRoot, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (
        entry.name.endsWith(".test.ts") &&
        /^(?:apps|packages)\/[^/]+\/test\/|^conformance\/test\//.test(child)
      ) {
        found.push(child);
      }
    }
  };
  for (const root of TEST_ROOTS) await walk(root);
  return found.sort();
}

export async function scanTestFiles(repoRoot: string): Promise<TestFileIds[]> {
  const files = await findTestFiles(repoRoot);
  return Promise.all(
    files.map(async (file) => ({
      file,
      ...idsInTestSource(await readFile(path.join(repoRoot, file), "utf8")),
    })),
  );
}

/** Which test files name each ID. */
export function filesById(testFiles: TestFileIds[]): Map<string, string[]> {
  const byId = new Map<string, string[]>();
  for (const testFile of testFiles) {
    for (const id of testFile.ids) byId.set(id, [...(byId.get(id) ?? []), testFile.file]);
  }
  return byId;
}

export async function checkCoverage(options: CoverageOptions): Promise<CoverageReport> {
  const { repoRoot } = options;
  const index = await loadRequirementsIndex(repoRoot);
  const testFiles = await scanTestFiles(repoRoot);
  const problems = [...index.problems];
  const notes: string[] = [];

  let sections: SpecSection[] = [];
  try {
    sections = await readSectionsJson(repoRoot);
  } catch (error) {
    problems.push(`${SECTIONS_JSON} cannot be read: ${(error as Error).message} (run pnpm spec:sync)`);
  }
  const specPath = path.resolve(repoRoot, SPEC_FILE);
  const specText = await readFile(specPath, "utf8").catch(() => null);
  if (specText === null) {
    const message = `the spec file ${specPath} is missing, so ${SECTIONS_JSON} was not compared with it`;
    if (options.ci) problems.push(`${message} (CI=true requires it)`);
    else notes.push(message);
  } else {
    problems.push(...diffSections(extractSpecSections(specText), sections, SECTIONS_JSON));
  }

  problems.push(...checkIndexAgainstSections(index, sections));
  problems.push(...checkTestsAgainstIndex(index, testFiles));
  for (const file of index.files) {
    for (const choice of file.implementationDefined) {
      const documented = choice.documented_in.split("#")[0]!;
      const exists = await access(path.join(repoRoot, documented)).then(
        () => true,
        () => false,
      );
      if (!exists) {
        problems.push(`${file.file}: implementation-defined "${choice.topic}" cites missing ${documented}`);
      }
    }
  }
  return { problems, notes, index, testFiles, sections };
}

export function checkIndexAgainstSections(index: RequirementsIndex, sections: SpecSection[]): string[] {
  if (sections.length === 0) return [];
  const problems: string[] = [];
  const numbers = new Set(sections.map((section) => section.number));
  for (const file of index.files) {
    if (file.section !== "" && !numbers.has(file.section) && !EXTENSION_AREA.test(file.section)) {
      problems.push(`${file.file}: section ${file.section} is not a section of the spec`);
    }
  }
  for (const requirement of index.requirements) {
    if (requirement.section === "") continue;
    if (!numbers.has(requirement.section) && !EXTENSION_AREA.test(requirement.section)) {
      problems.push(
        `${requirement.file}: ${requirement.id} cites section ${requirement.section}, not in the spec`,
      );
    }
    if (requirement.id !== "" && sectionOfId(requirement.id) !== requirement.section) {
      problems.push(`${requirement.file}: ${requirement.id} is filed under section ${requirement.section}`);
    }
  }
  const indexed = new Set(index.files.map((file) => topLevel(file.section)));
  // Extension areas (B.durable) are Baton's own and need no spec heading.
  for (const section of sections) {
    if (!section.number.includes(".") && !indexed.has(section.number)) {
      problems.push(`spec section ${section.number} "${section.title}" has no file in spec/sections/`);
    }
  }
  return problems;
}

export function checkTestsAgainstIndex(index: RequirementsIndex, testFiles: TestFileIds[]): string[] {
  const problems: string[] = [];
  const known = new Set(index.requirements.map((requirement) => requirement.id));
  for (const testFile of testFiles) {
    for (const id of testFile.ids) {
      if (!known.has(id)) problems.push(`${testFile.file} names ${id}, which no spec/sections file defines`);
    }
    for (const token of testFile.malformed) {
      problems.push(`${testFile.file} has a test title bracket [${token}] that is not a requirement ID`);
    }
  }
  const byId = filesById(testFiles);
  for (const requirement of index.requirements) {
    const naming = new Set(byId.get(requirement.id) ?? []);
    const listed = new Set(requirement.tests);
    for (const file of listed) {
      if (!naming.has(file)) {
        problems.push(`${requirement.file}: ${requirement.id} lists ${file}, which has no test naming it`);
      }
    }
    for (const file of naming) {
      if (!listed.has(file)) {
        problems.push(
          `${requirement.file}: ${requirement.id} is named by ${file} but not listed (pnpm spec:sync)`,
        );
      }
    }
    // Core MUSTs are required for conformance; extension MUSTs are required for the extensions Baton ships.
    if (requirement.level === "MUST" && requirement.profile !== "real-integration" && naming.size === 0) {
      problems.push(`${requirement.file}: ${requirement.profile} MUST ${requirement.id} has no test`);
    }
  }
  return problems;
}
