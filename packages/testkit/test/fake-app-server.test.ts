import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeAppServer, type FakeAppServer, type FakeAppServerScenario } from "../src/index.ts";

/** A bare-bones stdio client, so these tests depend on nothing but the fake itself. */
class Driver {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on("line", (line) => {
      this.stdout.push(line);
      for (const waiter of this.waiters.filter((candidate) => candidate.match(line))) waiter.resolve(line);
      this.waiters = this.waiters.filter((candidate) => !candidate.match(line));
    });
    createInterface({ input: child.stderr }).on("line", (line) => this.stderr.push(line));
    this.exited = new Promise((resolve) => child.once("close", (code) => resolve(code)));
  }

  send(message: unknown): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** The first stdout line (past or future) containing `text`. */
  waitFor(text: string, timeoutMs = 10_000): Promise<string> {
    const seen = this.stdout.find((line) => line.includes(text));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no stdout line with ${text}`)), timeoutMs);
      this.waiters.push({
        match: (line) => line.includes(text),
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }
}

const running: { fake: FakeAppServer; driver: Driver }[] = [];
afterEach(async () => {
  for (const { fake, driver } of running.splice(0)) {
    driver.child.kill("SIGKILL");
    await driver.exited;
    await fake.cleanup();
  }
});

async function launch(scenario: FakeAppServerScenario): Promise<{ fake: FakeAppServer; driver: Driver }> {
  const fake = await createFakeAppServer(scenario);
  const driver = new Driver(
    spawn("bash", ["-c", `exec ${fake.command}`], { stdio: ["pipe", "pipe", "pipe"] }),
  );
  running.push({ fake, driver });
  return { fake, driver };
}

async function handshakeAndTurn(driver: Driver): Promise<void> {
  driver.send({ id: 1, method: "initialize", params: { clientInfo: { name: "t", version: "0" } } });
  await driver.waitFor('"id":1');
  driver.send({ method: "initialized" });
  driver.send({ id: 2, method: "thread/start", params: { cwd: "/w" } });
  await driver.waitFor('"id":2');
  driver.send({ id: 3, method: "turn/start", params: { threadId: "thr_fake", input: [] } });
}

describe("fake app-server", () => {
  it("[S10.3-stdio-framing] answers the handshake and plays a default turn as newline-delimited JSON, recording every message received", async () => {
    const { fake, driver } = await launch({});
    await handshakeAndTurn(driver);
    const completed = JSON.parse(await driver.waitFor("turn/completed"));
    expect(completed.params.turn).toMatchObject({ id: "turn_1", status: "completed" });
    expect(driver.stdout.some((line) => line.includes("thread/tokenUsage/updated"))).toBe(true);
    driver.child.stdin.end();
    expect(await driver.exited).toBe(0);
    expect((await fake.received()).map((message) => message.method)).toEqual([
      "initialize",
      "initialized",
      "thread/start",
      "turn/start",
    ]);
  });

  it("[S10.3-stderr-separate][S10.1-max-line-size] writes scripted stderr, malformed and over-long lines to their own streams", async () => {
    const { driver } = await launch({
      startupStderr: ["booting"],
      turns: [
        [
          { type: "stderr", line: "WARN noisy" },
          { type: "raw", line: "{oops" },
          { type: "longLine", bytes: 4096 },
          { type: "complete" },
        ],
      ],
    });
    await handshakeAndTurn(driver);
    await driver.waitFor("turn/completed");
    expect(driver.stdout).toContain("{oops");
    expect(driver.stdout).toContain("x".repeat(4096));
    // stderr is its own pipe: it may arrive after the stdout lines.
    await vi.waitFor(() => expect(driver.stderr).toEqual(["booting", "WARN noisy"]), { timeout: 5_000 });
  });

  it("[S10.5-no-stall-approval][S10.3-subprocess-exit] holds its script until a server request is answered, then exits with the scripted code", async () => {
    const { fake, driver } = await launch({
      turns: [
        [
          { type: "request", method: "item/tool/call", params: { tool: "x" } },
          { type: "exit", code: 7 },
        ],
      ],
    });
    await handshakeAndTurn(driver);
    const request = JSON.parse(await driver.waitFor("item/tool/call"));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(driver.child.exitCode).toBeNull();
    driver.send({ id: request.id, result: { success: true, contentItems: [] } });
    expect(await driver.exited).toBe(7);
    expect((await fake.received()).at(-1)).toEqual({
      id: request.id,
      result: { success: true, contentItems: [] },
    });
  });

  it("[S10.6-turn-timeout] goes silent on a hang step and ignores stdin closing until killed", async () => {
    const { driver } = await launch({ turns: [[{ type: "hang" }]] });
    await handshakeAndTurn(driver);
    await driver.waitFor("turn/started");
    driver.send({ id: 4, method: "turn/interrupt", params: { threadId: "thr_fake", turnId: "turn_1" } });
    driver.child.stdin.end();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(driver.child.exitCode).toBeNull();
    expect(driver.stdout.some((line) => line.includes('"id":4'))).toBe(false);
  });
});
