import type { ModelReply } from "@baton/testkit";
import { scripts } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Project, waitFor } from "./harness.ts";

let project: Project | undefined;

afterEach(async () => {
  await project?.close();
  project = undefined;
});

const hang = (): ModelReply => ({ type: "hang" });

describe("operator actions and the agent's own hand-off, end to end with the real codex binary", () => {
  it("[B.operator-own-handoff] lets the turn in which the agent moved its own ticket finish, and logs a normal exit with the hand-off and its turn", async () => {
    project = await Project.create({
      script: scripts.toolThenMessage(
        "local_tracker",
        { action: "set_state", state: "Human Review" },
        "handed off",
      ),
      tickets: [{ title: "Hand me off", priority: 1 }],
    });
    const baton = project.start();
    const exit = await baton.waitForLog(["action=worker_exit"], 60_000);
    expect(exit).toMatchObject({
      issue_identifier: "BAT-1",
      outcome: "normal",
      turns: 1,
      reason: "handoff to Human Review",
    });
    // The final agent message arrived: the turn completed instead of being interrupted.
    expect(project.provider.requests.length).toBeGreaterThanOrEqual(2);
    expect(baton.find("action=stop outcome=requested")).toEqual([]);
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  });

  it("[B.operator-stop][B.operator-retry][B.operator-session-events] stops, shows the session events of, and retries an issue from the CLI", async () => {
    project = await Project.create({ script: hang, tickets: [{ title: "Stuck", priority: 1 }] });
    const baton = project.start(["--port", "0"]);
    const listening = await baton.waitForLog(["action=http_server outcome=listening"], 30_000);
    const url = String(listening.url);
    await waitFor(
      () => project!.provider.requests.length > 0,
      30_000,
      () => `a model request\n${baton.tail()}`,
    );

    const stop = await project.cli(["stop", "BAT-1", "--reason", "taking over by hand", "--url", url]);
    expect(stop).toMatchObject({ code: 0, stdout: "stopping BAT-1: taking over by hand\n" });
    await baton.waitForLog(["action=operator_stop outcome=held"], 20_000);
    const state = (await (await fetch(`${url}/api/v1/state`)).json()) as {
      stopped: { issue_identifier: string; reason: string }[];
    };
    expect(state.stopped).toMatchObject([{ issue_identifier: "BAT-1", reason: "taking over by hand" }]);
    // Held: ticks go by without a new dispatch.
    const ticks = baton.find("action=tick outcome=completed").length;
    await baton.waitForLog(["action=tick outcome=completed"], 10_000, ticks + 2);
    expect(baton.find("action=dispatch outcome=started")).toHaveLength(1);

    const events = await project.cli(["events", "BAT-1", "--url", url, "--json"]);
    expect(events.code).toBe(0);
    const names = events.stdout
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { event: string }).event);
    expect(names).toContain("session_started");
    expect(names).toContain("turn_started");

    const retry = await project.cli(["retry", "BAT-1", "--url", url]);
    expect(retry).toMatchObject({ code: 0, stdout: "retry of BAT-1 queued now\n" });
    await baton.waitForLog(["action=dispatch outcome=started"], 20_000, 2);

    const unknown = await project.cli(["stop", "BAT-9", "--reason", "x", "--url", url]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("issue_not_found");
    await baton.stop();
  });
});
