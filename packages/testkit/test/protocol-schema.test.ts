import { beforeAll, describe, expect, it } from "vitest";
import { type CodexProtocolValidator, codexProtocolValidator } from "../src/index.ts";

let validator: CodexProtocolValidator;

beforeAll(async () => {
  validator = await codexProtocolValidator();
});

const threadStart = {
  id: 2,
  method: "thread/start",
  params: {
    cwd: "/work/ws/ABC-1",
    approvalPolicy: "never",
    sandbox: "workspace-write",
    dynamicTools: [
      { type: "function", name: "local_tracker", description: "Tracker", inputSchema: { type: "object" } },
    ],
  },
};

describe("codexProtocolValidator", () => {
  it("[S10-valid-protocol-messages] accepts the startup and turn messages the protocol defines", () => {
    expect(
      validator.validateClientRequest({
        id: 1,
        method: "initialize",
        params: {
          clientInfo: { name: "baton", title: "Baton", version: "1" },
          capabilities: { experimentalApi: true },
        },
      }),
    ).toEqual([]);
    expect(validator.validateClientNotification({ method: "initialized" })).toEqual([]);
    expect(validator.validateClientRequest(threadStart)).toEqual([]);
    expect(
      validator.validateClientRequest({
        id: 3,
        method: "turn/start",
        params: {
          threadId: "t-1",
          input: [{ type: "text", text: "hello" }],
          sandboxPolicy: { type: "workspaceWrite", writableRoots: ["/work/ws/ABC-1"], networkAccess: false },
        },
      }),
    ).toEqual([]);
  });

  it("[S10-valid-protocol-messages] reports a field of the wrong type with its path", () => {
    const errors = validator.validateClientRequest({
      ...threadStart,
      params: { ...threadStart.params, cwd: 42 },
    });
    expect(errors.some((error) => error.includes("/params/cwd"))).toBe(true);
  });

  it("[S10-valid-protocol-messages] reports a value outside an enum, listing the allowed values", () => {
    const errors = validator.validateClientRequest({
      ...threadStart,
      params: { ...threadStart.params, sandbox: "full-trust" },
    });
    expect(errors.join("\n")).toContain("workspace-write");
  });

  it("[S10-valid-protocol-messages] reports a misspelled field that codex would silently ignore", () => {
    const { approvalPolicy, ...rest } = threadStart.params;
    const errors = validator.validateClientRequest({
      ...threadStart,
      params: { ...rest, aprovalPolicy: approvalPolicy },
    });
    expect(errors).toContain('thread/start /params: must NOT have additional properties "aprovalPolicy"');
  });

  it("[S10-valid-protocol-messages] rejects unknown methods and missing params", () => {
    expect(validator.validateClientRequest({ id: 9, method: "thread/begin", params: {} })).toEqual([
      'unknown client request method "thread/begin"',
    ]);
    expect(validator.validateClientNotification({ method: "ready" })).toEqual([
      'unknown client notification method "ready"',
    ]);
    expect(validator.validateClientRequest({ id: 4, method: "turn/start" })).not.toEqual([]);
  });

  it("[S10-valid-protocol-messages] checks answers to server requests against the matching response type", () => {
    const toolAnswer = { success: true, contentItems: [{ type: "inputText", text: "{}" }] };
    expect(validator.validateClientResponse("item/tool/call", toolAnswer)).toEqual([]);
    expect(validator.validateClientResponse("item/tool/call", { contentItems: [] })).toContain(
      "item/tool/call response (message): must have required property 'success'",
    );
    expect(
      validator.validateClientResponse("item/commandExecution/requestApproval", {
        decision: "acceptForSession",
      }),
    ).toEqual([]);
    expect(
      validator.validateClientResponse("item/commandExecution/requestApproval", { decision: "maybe" }),
    ).not.toEqual([]);
    expect(
      validator.validateClientResponse("execCommandApproval", { decision: "approved_for_session" }),
    ).toEqual([]);
    expect(validator.validateClientResponse("item/unknown", {})).toEqual([
      'unknown server request method "item/unknown"',
    ]);
  });
});
