import type {
  AgentToolSpec,
  Issue,
  Logger,
  ToolContext,
  ToolResult,
  TrackerAdapter,
  TrackerConfigContext,
  TrackerSettings,
} from "@baton/domain";
import { BatonError, silentLogger } from "@baton/domain";
import { executeLinearGraphql, LINEAR_GRAPHQL_TOOL, linearGraphqlToolSpec } from "./agent-tool.ts";
import {
  LINEAR_API_KEY_ENV,
  LINEAR_NESTED_PAGE_SIZE,
  LINEAR_PAGE_SIZE,
  LINEAR_REQUEST_TIMEOUT_MS,
} from "./defaults.ts";
import { type DispatchRules, normalizeLinearIssue } from "./normalize.ts";
import type { LinearProvider } from "./profile.ts";
import {
  COMMENT_MUTATION,
  ISSUE_BY_ID_QUERY,
  ISSUE_TEAM_STATE_QUERY,
  ISSUES_BY_IDS_QUERY,
  ISSUES_BY_STATES_QUERY,
  MOVE_ISSUE_MUTATION,
  stateFilter,
  VIEWER_QUERY,
} from "./queries.ts";
import { LinearTransport } from "./transport.ts";

export interface LinearTrackerOptions {
  endpoint: string;
  apiKey: string;
  projectSlug: string;
  /** Linear user id, `me`, or null. */
  assignee: string | null;
  terminalStates: readonly string[];
  /** Environment of the service: every variable holding the API key is declared secret. */
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  /** Clock for the rate-limit pause (ms since epoch). */
  now?: () => number;
  requestTimeoutMs?: number;
  /** Issues per page and ids per refresh batch. */
  pageSize?: number;
}

/** The `linear` tracker kind (see docs/trackers/linear.md). Its settings are fixed for its lifetime. */
export class LinearTracker implements TrackerAdapter {
  readonly kind = "linear";
  private readonly transport: LinearTransport;
  private readonly logger: Logger;
  private readonly pageSize: number;
  private viewerId: Promise<string> | null = null;

  constructor(private readonly options: LinearTrackerOptions) {
    if (options.apiKey.trim() === "") {
      throw new BatonError(
        "missing_tracker_secret",
        "tracker.provider.api_key is required for the Linear tracker",
        {
          field: "tracker.provider.api_key",
        },
      );
    }
    this.logger = options.logger ?? silentLogger;
    this.pageSize = options.pageSize ?? LINEAR_PAGE_SIZE;
    this.transport = new LinearTransport({
      endpoint: options.endpoint,
      apiKey: options.apiKey,
      timeoutMs: options.requestTimeoutMs ?? LINEAR_REQUEST_TIMEOUT_MS,
      logger: this.logger,
      now: options.now ?? Date.now,
    });
  }

  /** Every issue of the project in one of the states (case-insensitive), page by page in Linear's order. */
  async fetchIssuesByStates(stateNames: readonly string[]): Promise<Issue[]> {
    if (stateNames.length === 0) return [];
    const rules = await this.dispatchRules();
    const issues: Issue[] = [];
    const seenCursors = new Set<string>();
    let after: string | null = null;
    for (let page = 1; ; page++) {
      const data = await this.transport.request(
        ISSUES_BY_STATES_QUERY,
        {
          projectSlug: this.options.projectSlug,
          states: stateFilter(stateNames),
          first: this.pageSize,
          nestedFirst: LINEAR_NESTED_PAGE_SIZE,
          after,
        },
        `the issue list (page ${page})`,
      );
      const connection = issueConnection(data, `the issue list (page ${page})`);
      for (const node of connection.nodes) {
        const normalized = normalizeLinearIssue(node, rules);
        if ("issue" in normalized) issues.push(normalized.issue);
        else
          this.logger.warn(
            { issue_id: normalized.id, reason: normalized.malformed },
            "omitting a malformed Linear issue from the state read",
          );
      }
      if (!connection.hasNextPage) return issues;
      const cursor = connection.endCursor;
      if (cursor === null || seenCursors.has(cursor)) {
        throw new BatonError(
          "tracker_pagination",
          cursor === null
            ? `Linear said page ${page} of the issue list has a next page but gave no endCursor`
            : `Linear returned the same endCursor twice while paging the issue list (page ${page})`,
          { page },
        );
      }
      seenCursors.add(cursor);
      after = cursor;
    }
  }

  /** Current snapshots of the issues, in batches; ids outside the project or gone are omitted. */
  async fetchIssuesByIds(issueIds: readonly string[]): Promise<Issue[]> {
    const ids = [...new Set(issueIds)];
    if (ids.length === 0) return [];
    const rules = await this.dispatchRules();
    const found = new Map<string, Issue>();
    for (let start = 0; start < ids.length; start += this.pageSize) {
      const batch = ids.slice(start, start + this.pageSize);
      const operation = `the refresh of ${batch.length} issue(s)`;
      const data = await this.transport.request(
        ISSUES_BY_IDS_QUERY,
        {
          projectSlug: this.options.projectSlug,
          ids: batch,
          first: batch.length,
          nestedFirst: LINEAR_NESTED_PAGE_SIZE,
        },
        operation,
      );
      const connection = issueConnection(data, operation);
      if (connection.hasNextPage) {
        throw new BatonError(
          "tracker_pagination",
          `Linear answered ${operation} with more issues than requested ids; the refresh would be incomplete`,
        );
      }
      for (const node of connection.nodes) {
        const normalized = normalizeLinearIssue(node, rules);
        if ("malformed" in normalized) {
          throw new BatonError(
            "tracker_response",
            `Linear issue ${normalized.id ?? "(without id)"} is malformed: ${normalized.malformed}`,
            { issue_id: normalized.id },
          );
        }
        if (batch.includes(normalized.issue.id)) found.set(normalized.issue.id, normalized.issue);
      }
    }
    return ids.flatMap((id) => {
      const issue = found.get(id);
      return issue === undefined ? [] : [issue];
    });
  }

  /** LINEAR_API_KEY plus every variable of the service environment that holds the configured key. */
  secretEnvironmentNames(): string[] {
    const holders = Object.entries(this.options.env ?? {})
      .filter(([, value]) => value !== undefined && value.trim() === this.options.apiKey)
      .map(([name]) => name);
    return [...new Set([LINEAR_API_KEY_ENV, ...holders])];
  }

  agentTools(): AgentToolSpec[] {
    return [linearGraphqlToolSpec];
  }

  /** One issue of the project by id, in one request; null when it is gone or in another project. */
  async fetchIssue(issueId: string): Promise<Issue | null> {
    const rules = await this.dispatchRules();
    const operation = `the refresh of issue ${issueId}`;
    const data = await this.transport.request(
      ISSUE_BY_ID_QUERY,
      { projectSlug: this.options.projectSlug, id: issueId, nestedFirst: LINEAR_NESTED_PAGE_SIZE },
      operation,
    );
    const node = issueConnection(data, operation).nodes[0];
    if (node === undefined) return null;
    const normalized = normalizeLinearIssue(node, rules);
    if ("malformed" in normalized) {
      throw new BatonError(
        "tracker_response",
        `Linear issue ${normalized.id ?? issueId} is malformed: ${normalized.malformed}`,
        { issue_id: normalized.id ?? issueId },
      );
    }
    return normalized.issue.id === issueId ? normalized.issue : null;
  }

  /** B.budget write-back: a comment on the issue. */
  async commentOnIssue(issueId: string, body: string): Promise<void> {
    const data = await this.transport.request(COMMENT_MUTATION, { issueId, body }, "commentCreate");
    const created = data.commentCreate as { success?: unknown } | null | undefined;
    if (created?.success !== true)
      throw new BatonError("tracker_response", `Linear did not create the comment on issue ${issueId}`, {
        issueId,
      });
  }

  /** B.budget write-back: moves the issue to its team's workflow state of that name (any case). */
  async moveIssue(issueId: string, stateName: string): Promise<void> {
    const data = await this.transport.request(
      ISSUE_TEAM_STATE_QUERY,
      { id: issueId, state: stateName.trim() },
      `the workflow states of issue ${issueId}`,
    );
    const issue = data.issue as { team?: { states?: { nodes?: { id?: unknown }[] } } } | null | undefined;
    const stateId = issue?.team?.states?.nodes?.[0]?.id;
    if (typeof stateId !== "string")
      throw new BatonError(
        "invalid_tracker_config",
        `the team of Linear issue ${issueId} has no workflow state named ${JSON.stringify(stateName)}`,
        { issueId, state: stateName },
      );
    const moved = await this.transport.request(
      MOVE_ISSUE_MUTATION,
      { id: issueId, stateId },
      `issueUpdate of issue ${issueId}`,
    );
    if ((moved.issueUpdate as { success?: unknown } | null | undefined)?.success !== true)
      throw new BatonError("tracker_response", `Linear did not move issue ${issueId} to ${stateName}`, {
        issueId,
        state: stateName,
      });
  }

  async executeAgentTool(name: string, args: unknown, _context: ToolContext): Promise<ToolResult> {
    if (name !== LINEAR_GRAPHQL_TOOL) {
      return {
        success: false,
        output: { error: { message: `unknown tool ${name}; available: ${LINEAR_GRAPHQL_TOOL}` } },
      };
    }
    return executeLinearGraphql(this.transport, args);
  }

  private async dispatchRules(): Promise<DispatchRules> {
    return { terminalStates: this.options.terminalStates, assigneeId: await this.assigneeId() };
  }

  /** `assignee: me` is the API key's own user, asked once per adapter (a failed lookup is retried next time). */
  private async assigneeId(): Promise<string | null> {
    const assignee = this.options.assignee;
    if (assignee === null || assignee.toLowerCase() !== "me") return assignee;
    this.viewerId ??= this.transport
      .request(VIEWER_QUERY, {}, "the viewer lookup for assignee: me")
      .then((data) => {
        const id = (data.viewer as { id?: unknown } | null | undefined)?.id;
        if (typeof id === "string" && id !== "") return id;
        throw new BatonError(
          "tracker_response",
          "Linear's viewer answer has no user id (needed for assignee: me)",
        );
      });
    try {
      return await this.viewerId;
    } catch (error) {
      this.viewerId = null;
      throw error;
    }
  }
}

interface IssuePage {
  nodes: unknown[];
  hasNextPage: boolean;
  endCursor: string | null;
}

function issueConnection(data: Record<string, unknown>, operation: string): IssuePage {
  const issues = data.issues as {
    nodes?: unknown;
    pageInfo?: { hasNextPage?: unknown; endCursor?: unknown };
  } | null;
  if (typeof issues !== "object" || issues === null || !Array.isArray(issues.nodes)) {
    throw new BatonError("tracker_response", `Linear's answer to ${operation} has no issues.nodes list`);
  }
  const pageInfo = issues.pageInfo;
  if (typeof pageInfo?.hasNextPage !== "boolean") {
    throw new BatonError("tracker_response", `Linear's answer to ${operation} has no pageInfo.hasNextPage`);
  }
  const endCursor =
    typeof pageInfo.endCursor === "string" && pageInfo.endCursor !== "" ? pageInfo.endCursor : null;
  return { nodes: issues.nodes, hasNextPage: pageInfo.hasNextPage, endCursor };
}

/** Builds the adapter from resolved settings (see linearTrackerProfile). */
export function createLinearTracker(
  settings: TrackerSettings,
  context: TrackerConfigContext & { logger?: Logger },
): LinearTracker {
  const provider = settings.provider as unknown as LinearProvider;
  return new LinearTracker({
    endpoint: provider.endpoint,
    apiKey: provider.api_key,
    projectSlug: provider.project_slug,
    assignee: provider.assignee,
    terminalStates: settings.terminal_states,
    env: context.env,
    ...(context.logger ? { logger: context.logger } : {}),
  });
}
