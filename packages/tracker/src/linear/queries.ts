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

/** One issue by id, limited to the project (B.webhook's targeted refresh): zero or one node. */
export const ISSUE_BY_ID_QUERY = `
query BatonLinearIssueById($projectSlug: String!, $id: ID!, $nestedFirst: Int!) {
  issues(filter: { project: { slugId: { eq: $projectSlug } }, id: { eq: $id } }, first: 1) {
    nodes { ...BatonLinearIssue }
    pageInfo { hasNextPage endCursor }
  }
}
${ISSUE_FIELDS}`;

/** The workflow state of the issue's team with this name (any case), for a move. */
export const ISSUE_TEAM_STATE_QUERY = `
query BatonLinearTeamState($id: String!, $state: String!) {
  issue(id: $id) {
    id
    team { states(filter: { name: { eqIgnoreCase: $state } }, first: 1) { nodes { id name } } }
  }
}`;

/** Moves an issue to a workflow state (B.budget's `on_exceeded_state`). */
export const MOVE_ISSUE_MUTATION = `
mutation BatonLinearMoveIssue($id: String!, $stateId: String!) {
  issueUpdate(id: $id, input: { stateId: $stateId }) { success }
}`;

/** Comments on an issue (B.budget). */
export const COMMENT_MUTATION = `
mutation BatonComment($issueId: String!, $body: String!) {
  commentCreate(input: { issueId: $issueId, body: $body }) { success }
}`;

/** The user the API key belongs to, for `assignee: me`. */
export const VIEWER_QUERY = `
query BatonLinearViewer {
  viewer { id }
}`;

export const LINEAR_DOCUMENTS: readonly string[] = [
  ISSUES_BY_STATES_QUERY,
  ISSUES_BY_IDS_QUERY,
  ISSUE_BY_ID_QUERY,
  ISSUE_TEAM_STATE_QUERY,
  MOVE_ISSUE_MUTATION,
  COMMENT_MUTATION,
  VIEWER_QUERY,
];
