// Baton dashboard: renders GET /api/v1/state and GET /api/v1/<id>, kept live by GET /api/v1/events.
// Every value from the server is untrusted text: it only ever enters the page through textContent.

(() => {
  const TOKEN_KEY = "baton.token";
  const REFETCH_GAP_MS = 250;
  const MAX_BACKOFF_MS = 15_000;

  const token = takeToken();
  let state = null;
  /** Server clock minus ours, so ticking runtimes match the server's timestamps. */
  let clockOffsetMs = 0;
  let selected = selectionFromHash();
  let detail = null;
  let detailProblem = null;
  let apiProblem = null;

  const $ = (id) => document.getElementById(id);

  // ---- access ------------------------------------------------------------------------------------

  /** A `#token=...` fragment is moved into sessionStorage and out of the address bar. */
  function takeToken() {
    const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
    if (match) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
      history.replaceState(null, "", location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function authHeaders() {
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  async function problemOf(response) {
    const body = await response.json().catch(() => null);
    const code = body?.error?.code ?? `http_${response.status}`;
    const message = body?.error?.message ?? response.statusText;
    return Object.assign(new Error(`${code}: ${message}`), { code, status: response.status });
  }

  async function api(path, init = {}) {
    const response = await fetch(path, { ...init, headers: authHeaders(), cache: "no-store" });
    if (!response.ok) throw await problemOf(response);
    return response.json();
  }

  /** Write routes take JSON bodies only. */
  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { ...authHeaders(), "content-type": "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
    });
    if (!response.ok) throw await problemOf(response);
    return response.json();
  }

  // ---- formatting --------------------------------------------------------------------------------

  const numberFormat = new Intl.NumberFormat();
  const formatNumber = (value) => numberFormat.format(value);

  function formatDuration(seconds) {
    if (seconds < 10) return `${Math.max(seconds, 0).toFixed(1)}s`;
    const total = Math.max(Math.floor(seconds), 0);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
    if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
    return `${s}s`;
  }

  /** Agent output can carry terminal colour codes and control characters: show the text only. */
  function plain(text) {
    return String(text)
      .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "")
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
  }

  function formatTime(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : "–";
  }

  const serverNow = () => Date.now() + clockOffsetMs;
  const secondsSince = (iso) => (serverNow() - Date.parse(iso)) / 1000;

  /** Only http(s) tracker links become links; anything else (javascript:, data:) stays text. */
  function safeUrl(value) {
    if (!value) return null;
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch {
      return null;
    }
  }

  // ---- DOM helpers -------------------------------------------------------------------------------

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  /** Where a running attempt runs: a queue worker's host and pid, or this Baton process. */
  function workerText(worker) {
    return worker ? `${worker.host} (pid ${worker.pid})` : "this process";
  }

  function cell(label, className, ...children) {
    const td = el("td", className, ...children);
    td.dataset.label = label;
    return td;
  }

  function issueLink(identifier, url) {
    const href = safeUrl(url);
    if (!href) return el("span", "ident", identifier);
    const link = el("a", "ident", identifier);
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.title = "Open in the tracker";
    link.addEventListener("click", (event) => event.stopPropagation());
    return link;
  }

  /** Identifier (linked to the tracker when it has an http(s) URL) with the ticket title under it. */
  function issueCell(row) {
    return cell(
      "Issue",
      "issue",
      issueLink(row.issue_identifier, row.issue_url),
      el("div", "issue-title", plain(row.title)),
    );
  }

  /** A cell whose text the 1 s clock keeps current. */
  function ticking(label, kind, iso) {
    const td = cell(label, "num tick");
    td.dataset.tick = kind;
    td.dataset.at = iso;
    renderTick(td);
    return td;
  }

  function renderTick(td) {
    const elapsed = secondsSince(td.dataset.at);
    if (td.dataset.tick === "until") td.textContent = elapsed >= 0 ? "now" : `in ${formatDuration(-elapsed)}`;
    else td.textContent = formatDuration(elapsed);
  }

  function fillKv(dl, pairs) {
    dl.replaceChildren();
    for (const [key, value, className] of pairs) {
      dl.append(el("dt", null, key), el("dd", className ?? null, value));
    }
  }

  function fillTable(id, rows, toRow) {
    const table = $(id);
    const body = table.querySelector("tbody");
    body.replaceChildren(
      ...rows.map((row) => {
        const tr = toRow(row);
        tr.dataset.issue = row.issue_identifier;
        if (row.issue_identifier === selected) tr.classList.add("selected");
        tr.addEventListener("click", () => select(row.issue_identifier));
        return tr;
      }),
    );
    table.hidden = rows.length === 0;
    document.querySelector(`.empty[data-for="${id}"]`).hidden = rows.length > 0;
  }

  // ---- rendering ---------------------------------------------------------------------------------

  /** Spend against budget: the period's on the card, then each held or limited issue. */
  function renderBudget(budget) {
    const period = budget.period;
    const money = (cost) => (cost === null ? "" : ` · ${cost.toFixed(2)} ${budget.currency}`);
    $("budget-period").textContent =
      period.max_tokens === null
        ? formatNumber(period.tokens)
        : `${formatNumber(period.tokens)} / ${formatNumber(period.max_tokens)}`;
    const parts = [];
    if (period.key !== null)
      parts.push(`${period.key}${period.exhausted ? " · exhausted: no new runs" : ""}${money(period.cost)}`);
    for (const issue of budget.issues) {
      if (issue.max_tokens === null && !issue.held) continue;
      const limit = issue.max_tokens === null ? "" : ` / ${formatNumber(issue.max_tokens)}`;
      parts.push(
        `${issue.issue_identifier} ${formatNumber(issue.tokens)}${limit}${issue.held ? " (held)" : ""}`,
      );
    }
    $("budget-detail").textContent = parts.join(" · ");
  }

  function render() {
    renderAlerts();
    if (!state) return;
    $("generated").textContent = `updated ${formatTime(state.generated_at)}`;
    $("count-running").textContent = formatNumber(state.counts.running);
    $("count-retrying").textContent = formatNumber(state.counts.retrying);
    $("count-blocked").textContent = formatNumber(state.counts.blocked);
    $("count-stopped").textContent = formatNumber(state.counts.stopped);
    $("count-awaiting").textContent = formatNumber(state.counts.awaiting_approval ?? 0);
    const totals = state.codex_totals;
    $("tokens-total").textContent = formatNumber(totals.total_tokens);
    $("tokens-split").textContent =
      `${formatNumber(totals.input_tokens)} in · ${formatNumber(totals.output_tokens)} out`;
    renderBudget(state.budget);

    fillTable("running", state.running, (row) =>
      el(
        "tr",
        null,
        issueCell(row),
        cell("State", null, row.state, row.pipeline ? el("div", "muted", pipelineLine(row.pipeline)) : null),
        cell("Turns", "num", formatNumber(row.turn_count)),
        cell(
          "Last activity",
          "message",
          row.agent_request
            ? `waiting for approval: ${plain(row.agent_request.summary)}`
            : plain(row.last_message || row.last_event || "starting…"),
        ),
        ticking("Runtime", "since", row.started_at),
        cell("Tokens", "num", formatNumber(row.tokens.total_tokens)),
        cell("Worker", "mono", workerText(row.worker)),
      ),
    );
    fillTable("awaiting", state.awaiting_approval ?? [], (row) =>
      el(
        "tr",
        null,
        issueCell(row),
        cell("Gate", "mono", row.gate_id),
        cell(
          "Pipeline",
          "message",
          row.pipeline ? pipelineLine(row.pipeline) : plain(row.agent_request?.summary ?? ""),
        ),
        ticking("Waiting", "since", row.since),
      ),
    );
    fillTable("retrying", state.retrying, (row) =>
      el(
        "tr",
        null,
        issueCell(row),
        cell("Attempt", "num", row.attempt),
        ticking("Due", "until", row.due_at),
        cell(
          "Reason",
          row.error ? "error" : "message",
          row.error ?? "continuation: checking the ticket again",
        ),
      ),
    );
    fillTable("blocked", state.blocked, (row) =>
      el(
        "tr",
        null,
        issueCell(row),
        cell("State", null, row.state),
        cell("Needs", "error", row.error),
        ticking("Since", "since", row.blocked_at),
      ),
    );
    fillTable("stopped", state.stopped, (row) =>
      el(
        "tr",
        null,
        issueCell(row),
        cell("State", null, row.state ?? "–"),
        cell("Reason", "message", plain(row.reason)),
        ticking("Since", "since", row.stopped_at),
      ),
    );
    renderRateLimits(state.rate_limits);
    renderWorkflow(state.workflow);
    renderClock();
  }

  function renderAlerts() {
    const alerts = [];
    const add = (kind, title, text) =>
      alerts.push(el("div", `alert alert-${kind}`, el("strong", null, title), text));
    if (apiProblem) add("bad", "Status API:", apiProblem);
    const invalid = state?.workflow.error;
    if (invalid) {
      add(
        "bad",
        "WORKFLOW.md is invalid;",
        `running on the last good version. ${invalid.category}: ${invalid.message}`,
      );
    }
    for (const link of state?.connections ?? []) {
      if (link.status === "connected" || link.status === "closed") continue;
      const reason = link.last_error ? ` (${link.last_error})` : "";
      add(
        "bad",
        `Redis ${link.status}:`,
        `${link.role} connection to ${link.url} since ${formatTime(link.since)}${reason}; retrying with backoff.`,
      );
    }
    const store = state?.state_store?.error;
    if (store) add("bad", "State store:", `${store.message}. No new run starts until it can write again.`);
    const loop = state?.last_error;
    if (loop) add("warn", "Poll loop:", `${loop.category}: ${loop.message} (${formatTime(loop.at)})`);
    $("alerts").replaceChildren(...alerts);
  }

  const pick = (object, ...keys) => keys.map((key) => object[key]).find((value) => value != null);

  /** A rate-limit window (`primary`, `secondary`, ...): used percent, window length, when it resets. */
  function windowOf(value) {
    if (value === null || typeof value !== "object") return null;
    const used = pick(value, "usedPercent", "used_percent");
    if (typeof used !== "number") return null;
    const minutes = pick(value, "windowDurationMins", "window_minutes", "windowMinutes");
    const resetsAt = pick(value, "resetsAt", "resets_at");
    const resetsIn = pick(value, "resetsInSeconds", "resets_in_seconds");
    let resetSeconds = null;
    if (typeof resetsIn === "number") resetSeconds = resetsIn;
    else if (typeof resetsAt === "number") resetSeconds = resetsAt - serverNow() / 1000;
    else if (typeof resetsAt === "string" && !Number.isNaN(Date.parse(resetsAt)))
      resetSeconds = (Date.parse(resetsAt) - serverNow()) / 1000;
    return { used, minutes: typeof minutes === "number" ? minutes : null, resetSeconds };
  }

  function windowName(key, minutes) {
    if (minutes === null) return key;
    const span =
      minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
    return `${key} (${span} window)`;
  }

  /** Windows as "used % · resets in", everything else the agent reported as flattened pairs. */
  function renderRateLimits(limits) {
    const pairs = [];
    const walk = (value, path) => {
      const window = windowOf(value);
      if (window) {
        const meter = el("span", `meter${window.used >= 90 ? " error" : ""}`, `${window.used}% used`);
        const reset =
          window.resetSeconds === null
            ? ""
            : ` · resets ${window.resetSeconds <= 0 ? "now" : `in ${formatDuration(window.resetSeconds)}`}`;
        pairs.push([windowName(path, window.minutes), el("span", null, meter, reset)]);
      } else if (value !== null && typeof value === "object" && path.split(".").length < 4) {
        for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
      } else if (value !== null && value !== undefined) {
        pairs.push([
          path === "limitId" || path === "limit_id" ? "Limit" : path,
          path.endsWith("percent") ? `${value}%` : typeof value === "object" ? JSON.stringify(value) : value,
        ]);
      }
    };
    walk(limits, "");
    fillKv($("rate-limits"), pairs.length > 0 ? pairs : [["Status", "none reported yet"]]);
  }

  function renderWorkflow(workflow) {
    const reload = workflow.last_reload;
    const pairs = [["File", el("span", "mono", workflow.path)]];
    if (!reload) pairs.push(["Last reload", "none since start"]);
    else if (reload.outcome === "applied")
      pairs.push(["Last reload", `applied at ${formatTime(reload.at)}`, "ok"]);
    else {
      pairs.push(["Last reload", `rejected at ${formatTime(reload.at)}`, "error"]);
      pairs.push(["Reason", `${reload.error.category}: ${reload.error.message}`, "error"]);
    }
    pairs.push([
      "Current config",
      workflow.error ? "last good version (newest is invalid)" : "valid",
      workflow.error ? "error" : "ok",
    ]);
    fillKv($("workflow"), pairs);
  }

  function renderClock() {
    if (!state) return;
    const live = state.running.length * Math.max(secondsSince(state.generated_at), 0);
    $("runtime").textContent = formatDuration(state.codex_totals.seconds_running + live);
    const next = state.polling.next_tick_at;
    $("next-poll").textContent = state.polling.checking
      ? "polling the tracker…"
      : next
        ? `next poll ${secondsSince(next) >= 0 ? "now" : `in ${formatDuration(-secondsSince(next))}`}`
        : "";
    for (const td of document.querySelectorAll("td.tick")) renderTick(td);
  }

  /** `plan ✓ → implement … → review` with the cycle count: a pipeline in one line. */
  function pipelineLine(pipeline) {
    const marks = { completed: " ✓", current: " …", pending: "" };
    const phases = pipeline.phases.map((phase) => `${phase.name}${marks[phase.status]}`).join(" → ");
    return pipeline.cycles > 0 ? `${phases} (cycles: ${pipeline.cycles})` : phases;
  }

  function renderPipeline() {
    const pipeline = detail?.pipeline ?? null;
    $("pipeline").hidden = pipeline === null;
    if (pipeline === null) return;
    $("pipeline-phases").replaceChildren(
      ...pipeline.phases.map((phase) => {
        const item = el("li", phase.status, `${phase.name} (${phase.kind})`);
        item.title = phase.status;
        return item;
      }),
    );
    const cycles = Object.entries(pipeline.cycles_by_phase)
      .map(([phase, used]) => `${phase}: ${used}`)
      .join(", ");
    $("pipeline-cycles").textContent =
      `current phase: ${pipeline.current ?? "none"} · cycles: ${pipeline.cycles}${cycles ? ` (${cycles})` : ""}`;
  }

  /** A waiting gate: a pipeline's, or the agent's own request (B.phases approvals), with what awaits approval. */
  function renderGate() {
    const request = detail?.agent_request ?? null;
    const waiting = detail?.pipeline?.waiting ?? null;
    const shown = request !== null || (waiting !== null && detail.status === "awaiting_approval");
    $("gate").hidden = !shown;
    $("approve-note").hidden = request?.kind !== "user_input";
    if (!shown) return;
    if (request !== null) {
      $("gate-title").textContent =
        `The agent asks to ${plain(request.summary)} (since ${formatTime(request.asked_at)})`;
      $("gate-artifact").textContent = agentRequestText(request);
      return;
    }
    $("gate-title").textContent =
      `Awaiting approval at ${waiting.gate_id} since ${formatTime(waiting.since)}`;
    $("gate-artifact").textContent = waiting.artifact ?? "(this gate shows no artifact)";
  }

  /** The command and its directory, the diff, or the questions: what the person decides on. */
  function agentRequestText(request) {
    const lines = [];
    if (request.reason) lines.push(`Reason: ${request.reason}`);
    if (request.command) lines.push(`Command: ${request.command}`);
    if (request.cwd) lines.push(`Directory: ${request.cwd}`);
    if (request.diff) lines.push("", request.diff);
    for (const question of request.questions) {
      const options = question.options.length > 0 ? ` (options: ${question.options.join(", ")})` : "";
      lines.push(`${question.header ? `[${question.header}] ` : ""}${question.question}${options}`);
    }
    return lines.length > 0 ? lines.join("\n") : request.summary;
  }

  function renderDetail() {
    const panel = $("detail");
    panel.hidden = selected === null;
    document.querySelector(".layout").classList.toggle("with-detail", selected !== null);
    for (const tr of document.querySelectorAll("tr[data-issue]")) {
      tr.classList.toggle("selected", tr.dataset.issue === selected);
    }
    if (selected === null) return;
    $("detail-title").replaceChildren(
      detail
        ? issueLink(
            detail.issue_identifier,
            detail.running?.issue_url ??
              detail.retry?.issue_url ??
              detail.blocked?.issue_url ??
              detail.stopped?.issue_url,
          )
        : selected,
    );
    $("detail-message").textContent = detailProblem ?? (detail ? `${detail.status}` : "loading…");
    $("detail-events-title").hidden = !detail;
    renderPipeline();
    renderGate();
    renderActions();
    renderSession();
    if (!detail) {
      $("detail-facts").replaceChildren();
      $("detail-events").replaceChildren();
      return;
    }
    const row = detail.running ?? detail.blocked ?? detail.retry ?? detail.stopped ?? {};
    const pairs = [
      ["Status", detail.status],
      ["Workspace", el("span", "mono", detail.workspace.path ?? "not created yet")],
      ["Attempt", detail.attempts.current_retry_attempt ?? "first run"],
      ["Restarts", detail.attempts.restart_count],
    ];
    if (row.state) pairs.push(["Tracker state", row.state]);
    if (detail.running) {
      pairs.push(["Session", detail.running.session_id ?? "starting"]);
      pairs.push(["Turns", detail.running.turn_count]);
      pairs.push(["Worker", el("span", "mono", workerText(detail.running.worker))]);
      pairs.push([
        "Tokens",
        `${formatNumber(detail.running.tokens.total_tokens)} (${formatNumber(detail.running.tokens.input_tokens)} in · ${formatNumber(detail.running.tokens.output_tokens)} out)`,
      ]);
      pairs.push(["Started", formatTime(detail.running.started_at)]);
    }
    if (detail.retry) pairs.push(["Retry due", formatTime(detail.retry.due_at)]);
    if (detail.stopped) {
      pairs.push(["Stopped", formatTime(detail.stopped.stopped_at)]);
      pairs.push(["Stop reason", plain(detail.stopped.reason)]);
    }
    for (const log of detail.logs.codex_session_logs)
      pairs.push([`Log (${log.label})`, el("span", "mono", log.path)]);
    pairs.push(["Last error", detail.last_error ?? "none", detail.last_error ? "error" : null]);
    fillKv($("detail-facts"), pairs);

    const events = [...detail.recent_events].reverse();
    $("detail-events").replaceChildren(
      ...(events.length > 0
        ? events.map((event) =>
            el(
              "li",
              null,
              el("span", "when", formatTime(event.at)),
              el("span", "what", event.event),
              el(
                "span",
                "msg",
                plain(event.count > 1 ? `${event.message} (×${event.count})` : event.message),
              ),
            ),
          )
        : [el("li", "muted", "no events yet")]),
    );
  }

  // ---- operator actions and the session log -------------------------------------------------------

  let actionResult = "";
  /** The selected issue's session log as read so far: events and the cursor to read on from. */
  let session = { issue: null, events: [], cursor: 0, hasMore: false, problem: null };
  const SESSION_PAGE = 200;
  const SESSION_KEEP = 1000;

  function renderActions() {
    const form = $("detail-actions");
    form.hidden = !detail;
    if (!detail) return;
    $("stop").hidden = detail.status === "stopped";
    $("stop-reason").hidden = $("stop").hidden;
    $("retry").hidden = detail.status === "running" || detail.status === "awaiting_approval";
    $("action-result").textContent = actionResult;
  }

  async function act(run) {
    try {
      const answer = await run();
      actionResult = `${answer.status.replace("_", " ")} at ${formatTime(answer.requested_at)}`;
    } catch (error) {
      actionResult = error.message;
    }
    renderActions();
    refetchState();
    refetchDetail();
  }

  function renderSession() {
    const list = $("session-events");
    $("session-title").hidden = selected === null;
    $("session-more").hidden = !session.hasMore;
    if (session.problem) {
      list.replaceChildren(el("li", "muted", session.problem));
      return;
    }
    list.replaceChildren(
      ...(session.events.length > 0
        ? [...session.events]
            .reverse()
            .map((event) =>
              el(
                "li",
                null,
                el("span", "when", event.timestamp ? formatTime(event.timestamp) : ""),
                el("span", "what", plain(event.event ?? "")),
                el("span", "msg", plain(event.summary ?? "")),
              ),
            )
        : [el("li", "muted", "no session events logged yet")]),
    );
  }

  /** Reads the next page of the selected issue's session log (from the start, then following it). */
  const readSession = coalesced(async () => {
    const wanted = selected;
    if (wanted === null) return;
    if (session.issue !== wanted)
      session = { issue: wanted, events: [], cursor: 0, hasMore: false, problem: null };
    try {
      const page = await api(
        `/api/v1/${encodeURIComponent(wanted)}/events?cursor=${session.cursor}&limit=${SESSION_PAGE}`,
      );
      if (wanted !== selected) return;
      session.events = [...session.events, ...page.events].slice(-SESSION_KEEP);
      session.cursor = page.next_cursor;
      session.hasMore = page.has_more;
      session.problem = null;
    } catch (error) {
      if (wanted !== selected) return;
      session.problem = error.code === "issue_not_found" ? "no session log for this issue" : error.message;
    }
    renderSession();
  });

  $("detail-actions").addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = $("stop-reason").value.trim();
    if (reason === "") {
      actionResult = "give a reason for stopping";
      renderActions();
      $("stop-reason").focus();
      return;
    }
    act(() => post(`/api/v1/${encodeURIComponent(selected)}/stop`, { reason })).then(() => {
      $("stop-reason").value = "";
    });
  });
  $("retry").addEventListener("click", () =>
    act(() => post(`/api/v1/${encodeURIComponent(selected)}/retry`, {})),
  );
  $("session-more").addEventListener("click", () => readSession());
  $("gate-actions").addEventListener("submit", (event) => {
    event.preventDefault();
    const note = $("approve-note").hidden ? "" : $("approve-note").value.trim();
    act(() =>
      post(
        `/api/v1/${encodeURIComponent(selected)}/approve`,
        note ? { by: "dashboard", note } : { by: "dashboard" },
      ),
    ).then(() => {
      $("approve-note").value = "";
    });
  });
  $("reject").addEventListener("click", () => {
    const reason = $("reject-reason").value.trim();
    if (reason === "") {
      actionResult = "give a reason for rejecting (it goes back to the phase)";
      renderActions();
      $("reject-reason").focus();
      return;
    }
    act(() => post(`/api/v1/${encodeURIComponent(selected)}/reject`, { reason, by: "dashboard" })).then(
      () => {
        $("reject-reason").value = "";
      },
    );
  });

  // ---- data flow ---------------------------------------------------------------------------------

  function applyState(next) {
    state = next;
    clockOffsetMs = Date.parse(next.generated_at) - Date.now();
    apiProblem = null;
    render();
  }

  /** Runs `task` at most once per gap; calls made meanwhile collapse into one more run. */
  function coalesced(task) {
    let running = false;
    let again = false;
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        await task();
      } finally {
        await new Promise((resolve) => setTimeout(resolve, REFETCH_GAP_MS));
        running = false;
        if (again) {
          again = false;
          run();
        }
      }
    };
    return run;
  }

  const refetchState = coalesced(async () => {
    try {
      applyState(await api("/api/v1/state"));
    } catch (error) {
      apiProblem = error.message;
      renderAlerts();
    }
  });

  const refetchDetail = coalesced(async () => {
    const wanted = selected;
    if (wanted === null) return;
    try {
      const next = await api(`/api/v1/${encodeURIComponent(wanted)}`);
      if (wanted !== selected) return;
      detail = next;
      detailProblem = null;
    } catch (error) {
      if (wanted !== selected) return;
      detail = null;
      detailProblem =
        error.code === "issue_not_found"
          ? `${wanted} is no longer claimed by Baton: it finished or was released.`
          : error.message;
    }
    renderDetail();
  });

  function selectionFromHash() {
    const match = /(?:^#|&)issue=([^&]*)/.exec(location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function select(identifier) {
    location.hash = identifier === null ? "" : `issue=${encodeURIComponent(identifier)}`;
  }

  function onSelectionChange() {
    selected = selectionFromHash();
    detail = null;
    detailProblem = null;
    actionResult = "";
    session = { issue: selected, events: [], cursor: 0, hasMore: false, problem: null };
    renderDetail();
    refetchDetail();
    readSession();
  }

  function onStreamEvent(type, data) {
    if (type === "snapshot") {
      applyState(JSON.parse(data));
      if (selected !== null) {
        refetchDetail();
        readSession();
      }
      return;
    }
    if (type === "heartbeat") return;
    refetchState();
    if (selected === null) return;
    const event = JSON.parse(data);
    if (event.issue_identifier === undefined || event.issue_identifier === selected) refetchDetail();
    // Following the live session: new agent events of the selected issue are read from the log.
    if (event.type === "agent_event" && event.issue_identifier === selected && !session.hasMore)
      readSession();
  }

  function setConnection(kind, text) {
    const pill = $("connection");
    pill.className = `pill pill-${kind}`;
    pill.textContent = text;
  }

  /** Splits an SSE body into frames; fetch (not EventSource) so the bearer token can be sent. */
  async function readStream(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replaceAll("\r\n", "\n");
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let type = "message";
        const data = [];
        for (const line of frame.split("\n")) {
          if (line.startsWith("event:")) type = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length > 0) onStreamEvent(type, data.join("\n"));
        end = buffer.indexOf("\n\n");
      }
    }
  }

  async function followEvents() {
    let backoff = 1000;
    for (;;) {
      try {
        const response = await fetch("/api/v1/events", {
          headers: { ...authHeaders(), accept: "text/event-stream" },
          cache: "no-store",
        });
        if (!response.ok || !response.body) throw await problemOf(response);
        setConnection("live", "live");
        backoff = 1000;
        await readStream(response.body);
        apiProblem = "the event stream ended; reconnecting";
      } catch (error) {
        apiProblem =
          error.status === 401
            ? "this server needs a token: open the dashboard as /#token=<server.token>"
            : `${error.message}; reconnecting`;
      }
      setConnection(apiProblem.includes("token") ? "bad" : "wait", "reconnecting…");
      renderAlerts();
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  $("detail-close").addEventListener("click", () => select(null));
  $("refresh").addEventListener("click", async () => {
    try {
      await post("/api/v1/refresh", {});
      $("refresh").textContent = "Refresh queued";
      setTimeout(() => {
        $("refresh").textContent = "Refresh now";
      }, 1500);
    } catch (error) {
      apiProblem = error.message;
      renderAlerts();
    }
  });
  window.addEventListener("hashchange", onSelectionChange);
  setInterval(renderClock, 1000);
  renderDetail();
  followEvents();
})();
