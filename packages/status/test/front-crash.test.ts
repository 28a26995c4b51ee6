import type { Worker as NodeWorker } from "node:worker_threads";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startStatusServer } from "../src/index.ts";
import { call, messageLogger, stubSource, waitUntil } from "./harness.ts";

// Every front thread the server starts, so the test can end one as a crash would.
const threads = vi.hoisted(() => [] as NodeWorker[]);
vi.mock("node:worker_threads", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:worker_threads")>();
  class RecordedWorker extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      threads.push(this);
    }
  }
  return { ...original, Worker: RecordedWorker };
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("the status front when its thread dies (B.ops-state-copy)", () => {
  it("[B.ops-state-copy] the main thread takes the port back at once, then hands it to a new front", async () => {
    const { logger, lines } = messageLogger();
    const server = await startStatusServer({ port: 0, source: stubSource(), frontHandoverMs: 0, logger });
    cleanups.push(() => server.close());
    expect(lines).toContain("action=status_front outcome=listening");
    expect(threads).toHaveLength(1);

    await threads[0]!.terminate();
    await waitUntil(() => lines.includes("action=status_front outcome=crashed"), "the crash to be logged");
    // The port answers again, from the main thread, without waiting for a new thread.
    const answer = await call(`${server.url}/api/v1/state`);
    expect(answer.status).toBe(200);
    await waitUntil(
      () => lines.filter((line) => line === "action=status_front outcome=listening").length === 2,
      "a new front",
    );
    expect(threads).toHaveLength(2);
    expect((await call(`${server.url}/api/v1/state`)).status).toBe(200);
  });
});
