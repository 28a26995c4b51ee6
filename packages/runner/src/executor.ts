import { BatonError, toBatonError } from "@baton/domain";
import type { RunExecutor, RunHandle, RunOutcome, RunReporter, RunRequest } from "@baton/orchestrator";
import { type AttemptControl, type AttemptDeps, runAttempt } from "./attempt.ts";
import { serializedGateway, viaJson } from "./gateway.ts";
import type { RunOutcomeMessage, RunReport, RunStartMessage, ToolGateway } from "./messages.ts";
import type { RunSpec } from "./spec.ts";

/** The orchestrator host's side of a run, asked synchronously when the orchestrator starts it. */
export interface RunHost {
  /**
   * The run's spec and its tool gateway, taken from the config snapshot the orchestrator just
   * decided under (the shell starts runs in the same synchronous step as the decision).
   */
  prepare(request: RunRequest): { spec: RunSpec; gateway: ToolGateway };
}

/** Builds an attempt's dependencies on the runner's side from nothing but its start message. */
export type AttemptDepsFactory = (message: RunStartMessage, gateway: ToolGateway) => AttemptDeps;

export interface InProcessExecutorOptions {
  /**
   * Pass every start message, report, gateway request/reply and outcome through
   * JSON.stringify/parse, as a queue or container executor must: proves runs need nothing
   * in-process (`BATON_EXECUTOR=serialized` makes the CLI use it).
   */
  serialize?: boolean;
}

interface ActiveRun {
  controller: AbortController;
  control: AttemptControl;
  reporter: RunReporter;
  done: Promise<RunOutcome>;
}

/**
 * Runs attempts inside this process. The runner half (`runAttempt` + the deps factory) only ever
 * sees messages; the host half turns reports into the orchestrator's reporter calls.
 */
export class InProcessExecutor implements RunExecutor {
  private readonly active = new Map<string, ActiveRun>();

  constructor(
    private readonly host: RunHost,
    private readonly depsFor: AttemptDepsFactory,
    private readonly options: InProcessExecutorOptions = {},
  ) {}

  start(request: RunRequest, reporter: RunReporter): RunHandle {
    const wire = this.options.serialize ? viaJson : <T>(value: T) => value;
    const controller = new AbortController();
    const { spec, gateway } = this.host.prepare(request);
    const message = wire<RunStartMessage>({
      run_id: request.run_id,
      issue: request.issue,
      attempt: request.attempt,
      spec,
      pipeline: request.pipeline ?? null,
      agent_decision: request.agent_decision ?? null,
    });
    const control: AttemptControl = {};
    const run: ActiveRun = {
      controller,
      control,
      reporter,
      done: Promise.resolve({ kind: "cancelled", reason: "" }),
    };
    const deliver = (report: RunReport) => deliverReport(wire(report), run.reporter);
    let outcome: Promise<RunOutcomeMessage>;
    try {
      const deps = this.depsFor(message, this.options.serialize ? serializedGateway(gateway) : gateway);
      outcome = runAttempt(message, deps, deliver, controller.signal, control).then((result) =>
        outcomeMessage(message.run_id, result),
      );
    } catch (error) {
      outcome = Promise.resolve(
        outcomeMessage(message.run_id, { kind: "failed", error: toBatonError(error, "worker_error") }),
      );
    }
    run.done = outcome.then((result) => {
      this.active.delete(request.run_id);
      return runOutcomeOf(wire(result));
    });
    this.active.set(request.run_id, run);
    return this.handleFor(request.run_id, run);
  }

  activeRuns(): string[] {
    return [...this.active.keys()];
  }

  attach(runId: string, reporter: RunReporter): RunHandle | null {
    const run = this.active.get(runId);
    if (run === undefined) return null;
    run.reporter = reporter;
    return this.handleFor(runId, run);
  }

  private handleFor(_runId: string, run: ActiveRun): RunHandle {
    const wire = this.options.serialize ? viaJson : <T>(value: T) => value;
    return {
      cancel: async (reason) => run.controller.abort(reason),
      done: run.done,
      answer: async (requestId, answer) => run.control.answer?.(requestId, wire(answer)) ?? false,
    };
  }
}

/** Hands one report message to the orchestrator's reporter. */
export function deliverReport(report: RunReport, reporter: RunReporter): void {
  switch (report.type) {
    case "workspace_ready":
      reporter.workspaceReady(report.path);
      return;
    case "agent_event":
      reporter.agentEvent(report.event);
      return;
    case "process_started":
      reporter.processStarted(report.process);
      return;
    case "tool_call_started":
      reporter.toolCallStarted();
      return;
    case "tool_call_ended":
      reporter.toolCallEnded(report.handoff_state);
      return;
    case "workflow_phase":
      reporter.workflowPhase?.(report.progress, report.change);
      return;
    case "agent_request":
      reporter.agentRequest?.(report.request, report.waiting);
      return;
  }
}

/** The outcome as a plain message (errors as records). */
export function outcomeMessage(runId: string, outcome: RunOutcome): RunOutcomeMessage {
  if (outcome.kind === "failed" || outcome.kind === "blocked") {
    return { type: "outcome", run_id: runId, kind: outcome.kind, error: outcome.error.toRecord() };
  }
  return { type: "outcome", run_id: runId, ...outcome };
}

/** The orchestrator's RunOutcome from an outcome message. */
export function runOutcomeOf(message: RunOutcomeMessage): RunOutcome {
  switch (message.kind) {
    case "normal":
      return { kind: "normal", turns: message.turns, reason: message.reason };
    case "cancelled":
      return { kind: "cancelled", reason: message.reason };
    case "awaiting_approval":
      return { kind: "awaiting_approval", progress: message.progress };
    case "pipeline_ended":
      return { kind: "pipeline_ended", progress: message.progress, outcome: message.outcome };
    default:
      return { kind: message.kind, error: BatonError.fromRecord(message.error) };
  }
}
