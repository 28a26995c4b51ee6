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
import { BatonError, normalizeState, silentLogger } from "@baton/domain";
import { executeGitHubApiTool, GITHUB_API_TOOL, githubApiToolSpec } from "./agent-tool.ts";
import { GitHubClient, type GitHubResponse, nextPageUrl } from "./client.ts";
import { type Normalized, normalizeIssue } from "./normalize.ts";
import { GITHUB_TOKEN_ENV, type GitHubProviderSettings, type StateLabelSettings } from "./profile.ts";
import { checkConfiguredStates, listingFor, stateChange } from "./states.ts";

export interface GitHubTrackerOptions {
  /** Resolved provider keys (see githubTrackerProfile). */
  provider: GitHubProviderSettings;
  activeStates: readonly string[];
  terminalStates: readonly string[];
  logger?: Logger;
  /** Clock in epoch milliseconds, for rate-limit windows. */
  now?: () => number;
}

const PAGE_SIZE = 100;
/** Guards against a Link chain that never ends: 1,000 pages is 100,000 issues. */
const MAX_PAGES = 1_000;
/** Issue numbers are the dispatch IDs. */
const ISSUE_ID = /^[1-9][0-9]{0,15}$/;
/** GitHub answers these for an issue that was deleted or is not (or no longer) in the repository. */
const GONE_STATUSES = new Set([404, 410]);

/** The `github` tracker kind: issues of one repository (see docs/trackers/github.md). */
export class GitHubTracker implements TrackerAdapter {
  readonly kind = "github";
  readonly client: GitHubClient;
  private readonly repo: string;
  private readonly stateLabels: StateLabelSettings | null;
  private readonly logger: Logger;

  constructor(options: GitHubTrackerOptions) {
    const { provider } = options;
    checkConfiguredStates(options.activeStates, options.terminalStates, provider.state_labels);
    this.repo = provider.repo;
    this.stateLabels = provider.state_labels;
    this.logger = options.logger ?? silentLogger;
    this.client = new GitHubClient({
      apiUrl: provider.api_url,
      token: provider.token,
      timeoutMs: provider.timeout_ms,
      logger: this.logger,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /**
   * One listing of the repository's issues (open, closed or both, oldest first, every page),
   * filtered to the requested states. Issues that cannot be read are left out and logged.
   */
  async fetchIssuesByStates(stateNames: readonly string[]): Promise<Issue[]> {
    const listing = listingFor(stateNames, this.stateLabels);
    if (listing === null) return [];
    const wanted = new Set(stateNames.map(normalizeState));
    const query = new URLSearchParams({
      state: listing,
      sort: "created",
      direction: "asc",
      per_page: String(PAGE_SIZE),
    });
    const issues: Issue[] = [];
    const seen = new Set<number>();
    for await (const record of this.listIssues(`${this.repoPath()}/issues?${query}`)) {
      const normalized = this.normalize(record);
      if (!normalized.ok) {
        this.logger.warn(
          {
            tracker: "github",
            repo: this.repo,
            issue: normalized.number === null ? null : `GH-${normalized.number}`,
            reason: normalized.reason,
          },
          "dropping a GitHub issue Baton cannot read from the state list",
        );
        continue;
      }
      const number = Number(normalized.issue.id);
      // An issue created while paging shifts later pages by one; never return it twice.
      if (seen.has(number)) continue;
      seen.add(number);
      if (wanted.has(normalizeState(normalized.issue.state))) issues.push(normalized.issue);
    }
    return issues;
  }

  /**
   * Current snapshots by issue number. Numbers GitHub no longer shows in this repository (404, 410,
   * transferred) are omitted; an issue that cannot be read fails the whole call.
   */
  async fetchIssuesByIds(issueIds: readonly string[]): Promise<Issue[]> {
    const issues: Issue[] = [];
    for (const id of new Set(issueIds)) {
      const issue = await this.fetchIssue(id);
      if (issue !== null) issues.push(issue);
    }
    return issues;
  }

  /** One issue by number: `GET /repos/{repo}/issues/{number}` (conditional); null when it is gone or transferred. */
  async fetchIssue(issueId: string): Promise<Issue | null> {
    return (await this.readIssue(issueId))?.issue ?? null;
  }

  /**
   * B.budget write-back: puts the issue into `stateName`: GitHub's own open/closed, or in label mode
   * its one state label (other labels kept), in one `PATCH` after reading the issue's labels.
   */
  async moveIssue(issueId: string, stateName: string): Promise<void> {
    const current = await this.readIssue(issueId);
    if (current === null)
      throw new BatonError("tracker_response", `GitHub issue GH-${issueId} is not in ${this.repo}`, {
        issue: `GH-${issueId}`,
        repo: this.repo,
      });
    const target = `${this.repoPath()}/issues/${issueId}`;
    const response = await this.client.request({
      method: "PATCH",
      target,
      body: stateChange(current.labelNames, stateName, this.stateLabels, `GH-${issueId}`),
    });
    this.expectStatus(response, `PATCH ${target}`);
  }

  private async readIssue(issueId: string): Promise<{ issue: Issue; labelNames: string[] } | null> {
    if (!ISSUE_ID.test(issueId)) return null;
    const target = `${this.repoPath()}/issues/${issueId}`;
    const response = await this.client.request({ method: "GET", target, conditional: true });
    if (GONE_STATUSES.has(response.status)) return null;
    this.expectStatus(response, `GET ${target}`);
    if (!this.belongsToRepo(response.data)) return null;
    const normalized = this.normalize(response.data);
    if (!normalized.ok) {
      throw new BatonError(
        "tracker_response",
        `GitHub issue GH-${issueId} in ${this.repo} cannot be read: ${normalized.reason}`,
        { issue: `GH-${issueId}`, repo: this.repo, reason: normalized.reason },
      );
    }
    return { issue: normalized.issue, labelNames: rawLabelNames(response.data) };
  }

  /** B.budget write-back: an issue comment (the issue id is its number). */
  async commentOnIssue(issueId: string, body: string): Promise<void> {
    const target = `/repos/${this.repo}/issues/${encodeURIComponent(issueId)}/comments`;
    const response = await this.client.request({ method: "POST", target, body: { body } });
    if (response.status !== 201) this.expectStatus(response, `POST ${target}`);
  }

  secretEnvironmentNames(): string[] {
    return [GITHUB_TOKEN_ENV];
  }

  agentTools(): AgentToolSpec[] {
    return [githubApiToolSpec];
  }

  async executeAgentTool(name: string, args: unknown, _context: ToolContext): Promise<ToolResult> {
    if (name !== GITHUB_API_TOOL) {
      return {
        success: false,
        output: { error: { message: `unknown tool ${name}; available: ${GITHUB_API_TOOL}` } },
      };
    }
    return executeGitHubApiTool(this.client, this.repo, args);
  }

  /** Every record of a paged listing, following `Link: rel="next"` within the API only. */
  private async *listIssues(firstPage: string): AsyncGenerator<unknown> {
    const visited = new Set<string>();
    let target: string | null = firstPage;
    while (target !== null) {
      if (visited.size >= MAX_PAGES) {
        throw new BatonError(
          "tracker_pagination",
          `GitHub issue listing for ${this.repo} did not end after ${MAX_PAGES} pages`,
          { repo: this.repo },
        );
      }
      visited.add(target);
      const response = await this.client.request({ method: "GET", target, conditional: true });
      this.expectStatus(response, `GET ${firstPage}`);
      if (!Array.isArray(response.data)) {
        throw new BatonError(
          "tracker_response",
          `GitHub answered the issue listing of ${this.repo} (page ${visited.size}) with something that is not a JSON list`,
          { repo: this.repo, page: visited.size },
        );
      }
      yield* response.data;
      target = this.nextPage(response, visited);
    }
  }

  private nextPage(response: GitHubResponse, visited: Set<string>): string | null {
    const next = nextPageUrl(response.headers.link);
    if (next === null) return null;
    if (!this.client.isOnApi(next) || visited.has(next)) {
      throw new BatonError(
        "tracker_pagination",
        `GitHub's next-page link for ${this.repo} ${visited.has(next) ? "repeats a page already read" : `leaves the API (${this.client.apiUrl})`}; the listing is incomplete`,
        { repo: this.repo, page: visited.size },
      );
    }
    return next;
  }

  private expectStatus(response: GitHubResponse, request: string): void {
    if (response.status === 200) return;
    const message =
      typeof response.data === "object" && response.data !== null && "message" in response.data
        ? String((response.data as { message: unknown }).message)
        : "";
    throw new BatonError(
      "tracker_status",
      `GitHub answered ${request} with HTTP ${response.status}${message ? `: ${message}` : ""}`,
      { status: response.status, request, repo: this.repo },
    );
  }

  /** A transferred issue is answered from its new repository; it is no longer in scope. */
  private belongsToRepo(record: unknown): boolean {
    const repositoryUrl = (record as { repository_url?: unknown } | null)?.repository_url;
    if (typeof repositoryUrl !== "string") return true;
    return repositoryUrl.toLowerCase().endsWith(`/repos/${this.repo.toLowerCase()}`);
  }

  private normalize(record: unknown): Normalized {
    return normalizeIssue(record, this.repo, this.stateLabels);
  }

  private repoPath(): string {
    return `/repos/${this.repo}`;
  }
}

/** Label names as GitHub spells them (labels are strings or `{ name }` objects). */
function rawLabelNames(record: unknown): string[] {
  const labels = (record as { labels?: unknown } | null)?.labels;
  if (!Array.isArray(labels)) return [];
  return labels.flatMap((label: unknown) => {
    const name = typeof label === "string" ? label : (label as { name?: unknown } | null)?.name;
    return typeof name === "string" ? [name] : [];
  });
}

/** Builds the adapter from resolved settings; rejects active/terminal states the state model cannot produce. */
export function createGitHubTracker(
  settings: TrackerSettings,
  context: TrackerConfigContext & { logger?: Logger },
): GitHubTracker {
  return new GitHubTracker({
    provider: settings.provider as unknown as GitHubProviderSettings,
    activeStates: settings.active_states,
    terminalStates: settings.terminal_states,
    ...(context.logger ? { logger: context.logger } : {}),
  });
}
