import { parseArgs } from "node:util";
import { BatonError } from "@baton/domain";
import { trackerProfiles } from "@baton/tracker";
import { loadWorkflow, resolveConfig, selectWorkflowPath } from "@baton/workflow";
import { type CommandIO, println, usageError } from "../io.ts";

/** How long `events --follow` waits between reads of the session log. */
const FOLLOW_INTERVAL_MS = 500;

export type OperatorAction = "stop" | "retry" | "events" | "approve" | "reject";

/**
 * `baton stop|retry|events|approve|reject <ID>`: operator actions against a running Baton's status API (the
 * same routes and authorization as the dashboard). The server is `--url`, or the one WORKFLOW.md
 * configures (`server.host`/`server.port`); the token is `--token`, `BATON_TOKEN` or `server.token`.
 */
export async function operatorCommand(
  action: OperatorAction,
  args: string[],
  io: CommandIO,
): Promise<number> {
  const { values, positionals } = parseOptions(args);
  const [identifier, ...extra] = positionals;
  // `baton reject <ID> [reason]`: the rest of the line is the reason (or --reason TEXT).
  const extraAllowed = action === "reject";
  if (!identifier || (extra.length > 0 && !extraAllowed))
    throw usageError(`usage: baton ${action} <ID>${usageTail(action)}`);
  const api = await apiFor(values, io);
  const base = `${api.url}/api/v1/${encodeURIComponent(identifier)}`;
  switch (action) {
    case "stop": {
      const reason = values.reason?.trim();
      if (!reason) throw usageError("baton stop needs --reason TEXT (shown to other operators)");
      const body = await api.send(`${base}/stop`, { reason });
      println(io.out, `${body.status === "stopping" ? "stopping" : "stopped"} ${identifier}: ${reason}`);
      return 0;
    }
    case "retry":
      await api.send(`${base}/retry`, {});
      println(io.out, `retry of ${identifier} queued now`);
      return 0;
    case "events":
      return followEvents(api, base, values, io);
    case "approve": {
      const body = await api.send(`${base}/approve`, { by: cliUser(io) });
      println(
        io.out,
        `approved ${identifier}: the run ${body.status === "resumed" ? "resumes at its next phase" : body.status}`,
      );
      return 0;
    }
    case "reject": {
      const reason = (values.reason ?? extra.join(" ")).trim() || "rejected without a reason";
      const body = await api.send(`${base}/reject`, { reason, by: cliUser(io) });
      println(
        io.out,
        body.status === "rejected"
          ? `rejected ${identifier}: no attempts left, the issue is held (${reason})`
          : `rejected ${identifier}: the reason goes back to the phase that produced the artifact (${reason})`,
      );
      return 0;
    }
  }
}

/** Who decided, for the log and the history (the operator's login name when known). */
function cliUser(io: CommandIO): string {
  const user = io.env.USER ?? io.env.LOGNAME;
  return user ? `cli:${user}` : "cli";
}

function usageTail(action: OperatorAction): string {
  if (action === "stop") return " --reason TEXT";
  if (action === "events") return " [--follow] [--limit N] [--json]";
  if (action === "reject") return " [reason]";
  return "";
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        reason: { type: "string" },
        url: { type: "string" },
        token: { type: "string" },
        workflow: { type: "string" },
        follow: { type: "boolean", short: "f" },
        limit: { type: "string" },
        json: { type: "boolean" },
      },
    });
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

type Options = ReturnType<typeof parseOptions>["values"];

interface Api {
  url: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are the API's documented JSON bodies.
  send(url: string, body: unknown): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: answers are the API's documented JSON bodies.
  get(url: string): Promise<any>;
}

async function apiFor(values: Options, io: CommandIO): Promise<Api> {
  let url = values.url;
  let token = values.token ?? io.env.BATON_TOKEN ?? null;
  if (url === undefined) {
    const path = selectWorkflowPath(values.workflow, io.cwd);
    const config = resolveConfig(await loadWorkflow(path), { env: io.env, trackerProfiles });
    if (config.server.port === null || config.server.port === 0) {
      throw usageError(`${path} sets no fixed server.port; pass --url http://HOST:PORT of the running Baton`);
    }
    const host = config.server.host.includes(":") ? `[${config.server.host}]` : config.server.host;
    url = `http://${host}:${config.server.port}`;
    token ??= config.server.token;
  }
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const answer = async (target: string, init: RequestInit) => {
    let response: Response;
    try {
      response = await fetch(target, { ...init, headers: { ...headers, ...init.headers } });
    } catch (error) {
      throw new BatonError("server_unreachable", `cannot reach Baton at ${url}: ${(error as Error).message}`);
    }
    // biome-ignore lint/suspicious/noExplicitAny: answers are the API's documented JSON bodies.
    const body: any = await response.json().catch(() => null);
    if (!response.ok) {
      const message = body?.error?.message ?? `HTTP ${response.status}`;
      throw new BatonError(body?.error?.code ?? "http_error", message, { status: response.status });
    }
    return body;
  };
  return {
    url: url.replace(/\/+$/, ""),
    send: (target, body) =>
      answer(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    get: (target) => answer(target, {}),
  };
}

async function followEvents(api: Api, base: string, values: Options, io: CommandIO): Promise<number> {
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw usageError(`--limit must be an integer from 1 to 1000, got ${JSON.stringify(values.limit)}`);
  }
  let cursor = 0;
  for (;;) {
    const page = await api.get(`${base}/events?cursor=${cursor}&limit=${limit}`);
    for (const event of page.events as Record<string, unknown>[]) {
      println(io.out, values.json ? JSON.stringify(event) : formatEvent(event));
    }
    cursor = page.next_cursor;
    if (page.has_more) continue;
    if (!values.follow) return 0;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
  }
}

function formatEvent(event: Record<string, unknown>): string {
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return `${text(event.timestamp)}  ${text(event.event).padEnd(22)} ${text(event.summary)}`.trimEnd();
}
