/**
 * Baton extension (`phases:`): a ticket goes through named phases, each an agent turn with its own
 * role and settings or a deterministic shell command. The shape is plain data (JSON-serializable) so
 * a running attempt can keep the definition it started with across reloads and restarts.
 */
export interface Pipeline {
  /** In execution order (a topological order of `depends_on`, ties kept in file order). */
  phases: Phase[];
  gates: Gate[];
  on_success: TrackerOutcome | null;
}

export type Phase = AgentPhase | RunPhase;

interface PhaseBase {
  name: string;
  /** Phases that must complete first. In a plain ordered list, each phase depends on the one before. */
  depends_on: string[];
  /** Hand-off file (relative to the workspace) whose contents later prompts read as `outputs.<name>.text`. */
  output: string | null;
  /** Present when this phase can send the work back to an earlier phase. */
  loop: Loop | null;
}

export interface AgentPhase extends PhaseBase {
  kind: "agent";
  /** Strict Liquid with `issue`, `attempt`, `phase`, `outputs` and `feedback`. */
  prompt: string;
  /** `fresh` starts a new thread (no shared context, e.g. a reviewer); `continue` reuses the previous phase's thread. */
  thread: "fresh" | "continue";
  /** null: `agent.max_turns`. */
  max_turns: number | null;
  /** Overrides of the `codex:` section for this phase's turns (approval_policy, thread_sandbox, turn_sandbox_policy). */
  codex: Record<string, unknown>;
  verdict: Verdict | null;
}

export interface RunPhase extends PhaseBase {
  kind: "run";
  /** Run with `bash -lc` in the workspace; exit code 0 completes the phase. */
  command: string;
  timeout_ms: number;
}

/** Verdicts are read by code from the hand-off file, one line at a time, never by asking a model. */
export interface Verdict {
  approved: string;
  changes_requested: string;
}

export interface Loop {
  /** The earlier phase the work goes back to (on CHANGES_REQUESTED, or a failing run phase). */
  back_to: string;
  max_cycles: number;
  /** Where the ticket goes when the cycles run out. */
  on_exhausted: TrackerOutcome;
}

export interface TrackerOutcome {
  /** null: leave the tracker state alone. */
  state: string | null;
  comment: string | null;
}

/** A pause for a person before or after a phase (`gates[i].before` / `gates[i].after`). */
export interface Gate {
  /** Stable id (`after:plan`), so two gates are never confused by name alone. */
  id: string;
  position: "before" | "after";
  phase: string;
  /** Workspace file shown to the approver; defaults to the `after` phase's output. */
  artifact: string | null;
  /** The phase a rejection's reason goes back to; defaults to the gated `after` phase. null: the rejection stops the pipeline. */
  on_reject: { phase: string; max_attempts: number } | null;
}

/** Every phase `name` depends on, directly or not. */
export function ancestorsOf(name: string, phases: readonly Phase[]): Set<string> {
  const byName = new Map(phases.map((phase) => [phase.name, phase]));
  const found = new Set<string>();
  const pending = [...(byName.get(name)?.depends_on ?? [])];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (found.has(next)) continue;
    found.add(next);
    pending.push(...(byName.get(next)?.depends_on ?? []));
  }
  return found;
}
