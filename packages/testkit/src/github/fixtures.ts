import type { components } from "@octokit/openapi-types";

/** Response shapes as GitHub's OpenAPI description documents them; the fake server's records are checked against them. */
export type GitHubIssue = components["schemas"]["issue"];
export type GitHubIssueComment = components["schemas"]["issue-comment"];
export type GitHubLabel = components["schemas"]["label"];
export type GitHubUser = components["schemas"]["simple-user"];
export type GitHubError = components["schemas"]["basic-error"];

/** What a test says about an issue; everything else gets GitHub-like values. */
export interface FakeIssueInput {
  /** Defaults to the next free number (issues and pull requests share numbers, as on GitHub). */
  number?: number;
  title: string;
  body?: string | null;
  state?: "open" | "closed";
  labels?: readonly string[];
  /** Login of the assignee. */
  assignee?: string | null;
  /** Make it a pull request (the issues endpoints return those too, with a `pull_request` key). */
  pullRequest?: boolean;
  created_at?: string;
  updated_at?: string;
}

/** URLs of a repository in the fake server, the way GitHub spells them. */
export interface RepoUrls {
  api: string;
  web: string;
  repo: string;
}

export function fakeUser(login: string, api: string, web: string): GitHubUser {
  const id = stableId(login);
  return {
    login,
    id,
    node_id: `U_${Buffer.from(login).toString("base64url")}`,
    avatar_url: `${web}/avatars/${login}`,
    gravatar_id: "",
    url: `${api}/users/${login}`,
    html_url: `${web}/${login}`,
    followers_url: `${api}/users/${login}/followers`,
    following_url: `${api}/users/${login}/following{/other_user}`,
    gists_url: `${api}/users/${login}/gists{/gist_id}`,
    starred_url: `${api}/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/users/${login}/subscriptions`,
    organizations_url: `${api}/users/${login}/orgs`,
    repos_url: `${api}/users/${login}/repos`,
    events_url: `${api}/users/${login}/events{/privacy}`,
    received_events_url: `${api}/users/${login}/received_events`,
    type: "User",
    site_admin: false,
  };
}

export function fakeLabel(name: string, urls: RepoUrls): GitHubLabel {
  const id = stableId(`label:${name.toLowerCase()}`);
  return {
    id,
    node_id: `LA_${id}`,
    url: `${urls.api}/repos/${urls.repo}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: "ededed",
    default: false,
  };
}

export function fakeIssue(
  input: FakeIssueInput & { number: number },
  urls: RepoUrls,
  now: string,
): GitHubIssue {
  const { number } = input;
  const base = `${urls.api}/repos/${urls.repo}/issues/${number}`;
  const state = input.state ?? "open";
  const assignee = input.assignee ? fakeUser(input.assignee, urls.api, urls.web) : null;
  const created = input.created_at ?? now;
  const kind = input.pullRequest ? "pull" : "issues";
  return {
    id: stableId(`${urls.repo}#${number}`),
    node_id: `${input.pullRequest ? "PR" : "I"}_kw${Buffer.from(`${urls.repo}#${number}`).toString("base64url")}`,
    url: base,
    repository_url: `${urls.api}/repos/${urls.repo}`,
    labels_url: `${base}/labels{/name}`,
    comments_url: `${base}/comments`,
    events_url: `${base}/events`,
    html_url: `${urls.web}/${urls.repo}/${kind}/${number}`,
    number,
    state,
    state_reason: state === "closed" ? "completed" : null,
    title: input.title,
    body: input.body ?? null,
    user: fakeUser("octocat", urls.api, urls.web),
    labels: (input.labels ?? []).map((name) => fakeLabel(name, urls)),
    assignee,
    assignees: assignee ? [assignee] : [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: 0,
    ...(input.pullRequest
      ? {
          pull_request: {
            url: `${urls.api}/repos/${urls.repo}/pulls/${number}`,
            html_url: `${urls.web}/${urls.repo}/pull/${number}`,
            diff_url: `${urls.web}/${urls.repo}/pull/${number}.diff`,
            patch_url: `${urls.web}/${urls.repo}/pull/${number}.patch`,
            merged_at: null,
          },
          draft: false,
        }
      : {}),
    closed_at: state === "closed" ? (input.updated_at ?? now) : null,
    created_at: created,
    updated_at: input.updated_at ?? created,
    author_association: "OWNER",
  };
}

export function fakeComment(
  id: number,
  issue: GitHubIssue,
  body: string,
  login: string,
  urls: RepoUrls,
  now: string,
): GitHubIssueComment {
  return {
    id,
    node_id: `IC_${id}`,
    url: `${urls.api}/repos/${urls.repo}/issues/comments/${id}`,
    html_url: `${issue.html_url}#issuecomment-${id}`,
    body,
    user: fakeUser(login, urls.api, urls.web),
    created_at: now,
    updated_at: now,
    issue_url: issue.url,
    author_association: "OWNER",
  };
}

/** Deterministic positive ids, so fixtures compare across runs. */
function stableId(text: string): number {
  let hash = 7;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) % 2_000_000_000;
  return hash + 1;
}
