import { GraphQLError } from "graphql";
import type { FakeLinearIssue, FakeLinearStore } from "./store.ts";

/**
 * Root value for executing Linear documents against the fake store. Field resolvers follow
 * Linear's semantics for what they implement; anything else the schema allows (a filter, an
 * argument or an input field the fake does not know) fails loudly instead of being ignored.
 */
export function fakeLinearRoot(store: FakeLinearStore): Record<string, unknown> {
  return {
    issues: (args: ConnectionArgs & { filter?: Filter }) => {
      const matches = issueFilter(store, args.filter ?? {}, "filter");
      return connection(store.issues.filter(matches), args, (issue) => issueView(store, issue));
    },
    issue: ({ id }: { id: string }) => issueView(store, found(store.findIssue(id), "Issue", id)),
    viewer: () => store.viewer,
    issueUpdate: ({ id, input }: { id: string; input: Record<string, unknown> }) => {
      const issue = found(store.findIssue(id), "Issue", id);
      for (const [key, value] of Object.entries(input)) {
        if (key === "stateId")
          issue.stateId = found(
            store.states.find((s) => s.id === value),
            "WorkflowState",
            String(value),
          ).id;
        else if (key === "title" || key === "description")
          (issue as unknown as Record<string, unknown>)[key] = value;
        else if (key === "priority") issue.priority = value as number;
        else if (key === "assigneeId")
          issue.assigneeId =
            value === null ? null : found(store.users.get(String(value)), "User", String(value)).id;
        else throw notImplemented(`IssueUpdateInput.${key}`);
      }
      issue.updatedAt = store.tick();
      return { success: true, issue: issueView(store, issue) };
    },
    commentCreate: ({ input }: { input: Record<string, unknown> }) => {
      for (const key of Object.keys(input))
        if (key !== "issueId" && key !== "body") throw notImplemented(`CommentCreateInput.${key}`);
      if (typeof input.issueId !== "string" || typeof input.body !== "string") {
        throw new GraphQLError("Argument Validation Error: issueId and body are required", {
          extensions: { code: "INVALID_INPUT" },
        });
      }
      const comment = store.addComment(
        found(store.findIssue(input.issueId), "Issue", input.issueId).id,
        input.body,
      );
      return { success: true, comment: commentView(store, comment) };
    },
  };
}

interface ConnectionArgs {
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

/** Linear's cap on `first`. */
const MAX_PAGE = 250;
const DEFAULT_PAGE = 50;

/** Forward cursor paging over `items` in their order; the cursor is an opaque encoding of the item id. */
function connection<T extends { id: string }>(items: T[], args: ConnectionArgs, view: (item: T) => unknown) {
  if (args.last !== undefined || args.before !== undefined)
    throw notImplemented("backward paging (last/before)");
  const first = args.first ?? DEFAULT_PAGE;
  if (first < 0 || first > MAX_PAGE) {
    throw new GraphQLError(`first must be between 0 and ${MAX_PAGE}`, {
      extensions: { code: "INVALID_INPUT" },
    });
  }
  let start = 0;
  if (args.after !== undefined && args.after !== null) {
    const afterId = Buffer.from(args.after, "base64url").toString("utf8");
    const index = items.findIndex((item) => item.id === afterId);
    if (index === -1)
      throw new GraphQLError(`invalid cursor ${args.after}`, { extensions: { code: "INVALID_INPUT" } });
    start = index + 1;
  }
  const page = items.slice(start, start + first);
  const last = page.at(-1);
  return {
    nodes: page.map(view),
    pageInfo: {
      hasNextPage: start + first < items.length,
      endCursor: last === undefined ? null : Buffer.from(last.id, "utf8").toString("base64url"),
    },
  };
}

function issueView(store: FakeLinearStore, issue: FakeLinearIssue) {
  return {
    ...issue,
    state: () => store.state(issue.stateId),
    team: () => teamView(store),
    assignee: () => (issue.assigneeId === null ? null : (store.users.get(issue.assigneeId) ?? null)),
    labels: (args: ConnectionArgs & { filter?: unknown }) => {
      if (args.filter !== undefined) throw notImplemented("Issue.labels(filter)");
      return connection(
        issue.labels.map((name) => ({ id: `label-${name}`, name })),
        args,
        (label) => label,
      );
    },
    inverseRelations: (args: ConnectionArgs) =>
      connection(
        store.relations.filter((relation) => relation.relatedIssueId === issue.id),
        args,
        (relation) => relationView(store, relation),
      ),
    relations: (args: ConnectionArgs) =>
      connection(
        store.relations.filter((relation) => relation.issueId === issue.id),
        args,
        (relation) => relationView(store, relation),
      ),
    comments: (args: ConnectionArgs & { filter?: unknown }) => {
      if (args.filter !== undefined) throw notImplemented("Issue.comments(filter)");
      return connection(
        store.comments.filter((comment) => comment.issueId === issue.id),
        args,
        (comment) => commentView(store, comment),
      );
    },
  };
}

function teamView(store: FakeLinearStore) {
  return {
    ...store.team,
    states: (args: ConnectionArgs & { filter?: Filter }) => {
      const matches = stateFilter(args.filter ?? {}, "Team.states.filter");
      return connection(
        store.states.filter((state) => state.teamId === store.team.id && matches(state)),
        args,
        (state) => state,
      );
    },
  };
}

function relationView(store: FakeLinearStore, relation: FakeLinearStore["relations"][number]) {
  return {
    id: relation.id,
    type: relation.type,
    issue: () => issueView(store, store.issue(relation.issueId)),
    relatedIssue: () => issueView(store, store.issue(relation.relatedIssueId)),
  };
}

function commentView(store: FakeLinearStore, comment: FakeLinearStore["comments"][number]) {
  return { ...comment, issue: () => issueView(store, store.issue(comment.issueId)) };
}

type Filter = Record<string, unknown>;
type Predicate<T> = (subject: T) => boolean;

/**
 * Compiles the IssueFilter subset Baton uses (id, project.slugId, state name/type/id, assignee.id,
 * and/or) into a predicate. Unknown filter fields fail here, before any issue is looked at.
 */
function issueFilter(store: FakeLinearStore, filter: Filter, path: string): Predicate<FakeLinearIssue> {
  return all(filter, path, {
    id: (comparator, at) => {
      const matches = comparison(comparator, at);
      return (issue) => matches(issue.id);
    },
    and: (parts, at) => {
      const predicates = (parts as unknown as Filter[]).map((part) => issueFilter(store, part, at));
      return (issue) => predicates.every((predicate) => predicate(issue));
    },
    or: (parts, at) => {
      const predicates = (parts as unknown as Filter[]).map((part) => issueFilter(store, part, at));
      return (issue) => predicates.some((predicate) => predicate(issue));
    },
    project: (project, at) => {
      const matches = all(project, at, { slugId: comparison });
      return (issue) => matches(issue.projectSlug);
    },
    assignee: (assignee, at) => {
      const matches = all(assignee, at, { id: comparison });
      return (issue) => matches(issue.assigneeId);
    },
    state: (state, at) => {
      const matches = stateFilter(state, at);
      return (issue) => matches(store.state(issue.stateId));
    },
  });
}

type StateSubject = { id: string; name: string; type: string };

function stateFilter(filter: Filter, path: string): Predicate<StateSubject> {
  return all(filter, path, {
    id: (comparator, at) => {
      const matches = comparison(comparator, at);
      return (state) => matches(state.id);
    },
    name: (comparator, at) => {
      const matches = comparison(comparator, at);
      return (state) => matches(state.name);
    },
    type: (comparator, at) => {
      const matches = comparison(comparator, at);
      return (state) => matches(state.type);
    },
    or: (parts, at) => {
      const predicates = (parts as unknown as Filter[]).map((part) => stateFilter(part, at));
      return (state) => predicates.some((predicate) => predicate(state));
    },
    and: (parts, at) => {
      const predicates = (parts as unknown as Filter[]).map((part) => stateFilter(part, at));
      return (state) => predicates.every((predicate) => predicate(state));
    },
  });
}

/** Every field of `filter` must hold; each field is compiled by its entry in `fields`. */
function all<T>(
  filter: Filter,
  path: string,
  fields: Record<string, (value: Filter, path: string) => Predicate<T>>,
): Predicate<T> {
  const predicates = Object.entries(filter).map(([key, value]) => {
    const compile = fields[key];
    if (compile === undefined) throw notImplemented(`${path}.${key}`);
    return compile(value as Filter, `${path}.${key}`);
  });
  return (subject) => predicates.every((predicate) => predicate(subject));
}

/** Linear's String/ID comparators that the fake implements. */
function comparison(comparator: Filter, path: string): Predicate<string | null> {
  const lower = (value: unknown) => String(value).toLowerCase();
  return all(comparator, path, {
    eq: (expected) => (actual) => actual === (expected as unknown),
    neq: (expected) => (actual) => actual !== (expected as unknown),
    in: (expected) => (actual) => (expected as unknown as unknown[]).includes(actual),
    nin: (expected) => (actual) => !(expected as unknown as unknown[]).includes(actual),
    eqIgnoreCase: (expected) => (actual) => actual !== null && lower(actual) === lower(expected),
    neqIgnoreCase: (expected) => (actual) => actual === null || lower(actual) !== lower(expected),
  });
}

function found<T>(value: T | undefined, type: string, id: string): T {
  if (value === undefined) {
    throw new GraphQLError(`Entity not found: ${type} - Could not find referenced ${type} ${id}.`, {
      extensions: { code: "INVALID_INPUT" },
    });
  }
  return value;
}

function notImplemented(what: string): GraphQLError {
  return new GraphQLError(`fake Linear does not implement ${what}`, {
    extensions: { code: "FAKE_NOT_IMPLEMENTED" },
  });
}
