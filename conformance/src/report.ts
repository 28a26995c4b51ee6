/** Per-requirement verdicts from scenario and test results, printed as lines, Markdown and JSON. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Outcome, ScenarioResult } from "./blackbox/runner.ts";
import type { Requirement } from "./requirements.ts";

/** One piece of evidence about a requirement: a black-box scenario or a package test. */
export interface Evidence {
  source: "blackbox" | "package";
  /** Scenario name or `file > test title`. */
  name: string;
  outcome: Outcome;
  reason: string | null;
}

export interface RequirementVerdict {
  id: string;
  level: string;
  profile: string;
  summary: string;
  outcome: Outcome;
  reason: string | null;
  evidence: Evidence[];
}

export interface ConformanceReport {
  implementation: string;
  generatedAt: string;
  verdicts: RequirementVerdict[];
  summary: Record<Outcome, number>;
}

export function scenarioEvidence(results: ScenarioResult[]): Map<string, Evidence[]> {
  const byId = new Map<string, Evidence[]>();
  for (const result of results) {
    for (const id of result.requirements) {
      const evidence = {
        source: "blackbox" as const,
        name: result.name,
        outcome: result.outcome,
        reason: result.reason,
      };
      byId.set(id, [...(byId.get(id) ?? []), evidence]);
    }
  }
  return byId;
}

/**
 * A requirement fails if any evidence failed, passes if some passed, and is skipped otherwise
 * (with the reasons given, or "no test" when nothing judged it).
 */
export function buildReport(
  implementation: string,
  requirements: Requirement[],
  evidence: Map<string, Evidence[]>,
  options: { onlyJudged: boolean },
): ConformanceReport {
  const known = new Map(requirements.map((requirement) => [requirement.id, requirement]));
  const ids = options.onlyJudged ? [...evidence.keys()] : [...new Set([...known.keys(), ...evidence.keys()])];
  const verdicts = ids.sort(compareIds).map((id): RequirementVerdict => {
    const requirement = known.get(id);
    const items = evidence.get(id) ?? [];
    const failed = items.filter((item) => item.outcome === "fail");
    const outcome: Outcome =
      failed.length > 0 ? "fail" : items.some((item) => item.outcome === "pass") ? "pass" : "skip";
    const reason =
      outcome === "fail"
        ? failed.map((item) => `${item.name}: ${item.reason}`).join("; ")
        : outcome === "skip"
          ? (items.map((item) => item.reason).find(Boolean) ?? "no test judged it")
          : null;
    return {
      id,
      level: requirement?.level ?? "?",
      profile: requirement?.profile ?? "?",
      summary: requirement?.summary ?? "(not in the requirements index)",
      outcome,
      reason,
      evidence: items,
    };
  });
  const summary = { pass: 0, fail: 0, skip: 0 };
  for (const verdict of verdicts) summary[verdict.outcome]++;
  return { implementation, generatedAt: new Date().toISOString(), verdicts, summary };
}

export function formatLine(verdict: RequirementVerdict): string {
  const tag = verdict.outcome.toUpperCase().padEnd(4);
  const reason = verdict.reason ? ` — ${firstLine(verdict.reason)}` : "";
  return `${tag} ${verdict.id} [${verdict.level} ${verdict.profile}]${reason}`;
}

export function formatSummary(report: ConformanceReport): string {
  const { pass, fail, skip } = report.summary;
  return `${report.verdicts.length} requirements: ${pass} pass, ${fail} fail, ${skip} skip (${report.implementation})`;
}

export function toMarkdown(report: ConformanceReport): string {
  const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
  const rows = report.verdicts.map(
    (v) =>
      `| ${v.outcome} | ${v.id} | ${v.level} | ${v.profile} | ${cell(v.summary)} | ${cell(
        v.evidence.map((e) => e.name).join(", "),
      )} | ${cell(v.reason ?? "")} |`,
  );
  return [
    "# Symphony conformance report",
    "",
    `Implementation: \`${report.implementation}\`  `,
    `Generated: ${report.generatedAt}  `,
    `Summary: ${formatSummary(report)}`,
    "",
    "| outcome | requirement | level | profile | summary | evidence | reason |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

export async function writeReports(
  report: ConformanceReport,
  dir: string,
): Promise<{ markdown: string; json: string }> {
  await mkdir(dir, { recursive: true });
  const markdown = path.join(dir, "conformance.md");
  const json = path.join(dir, "conformance.json");
  await writeFile(markdown, toMarkdown(report));
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  return { markdown, json };
}

/** S2 < S10, S9.5 < S9.10, appendix letters last. */
function compareIds(a: string, b: string): number {
  const key = (id: string) =>
    id
      .slice(1, id.indexOf("-"))
      .split(".")
      .map((part) => (/^\d+$/.test(part) ? Number(part) : 1_000 + part.charCodeAt(0)));
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const diff = (ka[i] ?? -1) - (kb[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return a.localeCompare(b);
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
