import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent, Issue, Logger } from "@baton/domain";
import { BatonError } from "@baton/domain";
import {
  type ConfigSource,
  Orchestrator,
  type RunExecutor,
  type RunHandle,
  type RunOutcome,
  type RunReporter,
  type RunRequest,
  type StateStore,
} from "@baton/orchestrator";
import { MemoryTracker, makeIssue, trackerProfiles } from "@baton/tracker";
import { WorkflowStore } from "@baton/workflow";
import { Ajv } from "ajv";
import {
  OrchestratorStatusSource,
  type StatusServer,
  type StatusServerOptions,
  type StatusSource,
  startStatusServer,
} from "../src/index.ts";

/** One attempt handed to the manual executor: the test reports its events and ends it. */
export class ManualRun {
  private settle!: (outcome: RunOutcome) => void;
  readonly done = new Promise<RunOutcome>((resolve) => {
    this.settle = resolve;
  });

  constructor(
    readonly request: RunRequest,
    readonly reporter: RunReporter,
  ) {}

  event(fields: Partial<AgentEvent> & Pick<AgentEvent, "event">): void {
    this.reporter.agentEvent({
      timestamp: new Date().toISOString(),
      codex_app_server_pid: 4242,
      summary: fields.event,
      ...fields,
    });
  }

  finish(outcome: RunOutcome): void {
    this.settle(outcome);
  }

  fail(category: string, message: string): void {
    this.settle({ kind: "failed", error: new BatonError(category, message) });
  }
}

export class ManualExecutor implements RunExecutor {
  readonly runs: ManualRun[] = [];

  start(request: RunRequest, reporter: RunReporter): RunHandle {
    const run = new ManualRun(request, reporter);
    this.runs.push(run);
    return { cancel: async (reason) => run.finish({ kind: "cancelled", reason }), done: run.done };
  }

  runFor(identifier: string): ManualRun | undefined {
    return this.runs.findLast((run) => run.request.issue.identifier === identifier);
  }
}

export function ticket(id: string, fields: Partial<Issue> = {}): Issue {
  return makeIssue({
    id,
    identifier: `BAT-${id}`,
    title: `Ticket ${id}`,
    state: "Todo",
    url: `https://tracker.example/BAT-${id}`,
    created_at: `2026-01-0${id}T00:00:00.000Z`,
    ...fields,
  });
}

export const WORKFLOW = `---
tracker:
  kind: local
  provider:
    path: tickets
polling:
  interval_ms: 60000
---
Work on {{ issue.identifier }}.
`;

/**
 * A real orchestrator (memory tracker, manual executor, real WorkflowStore on a temp WORKFLOW.md)
 * behind a real status server on 127.0.0.1.
 */
export interface Live {
  dir: string;
  workflowPath: string;
  tracker: MemoryTracker;
  executor: ManualExecutor;
  orchestrator: Orchestrator;
  store: WorkflowStore;
  source: OrchestratorStatusSource;
  server: StatusServer;
  running: boolean;
  close(): Promise<void>;
}

export async function startLive(
  issues: Issue[],
  serverOptions: Partial<Omit<StatusServerOptions, "source">> = {},
  stateStore?: StateStore,
): Promise<Live> {
  const dir = await mkdtemp(join(tmpdir(), "baton-status-"));
  const workflowPath = join(dir, "WORKFLOW.md");
  await writeFile(workflowPath, WORKFLOW);
  const store = await WorkflowStore.open(workflowPath, { env: {}, trackerProfiles, pollIntervalMs: 50 });
  const tracker = new MemoryTracker(issues);
  const executor = new ManualExecutor();
  const config: ConfigSource = {
    current: () => store.current().config,
    tracker: () => tracker,
    async preflight() {
      await store.reloadIfChanged();
      return store.lastError()?.error ?? null;
    },
  };
  const orchestrator = new Orchestrator({
    config,
    executor,
    workspaces: { remove: async () => "removed" as const },
    ...(stateStore ? { store: stateStore } : {}),
  });
  const live = { running: false } as Live;
  const source = new OrchestratorStatusSource({
    orchestrator,
    workflow: store,
    isRunning: () => live.running,
    sessionLogPath: (identifier) => join(dir, `${identifier}.jsonl`),
  });
  const server = await startStatusServer({ port: 0, source, ...serverOptions });
  await orchestrator.start();
  Object.assign(live, {
    dir,
    workflowPath,
    tracker,
    executor,
    orchestrator,
    store,
    source,
    server,
    running: true,
    async close() {
      await server.close();
      live.running = false;
      await orchestrator.stop();
      source.close();
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  } satisfies Partial<Live>);
  return live;
}

/** A stand-in source whose every part the test controls (e.g. a snapshot that never answers). */
export function stubSource(overrides: Partial<StatusSource> = {}): StatusSource & {
  emit(event: Parameters<Parameters<StatusSource["subscribe"]>[0]>[0]): void;
} {
  const listeners = new Set<Parameters<StatusSource["subscribe"]>[0]>();
  return {
    snapshot: () => emptySnapshot(),
    issueDetail: () => null,
    requestRefresh: () => ({ queued: true, coalesced: false, requested_at: new Date().toISOString() }),
    workflow: () => ({ path: "/repo/WORKFLOW.md", last_reload: null, error: null }),
    stopIssue: async () => ({ ok: false, code: "issue_not_found", message: "not claimed" }),
    retryIssue: async () => ({ ok: false, code: "issue_not_found", message: "not claimed" }),
    approveGate: async () => ({ ok: false, code: "issue_not_found", message: "not claimed" }),
    rejectGate: async () => ({ ok: false, code: "issue_not_found", message: "not claimed" }),
    sessionEvents: async () => null,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const listener of listeners) listener(event);
    },
    ...overrides,
  };
}

export function emptySnapshot() {
  return {
    generated_at: new Date().toISOString(),
    counts: { running: 0, retrying: 0, blocked: 0, stopped: 0, completed: 0, awaiting_approval: 0 },
    running: [],
    retrying: [],
    blocked: [],
    stopped: [],
    awaiting_approval: [],
    codex_totals: { input_tokens: 0, output_tokens: 0, total_tokens: 0, seconds_running: 0 },
    rate_limits: null,
    last_error: null,
    polling: { checking: false, next_tick_at: null },
    state_store: { kind: "memory" as const, path: null, error: null },
    connections: [],
    budget: {
      period: { name: null, key: null, tokens: 0, max_tokens: null, exhausted: false, cost: null },
      max_tokens_per_issue: null,
      max_tokens_per_session: null,
      currency: null,
      issues: [],
    },
  };
}

export async function waitUntil<T>(
  probe: () => T | Promise<T>,
  what: string,
  deadlineMs = 5000,
): Promise<NonNullable<T>> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() - started > deadlineMs)
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked against the schemas.
  body: any;
}

export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (metrics, HTML): keep the text.
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * Validates bodies against the response schemas published in the server's OpenAPI document, so a
 * passing check proves both the body and the document.
 */
export async function openApiValidator(baseUrl: string) {
  const document = (await call(`${baseUrl}/api/v1/openapi.json`)).body;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat("date-time", { validate: (value: string) => !Number.isNaN(Date.parse(value)) });
  return (path: string, method: string, status: string, body: unknown): string[] => {
    const responses = document.paths[path]?.[method]?.responses;
    const schema = responses?.[status]?.content?.["application/json"]?.schema;
    if (!schema) return [`the OpenAPI document has no JSON ${status} response for ${method} ${path}`];
    const validate = ajv.compile(schema);
    return validate(body)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
  };
}

export interface SseFrame {
  event: string;
  id: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: frames are checked field by field.
  data: any;
}

/** A test client of `GET /api/v1/events` that keeps every frame it received. */
export async function connectEvents(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/v1/events`, { headers, signal: controller.signal });
  const frames: SseFrame[] = [];
  const reading = (async () => {
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const fields = new Map<string, string>();
        for (const line of buffer.slice(0, end).split("\n")) {
          const colon = line.indexOf(": ");
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 2));
        }
        buffer = buffer.slice(end + 2);
        if (fields.has("data")) {
          frames.push({
            event: fields.get("event") ?? "message",
            id: fields.get("id") ?? null,
            data: JSON.parse(fields.get("data")!),
          });
        }
        end = buffer.indexOf("\n\n");
      }
    }
  })().catch(() => {});
  return {
    response,
    frames,
    next: (predicate: (frame: SseFrame) => boolean, what: string) =>
      waitUntil(() => frames.find(predicate), what),
    async close() {
      controller.abort();
      await reading;
    },
  };
}

/** A logger that keeps each line's message (`action=... outcome=...`), at every level. */
export function messageLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (_fields: Record<string, unknown>, msg?: string) => {
    lines.push(msg ?? "");
  };
  const logger: Logger = { debug: keep, info: keep, warn: keep, error: keep, child: () => logger };
  return { logger, lines };
}
