import { describe, expect, it } from "vitest";
import { checkIndexAgainstSections, checkTestsAgainstIndex, idsInTestSource } from "../src/coverage.ts";
import { buildReport, formatLine } from "../src/report.ts";
import { parseIndexFile, type RequirementsIndex } from "../src/requirements.ts";
import { diffSections, extractSpecSections } from "../src/spec-sections.ts";
import { syncTestsLists } from "../src/sync.ts";

const SPEC = `# Title
## Normative Language
## 1. Problem Statement
### 1.1 Sub
\`\`\`
## 9. Not a heading inside a fence
\`\`\`
#### 5.3.1 \`tracker\` (object)
## Appendix A. SSH Worker Extension (OPTIONAL)
### A.1 Execution Model
`;

const INDEX = `section: "8"
title: Polling
requirements:
  # a comment that sync keeps
  - id: S8.4-failure-backoff
    section: "8.4"
    level: MUST
    profile: core
    summary: Retries a failed run after 10 s.
    tests: []
  - id: S8.4-backoff-cap
    section: "8.4"
    level: SHOULD
    profile: core
    summary: Caps the backoff.
    tests:
      [
        old.test.ts,
      ]
`;

function index(text = INDEX): RequirementsIndex {
  const problems: string[] = [];
  const file = parseIndexFile("spec/sections/08.yaml", text, problems);
  return { files: [file], requirements: file.requirements, problems };
}

describe("coverage check building blocks", () => {
  it("[S17-core-deterministic-tests] reads numbered spec headings, skipping fenced code and unnumbered ones", () => {
    expect(extractSpecSections(SPEC)).toEqual([
      { number: "1", title: "Problem Statement" },
      { number: "1.1", title: "Sub" },
      { number: "5.3.1", title: "`tracker` (object)" },
      { number: "A", title: "SSH Worker Extension (OPTIONAL)" },
      { number: "A.1", title: "Execution Model" },
    ]);
    expect(
      diffSections(
        [
          { number: "1", title: "A" },
          { number: "2", title: "B" },
        ],
        [{ number: "1", title: "X" }],
        "s.json",
      ),
    ).toEqual(['s.json names section 1 "X", the spec says "A"', 's.json lacks section 2 "B"']);
  });

  it("[S17-core-deterministic-tests] takes IDs only from the leading brackets of test titles", () => {
    // Spelled with a placeholder so the coverage scan of this very file does not see these titles.
    const source = `IT("[S8.4-failure-backoff] [S8.4-backoff-cap] retries", () => {});
      IT.skipIf(x)(
        "[S9.1-path-layout][todo] lays out", () => {});
      // a comment naming [S1-not-a-test] is ignored
      IT("no ids [S2-late] here", () => {});`.replaceAll("IT", "it");
    const { ids, malformed } = idsInTestSource(source);
    expect([...ids]).toEqual(["S8.4-failure-backoff", "S8.4-backoff-cap", "S9.1-path-layout"]);
    expect(malformed).toEqual(["todo"]);
  });

  it("[S17-core-deterministic-tests] flags untested core MUSTs, unknown IDs, stale lists and sections missing from the index", () => {
    const problems = checkTestsAgainstIndex(index(), [
      { file: "a.test.ts", ids: new Set(["S8.4-backoff-cap", "S8.9-unknown"]), malformed: [] },
    ]);
    expect(problems).toEqual([
      "a.test.ts names S8.9-unknown, which no spec/sections file defines",
      "spec/sections/08.yaml: core MUST S8.4-failure-backoff has no test",
      "spec/sections/08.yaml: S8.4-backoff-cap lists old.test.ts, which has no test naming it",
      "spec/sections/08.yaml: S8.4-backoff-cap is named by a.test.ts but not listed (pnpm spec:sync)",
    ]);
    expect(
      checkIndexAgainstSections(index(), [
        { number: "8", title: "P" },
        { number: "9", title: "W" },
      ]),
    ).toEqual([
      "spec/sections/08.yaml: S8.4-failure-backoff cites section 8.4, not in the spec",
      "spec/sections/08.yaml: S8.4-backoff-cap cites section 8.4, not in the spec",
      'spec section 9 "W" has no file in spec/sections/',
    ]);
  });

  it("[S17-core-deterministic-tests] accepts Baton extension areas (B.<area>) outside the spec's sections, only as profile extension", () => {
    const text = `section: B.durable
title: Durable state
requirements:
  - id: B.durable-restart-retry
    section: B.durable
    level: MUST
    profile: extension
    summary: A run that was running when Baton died is retried after a restart.
    tests: [a.test.ts]
  - id: B.durable-wrong-profile
    section: B.durable
    level: SHOULD
    profile: core
    summary: Wrongly filed as core.
    tests: []
`;
    const problems: string[] = [];
    const file = parseIndexFile("spec/sections/B.durable.yaml", text, problems);
    expect(problems).toEqual([
      "spec/sections/B.durable.yaml: B.durable-wrong-profile: a Baton extension requirement must have profile extension",
    ]);
    const extension: RequirementsIndex = { files: [file], requirements: file.requirements, problems };
    expect(checkIndexAgainstSections(extension, [{ number: "8", title: "P" }])).toEqual([
      'spec section 8 "P" has no file in spec/sections/',
    ]);
    // Built from parts so that the coverage scan of this file does not read it as a real title.
    const title = ["it", '("[B.durable-restart-retry] retries", () => {})'].join("");
    expect(idsInTestSource(title).ids).toEqual(new Set(["B.durable-restart-retry"]));
  });

  it("[S17-core-deterministic-tests] spec:sync rewrites flow, wrapped and block tests lists from the titles and keeps comments", () => {
    const synced = syncTestsLists(
      INDEX,
      new Map([
        ["S8.4-failure-backoff", ["b.test.ts", "a.test.ts"]],
        ["S8.4-backoff-cap", ["a.test.ts"]],
      ]),
    );
    expect(synced).toContain("# a comment that sync keeps");
    expect(index(synced).requirements.map((r) => r.tests)).toEqual([
      ["a.test.ts", "b.test.ts"],
      ["a.test.ts"],
    ]);
    expect(
      syncTestsLists(
        synced,
        new Map([
          ["S8.4-failure-backoff", ["a.test.ts", "b.test.ts"]],
          ["S8.4-backoff-cap", ["a.test.ts"]],
        ]),
      ),
    ).toBe(synced);
  });

  it("[S17.8-skip-reported] reports a requirement as fail, pass or skip with the reason, never a skip as a pass", () => {
    const report = buildReport(
      "impl",
      index().requirements,
      new Map([
        [
          "S8.4-failure-backoff",
          [{ source: "blackbox", name: "failure-backoff", outcome: "skip", reason: "no HTTP API" }],
        ],
        [
          "S8.4-backoff-cap",
          [
            { source: "blackbox", name: "backoff-cap", outcome: "pass", reason: null },
            { source: "package", name: "x.test.ts > cap", outcome: "fail", reason: "expected 1500" },
          ],
        ],
      ]),
      { onlyJudged: true },
    );
    expect(report.verdicts.map(formatLine)).toEqual([
      "FAIL S8.4-backoff-cap [SHOULD core] — x.test.ts > cap: expected 1500",
      "SKIP S8.4-failure-backoff [MUST core] — no HTTP API",
    ]);
    expect(report.summary).toEqual({ pass: 0, fail: 1, skip: 1 });
  });
});
