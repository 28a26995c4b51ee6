/**
 * `pnpm spec:sync`: rewrites every requirement's `tests:` list from the test titles and
 * spec/sections.json from the spec file (when present).
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { filesById, scanTestFiles } from "./coverage.ts";
import { SECTIONS_DIR } from "./requirements.ts";
import { extractSpecSections, SECTIONS_JSON, SPEC_FILE } from "./spec-sections.ts";

export interface SyncResult {
  changedFiles: string[];
}

export async function syncIndex(repoRoot: string, options: { skip?: string[] } = {}): Promise<SyncResult> {
  const changedFiles: string[] = [];
  const specText = await readFile(path.resolve(repoRoot, SPEC_FILE), "utf8").catch(() => null);
  if (specText !== null) {
    const json = `${JSON.stringify(extractSpecSections(specText), null, 2)}\n`;
    if (await writeIfChanged(path.join(repoRoot, SECTIONS_JSON), json)) changedFiles.push(SECTIONS_JSON);
  }
  const byId = filesById(await scanTestFiles(repoRoot));
  const dir = path.join(repoRoot, SECTIONS_DIR);
  for (const name of (await readdir(dir)).filter((entry) => entry.endsWith(".yaml")).sort()) {
    if (options.skip?.includes(name)) continue;
    const file = path.join(dir, name);
    const text = await readFile(file, "utf8");
    const updated = syncTestsLists(text, byId);
    if (updated !== text && (await writeIfChanged(file, updated)))
      changedFiles.push(`${SECTIONS_DIR}/${name}`);
  }
  return { changedFiles };
}

/**
 * The index file text with each requirement's `tests:` replaced by the sorted files naming its ID.
 * Edits only those lines (flow style for up to one file, block style otherwise), so comments and
 * folded text elsewhere stay exactly as written.
 */
export function syncTestsLists(text: string, byId: Map<string, string[]>): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let id: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const idMatch = /^ {2}- id: (\S+)\s*$/.exec(line);
    if (idMatch) id = idMatch[1]!;
    if (id === null || !/^ {4}tests:/.test(line)) {
      out.push(line);
      continue;
    }
    // Skip the current list: inline on this line, or block items / a wrapped flow list below it.
    while (i + 1 < lines.length && /^ {6}/.test(lines[i + 1]!)) i++;
    const wanted = [...(byId.get(id) ?? [])].sort();
    if (wanted.length <= 1) out.push(`    tests: [${wanted.join("")}]`);
    else out.push("    tests:", ...wanted.map((file) => `      - ${file}`));
    id = null;
  }
  return out.join("\n");
}

async function writeIfChanged(file: string, text: string): Promise<boolean> {
  const current = await readFile(file, "utf8").catch(() => null);
  if (current === text) return false;
  await writeFile(file, text);
  return true;
}
