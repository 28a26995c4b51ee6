import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BrowserContext,
  codexBinary,
  type FakeModelProvider,
  launchHeadlessChromium,
  type ModelReply,
  prepareCodexHome,
  startFakeModelProvider,
} from "@baton/testkit";
import { LocalTicketStore } from "@baton/tracker";

import { afterEach, describe, expect, it } from "vitest";
import { workflowTemplate, writeWorkflow } from "../src/scaffold.ts";

const BATON = fileURLToPath(new URL("../bin/baton.js", import.meta.url));
const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

async function launchChromium(): Promise<BrowserContext> {
  const browser = await launchHeadlessChromium({ viewport: { width: 1280, height: 820 } });
  cleanups.push(() => browser.close());
  return browser.context;
}

/** Starts `baton <workflow> --port 0` and resolves the dashboard URL it logs. */
async function startBaton(
  workflowPath: string,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [BATON, workflowPath, "--port", "0"], {
    cwd: join(workflowPath, ".."),
    env: { ...process.env, BATON_LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`baton did not log its URL:\n${output}`)), 30_000);
    const look = () => {
      const line = output
        .split("\n")
        .find((candidate) => candidate.includes("action=http_server outcome=listening"));
      if (line) {
        clearTimeout(deadline);
        resolve(JSON.parse(line).url);
      }
    };
    child.stdout.on("data", look);
    child.once("exit", (code) => reject(new Error(`baton exited with ${code} before listening:\n${output}`)));
  });
  return { url, child, output: () => output };
}

/** A model whose first reply of the turn waits until the test releases it, then finishes the ticket. */
function heldModel(): {
  script: (request: { turnToolOutputs: unknown[] }) => Promise<ModelReply>;
  release(): void;
} {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release,
    async script(request) {
      if (request.turnToolOutputs.length > 0) return { type: "message", text: "Moved the ticket to Done." };
      await released;
      return { type: "tool", name: "local_tracker", arguments: { action: "set_state", state: "Done" } };
    },
  };
}

describe("dashboard in a real browser", () => {
  it("[S13.7.1-dashboard][S13.7-port-enables][S13.7-ephemeral-port][S13.7-cli-port-wins][S18.2-http-server][S13.4-from-orchestrator-state] shows a live Baton's running issue and updates without a reload when it finishes", async () => {
    const browser = await launchChromium();
    const model = heldModel();
    const provider: FakeModelProvider = await startFakeModelProvider(model.script);
    cleanups.push(() => provider.close());
    const codexHome = await prepareCodexHome({ baseUrl: provider.baseUrl });
    cleanups.push(() => codexHome.cleanup());

    const dir = await mkdtemp(join(tmpdir(), "baton-dashboard-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // server.port names a port that is taken: Baton only starts because `--port 0` wins over it.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
    const takenPort = (squatter.address() as { port: number }).port;
    const template = workflowTemplate({
      codexCommand: `CODEX_HOME=${shellQuote(codexHome.home)} ${shellQuote(codexBinary())} app-server`,
      intervalMs: 1000,
    });
    const workflowPath = await writeWorkflow(
      dir,
      template.replace("\n---\n", `\nserver:\n  port: ${takenPort}\n---\n`),
    );
    const store = new LocalTicketStore(join(dir, "tickets"), { prefix: "BAT" });
    const ticket = await store.create({ title: "Update the <b>README</b>", description: "Say hello." });

    const baton = await startBaton(workflowPath);
    expect(new URL(baton.url).hostname).toBe("127.0.0.1");
    expect(Number(new URL(baton.url).port)).not.toBe(takenPort);

    const page = await browser.newPage();
    await page.goto(baton.url);
    const row = page.locator(`#running tr[data-issue="${ticket.identifier}"]`);
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator("#connection").textContent(), { timeout: 10_000 }).toBe("live");
    // The model call is held: the agent is mid-turn, so the issue stays in the running table.
    await expect.poll(() => provider.requests.length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator("#count-running").textContent()).toBe("1");

    await row.click();
    const facts = page.locator("#detail-facts");
    await expect.poll(() => facts.textContent(), { timeout: 10_000 }).toContain(ticket.identifier);
    expect(await page.locator("#detail-events").textContent()).toContain("dispatched");

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 820 });

    // Marks this document: if the page reloaded, the mark would be gone.
    // (Browser-side code goes in as strings: this file compiles without DOM types.)
    await page.evaluate("document.documentElement.dataset.testMark = 'same-document'");
    model.release();
    await row.waitFor({ state: "detached", timeout: 60_000 });
    expect(await page.locator("#count-running").textContent()).toBe("0");
    expect(await page.evaluate("document.documentElement.dataset.testMark")).toBe("same-document");
    expect((await store.get(ticket.identifier)).state).toBe("Done");
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-finished.png"), fullPage: true });

    // The service's tracker calls reach the metrics.
    const metrics = await (await fetch(`${baton.url}/metrics`)).text();
    expect(metrics).toMatch(
      /baton_tracker_request_duration_seconds_count\{operation="fetchIssuesByStates",outcome="ok"\} [1-9]/,
    );
    expect(metrics).toMatch(/baton_dispatches_total [1-9]/);

    baton.child.kill("SIGTERM");
    const code = await new Promise((resolve) => baton.child.once("exit", resolve));
    expect(code, baton.output()).toBe(0);
  });
});
