/** Runs black-box scenarios against one implementation, a few at a time. */
import { CheckFailed, type ImplementationCommand, ScenarioContext, ScenarioSkipped } from "./harness.ts";
import { scenarios as allScenarios, type Scenario } from "./scenarios.ts";

export type Outcome = "pass" | "fail" | "skip";

export interface ScenarioResult {
  name: string;
  title: string;
  requirements: string[];
  outcome: Outcome;
  /** Why it failed or was skipped. */
  reason: string | null;
  durationMs: number;
}

export interface BlackBoxOptions {
  implementation: ImplementationCommand;
  /** Scenario names to run (default: all). */
  only?: string[];
  /** Scenarios run at once; each starts its own implementation process. */
  concurrency?: number;
  /** Per-scenario limit. */
  timeoutMs?: number;
  onResult?: (result: ScenarioResult) => void;
}

export async function runBlackBox(options: BlackBoxOptions): Promise<ScenarioResult[]> {
  const selected = options.only ? allScenarios.filter((s) => options.only!.includes(s.name)) : allScenarios;
  const results: ScenarioResult[] = new Array(selected.length);
  let next = 0;
  const worker = async () => {
    while (next < selected.length) {
      const index = next++;
      results[index] = await runScenario(selected[index]!, options);
      options.onResult?.(results[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return results;
}

async function runScenario(scenario: Scenario, options: BlackBoxOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const result = (outcome: Outcome, reason: string | null): ScenarioResult => ({
    name: scenario.name,
    title: scenario.title,
    requirements: scenario.requirements,
    outcome,
    reason,
    durationMs: Date.now() - started,
  });
  let ctx: ScenarioContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    ctx = await ScenarioContext.create(options.implementation);
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CheckFailed(`scenario timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([scenario.run(ctx), timeout]);
    return result("pass", null);
  } catch (error) {
    if (error instanceof ScenarioSkipped) return result("skip", error.message);
    const message =
      error instanceof CheckFailed ? error.message : `harness error: ${(error as Error)?.stack ?? error}`;
    return result("fail", message);
  } finally {
    clearTimeout(timer);
    await ctx?.cleanup().catch(() => {});
  }
}
