import type { TrackerAdapter } from "@baton/domain";
import { toBatonError } from "@baton/domain";
import type { ToolGateway, ToolGatewayReply, ToolGatewayRequest } from "./messages.ts";

/**
 * The host's tool gateway for one run: executes the run's host-side tool calls and issue reads
 * with the tracker (and credentials) the host chose when the run started. Failures become replies.
 */
export function trackerGateway(
  tracker: Pick<TrackerAdapter, "fetchIssuesByIds" | "executeAgentTool">,
): ToolGateway {
  return async (request: ToolGatewayRequest): Promise<ToolGatewayReply> => {
    try {
      if (request.type === "fetch_issue") {
        const found = await tracker.fetchIssuesByIds([request.issue_id]);
        return { type: "issue", issue: found.find((issue) => issue.id === request.issue_id) ?? null };
      }
      if (!tracker.executeAgentTool) {
        return {
          type: "tool_result",
          result: { success: false, output: { error: `unsupported tool: ${request.tool}` } },
        };
      }
      const result = await tracker.executeAgentTool(request.tool, request.arguments, {
        issue: request.issue,
      });
      return { type: "tool_result", result };
    } catch (error) {
      return { type: "error", error: toBatonError(error, "tool_error").toRecord() };
    }
  };
}

/** A gateway whose every request and reply crosses JSON, as it would between hosts. */
export function serializedGateway(gateway: ToolGateway): ToolGateway {
  return async (request) => viaJson(await gateway(viaJson(request)));
}

/** The value as another process would receive it. */
export function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
