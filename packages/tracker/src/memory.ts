import type { Issue, TrackerAdapter, TrackerComment } from "@baton/domain";
import { BatonError, normalizeState } from "@baton/domain";

/** A complete issue from a partial one, with the spec's defaults for every optional field. */
export function makeIssue(fields: Partial<Issue> & Pick<Issue, "id" | "identifier">): Issue {
  return {
    native_ref: null,
    title: fields.identifier,
    description: null,
    priority: null,
    state: "Todo",
    branch_name: null,
    url: null,
    assignee_id: null,
    labels: [],
    blocked_by: [],
    dispatchable: true,
    created_at: null,
    updated_at: null,
    ...fields,
  };
}

export interface MemoryTrackerCall {
  op: "fetchIssuesByStates" | "fetchIssuesByIds" | "fetchIssue";
  args: string[];
}

/**
 * In-process tracker for tests and benchmarks: issues live in a map the test mutates directly.
 * Every provider call is recorded; `failNext` makes the next read fail with a chosen category.
 */
export class MemoryTracker implements TrackerAdapter {
  readonly kind = "memory";
  readonly issues = new Map<string, Issue>();
  readonly calls: MemoryTrackerCall[] = [];
  private pendingFailures: BatonError[] = [];
  private listeners = new Set<(issueIds?: readonly string[]) => void>();

  constructor(issues: Issue[] = []) {
    for (const issue of issues) this.issues.set(issue.id, issue);
  }

  /** Adds or replaces an issue and notifies watchers. */
  put(issue: Issue): void {
    this.issues.set(issue.id, issue);
    this.notify(issue.id);
  }

  /** Changes fields of an existing issue and notifies watchers. */
  update(id: string, fields: Partial<Issue>): Issue {
    const current = this.issues.get(id);
    if (!current) throw new Error(`memory tracker has no issue ${id}`);
    const next = { ...current, ...fields };
    this.issues.set(id, next);
    this.notify(id);
    return next;
  }

  remove(id: string): void {
    this.issues.delete(id);
    this.notify(id);
  }

  /** The next read rejects with this error (queue several for several reads). */
  failNext(category = "tracker_request", message = "injected failure"): void {
    this.pendingFailures.push(new BatonError(category, message));
  }

  async fetchIssuesByStates(stateNames: readonly string[]): Promise<Issue[]> {
    if (stateNames.length === 0) return [];
    this.calls.push({ op: "fetchIssuesByStates", args: [...stateNames] });
    this.throwIfFailing();
    const wanted = new Set(stateNames.map(normalizeState));
    return [...this.issues.values()].filter((issue) => wanted.has(normalizeState(issue.state)));
  }

  async fetchIssuesByIds(issueIds: readonly string[]): Promise<Issue[]> {
    if (issueIds.length === 0) return [];
    this.calls.push({ op: "fetchIssuesByIds", args: [...issueIds] });
    this.throwIfFailing();
    const found: Issue[] = [];
    for (const id of new Set(issueIds)) {
      const issue = this.issues.get(id);
      if (issue) found.push(issue);
    }
    return found;
  }

  async fetchIssue(issueId: string): Promise<Issue | null> {
    this.calls.push({ op: "fetchIssue", args: [issueId] });
    this.throwIfFailing();
    return this.issues.get(issueId) ?? null;
  }

  secretEnvironmentNames(): string[] {
    return [];
  }

  /** Comments by issue id, oldest first; tests add them with `comment`. */
  readonly comments = new Map<string, TrackerComment[]>();

  /** Adds a comment by `author` (its only identity) at `createdAt`. */
  comment(issueId: string, author: string, body: string, createdAt: string): TrackerComment {
    const list = this.comments.get(issueId) ?? [];
    const comment = {
      id: `c${list.length + 1}`,
      created_at: createdAt,
      body,
      author,
      author_keys: [author.toLowerCase()],
      by_baton: false,
    };
    this.comments.set(issueId, [...list, comment]);
    return comment;
  }

  async fetchCommentsSince(issueId: string, since: string): Promise<TrackerComment[]> {
    const sinceMs = Date.parse(since);
    return (this.comments.get(issueId) ?? []).filter((comment) => Date.parse(comment.created_at) > sinceMs);
  }

  /** Signals each change with the id of the issue it changed. */
  watch(onChange: (issueIds?: readonly string[]) => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  private notify(id: string): void {
    for (const listener of this.listeners) listener([id]);
  }

  private throwIfFailing(): void {
    const failure = this.pendingFailures.shift();
    if (failure) throw failure;
  }
}
