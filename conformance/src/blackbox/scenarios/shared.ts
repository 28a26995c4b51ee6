/** What the black-box scenarios share: the scenario shape and helpers for judging from outside. */
import { access } from "node:fs/promises";
import path from "node:path";
import type { FakeTurnStep } from "@baton/testkit";
import { type ApiRow, CheckFailed, type ScenarioContext, waitUntil } from "../harness.ts";

export interface Scenario {
  name: string;
  title: string;
  requirements: string[];
  run(ctx: ScenarioContext): Promise<void>;
}

export const LONG_TURN: FakeTurnStep[] = [
  { type: "agentMessage", text: "working" },
  { type: "sleep", ms: 120_000 },
];
export const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );
/** A few poll intervals: long enough for a conforming implementation to have acted. */
export const QUIET_MS = 1_500;

export async function launchedKeys(ctx: ScenarioContext): Promise<string[]> {
  return (await ctx.launches()).map((launch) => path.basename(launch.cwd));
}

export async function retryRow(
  ctx: ScenarioContext,
  identifier: string,
  attempt?: number,
): Promise<ApiRow | undefined> {
  const state = await ctx.state();
  return state.retrying.find(
    (row) => row.issue_identifier === identifier && (attempt === undefined || row.attempt === attempt),
  );
}

/** The delay a retry row was scheduled with, measured from when it was first seen. */
export async function observedRetryDelay(ctx: ScenarioContext, identifier: string, attempt: number) {
  const row = await waitUntil(
    () => retryRow(ctx, identifier, attempt),
    `retry row ${identifier} #${attempt}`,
  );
  return { row, delayMs: Date.parse(row.due_at ?? "") - Date.now() };
}

export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailed(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
