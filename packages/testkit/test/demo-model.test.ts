import { readFile } from "node:fs/promises";
import path from "node:path";
import { demoScript } from "@baton/demo";
import { afterEach, describe, expect, it } from "vitest";
import { type CodexHarness, startCodexHarness } from "./codex-harness.ts";
import type { Message } from "./stdio-rpc.ts";

let harness: CodexHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const localTrackerTool = {
  type: "function" as const,
  name: "local_tracker",
  description: "Reads and updates tickets of the local tracker.",
  inputSchema: { type: "object", properties: { action: { type: "string" } }, required: ["action"] },
};

const prompt = "You are working on BAT-7: Add a greeting.\n\nDescribe the change.";

function agentMessage(completed: Message): string | undefined {
  return completed.params.turn.items.find((item: Message) => item.type === "agentMessage")?.text;
}

describe("offline demo model", () => {
  it("[S10.2-advertise-tools] writes NOTES.md, comments and hands the ticket to Human Review through local_tracker, then summarizes", async () => {
    const toolCalls: Message[] = [];
    harness = await startCodexHarness(demoScript(), {
      dynamicTools: [localTrackerTool],
      onServerRequest: (request) => {
        toolCalls.push(request);
        return { success: true, contentItems: [{ type: "inputText", text: '{"ok":true}' }] };
      },
    });

    const completed = await harness.runTurn(prompt);

    expect(completed.params.turn.status).toBe("completed");
    const notes = await readFile(path.join(harness.workspace, "NOTES.md"), "utf8");
    expect(notes).toContain("# Notes for BAT-7");
    expect(notes).toContain("You are working on BAT-7: Add a greeting.");
    expect(toolCalls.map((call) => call.params)).toEqual([
      expect.objectContaining({
        tool: "local_tracker",
        arguments: { action: "comment", body: "Offline demo model wrote NOTES.md describing BAT-7." },
      }),
      expect.objectContaining({
        tool: "local_tracker",
        arguments: { action: "set_state", state: "Human Review" },
      }),
    ]);
    expect(agentMessage(completed)).toContain("moved it to Human Review");

    const requestsBefore = harness.provider.requests.length;
    const continuation = await harness.runTurn("Continuation guidance: the ticket is still active.");
    expect(continuation.params.turn.status).toBe("completed");
    expect(harness.provider.requests.length).toBe(requestsBefore + 1);
    expect(toolCalls).toHaveLength(2);
    expect(agentMessage(continuation)).toBe("Offline demo model: nothing left to do on this ticket.");
  });

  it("[S10.2-advertise-tools] leaves the ticket alone when local_tracker is not offered", async () => {
    harness = await startCodexHarness(demoScript());

    const completed = await harness.runTurn(prompt);

    expect(completed.params.turn.status).toBe("completed");
    expect(await readFile(path.join(harness.workspace, "NOTES.md"), "utf8")).toContain("BAT-7");
    expect(harness.provider.requests).toHaveLength(2);
    expect(agentMessage(completed)).toContain("state is unchanged");
  });
});
