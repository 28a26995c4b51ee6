import type {
  AgentEvent,
  AgentRequest,
  ApprovalAnswer,
  BatonError,
  Issue,
  TrackerAdapter,
} from "@baton/domain";
import type { BudgetConfig } from "./budget.ts";
import type { PipelineOutcome, PipelineProgress } from "./pipeline.ts";
import type { OrchestratorState, RunProcess, RunWorker } from "./state.ts";

/**
 * The slice of the effective configuration the orchestrator reads. Structurally a subset of
 * `ServiceConfig` from @baton/workflow, so the app passes that object straight through.
 */
export interface OrchestratorConfig extends BudgetConfig {
  tracker: { active_states: string[]; terminal_states: string[]; required_labels: string[] };
  polling: { interval_ms: number };
  agent: {
    max_concurrent_agents: number;
    max_turns: number;
    max_retry_backoff_ms: number;
    max_concurrent_agents_by_state: Record<string, number>;
    max_tokens_per_issue: number | null;
    max_tokens_per_session: number | null;
  };
  codex: { stall_timeout_ms: number; turn_timeout_ms: number };
  /** B.phases approvals: who may approve by ticket comment (absent: nobody on Linear/GitHub). */
  approvals?: { approvers: string[] | null };
}

/** Where the orchestrator gets its current configuration and tracker (both may change on reload). */
export interface ConfigSource {
  /** Last known good effective config. */
  current(): OrchestratorConfig;
  /** Tracker adapter built from the current config (rebuilt by the app when tracker settings change). */
  tracker(): TrackerAdapter;
  /**
   * Dispatch preflight (SPEC 6.3): re-reads WORKFLOW.md if it changed, then reports whether the
   * workflow is currently valid. An error skips dispatch for this tick; reconciliation goes on.
   */
  preflight(): Promise<BatonError | null>;
}

/** Timers behind an interface so decisions and the shell can run on a fake clock in tests. */
export interface Clock {
  /** Milliseconds, monotonic for scheduling purposes. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** One run attempt handed to an executor (SPEC 4.1.5). `attempt` is null on the first run. */
export interface RunRequest {
  issue: Issue;
  attempt: number | null;
  /**
   * UUID of this attempt. Executors put it into the environment of every process they start
   * (`BATON_RUN_ID`), which is how a restarted Baton recognises leftovers as its own.
   */
  run_id: string;
  /**
   * `phases:` workflows: the progress saved in the claim, so the run resumes after its last
   * completed phase on the definition it started with. Absent or null: a first run (the runner
   * starts the pipeline of its run spec, if any).
   */
  pipeline?: PipelineProgress | null;
  /**
   * B.phases approvals: a person's decision on a request an earlier run's agent made and no longer
   * waits for; the run's first prompt tells the agent what was decided.
   */
  agent_decision?: { request: AgentRequest; answer: ApprovalAnswer; by: string | null } | null;
}

/** Updates a running attempt reports back to the orchestrator while it works. */
export interface RunReporter {
  /** The workspace is ready at this path (before hooks and the agent start). */
  workspaceReady(path: string): void;
  /** Every event from the coding-agent session. */
  agentEvent(event: AgentEvent): void;
  /** The attempt started a process group (the agent); recorded in the claim for crash cleanup. */
  processStarted(process: RunProcess): void;
  /** A queue worker (B.queue) took the attempt; absent for runs in this process. */
  workerAssigned?(worker: RunWorker): void;
  /** A tracker tool call of the agent started executing. */
  toolCallStarted(): void;
  /**
   * That tool call ended; `handoffState` is the state it moved the ticket to when the call took it
   * out of the active states (the agent's own hand-off), else null.
   */
  toolCallEnded(handoffState: string | null): void;
  /**
   * `phases:` workflows (optional for reporters that never see one): a phase started or ended; `progress` is the whole progress after it
   * (saved in the claim before anything else happens, so a restart never repeats a finished phase).
   */
  workflowPhase?(progress: PipelineProgress, change: WorkflowPhaseChange): void;
  /** B.phases approvals: the agent started (`waiting`) or stopped waiting for a person's answer. */
  agentRequest?(request: AgentRequest, waiting: boolean): void;
}

/** What happened to a workflow phase, as reported by the run (one report per change). */
export interface WorkflowPhaseChange {
  phase: string;
  /** started; passed (completed); sent_back (its loop sent the work back); failed (no loop handles it). */
  status: "started" | "passed" | "sent_back" | "failed";
  /** A short human line: the exit code, the verdict, why it went back. */
  message: string;
}

/**
 * How an attempt ended. `normal`: the turn loop finished (the agent handed the ticket off, it left
 * the active states, max_turns reached, or it went missing); `reason` says which. `failed`: any
 * error (workspace, hook, prompt, agent, refresh).
 * `blocked`: the agent asked for an approval or operator input that the documented policy does
 * not grant; the claim is kept without retry. `cancelled`: stopped by the orchestrator.
 */
export type RunOutcome =
  | { kind: "normal"; turns: number; reason: string }
  | { kind: "failed"; error: BatonError }
  | { kind: "blocked"; error: BatonError }
  | { kind: "cancelled"; reason: string }
  /** `phases:` workflows: the run reached an approval gate (`progress.waiting` says which, with its artifact). */
  | { kind: "awaiting_approval"; progress: PipelineProgress }
  /** `phases:` workflows: every phase passed (`succeeded`) or a loop ran out of cycles (`exhausted`). */
  | { kind: "pipeline_ended"; progress: PipelineProgress; outcome: PipelineEnd };

/** How a pipeline ended inside a run (rejections are decided by the orchestrator, failures are `failed`). */
export type PipelineEnd = Extract<PipelineOutcome, { kind: "succeeded" | "exhausted" }>;

export interface RunHandle {
  /**
   * Stops the attempt: interrupts the turn, stops the agent, still runs after_run, then settles
   * `done`. The promise settles when the request to stop was delivered (a remote run may still be
   * finishing; `done` says when it is over).
   */
  cancel(reason: string): Promise<void>;
  /** Settles once the attempt is over, after after_run. Never rejects. */
  readonly done: Promise<RunOutcome>;
  /**
   * B.phases approvals: gives the agent the answer to its waiting request; resolves false when it no
   * longer waits (or the executor cannot reach it), and the decision then goes to the next run's prompt.
   */
  answer?(requestId: string, answer: ApprovalAnswer): Promise<boolean>;
}

/** The seam where runs go: in-process now, a BullMQ worker pool later. */
export interface RunExecutor {
  start(request: RunRequest, reporter: RunReporter): RunHandle;
  /** Run ids of the attempts this executor is running now. */
  activeRuns?(): string[];
  /**
   * Re-attaches to a run it is still running (by id), sending its further reports to `reporter`;
   * null when it no longer knows that run. A restarted orchestrator uses this before it treats a
   * saved running claim as lost.
   */
  attach?(runId: string, reporter: RunReporter): RunHandle | null;
  /** The executor's connections (a queue's Redis), shown by the status API. */
  connections?(): ConnectionHealth[];
}

/**
 * Removes an issue's workspace (runs before_remove). Used for terminal issues. Resolves
 * `"requested"` when the workspaces are on other hosts (queue workers), which each remove theirs.
 */
export interface WorkspaceCleaner {
  remove(identifier: string): Promise<"removed" | "requested">;
}

// ---- Durable state -----------------------------------------------------------------------------

/** What one step changed, for the store: claim ids written or removed, issues newly completed. */
export interface StateChange {
  state: OrchestratorState;
  claims: readonly string[];
  completed: readonly string[];
}

/** The health of a connection a store or an executor depends on; never holds a password. */
export interface ConnectionHealth {
  /** What the connection is for: `state`, `queue`, ... */
  role: string;
  /** The server's URL with its password redacted. */
  url: string;
  status: "connecting" | "connected" | "reconnecting" | "unreachable" | "closed";
  /** When it entered this status (ISO 8601). */
  since: string;
  last_error: string | null;
  failed_attempts: number;
}

/**
 * Where the orchestrator state is kept across restarts. `save` is synchronous: the shell records a
 * transition before it carries out any of its effects, and a save that throws pauses dispatching.
 */
export interface StateStore {
  readonly kind: "memory" | "sqlite" | "redis";
  /**
   * Where the state lives, for the status API and log lines: a file, or the Redis URL (password
   * redacted) and key prefix.
   */
  readonly path: string | null;
  /** A networked store's connections (Redis), shown by the status API; absent for files. */
  connections?(): ConnectionHealth[];
  /**
   * Why a write would fail right now (its server cannot be reached), or null. Asked before each
   * dispatch, so that no run starts while its record could not be written.
   */
  unavailable?(): string | null;
  /** The saved state (null when there is none yet) and warnings about anything that was dropped. */
  load(): { state: OrchestratorState | null; warnings: string[] };
  save(change: StateChange): void;
  close(): void;
}

/**
 * Finds and kills processes a dead Baton left behind for these runs, and waits until they are
 * gone. Implementations must check that a process really belongs to one of the runs before
 * signalling it; the result lists the pids killed.
 */
export interface LeftoverReaper {
  killLeftovers(runIds: readonly string[]): Promise<number[]>;
}
