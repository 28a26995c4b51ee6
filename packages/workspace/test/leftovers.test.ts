import { spawn } from "node:child_process";
import { RUN_ID_ENV } from "@baton/domain";
import { afterEach, describe, expect, it } from "vitest";
import { isRunning, LocalLeftoverReaper, processesOfRun } from "../src/index.ts";

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

/** A detached process group (as the launcher starts them) whose shell leaves a child behind. */
function startGroup(env: Record<string, string>): number {
  const child = spawn("bash", ["-c", "sleep 60 & sleep 60"], {
    detached: true,
    stdio: "ignore",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
  });
  child.unref();
  started.push(child.pid!);
  return child.pid!;
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("LocalLeftoverReaper", () => {
  it("[B.durable-leftover-check][B.durable-orphan-runs] kills every process carrying the dead run's id and leaves everyone else's alone", async () => {
    const ours = startGroup({ [RUN_ID_ENV]: "run-dead" });
    const otherRun = startGroup({ [RUN_ID_ENV]: "run-dead-but-not-this-one" });
    const stranger = startGroup({ SOMETHING: `${RUN_ID_ENV}=run-dead` });
    await until(async () => (await processesOfRun("run-dead")).length === 3, "the shell, its two sleeps");

    const killed = await new LocalLeftoverReaper().killLeftovers(["run-dead", "run-gone-without-leftovers"]);
    expect(killed).toContain(ours);
    expect(killed).toHaveLength(3);
    for (const pid of killed) expect(await isRunning(pid)).toBe(false);
    expect(await isRunning(otherRun)).toBe(true);
    expect(await isRunning(stranger)).toBe(true);
  });
});
