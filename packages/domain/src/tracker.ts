import type { Issue } from "./issue.ts";

/** A provider-native tool offered to the coding agent (SPEC 10.5), advertised as a Codex dynamic tool. */
export interface AgentToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's arguments. */
  inputSchema: Record<string, unknown>;
}

/** Result of a host-side tool call: success flag plus JSON-safe output the model will see. */
export interface ToolResult {
  success: boolean;
  output: unknown;
}

/** Context handed to a tool call: the current normalized issue, never a credential (SPEC 11.5). */
export interface ToolContext {
  issue: Issue;
}

/**
 * The adapter contract of SPEC 11.1. Both reads reject with a BatonError whose category is one of
 * SPEC 11.4 (`tracker_request`, `tracker_status`, `tracker_response`, `tracker_pagination`,
 * `tracker_rate_limited`, ...). Empty inputs resolve to [] without any provider request.
 */
export interface TrackerAdapter {
  readonly kind: string;
  fetchIssuesByStates(stateNames: readonly string[]): Promise<Issue[]>;
  fetchIssuesByIds(issueIds: readonly string[]): Promise<Issue[]>;
  /**
   * One issue's current snapshot in one request (B.webhook: a delivery names the issue it is
   * about); null when the issue is gone or outside the configured scope.
   */
  fetchIssue(issueId: string): Promise<Issue | null>;
  /** Environment variable names holding tracker secrets; launchers strip them from agent children. */
  secretEnvironmentNames(): string[];
  /** Provider-native tools for the agent; absent when the adapter ships none. */
  agentTools?(): AgentToolSpec[];
  executeAgentTool?(name: string, args: unknown, context: ToolContext): Promise<ToolResult>;
  /**
   * Optional push signal: the adapter calls `onChange` when it knows tickets changed, with the ids
   * of those issues when it can tell which (each is then refreshed on its own first, like a
   * webhook's), or without when it cannot. Returns a stop function.
   */
  watch?(onChange: (issueIds?: readonly string[]) => void): () => void;
  /** Optional write-back (B.budget): comment on the ticket, where the tracker supports comments. */
  commentOnIssue?(issueId: string, body: string): Promise<void>;
  /** Optional write-back (B.budget): move the ticket to the named state. */
  moveIssue?(issueId: string, stateName: string): Promise<void>;
  /**
   * Optional read (B.phases approvals): comments on the ticket created after `since` (RFC 3339),
   * oldest first, each with its author. Baton reads them only for issues with a waiting gate.
   */
  fetchCommentsSince?(issueId: string, since: string): Promise<TrackerComment[]>;
  /** Releases timers, sockets and watchers. */
  close?(): Promise<void>;
}

/** A ticket comment as the approval channel reads it. */
export interface TrackerComment {
  /** Stable id within the ticket (the tracker's comment id; local: `<timestamp>#<n>`). */
  id: string;
  /** RFC 3339 UTC. */
  created_at: string;
  body: string;
  /** The author as shown to people: GitHub login, Linear name, local author text. */
  author: string;
  /**
   * Identities an approver entry may match, lowercased: GitHub `[login]`, Linear `[email, user id]`
   * (never the editable display name), local `[author]`. Empty for an unknown author (a bot, a deleted user).
   */
  author_keys: string[];
  /**
   * Written with Baton's own tracker identity: Baton's comments and the agent's tool calls (which
   * use Baton's credentials) on Linear/GitHub, authors `baton` and `agent` locally. Never approves.
   */
  by_baton: boolean;
}

/** What the config layer needs to know about an adapter kind: its defaults and how it checks its keys. */
export interface TrackerProfile {
  kind: string;
  /** Default states when the workflow omits them (SPEC 5.3.1); absent means the key is required. */
  defaultActiveStates?: readonly string[];
  defaultTerminalStates?: readonly string[];
  /**
   * Validates `tracker.provider` after `$VAR` and documented env fallbacks, throwing BatonError
   * `invalid_tracker_config` / `missing_tracker_secret` naming the key. Returns the resolved keys.
   */
  resolveProvider(provider: Record<string, unknown>, context: TrackerConfigContext): Record<string, unknown>;
  /** Provider keys whose values are secrets, masked when config is printed. */
  secretProviderKeys: readonly string[];
  /** Secret env names (for launchers) given the raw provider map (includes `$VAR` names it references). */
  secretEnvironmentNames(provider: Record<string, unknown>): string[];
}

export interface TrackerConfigContext {
  env: Readonly<Record<string, string | undefined>>;
  /** Directory containing WORKFLOW.md, for adapters with path keys. */
  workflowDir: string;
}

/** The tracker section of the effective config, as adapters receive it. */
export interface TrackerSettings {
  kind: string;
  /** Provider keys resolved by the adapter profile ($VAR, env fallbacks, defaults). */
  provider: Record<string, unknown>;
  required_labels: string[];
  active_states: string[];
  terminal_states: string[];
}
