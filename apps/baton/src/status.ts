import type { OrchestratorSnapshot } from "@baton/orchestrator";

const BOLD = "\x1b[1m";
const DIM = "\x1b[2m";
const GREEN = "\x1b[32m";
const YELLOW = "\x1b[33m";
const RED = "\x1b[31m";
const RESET = "\x1b[0m";
const MAX_ROWS = 8;

/**
 * The live terminal status block: a summary line, then one line per running, retrying and blocked
 * issue. Drawn from the orchestrator snapshot only (SPEC 13.4); it never influences scheduling.
 */
export function renderStatus(snapshot: OrchestratorSnapshot, nowMs: number): string[] {
  const totals = snapshot.codex_totals;
  const lines = [
    `${BOLD}Baton${RESET} ${GREEN}${snapshot.counts.running} running${RESET} · ${YELLOW}${snapshot.counts.retrying} retrying${RESET} · ${RED}${snapshot.counts.blocked} blocked${RESET} · tokens ${compact(totals.input_tokens)} in / ${compact(totals.output_tokens)} out · agent time ${duration(totals.seconds_running)}${snapshot.last_error ? ` · ${RED}${snapshot.last_error.category}${RESET}` : ""}`,
  ];
  const rows: string[] = [];
  for (const row of snapshot.running) {
    const elapsed = (nowMs - Date.parse(row.started_at)) / 1000;
    rows.push(
      `  ${GREEN}▶${RESET} ${row.issue_identifier.padEnd(9)} ${oneLine(row.title).slice(0, 28).padEnd(28)} ${row.state.padEnd(12)} turn ${row.turn_count} · ${compact(row.tokens.total_tokens)} tok · ${duration(elapsed)} ${DIM}${oneLine(row.last_message ?? row.last_event ?? "starting")}${RESET}`,
    );
  }
  for (const row of snapshot.retrying) {
    const inSeconds = Math.max(0, (Date.parse(row.due_at) - nowMs) / 1000);
    rows.push(
      `  ${YELLOW}↻${RESET} ${row.issue_identifier.padEnd(9)} retry #${row.attempt} in ${duration(inSeconds)} ${DIM}${oneLine(row.error ?? "continuation check")}${RESET}`,
    );
  }
  for (const row of snapshot.blocked) {
    rows.push(
      `  ${RED}■${RESET} ${row.issue_identifier.padEnd(9)} blocked ${DIM}${oneLine(row.error)}${RESET}`,
    );
  }
  lines.push(...rows.slice(0, MAX_ROWS));
  if (rows.length > MAX_ROWS) lines.push(`  ${DIM}… ${rows.length - MAX_ROWS} more${RESET}`);
  return lines;
}

/** Agent text can hold newlines and escapes; a status row must stay one terminal line. */
function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, " ").trim();
}

function compact(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)}k`;
  return String(n);
}

function duration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
