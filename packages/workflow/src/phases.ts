import {
  type AgentPhase,
  ancestorsOf,
  type Gate,
  isBatonError,
  type Loop,
  type Phase,
  type Pipeline,
  type TrackerOutcome,
  type Verdict,
} from "@baton/domain";
import { isPlainMap } from "./loader.ts";
import { parsePromptTemplate } from "./prompt.ts";
import type { ConfigProblem } from "./schema.ts";
import { formatValue } from "./schema.ts";

export const PHASE_DEFAULTS = {
  runTimeoutMs: 600_000,
  maxCycles: 2,
  maxRejectAttempts: 3,
  verdict: {
    approved: "^VERDICT:\\s*APPROVED\\s*$",
    changes_requested: "^VERDICT:\\s*CHANGES_REQUESTED\\s*$",
  },
} as const;

const PHASE_NAME = /^[a-z][a-z0-9_]*$/;
const CODEX_OVERRIDES = ["approval_policy", "thread_sandbox", "turn_sandbox_policy"] as const;
const AGENT_KEYS = [
  "name",
  "kind",
  "depends_on",
  "output",
  "loop",
  "prompt",
  "thread",
  "max_turns",
  "codex",
  "verdict",
];
const RUN_KEYS = ["name", "kind", "depends_on", "output", "loop", "command", "timeout_ms"];

/**
 * Reads `phases:`, `gates:` and `on_success:` from the front matter. Returns null when there is no
 * `phases:` (the workflow runs one prompt, exactly as the SPEC says). Every problem names the phase
 * and field: `phases[2] (review).loop.back_to: ...`.
 */
export function resolvePipeline(
  frontMatter: Record<string, unknown>,
  problems: ConfigProblem[],
): Pipeline | null {
  const raw = frontMatter.phases;
  if (raw === undefined || raw === null) {
    for (const key of ["gates", "on_success"]) {
      if (frontMatter[key] !== undefined && frontMatter[key] !== null) {
        problems.push({
          field: key,
          message: `${key} needs a phases: list (there are no phases to apply it to)`,
        });
      }
    }
    return null;
  }
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push({
      field: "phases",
      message: `phases must be a non-empty list of phases, got ${formatValue(raw)}`,
    });
    return null;
  }
  const before = problems.length;
  const phases = raw.map((entry, index) => readPhase(entry, index, problems));
  const named = phases.filter((phase): phase is Phase => phase !== null);
  checkUniqueNames(named, raw, problems);
  const isDag = named.some((phase) => phase.depends_on.length > 0) || raw.some(hasDependsOn);
  if (!isDag) {
    for (const [index, phase] of named.entries())
      phase.depends_on = index === 0 ? [] : [named[index - 1]!.name];
  }
  const ordered = problems.length === before ? orderPhases(named, raw, problems) : named;
  if (problems.length === before) checkReferences(ordered, raw, problems);
  const gates = readGates(frontMatter.gates, ordered, problems);
  const on_success = readOutcome(frontMatter.on_success, "on_success", problems);
  return problems.length === before ? { phases: ordered, gates, on_success } : null;
}

function hasDependsOn(entry: unknown): boolean {
  return isPlainMap(entry) && entry.depends_on !== undefined;
}

function readPhase(entry: unknown, index: number, problems: ConfigProblem[]): Phase | null {
  if (!isPlainMap(entry)) {
    problems.push({
      field: `phases[${index}]`,
      message: `phases[${index}] must be a map, got ${formatValue(entry)}`,
    });
    return null;
  }
  const name = entry.name;
  if (typeof name !== "string" || !PHASE_NAME.test(name)) {
    problems.push({
      field: `phases[${index}].name`,
      message: `phases[${index}].name must be a lowercase identifier (letters, digits, _), got ${formatValue(name)}`,
    });
    return null;
  }
  const at = new Where(`phases[${index}] (${name})`, problems);
  const kind = entry.kind;
  if (kind !== "agent" && kind !== "run") {
    at.problem("kind", `must be agent or run, got ${formatValue(kind)}`);
    return null;
  }
  for (const key of Object.keys(entry)) {
    if (!(kind === "agent" ? AGENT_KEYS : RUN_KEYS).includes(key)) {
      at.problem(
        key,
        `is not a key of a ${kind} phase (keys: ${(kind === "agent" ? AGENT_KEYS : RUN_KEYS).join(", ")})`,
      );
    }
  }
  const base = {
    name,
    depends_on: at.stringList("depends_on", entry.depends_on),
    output: at.optionalString("output", entry.output),
    loop: entry.loop === undefined || entry.loop === null ? null : readLoop(entry.loop, at),
  };
  if (kind === "run") {
    return {
      ...base,
      kind,
      command: at.requiredString("command", entry.command) ?? "",
      timeout_ms: at.positiveInteger("timeout_ms", entry.timeout_ms) ?? PHASE_DEFAULTS.runTimeoutMs,
    };
  }
  const thread = entry.thread ?? "continue";
  if (thread !== "fresh" && thread !== "continue")
    at.problem("thread", `must be fresh or continue, got ${formatValue(thread)}`);
  const verdict =
    entry.verdict === undefined || entry.verdict === null ? null : readVerdict(entry.verdict, at);
  if (base.loop && !verdict)
    at.problem("loop", "needs a verdict: on an agent phase (the loop goes back on CHANGES_REQUESTED)");
  if (verdict && !base.output)
    at.problem("verdict", "needs output: (the hand-off file the verdict line is read from)");
  const prompt = at.requiredString("prompt", entry.prompt);
  if (prompt !== null) checkTemplate(prompt, at);
  return {
    ...base,
    kind,
    prompt: prompt ?? "",
    thread: thread as AgentPhase["thread"],
    max_turns: at.positiveInteger("max_turns", entry.max_turns),
    codex: readCodexOverrides(entry.codex, at),
    verdict,
  };
}

function checkTemplate(prompt: string, at: Where): void {
  try {
    parsePromptTemplate(prompt);
  } catch (error) {
    if (!isBatonError(error)) throw error;
    at.problem(
      "prompt",
      `is not a valid template: ${error.message.replace(" of the WORKFLOW.md prompt body", "")}`,
    );
  }
}

function readLoop(raw: unknown, at: Where): Loop | null {
  if (!isPlainMap(raw)) {
    at.problem("loop", `must be a map with back_to, max_cycles and on_exhausted, got ${formatValue(raw)}`);
    return null;
  }
  const back_to = at.requiredString("loop.back_to", raw.back_to);
  const max_cycles = at.positiveInteger("loop.max_cycles", raw.max_cycles) ?? PHASE_DEFAULTS.maxCycles;
  const on_exhausted = readOutcome(raw.on_exhausted ?? {}, `${at.prefix}.loop.on_exhausted`, at.problems);
  return back_to === null || on_exhausted === null ? null : { back_to, max_cycles, on_exhausted };
}

function readVerdict(raw: unknown, at: Where): Verdict | null {
  if (!isPlainMap(raw)) {
    at.problem(
      "verdict",
      `must be a map with approved and changes_requested patterns, got ${formatValue(raw)}`,
    );
    return null;
  }
  const verdict = {
    approved: at.optionalString("verdict.approved", raw.approved) ?? PHASE_DEFAULTS.verdict.approved,
    changes_requested:
      at.optionalString("verdict.changes_requested", raw.changes_requested) ??
      PHASE_DEFAULTS.verdict.changes_requested,
  };
  let valid = true;
  for (const key of ["approved", "changes_requested"] as const) {
    const reason = neverMatches(verdict[key]);
    if (reason) {
      at.problem(`verdict.${key}`, `pattern ${JSON.stringify(verdict[key])} ${reason}`);
      valid = false;
    }
  }
  if (valid && verdict.approved === verdict.changes_requested) {
    at.problem(
      "verdict",
      "approved and changes_requested are the same pattern, so a verdict could never be told apart",
    );
  }
  return verdict;
}

/**
 * Why a verdict pattern could never (usefully) match a line, or null. Patterns are matched against
 * single lines of the hand-off file, so a newline, a `^` after the start or a `$` before the end can
 * never match, and a pattern that matches an empty line would match any file.
 */
export function neverMatches(pattern: string): string | null {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message})`;
  }
  if (/\\n|\n|\r/.test(pattern))
    return "contains a line break, but verdicts are matched one line at a time, so it can never match";
  const unescaped = pattern.replace(/\\./g, "__").replace(/\[[^\]]*\]/g, "_");
  if (unescaped.slice(1).includes("^") && !unescaped.includes("|")) {
    return "has ^ after the start of the pattern, so it can never match";
  }
  if (unescaped.slice(0, -1).includes("$") && !unescaped.includes("|")) {
    return "has $ before the end of the pattern, so it can never match";
  }
  if (regex.test("")) return "matches an empty line, so it would match every hand-off file";
  return null;
}

function readCodexOverrides(raw: unknown, at: Where): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainMap(raw)) {
    at.problem("codex", `must be a map of ${CODEX_OVERRIDES.join(", ")}, got ${formatValue(raw)}`);
    return {};
  }
  for (const [key, value] of Object.entries(raw)) {
    if (!(CODEX_OVERRIDES as readonly string[]).includes(key)) {
      at.problem(`codex.${key}`, `cannot be set per phase (per-phase keys: ${CODEX_OVERRIDES.join(", ")})`);
    } else if (typeof value !== "string" && !isPlainMap(value)) {
      at.problem(`codex.${key}`, `must be a Codex value (string or map), got ${formatValue(value)}`);
    }
  }
  return { ...raw };
}

function readOutcome(raw: unknown, field: string, problems: ConfigProblem[]): TrackerOutcome | null {
  if (raw === undefined || raw === null) return null;
  if (!isPlainMap(raw)) {
    problems.push({
      field,
      message: `${field} must be a map with state and/or comment, got ${formatValue(raw)}`,
    });
    return null;
  }
  const outcome: TrackerOutcome = { state: null, comment: null };
  for (const key of ["state", "comment"] as const) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" || value.trim() === "") {
      problems.push({
        field: `${field}.${key}`,
        message: `${field}.${key} must be a non-empty string, got ${formatValue(value)}`,
      });
    } else {
      outcome[key] = value;
    }
  }
  return outcome;
}

function checkUniqueNames(phases: Phase[], raw: unknown[], problems: ConfigProblem[]): void {
  const seen = new Set<string>();
  for (const phase of phases) {
    if (seen.has(phase.name)) {
      const index = raw.findLastIndex((entry) => isPlainMap(entry) && entry.name === phase.name);
      problems.push({
        field: `phases[${index}].name`,
        message: `phases[${index}].name ${JSON.stringify(phase.name)} is used by an earlier phase; names must be unique`,
      });
    }
    seen.add(phase.name);
  }
}

/** Kahn's algorithm, ties broken by file order; an unknown dependency or a cycle is a problem. */
function orderPhases(phases: Phase[], raw: unknown[], problems: ConfigProblem[]): Phase[] {
  const names = new Set(phases.map((phase) => phase.name));
  for (const phase of phases) {
    for (const dependency of phase.depends_on) {
      if (!names.has(dependency)) {
        problems.push({
          field: `${label(phase, raw)}.depends_on`,
          message: `${label(phase, raw)}.depends_on names ${JSON.stringify(dependency)}, which is not a phase (phases: ${[...names].join(", ")})`,
        });
      }
    }
  }
  if (problems.length > 0) return phases;
  const ordered: Phase[] = [];
  const done = new Set<string>();
  while (ordered.length < phases.length) {
    const ready = phases.find(
      (phase) => !done.has(phase.name) && phase.depends_on.every((name) => done.has(name)),
    );
    if (!ready) {
      const stuck = phases.filter((phase) => !done.has(phase.name)).map((phase) => phase.name);
      problems.push({
        field: "phases",
        message: `phases.depends_on forms a cycle among ${stuck.join(", ")}; phases must form a DAG (use loop: to go back)`,
      });
      return phases;
    }
    ordered.push(ready);
    done.add(ready.name);
  }
  return ordered;
}

/** `loop.back_to` must name a phase this one (transitively) depends on: a loop only goes back. */
function checkReferences(phases: Phase[], raw: unknown[], problems: ConfigProblem[]): void {
  for (const phase of phases) {
    if (!phase.loop) continue;
    const field = `${label(phase, raw)}.loop.back_to`;
    if (!phases.some((candidate) => candidate.name === phase.loop!.back_to)) {
      problems.push({
        field,
        message: `${field} names ${JSON.stringify(phase.loop.back_to)}, which is not a phase`,
      });
    } else if (!ancestorsOf(phase.name, phases).has(phase.loop.back_to)) {
      problems.push({
        field,
        message: `${field} names ${JSON.stringify(phase.loop.back_to)}, which does not come before ${phase.name} (a loop can only go back to a phase it depends on)`,
      });
    }
  }
}

function readGates(raw: unknown, phases: Phase[], problems: ConfigProblem[]): Gate[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push({ field: "gates", message: `gates must be a list, got ${formatValue(raw)}` });
    return [];
  }
  const names = phases.map((phase) => phase.name);
  const gates: Gate[] = [];
  raw.forEach((entry, index) => {
    const at = new Where(`gates[${index}]`, problems);
    if (!isPlainMap(entry)) {
      at.problem("", `must be a map with before: or after: a phase, got ${formatValue(entry)}`);
      return;
    }
    if (entry.approval !== undefined && entry.approval !== true)
      at.problem("approval", "must be true (the only gate kind is approval)");
    const position = entry.after !== undefined ? "after" : entry.before !== undefined ? "before" : null;
    if (position === null || (entry.after !== undefined && entry.before !== undefined)) {
      at.problem("", "needs exactly one of before: or after: naming a phase");
      return;
    }
    const phase = entry[position];
    if (typeof phase !== "string" || !names.includes(phase)) {
      at.problem(position, `names ${formatValue(phase)}, which is not a phase (phases: ${names.join(", ")})`);
      return;
    }
    const id = `${position}:${phase}`;
    if (gates.some((gate) => gate.id === id)) at.problem(position, `repeats the gate ${position} ${phase}`);
    const gated = phases.find((candidate) => candidate.name === phase)!;
    const artifact =
      at.optionalString("artifact", entry.artifact) ?? (position === "after" ? gated.output : null);
    gates.push({
      id,
      position,
      phase,
      artifact,
      on_reject: readOnReject(entry.on_reject, position, phase, names, at),
    });
  });
  return gates;
}

function readOnReject(
  raw: unknown,
  position: "before" | "after",
  phase: string,
  names: string[],
  at: Where,
): Gate["on_reject"] {
  const fallback = position === "after" ? phase : null;
  if (raw === undefined || raw === null)
    return fallback === null ? null : { phase: fallback, max_attempts: PHASE_DEFAULTS.maxRejectAttempts };
  if (!isPlainMap(raw)) {
    at.problem("on_reject", `must be a map with phase and max_attempts, got ${formatValue(raw)}`);
    return null;
  }
  const target = raw.phase ?? fallback;
  if (typeof target !== "string" || !names.includes(target)) {
    at.problem(
      "on_reject.phase",
      `names ${formatValue(target)}, which is not a phase (phases: ${names.join(", ")})`,
    );
    return null;
  }
  const max_attempts =
    at.positiveInteger("on_reject.max_attempts", raw.max_attempts) ?? PHASE_DEFAULTS.maxRejectAttempts;
  return { phase: target, max_attempts };
}

function label(phase: Phase, raw: unknown[]): string {
  const index = raw.findIndex((entry) => isPlainMap(entry) && entry.name === phase.name);
  return `phases[${index}] (${phase.name})`;
}

/** Field readers that record a problem under `prefix.field` and return null when the value is wrong. */
class Where {
  constructor(
    readonly prefix: string,
    readonly problems: ConfigProblem[],
  ) {}

  problem(field: string, expectation: string): void {
    const name = field === "" ? this.prefix : `${this.prefix}.${field}`;
    this.problems.push({ field: name, message: `${name} ${expectation}` });
  }

  requiredString(field: string, value: unknown): string | null {
    if (typeof value === "string" && value.trim() !== "") return value;
    this.problem(field, `must be a non-empty string, got ${formatValue(value)}`);
    return null;
  }

  optionalString(field: string, value: unknown): string | null {
    return value === undefined || value === null ? null : this.requiredString(field, value);
  }

  positiveInteger(field: string, value: unknown): number | null {
    if (value === undefined || value === null) return null;
    if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
    this.problem(field, `must be a positive integer, got ${formatValue(value)}`);
    return null;
  }

  stringList(field: string, value: unknown): string[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return [...value];
    this.problem(field, `must be a list of phase names, got ${formatValue(value)}`);
    return [];
  }
}
