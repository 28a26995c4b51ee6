/**
 * Implementation-defined behaviour must be documented (SPEC 1, 5.3.1, 10.5, 15): these checks keep
 * the documents the index cites present and covering what the spec asks them to state.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { trackerProfiles } from "@baton/tracker";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.ts";

const read = (file: string) => readFile(path.join(REPO_ROOT, file), "utf8");
const headings = (markdown: string) => [...markdown.matchAll(/^#{2,3} (.+)$/gm)].map((match) => match[1]!);

describe("documented posture and adapter profiles", () => {
  it("[S1-posture-documented][S15.1-trust-boundary-stated][S15.1-approval-posture-stated][S15.5-untrusted-inputs] docs/safety.md states who is trusted, that tickets and tool arguments are not, and the default approval and sandbox posture", async () => {
    const safety = await read("docs/safety.md");
    expect(safety).toMatch(/^\| ticket content[^\n]*\| untrusted/m);
    expect(safety).toMatch(/^\| tool arguments[^\n]*\| untrusted/m);
    expect(headings(safety)).toEqual(
      expect.arrayContaining(["Who is trusted", "Default agent posture: unattended, sandboxed"]),
    );
    for (const term of ["approval_policy", "sandbox", "WORKFLOW.md"]) expect(safety).toContain(term);
  });

  it("[S10.5-document-policy][S10.5-document-user-input] the agent README documents approvals, sandbox and user-input handling", async () => {
    const readme = await read("packages/agent/README.md");
    expect(headings(readme)).toContain("Approval, sandbox and user-input policy");
    const policy = readme.slice(readme.indexOf("## Approval, sandbox and user-input policy"));
    for (const term of [
      "requestApproval",
      "requestUserInput",
      "approval_required",
      "turn_input_required",
      "sandbox",
    ]) {
      expect(policy).toContain(term);
    }
  });

  it("[S5.3.1-adapter-docs][S15.3-adapters-declare-secrets] every tracker kind Baton ships has a profile page with provider keys, secrets and errors", async () => {
    expect(trackerProfiles.map((profile) => profile.kind).sort()).toEqual(["github", "linear", "local"]);
    for (const profile of trackerProfiles) {
      const page = await read(`docs/trackers/${profile.kind}.md`);
      expect(headings(page), `docs/trackers/${profile.kind}.md`).toEqual(
        expect.arrayContaining(["Kind", "Provider keys", "Errors"]),
      );
      expect(page, `docs/trackers/${profile.kind}.md names its $VAR support`).toMatch(
        /\$[A-Z_]+|\$VAR|\$NAME/,
      );
      for (const key of profile.secretProviderKeys) expect(page, `secret key ${key}`).toContain(`\`${key}\``);
      if (profile.secretProviderKeys.length > 0) expect(page).toMatch(/secret/i);
    }
  });
});
