import type { Issue } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { emptyLedger } from "../src/budget.ts";
import {
  addUsage,
  dispatchIneligibility,
  foldAgentEvent,
  globalSlots,
  issueRoutable,
  parseTimestamp,
  recheckBlocked,
  reconcileRunning,
  retryDelayMs,
  retryTimerAction,
  schedulingView,
  sortForDispatch,
  stalledForMs,
  stateSlots,
} from "../src/decisions.ts";
import type { Claim, ClaimStatus } from "../src/state.ts";
import { newSession } from "../src/state.ts";
import { issue, makeConfig, T0, tokens } from "./helpers.ts";

/** A claim with this status (only the fields the decisions read are real). */
function claim(status: ClaimStatus, entry: Issue): Claim {
  return { status, issue: entry, started_at_ms: T0, session: newSession() } as Claim;
}

/** The scheduling view of a state holding these claims. */
function viewOf(...claims: Claim[]) {
  return schedulingView(
    { claims: Object.fromEntries(claims.map((entry) => [entry.issue.id, entry])), budget: emptyLedger() },
    0,
  );
}

function stateWithRunning(...running: Issue[]) {
  return viewOf(...running.map((entry) => claim("running", entry)));
}

describe("dispatch ordering", () => {
  it("[S8.2-sort-order] orders by priority 1..4, then oldest creation time, then identifier", () => {
    const sorted = sortForDispatch([
      issue("a", { identifier: "A-9", priority: null, created_at: "2026-01-01T00:00:00.000Z" }),
      issue("b", { identifier: "A-2", priority: 2, created_at: "2026-01-03T00:00:00.000Z" }),
      issue("c", { identifier: "A-3", priority: 2, created_at: "2026-01-02T00:00:00.000Z" }),
      issue("d", { identifier: "A-4", priority: 0, created_at: "2025-01-01T00:00:00.000Z" }),
      issue("e", { identifier: "A-5", priority: 1, created_at: null }),
      issue("f", { identifier: "A-6", priority: 7, created_at: "2024-01-01T00:00:00.000Z" }),
      issue("g", { identifier: "A-1", priority: 2, created_at: "2026-01-02T00:00:00.000Z" }),
      issue("h", { identifier: "A-7", priority: 2, created_at: null }),
    ]);
    // Priority 0 and 7 are outside 1..4, so they sort with null after the bucket, oldest first.
    expect(sorted.map((entry) => entry.identifier)).toEqual([
      "A-5",
      "A-1",
      "A-3",
      "A-2",
      "A-7",
      "A-6",
      "A-4",
      "A-9",
    ]);
  });

  it("[S8.2-sort-order] reads creation times exactly as Date.parse does, in every form a tracker may give", () => {
    const times = [
      "2026-01-02T03:04:05.678Z",
      "1999-12-31T23:59:59.999Z",
      "2026-02-31T00:00:00.000Z",
      "2026-04-31T12:00:00.000Z",
      "2026-01-01T24:00:00.000Z",
      "2026-01-01T23:59:60.000Z",
      "2026-13-01T00:00:00.000Z",
      "0099-01-01T00:00:00.000Z",
      "2026-01-0xT00:00:00.000Z",
      "2026-02-24T20:15:30+02:00",
      "2026-02-24T20:15:30Z",
      "2026-02-24",
      "not a date",
      "",
    ];
    for (const text of times) expect([text, parseTimestamp(text)]).toEqual([text, Date.parse(text)]);
  });
});

describe("eligibility", () => {
  const config = makeConfig({ tracker: { required_labels: ["Backend"] } });
  const labelled = (id: string, fields: Partial<Issue> = {}) => issue(id, { labels: ["backend"], ...fields });

  it("[S8.2-eligible] accepts an active, dispatchable, labelled, unclaimed issue while slots are free", () => {
    expect(dispatchIneligibility(labelled("1"), config, viewOf())).toBeNull();
  });

  it("[S8.2-required-fields] rejects an issue missing its identifier, title or state", () => {
    const state = viewOf();
    expect(dispatchIneligibility(labelled("1", { title: "  " }), config, state)).toBe(
      "missing_required_fields",
    );
    expect(dispatchIneligibility(labelled("1", { identifier: "" }), config, state)).toBe(
      "missing_required_fields",
    );
    expect(dispatchIneligibility(labelled("1", { state: "" }), config, state)).toBe(
      "missing_required_fields",
    );
  });

  it("[S8.2-active-not-terminal][S4.2-normalized-state] needs an active state that is not terminal, compared trimmed and lowercased", () => {
    const state = viewOf();
    expect(dispatchIneligibility(labelled("1", { state: "  in PROGRESS " }), config, state)).toBeNull();
    expect(dispatchIneligibility(labelled("1", { state: "Backlog" }), config, state)).toBe("inactive_state");
    expect(dispatchIneligibility(labelled("1", { state: "done" }), config, state)).toBe("terminal_state");
    const overlapping = makeConfig({
      tracker: { active_states: ["Todo", "Done"], terminal_states: ["done"] },
    });
    expect(dispatchIneligibility(issue("1", { state: "Done" }), overlapping, state)).toBe("terminal_state");
  });

  it("[S8.2-not-dispatchable] never dispatches an issue the adapter marked dispatchable=false", () => {
    expect(dispatchIneligibility(labelled("1", { dispatchable: false }), config, viewOf())).toBe(
      "not_dispatchable",
    );
    expect(issueRoutable(labelled("1", { dispatchable: false }), [])).toBe(false);
  });

  it("[S8.2-required-labels] matches required labels case-insensitively; a blank required label matches nothing", () => {
    expect(issueRoutable(issue("1", { labels: ["backend", "urgent"] }), [" BackEnd ", "URGENT"])).toBe(true);
    expect(issueRoutable(issue("1", { labels: ["backend"] }), ["backend", "urgent"])).toBe(false);
    expect(issueRoutable(issue("1", { labels: ["Backend"] }), ["backend"])).toBe(true);
    expect(issueRoutable(issue("1", { labels: ["backend", ""] }), ["backend", "  "])).toBe(false);
    expect(issueRoutable(issue("1", { labels: [] }), [])).toBe(true);
    expect(dispatchIneligibility(issue("1", { labels: ["frontend"] }), config, viewOf())).toBe(
      "missing_required_labels",
    );
  });

  it("[S8.2-not-claimed][S7.4-claim-check] skips issues already running, retry-queued or blocked", () => {
    const candidate = labelled("1");
    const running = stateWithRunning(candidate);
    expect(dispatchIneligibility(candidate, config, running)).toBe("already_running");

    const retrying = viewOf(claim("retry_queued", candidate));
    expect(dispatchIneligibility(candidate, config, retrying)).toBe("already_claimed");
    expect(dispatchIneligibility(candidate, config, retrying, { ownClaim: "1" })).toBeNull();

    const blocked = viewOf(claim("blocked", candidate));
    expect(dispatchIneligibility(candidate, config, blocked)).toBe("already_claimed");

    // Only claims count, never what every object inherits.
    for (const id of ["constructor", "toString", "__proto__"]) {
      expect(dispatchIneligibility(labelled(id), config, running)).toBeNull();
    }
  });
});

describe("concurrency slots", () => {
  it("[S8.3-global-limit] frees max(max_concurrent_agents - running, 0) slots", () => {
    const config = makeConfig({ agent: { max_concurrent_agents: 2 } });
    expect(globalSlots(config, viewOf())).toBe(2);
    expect(globalSlots(config, stateWithRunning(issue("1")))).toBe(1);
    expect(globalSlots(config, stateWithRunning(issue("1"), issue("2"), issue("3")))).toBe(0);
    expect(dispatchIneligibility(issue("4"), config, stateWithRunning(issue("1"), issue("2")))).toBe(
      "no_global_slots",
    );
  });

  it("[S8.3-per-state-limit] limits by normalized state, counting running issues by their current state, else the global limit", () => {
    const config = makeConfig({
      agent: { max_concurrent_agents: 5, max_concurrent_agents_by_state: { "in progress": 1 } },
    });
    const state = stateWithRunning(issue("1", { state: "In Progress " }), issue("2", { state: "Todo" }));
    expect(stateSlots(config, state, "IN PROGRESS")).toBe(0);
    expect(dispatchIneligibility(issue("3", { state: "In Progress" }), config, state)).toBe("no_state_slots");
    // Todo has no override: the global limit of 5 applies, minus the one running Todo issue.
    expect(stateSlots(config, state, "Todo")).toBe(4);
    expect(dispatchIneligibility(issue("4", { state: "Todo" }), config, state)).toBeNull();
  });
});

describe("retry delays", () => {
  it("[S8.4-continuation-retry] waits a fixed 1000 ms before re-checking after a normal exit", () => {
    expect(retryDelayMs("continuation", 1, 300_000)).toBe(1000);
  });

  it("[S8.4-failure-backoff] backs off failures 10 s, 20 s, 40 s, ... by attempt", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs("failure", attempt, 300_000))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000,
    ]);
  });

  it("[S8.4-backoff-cap] never waits longer than agent.max_retry_backoff_ms, even for huge attempt numbers", () => {
    expect(retryDelayMs("failure", 6, 300_000)).toBe(300_000);
    expect(retryDelayMs("failure", 3, 25_000)).toBe(25_000);
    expect(retryDelayMs("failure", 5000, 300_000)).toBe(300_000);
    expect(Number.isFinite(retryDelayMs("failure", Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER))).toBe(
      true,
    );
  });
});

describe("reconciliation", () => {
  const config = makeConfig({ tracker: { required_labels: ["agent"] } });
  const routable = (fields: Partial<Issue>) => issue("1", { labels: ["agent"], ...fields });

  it("[S8.5-terminal-stop-clean][S8.5-refresh-active-update][S8.5-non-active-stop][S8.5-unroutable-stop][S16.3-missing-stops] maps each refreshed state to its action", () => {
    expect(reconcileRunning(routable({ state: "Done" }), config)).toEqual({
      kind: "stop",
      reason: "terminal_state",
      cleanup: true,
    });
    const refreshed = routable({ state: "In Progress" });
    expect(reconcileRunning(refreshed, config)).toEqual({ kind: "update", issue: refreshed });
    expect(reconcileRunning(issue("1", { state: "In Progress", labels: [] }), config)).toEqual({
      kind: "stop",
      reason: "unroutable",
      cleanup: false,
    });
    expect(reconcileRunning(routable({ state: "In Progress", dispatchable: false }), config)).toMatchObject({
      reason: "unroutable",
      cleanup: false,
    });
    expect(reconcileRunning(routable({ state: "Human Review" }), config)).toEqual({
      kind: "stop",
      reason: "inactive_state",
      cleanup: false,
    });
    expect(reconcileRunning(undefined, config)).toEqual({ kind: "stop", reason: "missing", cleanup: false });
  });

  it("[S8.5-stall-detection] measures silence from the last agent event, else from the start", () => {
    const session = newSession();
    expect(stalledForMs({ started_at_ms: T0, session }, T0 + 5000, 5000)).toBeNull();
    expect(stalledForMs({ started_at_ms: T0, session }, T0 + 5001, 5000)).toBe(5001);
    const active = { ...session, last_event_at_ms: T0 + 4000 };
    expect(stalledForMs({ started_at_ms: T0, session: active }, T0 + 8000, 5000)).toBeNull();
    expect(stalledForMs({ started_at_ms: T0, session: active }, T0 + 9500, 5000)).toBe(5500);
  });

  it("[S8.5-stall-disabled] skips stall detection when stall_timeout_ms <= 0", () => {
    const session = newSession();
    expect(stalledForMs({ started_at_ms: T0, session }, T0 + 10_000_000, 0)).toBeNull();
    expect(stalledForMs({ started_at_ms: T0, session }, T0 + 10_000_000, -1)).toBeNull();
  });
});

describe("retry timer and blocked re-check", () => {
  const config = makeConfig({ agent: { max_concurrent_agents: 1 } });

  it("[S8.4-retry-refresh][S8.4-retry-terminal-cleanup][S8.4-retry-release-inactive] releases missing, terminal (with cleanup) and inactive or unroutable issues", () => {
    const state = viewOf();
    expect(retryTimerAction("1", undefined, config, state)).toEqual({
      kind: "release",
      reason: "missing",
      cleanup: false,
    });
    expect(retryTimerAction("1", issue("1", { state: "Done" }), config, state)).toEqual({
      kind: "release",
      reason: "terminal_state",
      cleanup: true,
    });
    expect(retryTimerAction("1", issue("1", { state: "Backlog" }), config, state)).toEqual({
      kind: "release",
      reason: "inactive_state",
      cleanup: false,
    });
    expect(retryTimerAction("1", issue("1", { dispatchable: false }), config, state)).toMatchObject({
      kind: "release",
      cleanup: false,
    });
  });

  it("[S8.4-retry-dispatch][S8.4-retry-no-slots] dispatches an active issue despite its own claim, or requeues when no slot is free", () => {
    const fresh = issue("1", { state: "In Progress" });
    const retrying = viewOf(claim("retry_queued", fresh));
    expect(retryTimerAction("1", fresh, config, retrying)).toEqual({ kind: "dispatch", issue: fresh });

    const full = viewOf(claim("running", issue("2")), claim("retry_queued", fresh));
    expect(retryTimerAction("1", fresh, config, full)).toEqual({ kind: "requeue" });
  });

  it("[S7.1-blocked-claim] keeps a blocked issue only while it stays active and routable", () => {
    const still = issue("1", { state: "In Progress" });
    expect(recheckBlocked(still, config)).toEqual({ kind: "stay", issue: still });
    expect(recheckBlocked(issue("1", { state: "Done" }), config)).toEqual({
      kind: "release",
      reason: "terminal_state",
      cleanup: true,
    });
    expect(recheckBlocked(issue("1", { state: "Backlog" }), config)).toMatchObject({
      kind: "release",
      cleanup: false,
    });
    expect(recheckBlocked(issue("1", { dispatchable: false }), config)).toMatchObject({
      kind: "release",
      cleanup: false,
    });
    expect(recheckBlocked(undefined, config)).toEqual({ kind: "release", reason: "missing", cleanup: false });
  });
});

describe("agent event accounting", () => {
  const base = { timestamp: "2026-03-01T12:00:00.000Z", codex_app_server_pid: 77, summary: "working" };

  it("[S7.3-codex-update][S4.1.6-live-session][S4.1.8-codex-totals] adds usage deltas to the session and the totals and keeps the latest event", () => {
    const session = newSession();
    const totals = { ...tokens(100, 10), ended_seconds: 12 };
    const first = {
      ...base,
      event: "notification" as const,
      session_id: "th-1-tu-1",
      thread_id: "th-1",
      usage_delta: tokens(50, 5),
    };
    foldAgentEvent(session, first, T0 + 1000);
    addUsage(totals, first.usage_delta);
    const second = {
      ...base,
      event: "turn_completed" as const,
      summary: "turn done",
      usage_delta: tokens(20, 2),
    };
    foldAgentEvent(session, second, T0 + 2000);
    addUsage(totals, second.usage_delta);
    expect(session).toMatchObject({
      session_id: "th-1-tu-1",
      thread_id: "th-1",
      codex_app_server_pid: 77,
      last_event: "turn_completed",
      last_message: "turn done",
      last_event_at_ms: T0 + 2000,
      tokens: tokens(70, 7),
    });
    expect(totals).toEqual({ ...tokens(170, 17), ended_seconds: 12 });
  });

  it("[S4.1.6-turn-count] counts one turn per distinct session id", () => {
    const session = newSession();
    const turns: boolean[] = [];
    for (const sessionId of ["th-tu1", "th-tu1", undefined, "th-tu2", "th-tu3"]) {
      turns.push(foldAgentEvent(session, { ...base, event: "notification", session_id: sessionId }, T0));
    }
    expect(session.turn_count).toBe(3);
    expect(turns).toEqual([true, false, false, true, true]);
  });
});
