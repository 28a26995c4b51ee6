import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { deliverSignedWebhook, type WebhookTarget } from "../webhook-sender.ts";
import {
  type FakeIssueInput,
  fakeComment,
  fakeIssue,
  fakeLabel,
  fakeUser,
  type GitHubError,
  type GitHubIssue,
  type GitHubIssueComment,
  type RepoUrls,
} from "./fixtures.ts";

/** A failure the next matching request gets instead of its normal answer. */
export type GitHubFault =
  /** Any status with GitHub's error body, e.g. 500, 502, 401. */
  | { type: "status"; status: number; message?: string }
  /** 403 "You have exceeded a secondary rate limit", with `retry-after` when given. */
  | { type: "secondary_limit"; retryAfterSeconds?: number }
  /** 429 Too Many Requests, with `retry-after` when given. */
  | { type: "too_many_requests"; retryAfterSeconds?: number }
  /** Accept the request and never answer (until the server closes). */
  | { type: "hang" }
  /** 200 with a JSON content type and a body that is not JSON. */
  | { type: "malformed_json" }
  /** 200 with the normal body but this `Link` header instead of the real one. */
  | { type: "link"; link: string };

export interface FaultOptions {
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /** Which requests; default all. */
  match?: (request: { method: string; path: string }) => boolean;
}

export interface RecordedGitHubRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Status the server answered (0 for a hang). */
  status: number;
}

export interface FakeGitHubOptions {
  /** `owner/name` of the one repository served. */
  repo: string;
  /** The token clients must send (`Authorization: token|Bearer <token>`). */
  token: string;
  /** Hourly primary quota (default 5000). */
  rateLimit?: number;
  /** Login that authors comments made through the API (default `baton-bot`). */
  login?: string;
}

export interface FakeGitHub {
  /** API base URL, e.g. `http://127.0.0.1:PORT` (what `tracker.provider.api_url` takes). */
  url: string;
  repo: string;
  /** Numeric id of the repository; GitHub's `Link` headers use `/repositories/{id}/...`. */
  repositoryId: number;
  requests: RecordedGitHubRequest[];
  addIssue(input: FakeIssueInput): GitHubIssue;
  /** The stored record (as served). */
  issue(number: number): GitHubIssue | undefined;
  comments(number: number): GitHubIssueComment[];
  /** Test-side comment by any user, as a person on github.com would write it. */
  commentAs(number: number, author: string, body: string): GitHubIssueComment;
  /** Test-side edit of an issue, as a person on github.com would; bumps `updated_at`. */
  editIssue(
    number: number,
    edit: { title?: string; state?: "open" | "closed"; labels?: readonly string[] },
  ): void;
  /** Overwrites fields of the stored record with anything, to serve records GitHub would not. */
  corruptIssue(number: number, fields: Record<string, unknown>): void;
  removeIssue(number: number): void;
  /** Sends GitHub's signed `issues` webhook for the stored issue; resolves with Baton's HTTP status. */
  deliverWebhook(
    target: WebhookTarget,
    number: number,
    action?: "opened" | "edited" | "labeled",
  ): Promise<number>;
  injectFault(fault: GitHubFault, options?: FaultOptions): void;
  /** Sets the primary quota state (`x-ratelimit-remaining`, reset time in epoch seconds). */
  setRateLimit(state: { remaining: number; resetEpochSeconds?: number }): void;
  close(): Promise<void>;
}

interface PendingFault {
  fault: GitHubFault;
  times: number;
  match: (request: { method: string; path: string }) => boolean;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DOCS = "https://docs.github.com/rest";

/**
 * A GitHub REST API look-alike on 127.0.0.1 for one repository: the issue endpoints Baton reads
 * and the mutations its `github_api` tool needs, with GitHub's paging (`Link` headers), conditional
 * requests (ETag / 304 that cost no quota), rate-limit headers and injectable failures.
 */
export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const repo = options.repo;
  const login = options.login ?? "baton-bot";
  const issues = new Map<number, GitHubIssue>();
  const comments = new Map<number, GitHubIssueComment[]>();
  const requests: RecordedGitHubRequest[] = [];
  const faults: PendingFault[] = [];
  const sockets = new Set<Socket>();
  const limit = options.rateLimit ?? 5000;
  let remaining = limit;
  let resetEpochSeconds = Math.floor(Date.now() / 1000) + 3600;
  let nextNumber = 1;
  let nextCommentId = 1000;
  const repositoryId = 4242;
  let urls: RepoUrls = { api: "", web: "https://github.example", repo };

  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, { status: 500, body: errorBody(`fake GitHub failed: ${String(error)}`) });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", urls.api);
    const method = req.method ?? "GET";
    const raw = await readBody(req);
    let body: unknown = null;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const record: RecordedGitHubRequest = {
      method,
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      status: 0,
    };
    requests.push(record);

    const fault = takeFault(method, record.path);
    if (fault?.type === "hang") return;
    if (!authorized(req.headers.authorization)) {
      finish(res, record, { status: 401, body: errorBody("Bad credentials") });
      return;
    }
    if (fault !== null && fault.type !== "link") {
      finish(res, record, faultReply(fault));
      return;
    }
    if (remaining <= 0) {
      finish(res, record, {
        status: 403,
        body: errorBody(`API rate limit exceeded for user ID 1.`),
      });
      return;
    }
    const reply = route(method, url, body);
    if (reply.status === 200 && method === "GET") {
      const etag = `W/"${createHash("sha256").update(JSON.stringify(reply.body)).digest("hex").slice(0, 40)}"`;
      reply.headers = { ...reply.headers, etag };
      if (req.headers["if-none-match"] === etag) {
        // GitHub does not count a 304 to an authorized conditional request against the quota.
        finish(res, record, { status: 304, headers: { etag } });
        return;
      }
    }
    if (fault?.type === "link") reply.headers = { ...reply.headers, link: fault.link };
    remaining -= 1;
    finish(res, record, reply);
  }

  function takeFault(method: string, path: string): GitHubFault | null {
    const pending = faults.find((entry) => entry.times > 0 && entry.match({ method, path }));
    if (!pending) return null;
    pending.times -= 1;
    return pending.fault;
  }

  function authorized(header: string | undefined): boolean {
    const match = /^(?:token|bearer)\s+(.+)$/i.exec(header ?? "");
    return match?.[1] === options.token;
  }

  function faultReply(fault: Exclude<GitHubFault, { type: "hang" } | { type: "link" }>): Reply {
    switch (fault.type) {
      case "status":
        return { status: fault.status, body: errorBody(fault.message ?? "Server Error") };
      case "secondary_limit":
        return {
          status: 403,
          headers: retryAfter(fault.retryAfterSeconds),
          body: errorBody(
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
          ),
        };
      case "too_many_requests":
        return {
          status: 429,
          headers: retryAfter(fault.retryAfterSeconds),
          body: errorBody("Too Many Requests"),
        };
      case "malformed_json":
        return { status: 200, body: '[{"number": 1, "title": "trunc' };
    }
  }

  function route(method: string, url: URL, body: unknown): Reply {
    // The authenticated user: whoever the token belongs to (the login that authors API comments).
    if (url.pathname === "/user" && method === "GET")
      return { status: 200, body: fakeUser(login, urls.api, urls.web) };
    const segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
    // /repos/{owner}/{repo}/... or /repositories/{id}/... (what GitHub's Link headers point at)
    let rest: string[];
    if (segments[0] === "repos" && `${segments[1]}/${segments[2]}`.toLowerCase() === repo.toLowerCase()) {
      rest = segments.slice(3);
    } else if (segments[0] === "repositories" && segments[1] === String(repositoryId)) {
      rest = segments.slice(2);
    } else {
      return notFound();
    }
    const [collection, numberText, sub, subName] = rest;
    if (collection !== "issues") return notFound();
    if (numberText === undefined) {
      return method === "GET" ? listIssues(url) : notFound();
    }
    const issue = issues.get(Number(numberText));
    if (!issue || !/^\d+$/.test(numberText)) return notFound();
    if (sub === undefined) {
      if (method === "GET") return { status: 200, body: issue };
      if (method === "PATCH") return updateIssue(issue, body);
      return notFound();
    }
    if (sub === "comments" && subName === undefined) {
      if (method === "GET") return listComments(issue, url);
      if (method === "POST") return addComment(issue, body);
    }
    if (sub === "labels") {
      if (method === "GET" && subName === undefined) return { status: 200, body: issue.labels };
      if (method === "POST" && subName === undefined) return addLabels(issue, body);
      if (method === "DELETE" && subName !== undefined) return removeLabel(issue, subName);
    }
    return notFound();
  }

  function listIssues(url: URL): Reply {
    const params = url.searchParams;
    const state = params.get("state") ?? "open";
    const wantedLabels = (params.get("labels") ?? "")
      .split(",")
      .map((label) => label.trim().toLowerCase())
      .filter((label) => label !== "");
    const perPage = Math.min(Math.max(Number(params.get("per_page") ?? 30) || 30, 1), 100);
    const page = Math.max(Number(params.get("page") ?? 1) || 1, 1);
    const sort = params.get("sort") === "updated" ? "updated_at" : "created_at";
    const ascending = params.get("direction") === "asc";
    const selected = [...issues.values()]
      .filter((issue) => state === "all" || issue.state === state)
      .filter((issue) => wantedLabels.every((wanted) => labelNames(issue).includes(wanted)))
      .sort((a, b) => {
        const order = String(a[sort]).localeCompare(String(b[sort])) || a.number - b.number;
        return ascending ? order : -order;
      });
    const lastPage = Math.max(Math.ceil(selected.length / perPage), 1);
    const pageUrl = (n: number) => {
      const next = new URLSearchParams(params);
      next.set("page", String(n));
      return `<${urls.api}/repositories/${repositoryId}/issues?${next}>`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`${pageUrl(page - 1)}; rel="prev"`);
    if (page < lastPage) links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(lastPage)}; rel="last"`);
    if (page > 1) links.push(`${pageUrl(1)}; rel="first"`);
    return {
      status: 200,
      body: selected.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(", ") } : {},
    };
  }

  function updateIssue(issue: GitHubIssue, body: unknown): Reply {
    if (!isRecord(body)) return validationFailed("Issue", "body", "invalid");
    if (body.state !== undefined && body.state !== "open" && body.state !== "closed") {
      return validationFailed("Issue", "state", "invalid");
    }
    if (body.title !== undefined && (typeof body.title !== "string" || body.title === "")) {
      return validationFailed("Issue", "title", "missing_field");
    }
    if (body.labels !== undefined && !Array.isArray(body.labels)) {
      return validationFailed("Issue", "labels", "invalid");
    }
    const stamp = now();
    if (typeof body.title === "string") issue.title = body.title;
    if (typeof body.body === "string" || body.body === null) issue.body = body.body as string | null;
    if (body.state === "closed" && issue.state !== "closed") {
      issue.state = "closed";
      issue.closed_at = stamp;
      issue.state_reason = body.state_reason === "not_planned" ? "not_planned" : "completed";
    } else if (body.state === "open" && issue.state !== "open") {
      issue.state = "open";
      issue.closed_at = null;
      issue.state_reason = "reopened";
    }
    if (Array.isArray(body.labels)) {
      issue.labels = body.labels.map((label) =>
        fakeLabel(isRecord(label) ? String(label.name) : String(label), urls),
      );
    }
    issue.updated_at = stamp;
    return { status: 200, body: issue };
  }

  /** GitHub's issue-comment listing: `since` (last update at or after), oldest first, paged with `Link`. */
  function listComments(issue: GitHubIssue, url: URL): Reply {
    const params = url.searchParams;
    const since = params.get("since");
    const sinceMs = since === null ? Number.NEGATIVE_INFINITY : Date.parse(since);
    if (Number.isNaN(sinceMs)) return validationFailed("IssueComment", "since", "invalid");
    const perPage = Math.min(Math.max(Number(params.get("per_page") ?? 30) || 30, 1), 100);
    const page = Math.max(Number(params.get("page") ?? 1) || 1, 1);
    const selected = (comments.get(issue.number) ?? []).filter(
      (comment) => Date.parse(comment.updated_at) >= sinceMs,
    );
    const lastPage = Math.max(Math.ceil(selected.length / perPage), 1);
    const headers: Record<string, string> = {};
    if (page < lastPage) {
      const next = new URLSearchParams(params);
      next.set("page", String(page + 1));
      headers.link = `<${urls.api}/repositories/${repositoryId}/issues/${issue.number}/comments?${next}>; rel="next"`;
    }
    return { status: 200, body: selected.slice((page - 1) * perPage, page * perPage), headers };
  }

  function addComment(issue: GitHubIssue, body: unknown): Reply {
    if (!isRecord(body) || typeof body.body !== "string" || body.body === "") {
      return validationFailed("IssueComment", "body", "missing_field");
    }
    return { status: 201, body: postComment(issue, body.body, login) };
  }

  function postComment(issue: GitHubIssue, text: string, author: string): GitHubIssueComment {
    const comment = fakeComment(nextCommentId++, issue, text, author, urls, now());
    comments.set(issue.number, [...(comments.get(issue.number) ?? []), comment]);
    issue.comments += 1;
    issue.updated_at = comment.created_at;
    return comment;
  }

  function addLabels(issue: GitHubIssue, body: unknown): Reply {
    const names =
      isRecord(body) && Array.isArray(body.labels) ? body.labels : Array.isArray(body) ? body : null;
    if (names === null || !names.every((name) => typeof name === "string")) {
      return validationFailed("Label", "labels", "invalid");
    }
    const current = labelNames(issue);
    const added = (names as string[]).filter((name) => !current.includes(name.toLowerCase()));
    issue.labels = [...issue.labels, ...added.map((name) => fakeLabel(name, urls))];
    issue.updated_at = now();
    return { status: 200, body: issue.labels };
  }

  function removeLabel(issue: GitHubIssue, name: string): Reply {
    if (!labelNames(issue).includes(name.toLowerCase())) {
      return { status: 404, body: errorBody("Label does not exist") };
    }
    issue.labels = issue.labels.filter((label) => labelName(label).toLowerCase() !== name.toLowerCase());
    issue.updated_at = now();
    return { status: 200, body: issue.labels };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  urls = { ...urls, api: `http://127.0.0.1:${port}` };

  function send(res: ServerResponse, reply: Reply): void {
    if (res.headersSent) return;
    const headers: Record<string, string> = {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(remaining, 0)),
      "x-ratelimit-reset": String(resetEpochSeconds),
      "x-ratelimit-used": String(limit - Math.max(remaining, 0)),
      "x-ratelimit-resource": "core",
      "x-github-api-version-selected": "2022-11-28",
      ...reply.headers,
    };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...headers }).end(text);
  }

  function finish(res: ServerResponse, record: RecordedGitHubRequest, reply: Reply): void {
    record.status = reply.status;
    send(res, reply);
  }

  function mustGet(number: number): GitHubIssue {
    const issue = issues.get(number);
    if (!issue) throw new Error(`fake GitHub has no issue #${number}`);
    return issue;
  }

  return {
    url: urls.api,
    repo,
    repositoryId,
    requests,
    addIssue(input) {
      const number = input.number ?? nextNumber;
      if (issues.has(number)) throw new Error(`fake GitHub already has issue #${number}`);
      nextNumber = Math.max(nextNumber, number + 1);
      const issue = fakeIssue({ ...input, number }, urls, now());
      issues.set(number, issue);
      return issue;
    },
    issue: (number) => issues.get(number),
    comments: (number) => comments.get(number) ?? [],
    commentAs: (number, author, body) => {
      const issue = issues.get(number);
      if (!issue) throw new Error(`fake GitHub has no issue ${number}`);
      return postComment(issue, body, author);
    },
    deliverWebhook(target, number, action = "edited") {
      const issue = issues.get(number);
      if (!issue) throw new Error(`fake GitHub has no issue #${number}`);
      return deliverSignedWebhook("github", target, {
        action,
        issue,
        repository: { id: repositoryId, full_name: options.repo },
        sender: { login: issue.user?.login ?? "octocat" },
      });
    },
    editIssue(number, edit) {
      const issue = mustGet(number);
      updateIssue(issue, { ...edit, ...(edit.labels ? { labels: [...edit.labels] } : {}) });
    },
    corruptIssue(number, fields) {
      Object.assign(mustGet(number), fields);
    },
    removeIssue(number) {
      issues.delete(number);
    },
    injectFault(fault, faultOptions = {}) {
      faults.push({ fault, times: faultOptions.times ?? 1, match: faultOptions.match ?? (() => true) });
    },
    setRateLimit(state) {
      remaining = state.remaining;
      if (state.resetEpochSeconds !== undefined) resetEpochSeconds = state.resetEpochSeconds;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function labelName(label: GitHubIssue["labels"][number]): string {
  return typeof label === "string" ? label : (label.name ?? "");
}

function labelNames(issue: GitHubIssue): string[] {
  return issue.labels.map((label) => labelName(label).toLowerCase());
}

function errorBody(message: string): GitHubError {
  return { message, documentation_url: DOCS };
}

function notFound(): Reply {
  return { status: 404, body: errorBody("Not Found") };
}

function validationFailed(resource: string, field: string, code: string): Reply {
  return {
    status: 422,
    body: { message: "Validation Failed", errors: [{ resource, field, code }], documentation_url: DOCS },
  };
}

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { "retry-after": String(seconds) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
