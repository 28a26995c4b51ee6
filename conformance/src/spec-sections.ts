/**
 * The spec's numbered sections. spec/sections.json is the list kept in the repo; it is compared with
 * the spec file itself when that file is present (../shared/reference/symphony-SPEC.md in CI).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

export interface SpecSection {
  /** "5.3.1", "13.7.2", "A", "A.1". */
  number: string;
  title: string;
}

export const SECTIONS_JSON = "spec/sections.json";
/** Where CI checks out the spec, relative to the repo root. */
export const SPEC_FILE = "../shared/reference/symphony-SPEC.md";

const HEADING = /^#{2,6}\s+(?:Appendix\s+)?((?:\d+|[A-Z])(?:\.\d+)*)\.?\s+(.+?)\s*$/;

/** Numbered headings of the spec Markdown, in document order (unnumbered ones are skipped). */
export function extractSpecSections(markdown: string): SpecSection[] {
  const sections: SpecSection[] = [];
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) inFence = !inFence;
    if (inFence) continue;
    const match = HEADING.exec(line);
    if (match) sections.push({ number: match[1]!, title: match[2]! });
  }
  return sections;
}

export async function readSectionsJson(repoRoot: string): Promise<SpecSection[]> {
  return JSON.parse(await readFile(path.join(repoRoot, SECTIONS_JSON), "utf8")) as SpecSection[];
}

/** Differences between two section lists, one message each; [] when they agree. */
export function diffSections(expected: SpecSection[], actual: SpecSection[], actualName: string): string[] {
  const problems: string[] = [];
  const actualByNumber = new Map(actual.map((section) => [section.number, section]));
  const expectedNumbers = new Set(expected.map((section) => section.number));
  for (const section of expected) {
    const found = actualByNumber.get(section.number);
    if (found === undefined)
      problems.push(`${actualName} lacks section ${section.number} "${section.title}"`);
    else if (found.title !== section.title) {
      problems.push(
        `${actualName} names section ${section.number} "${found.title}", the spec says "${section.title}"`,
      );
    }
  }
  for (const section of actual) {
    if (!expectedNumbers.has(section.number)) {
      problems.push(
        `${actualName} has section ${section.number} "${section.title}", which the spec does not`,
      );
    }
  }
  return problems;
}

/** "5.3.1" → "5": the top-level section a number belongs to. */
export function topLevel(number: string): string {
  return number.split(".")[0]!;
}
