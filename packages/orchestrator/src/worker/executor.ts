import { toBatonError } from "@baton/domain";
import type { RunExecutor, RunHandle, RunOutcome, RunReporter, RunRequest } from "../ports.ts";
import { type AttemptDeps, runAttempt } from "./attempt.ts";

/**
 * Runs attempts inside this process. `depsFor` is called once when an attempt starts, so each run
 * keeps the config (tracker, tools, hooks, max_turns, template) that was current at its start.
 */
export class InProcessExecutor implements RunExecutor {
  constructor(private readonly depsFor: (request: RunRequest) => AttemptDeps) {}

  start(request: RunRequest, reporter: RunReporter): RunHandle {
    const controller = new AbortController();
    let done: Promise<RunOutcome>;
    try {
      done = runAttempt(request, this.depsFor(request), reporter, controller.signal);
    } catch (error) {
      done = Promise.resolve({ kind: "failed", error: toBatonError(error, "worker_error") });
    }
    return { cancel: (reason) => controller.abort(reason), done };
  }
}
