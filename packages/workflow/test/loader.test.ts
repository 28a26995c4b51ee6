import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { isBatonError } from "@baton/domain";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadWorkflow, parseWorkflow, selectWorkflowPath } from "../src/index.ts";
import { makeTempDir, removeDir, writeWorkflow } from "./support.ts";

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

async function loadError(content: string): Promise<{ category: string; message: string; details: object }> {
  const path = await writeWorkflow(dir, content);
  const error = await loadWorkflow(path).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isBatonError(error)) throw new Error(`expected a BatonError, got ${String(error)}`);
  return error;
}

describe("workflow path selection", () => {
  it("[S5.1-explicit-path] uses an explicit path, made absolute against the working directory", async () => {
    await mkdir(join(dir, "ops"));
    const path = await writeWorkflow(
      join(dir, "ops"),
      "---\ntracker:\n  kind: linear\n---\nExplicit prompt",
      "flow.md",
    );
    await writeWorkflow(dir, "cwd prompt");
    expect(selectWorkflowPath("ops/flow.md", dir)).toBe(path);
    expect(selectWorkflowPath(path, "/somewhere/else")).toBe(path);
    expect((await loadWorkflow(selectWorkflowPath("ops/flow.md", dir))).promptTemplate).toBe(
      "Explicit prompt",
    );
  });

  it("[S5.1-cwd-default] falls back to WORKFLOW.md in the working directory", async () => {
    const path = await writeWorkflow(dir, "Default prompt\n");
    expect(selectWorkflowPath(undefined, dir)).toBe(path);
    expect(selectWorkflowPath(undefined)).toBe(join(process.cwd(), "WORKFLOW.md"));
    expect((await loadWorkflow(selectWorkflowPath(undefined, dir))).promptTemplate).toBe("Default prompt");
  });
});

describe("loading WORKFLOW.md", () => {
  it("[S5.1-missing-file] reports an unreadable file as missing_workflow_file naming the absolute path", async () => {
    const missing = join(dir, "nope", "WORKFLOW.md");
    await expect(loadWorkflow(missing)).rejects.toMatchObject({
      category: "missing_workflow_file",
      message: expect.stringContaining(`${missing} (no such file)`),
    });
    await expect(loadWorkflow(dir)).rejects.toMatchObject({
      category: "missing_workflow_file",
      message: expect.stringContaining("it is a directory"),
    });
  });

  it("[S5.2-front-matter-split] splits YAML front matter from the prompt body", async () => {
    const path = await writeWorkflow(
      dir,
      "---\ntracker:\n  kind: linear\n  active_states: [Todo]\npolling:\n  interval_ms: 5000\n---\n\nWork on {{ issue.identifier }}.\n\n---\nA horizontal rule stays in the body.\n",
    );
    const workflow = await loadWorkflow(path);
    expect(workflow).toEqual({
      path,
      config: { tracker: { kind: "linear", active_states: ["Todo"] }, polling: { interval_ms: 5000 } },
      promptTemplate: "Work on {{ issue.identifier }}.\n\n---\nA horizontal rule stays in the body.",
    });
  });

  it("[S5.2-front-matter-optional] treats a file without front matter as all prompt with an empty config", () => {
    expect(parseWorkflow("# Task\n\nDo {{ issue.title }}\n", "/w/WORKFLOW.md")).toEqual({
      path: "/w/WORKFLOW.md",
      config: {},
      promptTemplate: "# Task\n\nDo {{ issue.title }}",
    });
    // A Markdown rule (----) on line 1 is not front matter.
    expect(parseWorkflow("----\nbody\n", "/w/WORKFLOW.md").config).toEqual({});
    expect(parseWorkflow("---\n---\nbody", "/w/WORKFLOW.md")).toMatchObject({
      config: {},
      promptTemplate: "body",
    });
    expect(parseWorkflow("---\n# only a comment\n---\nbody", "/w/WORKFLOW.md").config).toEqual({});
  });

  it("[S5.2-prompt-trimmed] trims the prompt body, including CRLF files and a byte-order mark", () => {
    const workflow = parseWorkflow(
      "\uFEFF---\r\nagent:\r\n  max_turns: 3\r\n---\r\n\r\n  Hello  \r\n\r\n",
      "/w/WORKFLOW.md",
    );
    expect(workflow.config).toEqual({ agent: { max_turns: 3 } });
    expect(workflow.promptTemplate).toBe("Hello");
  });

  it("[S5.2-front-matter-map] rejects a list or a scalar as front matter with workflow_front_matter_not_a_map", async () => {
    const list = await loadError("---\n- tracker\n- polling\n---\nprompt");
    expect(list.category).toBe("workflow_front_matter_not_a_map");
    expect(list.message).toContain(join(dir, "WORKFLOW.md"));
    expect(list.message).toContain("must be a map of settings (key: value lines), but it is a list");
    const scalar = await loadError("---\njust some text\n---\nprompt");
    expect(scalar).toMatchObject({
      category: "workflow_front_matter_not_a_map",
      message: expect.stringContaining('but it is the text "just some text"'),
    });
  });

  it("[S5.5-error-classes] reports invalid YAML as workflow_parse_error with the file, line and column", async () => {
    const tabs = await loadError("---\ntracker:\n\tkind: linear\n---\nprompt");
    expect(tabs.category).toBe("workflow_parse_error");
    expect(tabs.details).toMatchObject({ path: join(dir, "WORKFLOW.md"), line: 3, column: 1 });
    expect(tabs.message).toBe(
      `${join(dir, "WORKFLOW.md")} line 3, column 1: invalid YAML front matter: Tabs are not allowed as indentation (indent with spaces).`,
    );

    const duplicate = await loadError("---\npolling:\n  interval_ms: 1\n\npolling:\n  interval_ms: 2\n---\n");
    expect(duplicate).toMatchObject({ category: "workflow_parse_error", details: { line: 5, column: 1 } });
    expect(duplicate.message).toContain("Map keys must be unique");

    const colon = await loadError("---\ntracker:\n  kind: linear\n  project_slug: payments: v2\n---\n");
    expect(colon.message).toContain("line 4, column 17: invalid YAML front matter: Nested mappings");
    expect(colon.message).toContain('(put the value in quotes when it contains ": ")');

    const alias = await loadError("---\ntracker: *defaults\n---\n");
    expect(alias).toMatchObject({
      category: "workflow_parse_error",
      message: expect.stringContaining("alias"),
    });

    const quote = await loadError("---\ntracker:\n  kind: 'linear\n---\nprompt");
    expect(quote).toMatchObject({
      category: "workflow_parse_error",
      message: expect.stringContaining("quote"),
    });
  });

  it("[S5.5-error-classes] [S5.4-no-silent-fallback] reports front matter that is never closed, instead of swallowing the prompt", async () => {
    const error = await loadError(
      "---\ntracker:\n  kind: linear\n\nYou are working on {{ issue.identifier }}\n",
    );
    expect(error.category).toBe("workflow_parse_error");
    expect(error.message).toContain('the front matter opened by "---" on line 1 is never closed');
  });

  it("[S5.2-front-matter-split] accepts only YAML front matter and never evaluates other languages", async () => {
    const marker = "__batonFrontMatterEvaluated";
    const error = await loadError(`---js\n(globalThis.${marker} = true, { tracker: {} })\n---\nprompt`);
    expect(error.category).toBe("workflow_parse_error");
    expect(error.message).toContain('found "---js"');
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });
});
