import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Issue, TrackerProfile } from "@baton/domain";
import { BatonError } from "@baton/domain";
import { envReferenceName, resolveEnvReference } from "../src/index.ts";

/** Shaped like the Linear adapter profile: documented defaults, `$VAR` keys and an env fallback. */
export const linearLikeProfile: TrackerProfile = {
  kind: "linear",
  defaultActiveStates: ["Todo", "In Progress"],
  defaultTerminalStates: ["Closed", "Cancelled", "Canceled", "Duplicate", "Done"],
  secretProviderKeys: ["api_key"],
  resolveProvider(provider, { env }) {
    const apiKey = resolveEnvReference(provider.api_key ?? "$LINEAR_API_KEY", env);
    if (typeof apiKey !== "string") {
      throw new BatonError(
        "missing_tracker_secret",
        "tracker.provider.api_key is missing: set LINEAR_API_KEY or write api_key: $YOUR_VAR",
        { field: "tracker.provider.api_key" },
      );
    }
    const slug = provider.project_slug;
    if (typeof slug !== "string" || slug.trim() === "") {
      throw new BatonError(
        "invalid_tracker_config",
        "tracker.provider.project_slug is required: the slug ID of the Linear project to poll",
        { field: "tracker.provider.project_slug" },
      );
    }
    return {
      ...provider,
      endpoint: provider.endpoint ?? "https://api.linear.app/graphql",
      api_key: apiKey,
      project_slug: slug,
    };
  },
  secretEnvironmentNames(provider) {
    return ["LINEAR_API_KEY", envReferenceName(provider.api_key)].filter((name) => name !== undefined);
  },
};

/** A profile without default states, so the workflow must list them. */
export const statelessProfile: TrackerProfile = {
  kind: "boardless",
  secretProviderKeys: [],
  resolveProvider: (provider) => provider,
  secretEnvironmentNames: () => [],
};

export const testProfiles = [linearLikeProfile, statelessProfile];

export const testEnv = { LINEAR_API_KEY: "lin_api_test_secret" };

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "baton-workflow-"));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function writeWorkflow(dir: string, content: string, name = "WORKFLOW.md"): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

export function sampleIssue(fields: Partial<Issue> = {}): Issue {
  return {
    id: "issue-1",
    native_ref: null,
    identifier: "ABC-123",
    title: "Fix the login redirect",
    description: "Users land on /404 after login.",
    priority: 2,
    state: "Todo",
    branch_name: "abc-123-fix-login",
    url: "https://tracker.example/ABC-123",
    assignee_id: null,
    labels: ["bug", "frontend"],
    blocked_by: [{ id: "issue-0", identifier: "ABC-100", state: "In Progress" }],
    dispatchable: true,
    created_at: "2026-01-02T03:04:05.000Z",
    updated_at: null,
    ...fields,
  };
}

/** Polls `condition` until it holds or the deadline passes (generous; never a speed assertion). */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Saves like most editors do (write a temp file, rename it over), so no reader sees a half-written file. */
export async function saveAtomically(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, path);
}
