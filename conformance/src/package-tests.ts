/**
 * Package contract tests: runs the packages', the CLI's and the suite's own vitest suites and turns
 * each test's result into evidence for the requirement IDs its title names.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { idsInTestSource } from "./coverage.ts";
import type { Evidence } from "./report.ts";

interface VitestJson {
  testResults: {
    name: string;
    assertionResults: { title: string; status: string; failureMessages?: string[] }[];
  }[];
}

export async function runPackageTests(
  repoRoot: string,
  log: (line: string) => void,
): Promise<Map<string, Evidence[]>> {
  const dir = await mkdtemp(path.join(tmpdir(), "baton-conformance-vitest-"));
  const output = path.join(dir, "results.json");
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        "pnpm",
        [
          "exec",
          "vitest",
          "run",
          "packages/",
          "apps/",
          // The suite's own checks (index coverage, documented policies); its black-box test is
          // left out because this command runs the black-box profile itself.
          "conformance/test/",
          "--exclude=conformance/test/blackbox.test.ts",
          "--reporter=dot",
          "--reporter=json",
          `--outputFile.json=${output}`,
        ],
        { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
      );
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => log(chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => log(chunk));
      child.once("error", reject);
      child.once("exit", resolve);
    });
    const results = JSON.parse(
      await readFile(output, "utf8").catch(() => '{"testResults":[]}'),
    ) as VitestJson;
    if (results.testResults.length === 0) throw new Error(`vitest produced no results (exit ${code})`);
    return evidenceFromVitest(results, repoRoot);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function evidenceFromVitest(results: VitestJson, repoRoot: string): Map<string, Evidence[]> {
  const byId = new Map<string, Evidence[]>();
  for (const file of results.testResults) {
    const relative = path.relative(repoRoot, file.name);
    for (const test of file.assertionResults) {
      const outcome = test.status === "passed" ? "pass" : test.status === "failed" ? "fail" : "skip";
      const reason =
        outcome === "fail"
          ? (test.failureMessages?.[0] ?? "failed").split("\n")[0]!
          : outcome === "skip"
            ? `test skipped (${test.status})`
            : null;
      // Titles are parsed the same way as source files: leading bracketed IDs.
      for (const id of idsInTestSource(`it(${JSON.stringify(test.title)}`).ids) {
        const evidence: Evidence = {
          source: "package",
          name: `${relative} > ${test.title}`,
          outcome,
          reason,
        };
        byId.set(id, [...(byId.get(id) ?? []), evidence]);
      }
    }
  }
  return byId;
}
