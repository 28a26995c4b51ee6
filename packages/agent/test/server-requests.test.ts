import { codexProtocolValidator } from "@baton/testkit";
import { describe, expect, it } from "vitest";
import { decideServerRequest } from "../src/server-requests.ts";

const tools = new Set(["tracker_comment"]);

const APPROVALS = [
  "item/commandExecution/requestApproval",
  "item/fileChange/requestApproval",
  "execCommandApproval",
  "applyPatchApproval",
] as const;

describe("server request policy", () => {
  it("[S10.5-approval-policy][S10-valid-protocol-messages] accepts approvals for the session only under policy never, with schema-valid answers", async () => {
    const validator = await codexProtocolValidator();
    for (const method of APPROVALS) {
      const approved = decideServerRequest(method, { command: ["ls"] }, "never", tools);
      expect(approved.kind).toBe("answer");
      for (const policy of ["on-request", "untrusted", { granular: { sandbox_approval: true } }]) {
        const blocked = decideServerRequest(method, { command: ["ls"] }, policy, tools);
        expect(blocked).toMatchObject({ kind: "block", category: "approval_required" });
        if (blocked.kind === "block")
          expect(validator.validateClientResponse(method, blocked.result)).toEqual([]);
      }
      if (approved.kind === "answer")
        expect(validator.validateClientResponse(method, approved.result)).toEqual([]);
    }
  });

  it("[S10.5-approval-policy][S10.5-no-stall-approval] never grants extra sandbox permissions automatically", async () => {
    const decision = decideServerRequest(
      "item/permissions/requestApproval",
      { reason: "network" },
      "never",
      tools,
    );
    expect(decision).toMatchObject({ kind: "block", category: "approval_required" });
    if (decision.kind === "block") {
      const validator = await codexProtocolValidator();
      expect(validator.validateClientResponse("item/permissions/requestApproval", decision.result)).toEqual(
        [],
      );
    }
  });

  it("[S10.5-unsupported-tool-call][S10.5-host-side-tools] routes advertised tools to the host and fails others with the supported list", async () => {
    expect(
      decideServerRequest(
        "item/tool/call",
        { tool: "tracker_comment", arguments: { body: "x" } },
        "never",
        tools,
      ),
    ).toEqual({
      kind: "tool_call",
      tool: "tracker_comment",
      arguments: { body: "x" },
    });
    const unknown = decideServerRequest("item/tool/call", { tool: "rm_rf", arguments: {} }, "never", tools);
    expect(unknown).toMatchObject({ kind: "unknown_tool", tool: "rm_rf" });
    if (unknown.kind === "unknown_tool") {
      const validator = await codexProtocolValidator();
      expect(validator.validateClientResponse("item/tool/call", unknown.result)).toEqual([]);
      expect(unknown.summary).toContain("tracker_comment");
    }
  });

  it("[S10.5-user-input-policy] answers user-input and elicitation requests and marks the turn as needing input", () => {
    for (const method of ["item/tool/requestUserInput", "mcpServer/elicitation/request"]) {
      expect(decideServerRequest(method, {}, "never", tools)).toMatchObject({
        kind: "block",
        category: "turn_input_required",
      });
    }
    expect(decideServerRequest("currentTime/read", {}, "never", tools)).toMatchObject({
      kind: "unsupported",
      code: -32601,
    });
  });
});
