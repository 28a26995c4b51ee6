import { randomUUID } from "node:crypto";

export interface FakeLinearTeam {
  id: string;
  key: string;
  name: string;
}

export interface FakeLinearState {
  id: string;
  name: string;
  /** Linear's state category: backlog, unstarted, started, completed, canceled. */
  type: string;
  teamId: string;
}

export interface FakeLinearUser {
  id: string;
  name: string;
  email: string;
}

export interface FakeLinearComment {
  id: string;
  body: string;
  createdAt: string;
  issueId: string;
  /** The author; null for an integration's comment (Linear then has no user). */
  userId: string | null;
}

export interface FakeLinearIssue {
  id: string;
  identifier: string;
  title: string;
  description: string | null;
  priority: number;
  stateId: string;
  teamId: string;
  projectSlug: string;
  assigneeId: string | null;
  labels: string[];
  branchName: string;
  url: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeLinearRelation {
  id: string;
  type: string;
  /** The source issue: for `blocks`, the blocker. */
  issueId: string;
  relatedIssueId: string;
}

export interface NewFakeLinearIssue {
  title: string;
  state?: string;
  description?: string | null;
  priority?: number;
  projectSlug?: string;
  assigneeId?: string | null;
  labels?: string[];
  createdAt?: string;
}

export const FAKE_LINEAR_PROJECT = "baton-test-project";
export const FAKE_LINEAR_TEAM_KEY = "BAT";

/** Workflow states of the default team: Linear's defaults plus a hand-off state. */
const DEFAULT_STATES: readonly [string, string][] = [
  ["Backlog", "backlog"],
  ["Todo", "unstarted"],
  ["In Progress", "started"],
  ["Human Review", "started"],
  ["Done", "completed"],
  ["Canceled", "canceled"],
  ["Duplicate", "canceled"],
];

/**
 * The in-memory Linear workspace behind the fake server: one team with Linear's default workflow
 * states, a viewer user, issues in creation order, relations and comments. Tests arrange and
 * inspect it directly; agents change it through the GraphQL mutations.
 */
export class FakeLinearStore {
  readonly team: FakeLinearTeam = { id: randomUUID(), key: FAKE_LINEAR_TEAM_KEY, name: "Baton" };
  readonly viewer: FakeLinearUser = { id: randomUUID(), name: "Baton Bot", email: "baton-bot@example.com" };
  readonly users = new Map<string, FakeLinearUser>([[this.viewer.id, this.viewer]]);
  readonly states: FakeLinearState[] = DEFAULT_STATES.map(([name, type]) => ({
    id: randomUUID(),
    name,
    type,
    teamId: this.team.id,
  }));
  /** Issues in creation order: the order Linear pages them in here. */
  readonly issues: FakeLinearIssue[] = [];
  readonly relations: FakeLinearRelation[] = [];
  readonly comments: FakeLinearComment[] = [];
  private nextNumber = 1;
  private clock = Date.parse("2026-01-01T00:00:00.000Z");

  addUser(
    name: string,
    email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}@example.com`,
  ): FakeLinearUser {
    const user = { id: randomUUID(), name, email };
    this.users.set(user.id, user);
    return user;
  }

  addIssue(input: NewFakeLinearIssue): FakeLinearIssue {
    const number = this.nextNumber++;
    const identifier = `${this.team.key}-${number}`;
    const createdAt = input.createdAt ?? this.tick();
    const issue: FakeLinearIssue = {
      id: randomUUID(),
      identifier,
      title: input.title,
      description: input.description ?? null,
      priority: input.priority ?? 0,
      stateId: this.state(input.state ?? "Todo").id,
      teamId: this.team.id,
      projectSlug: input.projectSlug ?? FAKE_LINEAR_PROJECT,
      assigneeId: input.assigneeId ?? null,
      labels: input.labels ?? [],
      branchName: `bat/${identifier.toLowerCase()}`,
      url: `https://linear.app/baton/issue/${identifier}`,
      createdAt,
      updatedAt: createdAt,
    };
    this.issues.push(issue);
    return issue;
  }

  /** `blocker` blocks `blocked` (Linear stores it on the blocker; the blocked issue sees it as an inverse relation). */
  addBlocker(blocker: string, blocked: string): void {
    this.relations.push({
      id: randomUUID(),
      type: "blocks",
      issueId: this.issue(blocker).id,
      relatedIssueId: this.issue(blocked).id,
    });
  }

  moveIssue(idOrIdentifier: string, stateName: string): void {
    const issue = this.issue(idOrIdentifier);
    issue.stateId = this.state(stateName).id;
    issue.updatedAt = this.tick();
  }

  /** A comment by `author` (default: the viewer, as through the API), at `createdAt` (default: the fake clock). */
  addComment(
    issueId: string,
    body: string,
    options: { author?: FakeLinearUser | null; createdAt?: string } = {},
  ): FakeLinearComment {
    const author = options.author === undefined ? this.viewer : options.author;
    const comment = {
      id: randomUUID(),
      body,
      createdAt: options.createdAt ?? this.tick(),
      issueId: this.issue(issueId).id,
      userId: author?.id ?? null,
    };
    this.comments.push(comment);
    return comment;
  }

  /** An issue by id or identifier (Linear's `issue(id:)` accepts both). */
  findIssue(idOrIdentifier: string): FakeLinearIssue | undefined {
    return this.issues.find((issue) => issue.id === idOrIdentifier || issue.identifier === idOrIdentifier);
  }

  issue(idOrIdentifier: string): FakeLinearIssue {
    const issue = this.findIssue(idOrIdentifier);
    if (issue === undefined) throw new Error(`fake Linear has no issue ${idOrIdentifier}`);
    return issue;
  }

  state(nameOrId: string): FakeLinearState {
    const state = this.states.find((candidate) => candidate.name === nameOrId || candidate.id === nameOrId);
    if (state === undefined) throw new Error(`fake Linear has no workflow state ${nameOrId}`);
    return state;
  }

  stateName(idOrIdentifier: string): string {
    return this.state(this.issue(idOrIdentifier).stateId).name;
  }

  /** Monotonic timestamps one second apart, so creation order is also time order. */
  tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
}
