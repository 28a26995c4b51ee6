/**
 * JSON Schemas of every API response. Fastify serializes with them (undeclared fields are dropped,
 * so they are the contract) and @fastify/swagger publishes them in the OpenAPI document.
 */

const timestamp = { type: "string", format: "date-time" } as const;
const nullableTimestamp = { type: ["string", "null"], format: "date-time" } as const;
const nullableString = { type: ["string", "null"] } as const;

function object(properties: Record<string, unknown>, description?: string) {
  return {
    type: "object",
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  } as const;
}

function nullable<T extends { type: string }>(schema: T) {
  return { ...schema, type: [schema.type, "null"] } as const;
}

/** One Redis connection's health (B.redis-health); never holds the password. */
export const connectionHealthSchema = object({
  role: { type: "string", description: "What the connection is for: state, queue, ..." },
  url: { type: "string", description: "The server's URL with its password redacted." },
  status: { type: "string", enum: ["connecting", "connected", "reconnecting", "unreachable", "closed"] },
  since: { type: "string", format: "date-time" },
  last_error: nullableString,
  failed_attempts: { type: "integer", minimum: 0 },
});

/** `schema` with extra properties that may be absent (not in `required`). */
function withOptional<T extends { properties: Record<string, unknown> }>(
  schema: T,
  properties: Record<string, unknown>,
) {
  return { ...schema, properties: { ...schema.properties, ...properties } } as const;
}

export const pipelineViewSchema = object(
  {
    phases: {
      type: "array",
      items: object({
        name: { type: "string" },
        kind: { type: "string", enum: ["agent", "run"] },
        status: { type: "string", enum: ["completed", "current", "pending"] },
      }),
    },
    current: { ...nullableString, description: "The workflow phase running now." },
    cycles: { type: "integer", minimum: 0, description: "Cycles the loops used so far (summed)." },
    cycles_by_phase: { type: "object", additionalProperties: { type: "integer" } },
    waiting: nullable(
      object({
        gate_id: { type: "string" },
        artifact: {
          ...nullableString,
          description: "What awaits approval (e.g. the plan), as the phase wrote it.",
        },
        since: timestamp,
      }),
    ),
    gates: { type: "array", items: object({ id: { type: "string" }, approved: { type: "boolean" } }) },
  },
  "A `phases:` run's pipeline (B.phases): phases, the current one, cycle count, a waiting gate with its artifact.",
);

const optionalPipeline = { pipeline: pipelineViewSchema };

export const agentRequestSchema = object(
  {
    id: { type: "string", description: "Unique within the run (protocol method and request id)." },
    kind: { type: "string", enum: ["command", "file_change", "user_input"] },
    method: { type: "string", description: "The Codex protocol method that asked." },
    summary: { type: "string", description: "One line: what the agent asks to do (untrusted text)." },
    command: { ...nullableString, description: "command: the command line (untrusted text)." },
    cwd: nullableString,
    reason: { ...nullableString, description: "Why the agent asks, when it says (untrusted text)." },
    diff: { ...nullableString, description: "file_change: the change as a unified diff (untrusted text)." },
    questions: {
      type: "array",
      items: object({
        id: { type: "string" },
        header: nullableString,
        question: { type: "string" },
        options: { type: "array", items: { type: "string" } },
      }),
    },
    asked_at: timestamp,
  },
  "A Codex approval or user-input request waiting for a person (B.phases, approvals.agent_requests: gate).",
);

/** Rows of issues whose agent may be waiting for a person carry the request while it waits. */
const optionalAgentRequest = { agent_request: agentRequestSchema };

export const tokenCountsSchema = object({
  input_tokens: { type: "integer", minimum: 0 },
  output_tokens: { type: "integer", minimum: 0 },
  total_tokens: { type: "integer", minimum: 0 },
});

const issueRef = {
  issue_id: { type: "string" },
  issue_identifier: { type: "string" },
  title: { type: "string", description: "Ticket title (untrusted text)." },
  issue_url: { ...nullableString, description: "Tracker URL of the issue, when the tracker has one." },
};

const sessionFields = {
  session_id: nullableString,
  last_event: { ...nullableString, description: "Name of the latest agent event." },
  last_message: { ...nullableString, description: "Short human summary of the latest agent event." },
  last_event_at: nullableTimestamp,
};

export const runningRowSchema = withOptional(
  object(
    {
      ...issueRef,
      state: { type: "string", description: "Tracker state of the issue." },
      ...sessionFields,
      turn_count: { type: "integer", minimum: 0 },
      started_at: timestamp,
      tokens: tokenCountsSchema,
      workspace_path: nullableString,
      attempt: { type: ["integer", "null"], description: "Retry attempt; null on a first run." },
      worker: {
        type: ["object", "null"],
        description:
          "The queue worker running the attempt (executor.kind queue); null when it runs in this process.",
        properties: { host: { type: "string" }, pid: { type: "integer" } },
        required: ["host", "pid"],
        additionalProperties: false,
      },
    },
    "An issue with an agent working on it.",
  ),
  { ...optionalPipeline, ...optionalAgentRequest },
);

export const retryRowSchema = withOptional(
  object(
    {
      ...issueRef,
      attempt: { type: "integer", minimum: 1 },
      due_at: timestamp,
      error: { ...nullableString, description: "Why the retry was scheduled; null for a continuation." },
      workspace_path: nullableString,
    },
    "An issue waiting for its retry timer.",
  ),
  optionalPipeline,
);

export const blockedRowSchema = withOptional(
  object(
    {
      ...issueRef,
      state: { type: "string" },
      error: { type: "string", description: "What the agent needs that the policy does not grant." },
      ...sessionFields,
      blocked_at: timestamp,
      workspace_path: nullableString,
    },
    "An issue held until an operator acts on it; it is not retried.",
  ),
  optionalPipeline,
);

export const stoppedRowSchema = withOptional(
  object(
    {
      ...issueRef,
      state: { ...nullableString, description: "Tracker state as last read; null when not yet read." },
      reason: { type: "string", description: "The reason the operator gave (untrusted text)." },
      stopped_at: timestamp,
      attempt: { type: ["integer", "null"] },
      workspace_path: nullableString,
      ...sessionFields,
    },
    "An issue an operator stopped: not retried until the ticket changes or a retry is asked.",
  ),
  optionalPipeline,
);

export const awaitingRowSchema = withOptional(
  object(
    {
      ...issueRef,
      state: { type: "string" },
      gate_id: {
        type: "string",
        description:
          "The approval gate the run waits at (e.g. after:plan; agent:command for an agent's request).",
      },
      artifact: {
        ...nullableString,
        description: "What awaits approval, as the phase or the agent wrote it (untrusted text).",
      },
      since: timestamp,
      workspace_path: nullableString,
      pipeline: {
        ...nullable(pipelineViewSchema),
        description: "null when an agent's request waits in a workflow without phases.",
      },
    },
    "An issue paused for approval (a `phases:` gate, or an agent's request whose run is gone): no agent, no slot, workspace kept.",
  ),
  optionalAgentRequest,
);

const errorView = object({ category: { type: "string" }, message: { type: "string" } });

const loopErrorSchema = object({ ...errorView.properties, at: timestamp });

export const workflowStatusSchema = object(
  {
    path: { type: "string" },
    last_reload: nullable(
      object({
        outcome: { type: "string", enum: ["applied", "rejected"] },
        at: timestamp,
        error: nullable(errorView),
      }),
    ),
    error: {
      ...nullable(loopErrorSchema),
      description: "Set while the newest WORKFLOW.md is invalid; Baton keeps running on the last good one.",
    },
  },
  "The live WORKFLOW.md: the last reload result and any current validation error.",
);

export const logsStatusSchema = object(
  {
    root: { type: "string" },
    status: { type: "string", enum: ["ok", "failing"] },
    problems: {
      type: "array",
      items: object({
        sink: { type: "string" },
        path: { type: "string" },
        reason: { type: "string" },
        at: timestamp,
      }),
    },
  },
  "Baton's log files: `failing` once one could not be written (unwritable logs root, full disk). Scheduling goes on.",
);

export const stateSchema = object({
  generated_at: timestamp,
  counts: object({
    running: { type: "integer" },
    retrying: { type: "integer" },
    blocked: { type: "integer" },
    stopped: { type: "integer" },
    completed: { type: "integer" },
    awaiting_approval: { type: "integer" },
  }),
  running: { type: "array", items: runningRowSchema },
  retrying: { type: "array", items: retryRowSchema },
  blocked: { type: "array", items: blockedRowSchema },
  stopped: { type: "array", items: stoppedRowSchema },
  awaiting_approval: { type: "array", items: awaitingRowSchema },
  codex_totals: object({
    ...tokenCountsSchema.properties,
    seconds_running: {
      type: "number",
      minimum: 0,
      description: "Runtime of ended sessions plus the elapsed time of running ones.",
    },
  }),
  rate_limits: { description: "Latest rate-limit payload reported by the agent, or null." },
  last_error: {
    ...nullable(loopErrorSchema),
    description: "Latest preflight or tracker problem of the poll loop; null once a tick runs clean.",
  },
  polling: object({ checking: { type: "boolean" }, next_tick_at: nullableTimestamp }),
  state_store: object({
    kind: { type: "string", enum: ["memory", "sqlite", "redis"] },
    path: {
      ...nullableString,
      description: "The state file, or the Redis URL (password redacted) and key prefix.",
    },
    error: {
      ...nullable(loopErrorSchema),
      description: "Set while the durable state cannot be written: no new run starts until a write succeeds.",
    },
  }),
  connections: {
    type: "array",
    description:
      "The Redis connections of the state store and the queue executor (empty without them). While the state store's is not connected, state writes fail, no new run starts, and it is retried with backoff.",
    items: connectionHealthSchema,
  },
  budget: object(
    {
      period: object({
        name: { type: ["string", "null"], enum: ["day", "week", "month", null] },
        key: {
          ...nullableString,
          description: "The current UTC period, e.g. 2026-12-06, 2026-W49, 2026-12.",
        },
        tokens: { type: "integer", minimum: 0 },
        max_tokens: { type: ["integer", "null"] },
        exhausted: {
          type: "boolean",
          description: "True while no new run is dispatched for the period budget.",
        },
        cost: { type: ["number", "null"], description: "At budget.token_rates, when set." },
      }),
      max_tokens_per_issue: { type: ["integer", "null"] },
      max_tokens_per_session: { type: ["integer", "null"] },
      currency: nullableString,
      issues: {
        type: "array",
        description: "The biggest spenders (at most 100), across all attempts and sessions.",
        items: object({
          issue_id: { type: "string" },
          issue_identifier: { type: "string" },
          tokens: { type: "integer", minimum: 0 },
          max_tokens: { type: ["integer", "null"] },
          cost: { type: ["number", "null"] },
          held: {
            type: "boolean",
            description: "Held back from dispatch until its token ceiling is raised.",
          },
        }),
      },
    },
    "Token spend against budget (WORKFLOW.md agent.max_tokens_per_* and budget:).",
  ),
  workflow: workflowStatusSchema,
  logs: nullable(logsStatusSchema),
});

export const issueDetailSchema = object({
  issue_identifier: { type: "string" },
  issue_id: { type: "string" },
  status: { type: "string", enum: ["running", "retrying", "blocked", "stopped", "awaiting_approval"] },
  workspace: object({ path: nullableString }),
  pipeline: nullable(pipelineViewSchema),
  agent_request: {
    ...nullable(agentRequestSchema),
    description: "B.phases approvals: the agent's request waiting for a person (command, diff or questions).",
  },
  attempts: object({
    restart_count: { type: "integer", minimum: 0 },
    current_retry_attempt: { type: ["integer", "null"] },
  }),
  running: nullable(runningRowSchema),
  retry: nullable(retryRowSchema),
  blocked: nullable(blockedRowSchema),
  stopped: nullable(stoppedRowSchema),
  logs: object({
    codex_session_logs: {
      type: "array",
      items: object({ label: { type: "string" }, path: { type: "string" }, url: nullableString }),
    },
  }),
  recent_events: {
    type: "array",
    items: object({
      at: { ...timestamp, description: "When it last came." },
      event: { type: "string" },
      message: { type: "string" },
      count: {
        type: "integer",
        minimum: 1,
        description:
          "How many times in a row the same event and message came (a streaming agent repeats one often).",
      },
    }),
  },
  last_error: nullableString,
});

export const refreshSchema = object({
  queued: { type: "boolean" },
  coalesced: { type: "boolean", description: "True when the request joined a poll already queued." },
  requested_at: timestamp,
  operations: { type: "array", items: { type: "string", enum: ["poll", "reconcile"] } },
});

export const errorSchema = object(
  {
    error: object({
      code: { type: "string" },
      message: { type: "string" },
    }),
  },
  "Every API error has this envelope.",
);

export const operatorActionSchema = object({
  issue_id: { type: "string" },
  issue_identifier: { type: "string" },
  status: {
    type: "string",
    enum: ["stopping", "stopped", "retry_queued", "resumed", "rejected"],
    description:
      "stopping: the run is being cancelled and will be held as stopped; stopped: held now; retry_queued: re-checked and dispatched now if still eligible; " +
      "resumed: a gate decision queued the run (next phase, or the on_reject phase with the reason); rejected: no attempts left, the issue is held as blocked.",
  },
  requested_at: timestamp,
});

export const stopBodySchema = {
  type: "object",
  properties: { reason: { type: "string", minLength: 1, maxLength: 500 } },
  required: ["reason"],
  additionalProperties: false,
} as const;

export const approveBodySchema = {
  type: ["object", "null"],
  properties: {
    by: { type: "string", minLength: 1, maxLength: 100 },
    note: {
      type: "string",
      minLength: 1,
      maxLength: 2000,
      description: "A remark with the approval; for an agent's questions, the answer it gets.",
    },
  },
  additionalProperties: false,
} as const;

export const rejectBodySchema = {
  type: "object",
  properties: {
    reason: { type: "string", minLength: 1, maxLength: 2000 },
    by: { type: "string", minLength: 1, maxLength: 100 },
  },
  required: ["reason"],
  additionalProperties: false,
} as const;

export const sessionEventsSchema = object({
  issue_identifier: { type: "string" },
  events: {
    type: "array",
    description: "Agent events from the issue's session log, oldest first (each as logged).",
    items: { type: "object", additionalProperties: true },
  },
  next_cursor: {
    type: "integer",
    minimum: 0,
    description: "Pass as `cursor` to read the events after these (also when following live).",
  },
  has_more: { type: "boolean", description: "More events were already logged after this page." },
});

/** A body sent as text (Prometheus metrics, the event stream). */
export const textSchema = { type: "string" } as const;

/**
 * Every schema a route answers with, by name: scripts/compile-serializers.ts compiles each into
 * src/response-serializers.generated.ts, and the server refuses a response schema missing here.
 */
export const responseSchemas = {
  stateSchema,
  issueDetailSchema,
  refreshSchema,
  errorSchema,
  operatorActionSchema,
  sessionEventsSchema,
  textSchema,
};
