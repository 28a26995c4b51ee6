import type {
  RunOutcomeMessage,
  RunReport,
  RunSpec,
  ToolGatewayReply,
  ToolGatewayRequest,
} from "@baton/runner";

/**
 * What crosses Redis besides the BullMQ job itself (which carries the `RunStartMessage` and, once
 * done, the `RunOutcomeMessage` as its return value). All plain JSON.
 *
 * Up (workers → orchestrator): one stream per queue, `<prefix>:<queue>:reports`; each entry holds a
 * batch of messages in field `m`, in the order the worker produced them.
 * Down (orchestrator → one worker): the worker's inbox stream `<prefix>:<queue>:inbox:<worker id>`.
 * Down (orchestrator → every worker): workspace removals, `<prefix>:<queue>:removals`, which each
 * worker reads from its own cursor.
 */

/** The process that holds a job: shown by the API and dashboard for the issue it runs. */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
}

export type UpMessage =
  | RunReport
  | RunOutcomeMessage
  | { type: "worker_started"; run_id: string; worker: WorkerInfo }
  | {
      type: "gateway_request";
      run_id: string;
      request_id: string;
      worker_id: string;
      request: ToolGatewayRequest;
    };

export type DownMessage =
  | { type: "gateway_reply"; request_id: string; reply: ToolGatewayReply }
  | { type: "cancel"; run_id: string; reason: string };

/**
 * A terminal issue's workspace is to go (SPEC 8.5, 8.6): every worker removes its copy, running
 * `before_remove` from these settings on its own host. The stream entry's id dates the request.
 */
export interface WorkspaceRemovalRequest {
  identifier: string;
  workspace: RunSpec["workspace"];
  hooks: RunSpec["hooks"];
  /** With `hooks.sandbox`, `before_remove` runs in the sandbox image, as the run's hooks did. */
  sandbox: RunSpec["sandbox"];
}

/** BullMQ's own keys start `<prefix>:<queue>:`; ours sit beside them. */
export const QUEUE_PREFIX = "baton";

export function queueKeys(queueName: string) {
  const base = `${QUEUE_PREFIX}:${queueName}`;
  return {
    reports: `${base}:reports`,
    /** The id of the last report entry the orchestrator handled: a restarted one goes on from there. */
    reportsCursor: `${base}:reports:cursor`,
    inbox: (workerId: string) => `${base}:inbox:${workerId}`,
    removals: `${base}:removals`,
    /** Held by the one worker of a host removing a workspace there (workers may share a root). */
    removing: (host: string, path: string) => `${base}:removing:${host}:${path}`,
    cancel: (runId: string) => `${base}:cancel:${runId}`,
    /** The worker holding a run (JSON WorkerInfo), for an orchestrator that re-attaches. */
    holder: (runId: string) => `${base}:holder:${runId}`,
  };
}

/** Streams are trimmed to about this many entries (each a batch of messages). */
export const STREAM_MAX_ENTRIES = 100_000;
/**
 * Removal requests kept for workers that were away: a worker catches up from its cursor, and one
 * away for longer than this many requests (startup cleanup adds one per terminal issue) misses some.
 */
export const REMOVALS_MAX_ENTRIES = 50_000;
/** Cancel marks and inboxes expire after a day: long after any run they concern. */
export const MARK_TTL_SECONDS = 24 * 60 * 60;

/** How long a tool call waits for the orchestrator's answer before it fails. */
export const GATEWAY_TIMEOUT_MS = 60_000;
/**
 * An unanswered gateway request is sent again this often, under the same request id: an
 * orchestrator killed while it handled a request (its stream cursor already past it) never
 * answers, and its successor sees only what is sent after. The orchestrator handles each request
 * id once and answers every copy.
 */
export const GATEWAY_RESEND_MS = 3_000;

/** The job name of every attempt. */
export const ATTEMPT_JOB = "attempt";

/** Parses the `m` field of stream entries (ioredis returns [id, [field, value, ...]]). */
export function entryMessages<T>(fields: string[]): T[] {
  for (let index = 0; index + 1 < fields.length; index += 2) {
    if (fields[index] === "m") return JSON.parse(fields[index + 1]!) as T[];
  }
  return [];
}
