import { describe, expect, it } from "vitest";
import { createTracker, GitHubTracker, githubTrackerProfile, trackerProfiles } from "../src/index.ts";

const TOKEN = "ghp_profileTestToken0123456789";
const context = (env: Record<string, string | undefined> = {}) => ({ workflowDir: "/repo", env });
const resolve = (provider: Record<string, unknown>, env: Record<string, string | undefined> = {}) =>
  githubTrackerProfile.resolveProvider(provider, context(env));

function failure(provider: Record<string, unknown>, env: Record<string, string | undefined> = {}) {
  try {
    resolve(provider, env);
  } catch (error) {
    return error as { category: string; message: string; details: Record<string, unknown> };
  }
  throw new Error("expected a failure");
}

describe("github tracker profile", () => {
  it("[S11.2-github-profile-config] is registered as kind github with no default states", () => {
    expect(trackerProfiles).toContain(githubTrackerProfile);
    expect(githubTrackerProfile.kind).toBe("github");
    expect(githubTrackerProfile.defaultActiveStates).toBeUndefined();
    expect(githubTrackerProfile.defaultTerminalStates).toBeUndefined();
  });

  it("[S11.2-github-profile-config] resolves repo, token and api_url with the reference's environment fallbacks", () => {
    const env = { GITHUB_REPO: "octo-org/web", GITHUB_TOKEN: TOKEN };
    expect(resolve({}, env)).toEqual({
      repo: "octo-org/web",
      token: TOKEN,
      api_url: "https://api.github.com",
      timeout_ms: 30_000,
      state_labels: null,
    });
    expect(
      resolve({ repo: "acme/api", token: "$BOT_TOKEN" }, { ...env, BOT_TOKEN: "ghp_bot" }),
    ).toMatchObject({
      repo: "acme/api",
      token: "ghp_bot",
    });
    // An unset $VAR falls back to the documented variable, as in the reference.
    expect(resolve({ repo: "$MY_REPO", token: "$BOT_TOKEN" }, env)).toMatchObject({
      repo: "octo-org/web",
      token: TOKEN,
    });
    expect(resolve({ repo: "$MY_REPO" }, { ...env, MY_REPO: "acme/tools" }).repo).toBe("acme/tools");
    expect(
      resolve(
        {
          api_url: "https://github.example.com/api/v3/",
          timeout_ms: 5000,
          state_labels: { prefix: " status: " },
        },
        env,
      ),
    ).toMatchObject({
      api_url: "https://github.example.com/api/v3",
      timeout_ms: 5000,
      state_labels: { prefix: "status:", default_state: null },
    });
    expect(resolve({ api_url: "$GHE_URL" }, { ...env, GHE_URL: "https://ghe.internal/api/v3" }).api_url).toBe(
      "https://ghe.internal/api/v3",
    );
    for (const loopback of ["http://127.0.0.1:8080", "http://localhost:3000/api", "http://[::1]:9000"]) {
      expect(resolve({ api_url: loopback }, env).api_url).toBe(loopback.replace(/\/$/, ""));
    }
    // Resolving resolved keys changes nothing (createTracker resolves again).
    const resolved = resolve({ state_labels: { prefix: "status:", default_state: "Todo" } }, env);
    expect(resolve(resolved)).toEqual(resolved);
  });

  it("[S11.2-github-profile-config][S11.4-github-error-categories] names the key and the value of each bad setting", () => {
    const env = { GITHUB_TOKEN: TOKEN };
    expect(failure({}, env)).toMatchObject({
      category: "invalid_tracker_config",
      message:
        "tracker.provider.repo is required (GITHUB_REPO is not set or empty): set it to owner/name or set GITHUB_REPO",
      details: { field: "tracker.provider.repo" },
    });
    expect(failure({ repo: "$MY_REPO" }, env).message).toContain(
      "MY_REPO and GITHUB_REPO are not set or empty",
    );
    expect(failure({ repo: "octo-org" }, env).message).toBe(
      'tracker.provider.repo must be owner/name, e.g. octo-org/web; got "octo-org"',
    );
    expect(failure({ repo: "octo/web/extra" }, env).category).toBe("invalid_tracker_config");
    expect(failure({ repo: "octo/.." }, env).category).toBe("invalid_tracker_config");
    expect(failure({ repo: "-octo/web" }, env).category).toBe("invalid_tracker_config");
    const repo = { repo: "octo/web" };
    expect(failure({ ...repo, api_url: "http://github.example.com" }, env)).toMatchObject({
      message:
        'tracker.provider.api_url must use https (plain http is accepted only for 127.0.0.1, ::1 and localhost); got "http://github.example.com"',
      details: { field: "tracker.provider.api_url" },
    });
    expect(failure({ ...repo, api_url: "github.example.com" }, env).message).toMatch(
      /must be an absolute URL/,
    );
    expect(failure({ ...repo, api_url: "ftp://127.0.0.1" }, env).message).toMatch(/must use https/);
    const withCredentials = failure({ ...repo, api_url: "https://me:secret@ghe.example.com" }, env);
    expect(withCredentials.message).toMatch(/must not contain credentials/);
    expect(withCredentials.message).not.toContain("secret");
    expect(failure({ ...repo, api_url: "$NO_URL" }, env).message).toContain(
      "NO_URL, which is not set or empty",
    );
    expect(failure({ ...repo, timeout_ms: 0 }, env).message).toBe(
      "tracker.provider.timeout_ms must be a positive integer number of milliseconds; got 0",
    );
    expect(failure({ ...repo, state_labels: "status:" }, env).details.field).toBe(
      "tracker.provider.state_labels",
    );
    expect(failure({ ...repo, state_labels: {} }, env).details.field).toBe(
      "tracker.provider.state_labels.prefix",
    );
    expect(failure({ ...repo, state_labels: { prefix: "s:", colour: 1 } }, env).message).toMatch(
      /^tracker\.provider\.state_labels\.colour is not a state_labels key/,
    );
    expect(
      failure({ ...repo, state_labels: { prefix: "s:", default_state: "open" } }, env).message,
    ).toContain('not GitHub\'s own "open"');
    expect(failure({ ...repo, project_slug: "web" }, env).message).toMatch(
      /^tracker\.provider\.project_slug is not a github tracker key \(known keys: repo, token, api_url, timeout_ms, state_labels\)/,
    );
  });

  it("[S11.2-github-profile-config][S15.3-github-no-secret-in-messages] reports a missing or unusable token as a secret problem without showing it", () => {
    const repo = { repo: "octo/web" };
    expect(failure(repo)).toMatchObject({
      category: "missing_tracker_secret",
      message:
        "tracker.provider.token is missing (GITHUB_TOKEN is not set or empty): set GITHUB_TOKEN in Baton's environment or point token at another variable with $NAME",
      details: { field: "tracker.provider.token" },
    });
    expect(failure({ ...repo, token: "$BOT_TOKEN" }, { BOT_TOKEN: "" })).toMatchObject({
      category: "missing_tracker_secret",
      message: expect.stringContaining("(BOT_TOKEN is not set or empty)"),
    });
    expect(failure({ ...repo, token: "  " }).category).toBe("missing_tracker_secret");
    const spaced = failure({ ...repo, token: "ghp_abc def" });
    expect(spaced).toMatchObject({
      category: "invalid_tracker_config",
      details: { field: "tracker.provider.token" },
    });
    expect(spaced.message).not.toContain("ghp_abc");
    const numeric = failure({ ...repo, token: 1234567 });
    expect(numeric.message).not.toContain("1234567");
  });

  it("[S15.3-github-secret-env-names] declares GITHUB_TOKEN and any $VAR the token names as secrets to strip", () => {
    expect(githubTrackerProfile.secretProviderKeys).toEqual(["token"]);
    expect(githubTrackerProfile.secretEnvironmentNames({})).toEqual(["GITHUB_TOKEN"]);
    expect(githubTrackerProfile.secretEnvironmentNames({ token: "$BOT_TOKEN" })).toEqual([
      "GITHUB_TOKEN",
      "BOT_TOKEN",
    ]);
    expect(githubTrackerProfile.secretEnvironmentNames({ token: "$GITHUB_TOKEN" })).toEqual(["GITHUB_TOKEN"]);
    const tracker = createTracker(
      {
        kind: "github",
        provider: { repo: "octo/web" },
        required_labels: [],
        active_states: ["open"],
        terminal_states: ["closed"],
      },
      context({ GITHUB_TOKEN: TOKEN }),
    );
    expect(tracker).toBeInstanceOf(GitHubTracker);
    expect(tracker.secretEnvironmentNames()).toEqual(["GITHUB_TOKEN"]);
  });
});
