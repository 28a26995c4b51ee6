import { BatonError, normalizeState } from "@baton/domain";
import { describe, GITHUB_CLOSED, GITHUB_OPEN, type StateLabelSettings } from "./profile.ts";

/**
 * How a GitHub issue gets its workflow state. The pure half of the adapter: which listing to ask
 * GitHub for, and what state an issue is in, for GitHub's own open/closed and for label mode.
 */

/** The `state` query parameter of `GET /repos/{owner}/{repo}/issues`. */
export type IssueListState = "open" | "closed" | "all";

export type StateReading = { ok: true; state: string } | { ok: false; reason: string };

/** The smallest listing that contains every issue in one of `states`, or null when none can be. */
export function listingFor(
  states: readonly string[],
  labels: StateLabelSettings | null,
): IssueListState | null {
  const wanted = new Set(states.map(normalizeState));
  const wantsClosed = wanted.has(GITHUB_CLOSED);
  // Native mode: only "open" names open issues. Label mode: every other name is an open issue's state.
  const wantsOpen = labels === null ? wanted.has(GITHUB_OPEN) : [...wanted].some((s) => s !== GITHUB_CLOSED);
  if (wantsOpen && wantsClosed) return "all";
  if (wantsOpen) return "open";
  return wantsClosed ? "closed" : null;
}

/**
 * The workflow state of an issue. Native mode: GitHub's `open`/`closed`. Label mode: `closed` for
 * closed issues; for open ones the name after the prefix of its one state label (spelled as on the
 * label), else `default_state`, else `open`. Two different state labels make the issue unreadable.
 */
export function readState(
  githubState: unknown,
  labelNames: readonly string[],
  labels: StateLabelSettings | null,
): StateReading {
  if (githubState !== GITHUB_OPEN && githubState !== GITHUB_CLOSED) {
    return { ok: false, reason: `state is ${describe(githubState)}, expected "open" or "closed"` };
  }
  if (labels === null || githubState === GITHUB_CLOSED) return { ok: true, state: githubState };
  const stateLabels = new Map<string, string>();
  for (const label of labelNames) {
    const name = stateNameOf(label, labels.prefix);
    if (name !== null && !stateLabels.has(normalizeState(name))) stateLabels.set(normalizeState(name), label);
  }
  if (stateLabels.size > 1) {
    const found = [...stateLabels.values()].map((label) => JSON.stringify(label)).join(" and ");
    return { ok: false, reason: `it carries more than one state label: ${found}` };
  }
  const [label] = stateLabels.values();
  if (label !== undefined) return { ok: true, state: stateNameOf(label, labels.prefix)! };
  return { ok: true, state: labels.default_state ?? GITHUB_OPEN };
}

/** `status: In Progress` with prefix `status:` → `In Progress`; null for other labels and a bare prefix. */
export function stateNameOf(label: string, prefix: string): string | null {
  const trimmed = label.trim();
  if (
    trimmed.length <= prefix.length ||
    trimmed.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()
  ) {
    return null;
  }
  const name = trimmed.slice(prefix.length).trim();
  return name === "" ? null : name;
}

/** The `PATCH /repos/{repo}/issues/{number}` body that puts an issue into a state. */
export interface StateChange {
  state: "open" | "closed";
  labels?: string[];
}

/**
 * How to put an issue with these labels into `stateName` (B.budget's `on_exceeded_state`). Native
 * mode: only `open` and `closed` exist. Label mode: `closed` closes it; any other state reopens it
 * with that state's label (`<prefix> <state>`) in place of its state labels, other labels kept;
 * `state_labels.default_state` (or `open`) is an open issue without a state label.
 */
export function stateChange(
  labelNames: readonly string[],
  stateName: string,
  labels: StateLabelSettings | null,
  issue: string,
): StateChange {
  const wanted = normalizeState(stateName);
  if (wanted === GITHUB_CLOSED) return { state: GITHUB_CLOSED };
  if (labels === null) {
    if (wanted === GITHUB_OPEN) return { state: GITHUB_OPEN };
    throw new BatonError(
      "invalid_tracker_config",
      `cannot move ${issue} to ${describe(stateName)}: GitHub issues are open or closed (set tracker.provider.state_labels to use labels as states)`,
      { issue, state: stateName },
    );
  }
  const kept = labelNames.filter((label) => stateNameOf(label, labels.prefix) === null);
  const unlabeled =
    wanted === GITHUB_OPEN ||
    (labels.default_state !== null && wanted === normalizeState(labels.default_state));
  if (unlabeled) return { state: GITHUB_OPEN, labels: kept };
  const separator = /\s$/.test(labels.prefix) ? "" : " ";
  return { state: GITHUB_OPEN, labels: [...kept, `${labels.prefix}${separator}${stateName.trim()}`] };
}

/**
 * Checks `tracker.active_states` / `terminal_states` against the state model. Native mode: GitHub
 * only knows `open` (active) and `closed` (terminal). Label mode: closed issues are always terminal,
 * so `closed` must be terminal, and `open`/`closed` cannot be active (unlabeled open issues are
 * picked up through `state_labels.default_state`).
 */
export function checkConfiguredStates(
  activeStates: readonly string[],
  terminalStates: readonly string[],
  labels: StateLabelSettings | null,
): void {
  const active = activeStates.map(normalizeState);
  const terminal = terminalStates.map(normalizeState);
  if (labels === null) {
    const badActive = activeStates.find((_, index) => active[index] !== GITHUB_OPEN);
    if (badActive !== undefined) {
      throw stateError(
        "tracker.active_states",
        `may only contain "open" for tracker kind github (issues are open or closed; set tracker.provider.state_labels to use labels as states); got ${describe(badActive)}`,
      );
    }
    const badTerminal = terminalStates.find((_, index) => terminal[index] !== GITHUB_CLOSED);
    if (badTerminal !== undefined) {
      throw stateError(
        "tracker.terminal_states",
        `may only contain "closed" for tracker kind github (set tracker.provider.state_labels to use labels as states); got ${describe(badTerminal)}`,
      );
    }
    return;
  }
  const reserved = activeStates.find(
    (_, index) => active[index] === GITHUB_OPEN || active[index] === GITHUB_CLOSED,
  );
  if (reserved !== undefined) {
    throw stateError(
      "tracker.active_states",
      `cannot contain ${describe(reserved)} when tracker.provider.state_labels is set: list state label names (to pick up open issues without a state label, set state_labels.default_state)`,
    );
  }
  if (terminal.includes(GITHUB_OPEN)) {
    throw stateError(
      "tracker.terminal_states",
      'cannot contain "open" when tracker.provider.state_labels is set',
    );
  }
  if (!terminal.includes(GITHUB_CLOSED)) {
    throw stateError(
      "tracker.terminal_states",
      'must contain "closed" when tracker.provider.state_labels is set, so closed issues are cleaned up',
    );
  }
}

function stateError(field: string, problem: string): BatonError {
  return new BatonError("invalid_tracker_config", `${field} ${problem}`, { field });
}
