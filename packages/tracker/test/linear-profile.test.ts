import { describe, expect, it } from "vitest";
import { linearTrackerProfile, trackerProfiles } from "../src/index.ts";

const KEY = "lin_api_secret_value_42";
const resolve = (provider: Record<string, unknown>, env: Record<string, string | undefined> = {}) =>
  linearTrackerProfile.resolveProvider(provider, { workflowDir: "/repo", env });

function failure(provider: Record<string, unknown>, env: Record<string, string | undefined> = {}) {
  try {
    resolve(provider, env);
  } catch (error) {
    return error as { category: string; message: string; details: Record<string, unknown> };
  }
  throw new Error("expected a failure");
}

describe("linear tracker profile", () => {
  it("[S11.2-linear-profile-config] publishes kind linear with the reference's default states and secret key", () => {
    expect(trackerProfiles.map((profile) => profile.kind)).toContain("linear");
    expect(linearTrackerProfile.defaultActiveStates).toEqual(["Todo", "In Progress"]);
    expect(linearTrackerProfile.defaultTerminalStates).toEqual([
      "Closed",
      "Cancelled",
      "Canceled",
      "Duplicate",
      "Done",
    ]);
    expect(linearTrackerProfile.secretProviderKeys).toEqual(["api_key"]);
  });

  it("[S11.2-linear-profile-config] resolves the reference's keys with their defaults and environment fallbacks, idempotently", () => {
    const resolved = resolve({ project_slug: "abc123" }, { LINEAR_API_KEY: KEY });
    expect(resolved).toEqual({
      endpoint: "https://api.linear.app/graphql",
      api_key: KEY,
      project_slug: "abc123",
      assignee: null,
    });
    expect(resolve(resolved, { LINEAR_API_KEY: "another" })).toEqual(resolved);
    expect(
      resolve(
        {
          project_slug: "$SLUG",
          api_key: "$TEAM_KEY",
          assignee: "me",
          endpoint: "http://127.0.0.1:4000/graphql",
        },
        { SLUG: "from-env", TEAM_KEY: KEY },
      ),
    ).toEqual({
      endpoint: "http://127.0.0.1:4000/graphql",
      api_key: KEY,
      project_slug: "from-env",
      assignee: "me",
    });
    // An unset $VAR falls back to the documented variable, as in the reference implementation.
    expect(resolve({ project_slug: "p", api_key: "$UNSET" }, { LINEAR_API_KEY: KEY }).api_key).toBe(KEY);
    expect(resolve({ project_slug: "p" }, { LINEAR_API_KEY: KEY, LINEAR_ASSIGNEE: "user-7" }).assignee).toBe(
      "user-7",
    );
  });

  it("[S11.2-linear-profile-errors] names the key in every configuration error", () => {
    expect(failure({}, { LINEAR_API_KEY: KEY })).toMatchObject({
      category: "invalid_tracker_config",
      message: expect.stringMatching(/^tracker\.provider\.project_slug is required/),
      details: { field: "tracker.provider.project_slug" },
    });
    expect(failure({ project_slug: "$EMPTY" }, { LINEAR_API_KEY: KEY, EMPTY: "" })).toMatchObject({
      message: expect.stringContaining("tracker.provider.project_slug is required"),
    });
    expect(failure({ project_slug: "p" })).toMatchObject({
      category: "missing_tracker_secret",
      message: expect.stringMatching(/^tracker\.provider\.api_key is required; set LINEAR_API_KEY/),
    });
    expect(failure({ project_slug: "p", api_key: "$KEY" }, { KEY: "", LINEAR_API_KEY: KEY })).toMatchObject({
      category: "missing_tracker_secret",
      message: expect.stringContaining("refers to $KEY, which is empty"),
    });
    expect(
      failure({ project_slug: "p", endpoint: "http://api.example.com/graphql" }, { LINEAR_API_KEY: KEY }),
    ).toMatchObject({
      category: "invalid_tracker_config",
      message: expect.stringMatching(/^tracker\.provider\.endpoint must use https/),
    });
    expect(failure({ project_slug: "p", endpoint: "not a url" }, { LINEAR_API_KEY: KEY })).toMatchObject({
      details: { field: "tracker.provider.endpoint" },
    });
    expect(failure({ project_slug: "p", projct: "x" }, { LINEAR_API_KEY: KEY })).toMatchObject({
      message: expect.stringMatching(/^tracker\.provider\.projct is not a Linear tracker key/),
    });
  });

  it("[S15.3-linear-secret-not-printed] validates the key's presence without ever printing a secret", () => {
    const messages = [
      failure({ project_slug: "p", api_key: 12345678 }),
      failure({ api_key: KEY }),
      failure({ project_slug: "p", api_key: KEY, endpoint: "ftp://x" }),
      failure({ project_slug: "p", api_key: "$KEY" }, { KEY: " " }),
    ].map((error) => `${error.message} ${JSON.stringify(error.details)}`);
    for (const message of messages) {
      expect(message).not.toContain(KEY);
      expect(message).not.toContain("12345678");
    }
  });

  it("[S15.3-linear-secret-env-names] declares LINEAR_API_KEY and every $VAR the provider refers to as secret environment", () => {
    expect(linearTrackerProfile.secretEnvironmentNames({ project_slug: "p" })).toEqual(["LINEAR_API_KEY"]);
    expect(
      linearTrackerProfile
        .secretEnvironmentNames({ api_key: "$TEAM_LINEAR_KEY", project_slug: "$SLUG" })
        .sort(),
    ).toEqual(["LINEAR_API_KEY", "SLUG", "TEAM_LINEAR_KEY"]);
  });
});
