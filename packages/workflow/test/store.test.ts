import { open, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@baton/domain";
import { silentLogger } from "@baton/domain";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WorkflowStore, type WorkflowStoreEvent } from "../src/index.ts";
import {
  makeTempDir,
  removeDir,
  saveAtomically,
  testEnv,
  testProfiles,
  waitUntil,
  writeWorkflow,
} from "./support.ts";

function workflowText(intervalMs: number, prompt = "Work on {{ issue.identifier }}"): string {
  return `---\ntracker:\n  kind: linear\n  provider:\n    project_slug: web\npolling:\n  interval_ms: ${intervalMs}\n---\n${prompt}\n`;
}

const BROKEN = "---\ntracker:\n\tkind: linear\n---\nprompt\n";

let dir: string;
let path: string;
let store: WorkflowStore | null;
let events: WorkflowStoreEvent[];

beforeEach(async () => {
  dir = await makeTempDir();
  path = await writeWorkflow(dir, workflowText(1000));
  store = null;
  events = [];
});
afterEach(async () => {
  store?.close();
  await removeDir(dir);
});

async function openStore(pollIntervalMs = 50, logger: Logger = silentLogger): Promise<WorkflowStore> {
  store = await WorkflowStore.open(path, {
    env: testEnv,
    trackerProfiles: testProfiles,
    pollIntervalMs,
    logger,
  });
  store.subscribe((event) => events.push(event));
  return store;
}

/** Writes a new version beside the file and renames it into place, as editors save. */
async function replaceWorkflow(text: string): Promise<void> {
  await writeFile(`${path}.saving`, text);
  await rename(`${path}.saving`, path);
}

/** Gives watchers and a few poll cycles time to run; used only to show that nothing happened. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("WorkflowStore", () => {
  it("[S6.3-startup-validation] fails to open when the startup workflow is invalid", async () => {
    await writeWorkflow(dir, BROKEN);
    await expect(
      WorkflowStore.open(path, { env: testEnv, trackerProfiles: testProfiles }),
    ).rejects.toMatchObject({
      category: "workflow_parse_error",
    });
    await expect(
      WorkflowStore.open(join(dir, "absent.md"), { env: testEnv, trackerProfiles: testProfiles }),
    ).rejects.toMatchObject({ category: "missing_workflow_file" });
  });

  it("[S6.2-detect-changes] [S6.2-reapply] picks up an edit without restart and applies config and prompt", async () => {
    const opened = await openStore();
    expect(opened.current().config.polling.interval_ms).toBe(1000);
    // A plain in-place write: a poll may catch it half-written, so wait for the final outcome.
    await writeFile(path, workflowText(2500, "New prompt for {{ issue.title }}"));
    await waitUntil(() => opened.current().config.polling.interval_ms === 2500, "the edit is applied");
    expect(events.at(-1)).toMatchObject({ type: "reloaded", config: { polling: { interval_ms: 2500 } } });
    expect(opened.current().definition.promptTemplate).toBe("New prompt for {{ issue.title }}");
    expect(opened.lastError()).toBeNull();
  });

  it("[S6.2-detect-changes] sees an editor's save-by-rename", async () => {
    const opened = await openStore(60_000);
    const temp = join(dir, ".WORKFLOW.md.swp");
    await writeFile(temp, workflowText(4200));
    await rename(temp, path);
    await waitUntil(
      () => opened.current().config.polling.interval_ms === 4200,
      "the renamed file is applied",
    );
    expect(events.map((event) => event.type)).toEqual(["reloaded"]);
  });

  it("[S6.2-detect-changes][S6.2-invalid-reload-keeps-last-good] a file written in place is applied once whole: the empty and half-written moments are never read as versions", async () => {
    const opened = await openStore(20);
    const whole = workflowText(4321, "A prompt long enough to be cut in the middle");
    const file = await open(path, "r+");
    try {
      // As `cat > WORKFLOW.md` or an editor writing in place: truncate, then the text in pieces.
      await file.truncate(0);
      await new Promise((resolve) => setTimeout(resolve, 60));
      await file.write(whole.slice(0, whole.length - 20), 0);
      await new Promise((resolve) => setTimeout(resolve, 60));
      await file.write(whole.slice(whole.length - 20), whole.length - 20);
    } finally {
      await file.close();
    }
    await waitUntil(() => events.length > 0, "the new version is applied");
    await settle();
    expect(events.map((event) => event.type)).toEqual(["reloaded"]);
    expect(opened.current().config.polling.interval_ms).toBe(4321);
    expect(opened.current().definition.promptTemplate).toBe("A prompt long enough to be cut in the middle");
  });

  it("[S6.3-startup-validation] a start while WORKFLOW.md is being written in place loads the whole file, not the empty or half-written one", async () => {
    const whole = workflowText(2468, "The whole prompt, not a cut one");
    const file = await open(path, "r+");
    let opening: Promise<WorkflowStore> | undefined;
    try {
      await file.truncate(0);
      opening = openStore(60_000);
      await new Promise((resolve) => setTimeout(resolve, 40));
      await file.write(whole.slice(0, whole.length - 20), 0);
      await new Promise((resolve) => setTimeout(resolve, 40));
      await file.write(whole.slice(whole.length - 20), whole.length - 20);
    } finally {
      await file.close();
    }
    const opened = await opening!;
    expect(opened.current().config.polling.interval_ms).toBe(2468);
    expect(opened.current().definition.promptTemplate).toBe("The whole prompt, not a cut one");
  });

  it("[S6.2-defensive-reload] reloadIfChanged applies a change on demand", async () => {
    const opened = await openStore(60_000);
    await writeFile(path, workflowText(777));
    await opened.reloadIfChanged();
    expect(opened.current().config.polling.interval_ms).toBe(777);
    expect(events.map((event) => event.type)).toEqual(["reloaded"]);
  });

  it("[S6.2-invalid-reload-keeps-last-good] keeps the last good config on a bad edit, reports it, and recovers", async () => {
    const opened = await openStore();
    const good = opened.current();
    await saveAtomically(path, BROKEN);
    await waitUntil(() => events.length > 0, "the bad edit is reported");
    expect(events[0]).toMatchObject({ type: "reload_failed", error: { category: "workflow_parse_error" } });
    expect(opened.current()).toBe(good);
    const failure = opened.lastError();
    expect(failure?.error.message).toContain("line 3, column 1");
    expect(failure?.at).toBeInstanceOf(Date);

    await saveAtomically(path, workflowText(1000).replace("kind: linear", "kind: jira"));
    await waitUntil(() => events.length > 1, "the unsupported kind is reported");
    expect(events[1]).toMatchObject({
      type: "reload_failed",
      error: { category: "unsupported_tracker_kind" },
    });
    expect(opened.current()).toBe(good);

    await saveAtomically(path, workflowText(3000));
    await waitUntil(() => events.length > 2, "the fixed file is reloaded");
    expect(events[2]).toMatchObject({ type: "reloaded", config: { polling: { interval_ms: 3000 } } });
    expect(opened.lastError()).toBeNull();
  });

  it("[S6.2-invalid-reload-keeps-last-good] survives the file disappearing and coming back", async () => {
    const opened = await openStore();
    await rm(path);
    await waitUntil(() => events.length > 0, "the missing file is reported");
    expect(events[0]).toMatchObject({ type: "reload_failed", error: { category: "missing_workflow_file" } });
    expect(opened.current().config.polling.interval_ms).toBe(1000);
    await saveAtomically(path, workflowText(1234));
    await waitUntil(() => events.length > 1, "the restored file is reloaded");
    expect(events[1]).toMatchObject({ type: "reloaded", config: { polling: { interval_ms: 1234 } } });
    expect(opened.lastError()).toBeNull();
  });

  it("[S6.2-detect-changes] does not emit a reload when the content did not change", async () => {
    const opened = await openStore();
    await saveAtomically(path, workflowText(1000));
    await settle();
    await opened.reloadIfChanged();
    await saveAtomically(path, BROKEN);
    await opened.reloadIfChanged();
    await saveAtomically(path, BROKEN);
    await settle();
    await opened.reloadIfChanged();
    expect(events.map((event) => event.type)).toEqual(["reload_failed"]);
  });

  it("[S6.2-reapply] keeps notifying other subscribers when one throws, and stops after unsubscribe", async () => {
    const logged: unknown[] = [];
    const logger: Logger = { ...silentLogger, error: (obj) => logged.push(obj) };
    const opened = await openStore(60_000, logger);
    const unsubscribe = opened.subscribe(() => {
      throw new Error("subscriber bug");
    });
    // Replaced whole (as editors save): the watch never reads a half-written file here.
    await replaceWorkflow(workflowText(10));
    await opened.reloadIfChanged();
    expect(events).toHaveLength(1);
    expect(logged).toHaveLength(1);
    unsubscribe();
    await replaceWorkflow(workflowText(20));
    await opened.reloadIfChanged();
    expect(events).toHaveLength(2);
    expect(logged).toHaveLength(1);
  });

  it("[S6.2-detect-changes] stops watching after close", async () => {
    const opened = await openStore();
    opened.close();
    await writeFile(path, workflowText(9999));
    await settle();
    await opened.reloadIfChanged();
    expect(events).toEqual([]);
    expect(opened.current().config.polling.interval_ms).toBe(1000);
  });
});
