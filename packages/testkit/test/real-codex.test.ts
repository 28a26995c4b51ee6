import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ModelRequest, scripts } from "../src/index.ts";
import { type CodexHarness, startCodexHarness } from "./codex-harness.ts";
import type { Message } from "./stdio-rpc.ts";

let harness: CodexHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const echoTool = {
  type: "function" as const,
  name: "echo_back",
  description: "Returns its input.",
  inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
};

describe("fake model provider driving the real codex app-server", () => {
  it("[S10.3-turn-completion] [S13.5-absolute-totals] runs a scripted shell command in the workspace and reports the provider's token usage", async () => {
    const usage = (request: ModelRequest) => ({
      input_tokens: 1000 + request.index,
      cached_tokens: 200,
      output_tokens: 30 + request.index,
      reasoning_tokens: 5,
    });
    harness = await startCodexHarness(scripts.shellThenMessage("echo hi > out.txt", "done"), {
      providerOptions: { usage },
    });

    const completed = await harness.runTurn("Please write out.txt");

    expect(completed.params.turn.status).toBe("completed");
    expect(await readFile(path.join(harness.workspace, "out.txt"), "utf8")).toBe("hi\n");
    expect(harness.provider.requests).toHaveLength(2);
    expect(harness.provider.requests[0]?.lastUserText).toBe("Please write out.txt");
    expect(harness.provider.requests[1]?.turnToolOutputs).toHaveLength(1);
    const agentMessage = completed.params.turn.items.find((item: Message) => item.type === "agentMessage");
    expect(agentMessage?.text).toBe("done");

    const expected = harness.provider.requests.map(usage).reduce(
      (total, u) => ({
        inputTokens: total.inputTokens + u.input_tokens,
        outputTokens: total.outputTokens + u.output_tokens,
        cachedInputTokens: total.cachedInputTokens + u.cached_tokens,
        reasoningOutputTokens: total.reasoningOutputTokens + u.reasoning_tokens,
      }),
      { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningOutputTokens: 0 },
    );
    const lastUpdate = harness.rpc.notifications("thread/tokenUsage/updated").at(-1);
    expect(lastUpdate?.params.tokenUsage.total).toMatchObject({
      ...expected,
      totalTokens: expected.inputTokens + expected.outputTokens,
    });
  });

  it("[S10.3-turn-failure] ends the turn as failed when the provider answers HTTP 500", async () => {
    harness = await startCodexHarness(() => ({ type: "error", status: 500, message: "provider exploded" }));

    const completed = await harness.runTurn("Do something");

    expect(completed.params.turn.status).toBe("failed");
    const error = harness.rpc.notifications("error").at(-1);
    expect(error?.params.willRetry).toBe(false);
  });

  it("[S10.3-turn-failure] ends the turn as failed when the stream reports response.failed", async () => {
    harness = await startCodexHarness(() => ({ type: "fail", message: "model overloaded" }));

    const completed = await harness.runTurn("Do something");

    expect(completed.params.turn.status).toBe("failed");
    expect(JSON.stringify(completed.params.turn.error)).toContain("model overloaded");
  });

  it("[S10.3-turn-cancellation] keeps a turn in progress while the provider hangs, until it is interrupted", async () => {
    harness = await startCodexHarness(() => ({ type: "hang" }));
    const { rpc, threadId, workspace } = harness;

    const { turn } = await rpc.request("turn/start", {
      threadId,
      input: [{ type: "text", text: "Wait forever" }],
      cwd: workspace,
    });
    await waitUntil(() => harness?.provider.requests.length === 1);
    expect(rpc.notifications("turn/completed")).toHaveLength(0);

    await rpc.request("turn/interrupt", { threadId, turnId: turn.id });
    const completed = await rpc.waitFor((m) => m.method === "turn/completed");
    expect(completed.params.turn.status).toBe("interrupted");
  });

  it("[S10.2-advertise-tools] routes a scripted dynamic tool call to the client and feeds its output back to the model", async () => {
    const toolCalls: Message[] = [];
    harness = await startCodexHarness(
      scripts.toolThenMessage("echo_back", { text: "ping" }, "The tool said"),
      {
        dynamicTools: [echoTool],
        onServerRequest: (request) => {
          toolCalls.push(request);
          return { success: true, contentItems: [{ type: "inputText", text: "pong from the client" }] };
        },
      },
    );

    const completed = await harness.runTurn("Use the tool");

    expect(completed.params.turn.status).toBe("completed");
    expect(harness.provider.requests[0]?.tools.map((tool) => tool.name)).toContain("echo_back");
    expect(toolCalls).toHaveLength(1);
    expect(toolCalls[0]?.method).toBe("item/tool/call");
    expect(toolCalls[0]?.params).toMatchObject({ tool: "echo_back", arguments: { text: "ping" } });
    expect(harness.provider.requests[1]?.turnToolOutputs[0]?.output).toContain("pong from the client");
    const agentMessage = completed.params.turn.items.find((item: Message) => item.type === "agentMessage");
    expect(agentMessage?.text).toBe("The tool said: pong from the client");
  });

  it("[S10.2-policy-fields] applies a scripted patch and keeps commands inside the workspace under workspace-write", async () => {
    // Not under the temp dir: workspace-write lets commands write to /tmp, wherever the repo is cloned.
    const outside = path.join(os.homedir(), `.baton-testkit-escape-${process.pid}`);
    let step = 0;
    harness = await startCodexHarness(() => {
      step += 1;
      if (step === 1)
        return {
          type: "patch",
          patch: "*** Begin Patch\n*** Add File: added.txt\n+patched\n*** End Patch\n",
        };
      if (step === 2) return { type: "shell", command: `touch '${outside}'` };
      return { type: "message", text: "finished" };
    });

    const completed = await harness.runTurn("Patch and try to escape");

    expect(completed.params.turn.status).toBe("completed");
    expect(await readFile(path.join(harness.workspace, "added.txt"), "utf8")).toBe("patched\n");
    const escaped = existsSync(outside);
    await rm(outside, { force: true });
    expect(escaped).toBe(false);
    expect(harness.provider.requests[2]?.turnToolOutputs[1]?.output).toMatch(
      /Read-only file system|Permission denied/,
    );
  });

  it("[S10-valid-protocol-messages] every message the test client sent validates against the installed codex schema", async () => {
    harness = await startCodexHarness(scripts.toolThenMessage("echo_back", { text: "x" }), {
      dynamicTools: [echoTool],
      onServerRequest: () => ({ success: true, contentItems: [{ type: "inputText", text: "ok" }] }),
    });
    await harness.runTurn("First turn");
    await harness.runTurn("Second turn on the same thread");

    const kinds = new Set(harness.rpc.sent.map((sent) => `${sent.kind}:${sent.method}`));
    expect(kinds).toEqual(
      new Set([
        "request:initialize",
        "notification:initialized",
        "request:thread/start",
        "request:thread/name/set",
        "request:turn/start",
        "response:item/tool/call",
      ]),
    );
    expect(await harness.protocolErrors()).toEqual([]);

    harness.rpc.sent.push({
      kind: "request",
      method: "turn/start",
      message: { id: 99, method: "turn/start", params: { threadId: harness.threadId, input: "not a list" } },
    });
    expect(await harness.protocolErrors()).not.toEqual([]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
