/**
 * Every GraphQL document the Linear adapter sends. One request returns a whole page of issues with
 * everything normalization needs (state, labels, assignee, team, blocking relations, timestamps),
 * so a poll never makes per-issue follow-up requests. Tests validate these against Linear's schema.
 */

const ISSUE_FIELDS = `
fragment BatonLinearIssue on Issue {
  id
  identifier
  title
  description
  priority
  state { name }
  branchName
  url
  assignee { id }
  team { id key }
  labels(first: $nestedFirst) { nodes { name } }
  inverseRelations(first: $nestedFirst) {
    nodes { type issue { id identifier state { name } } }
  }
  createdAt
  updatedAt
}`;

/**
 * Issues of the project in the given states, one page per request, following `endCursor`.
 * `$states` is built by `stateFilter`: state names match case-insensitively (SPEC 4.2).
 */
export const ISSUES_BY_STATES_QUERY = `
query BatonLinearIssuesByStates($projectSlug: String!, $states: WorkflowStateFilter!, $first: Int!, $nestedFirst: Int!, $after: String) {
  issues(
    filter: { project: { slugId: { eq: $projectSlug } }, state: $states }
    first: $first
    after: $after
  ) {
    nodes { ...BatonLinearIssue }
    pageInfo { hasNextPage endCursor }
  }
}
${ISSUE_FIELDS}`;

/** The `$states` variable of ISSUES_BY_STATES_QUERY: any of the names, ignoring case. */
export function stateFilter(stateNames: readonly string[]): { or: { name: { eqIgnoreCase: string } }[] } {
  return { or: stateNames.map((name) => ({ name: { eqIgnoreCase: name.trim() } })) };
}

/** Current snapshots of up to `first` issues by id, limited to the project. */
export const ISSUES_BY_IDS_QUERY = `
query BatonLinearIssuesByIds($projectSlug: String!, $ids: [ID!]!, $first: Int!, $nestedFirst: Int!) {
  issues(filter: { project: { slugId: { eq: $projectSlug } }, id: { in: $ids } }, first: $first) {
    nodes { ...BatonLinearIssue }
    pageInfo { hasNextPage endCursor }
  }
}
${ISSUE_FIELDS}`;

/** The user the API key belongs to, for `assignee: me`. */
export const VIEWER_QUERY = `
query BatonLinearViewer {
  viewer { id }
}`;

/** Comments on one issue created after `$since`, page by page, each with its author (approval commands). */
export const COMMENTS_SINCE_QUERY = `
query BatonLinearCommentsSince($issueId: String!, $since: DateTimeOrDuration!, $first: Int!, $after: String) {
  issue(id: $issueId) {
    comments(filter: { createdAt: { gt: $since } }, first: $first, after: $after) {
      nodes { id body createdAt user { id name email } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const LINEAR_DOCUMENTS: readonly string[] = [
  ISSUES_BY_STATES_QUERY,
  ISSUES_BY_IDS_QUERY,
  VIEWER_QUERY,
  COMMENTS_SINCE_QUERY,
];
