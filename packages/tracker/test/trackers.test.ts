import { homedir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTracker, LocalTracker, localTrackerProfile, trackerProfiles } from "../src/index.ts";
import { removeTempRepos, tempRepo, writeTicket } from "./helpers.ts";

afterEach(removeTempRepos);

const context = (workflowDir: string, env: Record<string, string | undefined> = {}) => ({ workflowDir, env });

describe("tracker profiles", () => {
  it("[S11.2-local-profile-config] publishes the local kind with default states and no secrets", () => {
    expect(trackerProfiles.map((profile) => profile.kind)).toContain("local");
    expect(localTrackerProfile.defaultActiveStates).toEqual(["Todo", "In Progress"]);
    expect(localTrackerProfile.defaultTerminalStates).toEqual([
      "Done",
      "Closed",
      "Cancelled",
      "Canceled",
      "Duplicate",
    ]);
    expect(localTrackerProfile.secretProviderKeys).toEqual([]);
    expect(localTrackerProfile.secretEnvironmentNames({ path: "$TICKETS" })).toEqual([]);
  });

  it("[S11.2-local-profile-config] resolves the folder relative to WORKFLOW.md, from $VAR and with ~ expanded", () => {
    const resolve = (provider: Record<string, unknown>, env: Record<string, string> = {}) =>
      localTrackerProfile.resolveProvider(provider, context("/repo", env));
    expect(resolve({})).toEqual({ path: "/repo/tickets", prefix: "BAT" });
    expect(resolve({ path: "work/queue", prefix: "WEB2" })).toEqual({
      path: "/repo/work/queue",
      prefix: "WEB2",
    });
    expect(resolve({ path: "/srv/tickets" })).toEqual({ path: "/srv/tickets", prefix: "BAT" });
    expect(resolve({ path: "~/tickets" }, { HOME: "/home/ada" }).path).toBe("/home/ada/tickets");
    expect(resolve({ path: "~" }).path).toBe(homedir());
    expect(resolve({ path: "$TICKETS" }, { TICKETS: "shared/tickets" }).path).toBe("/repo/shared/tickets");
    expect(resolve({ path: "$TICKETS" }, { TICKETS: "~/t", HOME: "/home/ada" }).path).toBe("/home/ada/t");
    expect(resolve(resolve({ path: "queue" }))).toEqual({ path: "/repo/queue", prefix: "BAT" });
  });

  it("[S11.2-local-profile-config] rejects bad provider keys, naming the key and the value", () => {
    const failure = (provider: Record<string, unknown>, env: Record<string, string> = {}) => {
      try {
        localTrackerProfile.resolveProvider(provider, context("/repo", env));
      } catch (error) {
        return error;
      }
      throw new Error("expected a failure");
    };
    expect(failure({ prefix: "bat" })).toMatchObject({
      category: "invalid_tracker_config",
      message: expect.stringMatching(/^tracker\.provider\.prefix must be .*; got "bat"$/),
      details: { field: "tracker.provider.prefix" },
    });
    expect(failure({ prefix: "B-1" })).toMatchObject({ message: expect.stringContaining('got "B-1"') });
    expect(failure({ path: 42 })).toMatchObject({
      message: expect.stringMatching(/^tracker\.provider\.path .* got 42$/),
    });
    expect(failure({ path: "" })).toMatchObject({ category: "invalid_tracker_config" });
    expect(failure({ path: "$NOPE" })).toMatchObject({
      message: expect.stringContaining("environment variable NOPE, which is not set or empty"),
    });
    expect(failure({ path: "$EMPTY" }, { EMPTY: "" })).toMatchObject({ category: "invalid_tracker_config" });
    expect(failure({ pth: "tickets" })).toMatchObject({
      message: expect.stringMatching(/^tracker\.provider\.pth is not a local tracker key/),
    });
  });
});

describe("createTracker", () => {
  it("[S11.2-construction-from-config] builds the local adapter from the effective tracker settings", async () => {
    const { repo, folder } = await tempRepo();
    await writeTicket(folder, "BAT-1", { title: "One", state: "Ready" });
    const tracker = createTracker(
      {
        kind: "local",
        provider: { path: "tickets" },
        required_labels: [],
        active_states: ["Ready"],
        terminal_states: ["Done"],
      },
      context(repo),
    );
    expect(tracker).toBeInstanceOf(LocalTracker);
    expect(tracker.kind).toBe("local");
    await expect(tracker.fetchIssuesByStates(["ready"])).resolves.toMatchObject([
      { identifier: "BAT-1", native_ref: { path: join("tickets", "BAT-1.md") } },
    ]);
    await tracker.close?.();
  });

  it("[S11.4-error-categories] names unsupported kinds and invalid provider keys with their categories", () => {
    const settings = {
      provider: {},
      required_labels: [],
      active_states: ["Todo"],
      terminal_states: ["Done"],
    };
    expect(() => createTracker({ ...settings, kind: "jira" }, context("/repo"))).toThrow(
      expect.objectContaining({
        category: "unsupported_tracker_kind",
        message: expect.stringMatching(
          /^tracker\.kind "jira" is not supported \(supported: .*\blocal\b.*\)$/,
        ),
      }),
    );
    expect(() =>
      createTracker({ ...settings, kind: "local", provider: { prefix: 7 } }, context("/repo")),
    ).toThrow(expect.objectContaining({ category: "invalid_tracker_config" }));
  });
});
