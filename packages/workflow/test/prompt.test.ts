import { describe, expect, it } from "vitest";
import { parsePromptTemplate, renderPrompt } from "../src/index.ts";
import { sampleIssue } from "./support.ts";

describe("renderPrompt", () => {
  it("[S5.4-inputs] [S12.1-inputs] [S5.4-attempt] renders issue fields and attempt (null on the first run)", async () => {
    const template =
      "{{ issue.identifier }}: {{ issue.title }} [{{ issue.state }}] p{{ issue.priority }} {{ issue.url }}\n" +
      "{% if attempt %}Attempt #{{ attempt }}: resume from the workspace.{% else %}First run.{% endif %}";
    const issue = sampleIssue();
    expect(await renderPrompt(template, { issue, attempt: null })).toBe(
      "ABC-123: Fix the login redirect [Todo] p2 https://tracker.example/ABC-123\nFirst run.",
    );
    expect(await renderPrompt(template, { issue })).toContain("First run.");
    expect(await renderPrompt(template, { issue, attempt: 3 })).toContain(
      "Attempt #3: resume from the workspace.",
    );
  });

  it("[S12.2-nested-values] [S12.2-string-keys] lets templates iterate labels and blockers and read nested fields", async () => {
    const template =
      "Labels: {{ issue.labels | join: ', ' }} ({{ issue.labels.size }})\n" +
      "{% for blocker in issue.blocked_by %}- {{ blocker.identifier }} is {{ blocker.state }}{% unless blocker.id %} (no id){% endunless %}\n{% endfor %}" +
      "{% if issue.description %}{{ issue.description }}{% endif %}|{{ issue.assignee_id }}|{{ issue.created_at }}|" +
      "{{ issue.native_ref.repo }}#{{ issue['native_ref']['number'] }}";
    const issue = sampleIssue({
      native_ref: { repo: "example/web", number: 42 },
      blocked_by: [
        { id: "i-1", identifier: "ABC-1", state: "Done" },
        { id: null, identifier: "ABC-2", state: null },
      ],
    });
    expect(await renderPrompt(template, { issue, attempt: null })).toBe(
      "Labels: bug, frontend (2)\n- ABC-1 is Done\n- ABC-2 is  (no id)\nUsers land on /404 after login.||2026-01-02T03:04:05.000Z|example/web#42",
    );
  });

  it("[S5.4-unknown-variable] [S5.4-strict-engine] [S12.2-strict-variables] fails on an unknown variable, naming it and its position", async () => {
    const rendering = renderPrompt("Work on {{ issue.identifier }}\nOwner: {{ issue.owner.email }}", {
      issue: sampleIssue(),
      attempt: null,
    });
    await expect(rendering).rejects.toMatchObject({
      category: "template_render_error",
      message:
        "Prompt template cannot be rendered: undefined variable: issue.owner at line 2, column 11 of the WORKFLOW.md prompt body",
      details: { line: 2, column: 11 },
    });
    await expect(
      renderPrompt("{% if retry_kind %}x{% endif %}", { issue: sampleIssue() }),
    ).rejects.toMatchObject({
      category: "template_render_error",
      message: expect.stringContaining("undefined variable: retry_kind"),
    });
  });

  it("[S5.4-unknown-filter] [S12.2-strict-filters] fails on an unknown filter", async () => {
    await expect(renderPrompt("{{ issue.title | shout }}", { issue: sampleIssue() })).rejects.toMatchObject({
      category: "template_render_error",
      message: expect.stringContaining("undefined filter: shout"),
    });
  });

  it("[S5.5-error-classes] reports broken template syntax as template_parse_error", async () => {
    await expect(renderPrompt("{% if attempt %}retry", { issue: sampleIssue() })).rejects.toMatchObject({
      category: "template_parse_error",
      message: expect.stringContaining("tag {% if attempt %} not closed"),
    });
    expect(() => parsePromptTemplate("{% bogus %}")).toThrow(/tag "bogus" not found/);
  });

  it("[S5.4-default-prompt] uses the minimal default prompt when the body is empty", async () => {
    expect(await renderPrompt("  \n", { issue: sampleIssue(), attempt: null })).toBe(
      "You are working on an issue from the configured tracker.\n\nIdentifier: ABC-123\nTitle: Fix the login redirect\nBody:\nUsers land on /404 after login.",
    );
    expect(await renderPrompt("", { issue: sampleIssue({ description: null }) })).toContain(
      "Body:\nNo description provided.",
    );
  });

  it("[S12.2-strict-variables] parses a template version once and reuses it for every render", async () => {
    const template = "Cached {{ issue.identifier }}";
    const first = parsePromptTemplate(template);
    expect(parsePromptTemplate(template)).toBe(first);
    expect(parsePromptTemplate(`${template} v2`)).not.toBe(first);
    expect(await renderPrompt(template, { issue: sampleIssue({ identifier: "Z-9" }) })).toBe("Cached Z-9");
  });
});
