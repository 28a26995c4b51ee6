import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Pipeline, TrackerProfile, TrackerSettings } from "@baton/domain";
import {
  BatonError,
  isBatonError,
  isSecretEnvName,
  normalizeState,
  RUN_ID_ENV,
  STATE_DIR_ENV,
} from "@baton/domain";
import { type Env, envReferenceName, resolveEnvReference, resolvePath } from "./env.ts";
import { isPlainMap, type WorkflowDefinition } from "./loader.ts";
import { resolvePipeline } from "./phases.ts";
import { type ConfigProblem, checkFrontMatter, formatValue } from "./schema.ts";

/** A Codex-owned value passed through unchanged (SPEC 5.3.6): a string such as `never`, or a map. */
export type CodexPassThrough = string | Record<string, unknown>;

export type AgentKind = "codex" | "claude";

/**
 * The typed, validated, defaulted view of WORKFLOW.md front matter (SPEC 4.1.3, 6.4). Keys mirror
 * the YAML (snake_case) so operators recognise them in `baton validate` output and the API.
 */
export interface ServiceConfig {
  /** Absolute path of the WORKFLOW.md this came from, and its directory. */
  workflowPath: string;
  workflowDir: string;
  tracker: TrackerSettings;
  polling: { interval_ms: number };
  workspace: { root: string };
  hooks: {
    after_create: string | null;
    before_run: string | null;
    after_run: string | null;
    before_remove: string | null;
    timeout_ms: number;
    /** With sandbox.kind docker: hooks run in the sandbox image too. */
    sandbox: boolean;
    /** B.env: variables added to the hooks' allowlisted environment, as declared (literal or `$VAR`). */
    env: Record<string, string>;
  };
  agent: {
    max_concurrent_agents: number;
    max_turns: number;
    max_retry_backoff_ms: number;
    /** Normalized (trim + lowercase) state name → positive limit. */
    max_concurrent_agents_by_state: Record<string, number>;
    /** Which coding agent runs attempts: `codex` (the `codex:` section) or `claude` (the `claude:` section). */
    kind: AgentKind;
    /** Baton extension (B.budget): token ceilings; null means none. */
    max_tokens_per_issue: number | null;
    max_tokens_per_session: number | null;
    /** B.env: variables added to the agent's allowlisted environment, as declared (literal or `$VAR`). */
    env: Record<string, string>;
  };
  codex: {
    command: string;
    approval_policy: CodexPassThrough;
    thread_sandbox: CodexPassThrough;
    /** null: the agent client builds a workspaceWrite policy rooted at the issue workspace. */
    turn_sandbox_policy: CodexPassThrough | null;
    turn_timeout_ms: number;
    read_timeout_ms: number;
    /** 0 or less disables stall detection. */
    stall_timeout_ms: number;
  };
  /** Baton extension: headless Claude Code, used when `agent.kind` is `claude`. */
  claude: {
    command: string;
    /** null: Claude Code's default model. */
    model: string | null;
    permission_mode: string;
    allowed_tools: string[];
    disallowed_tools: string[];
    extra_args: string[];
    turn_timeout_ms: number;
    read_timeout_ms: number;
    /** 0 or less disables stall detection. */
    stall_timeout_ms: number;
  };
  /** Baton extension (B.budget): the period budget; null when the workflow has no `budget:` section. */
  budget: BudgetSettings | null;
  /** Baton extension: the `phases:` pipeline (with `gates:` and `on_success:`); null runs the one prompt as the SPEC says. */
  phases: Pipeline | null;
  /** Baton extension (B.phases): comment approvers and what Codex approval / user-input requests do. */
  approvals: ApprovalSettings;
  /** Baton extension: where agents and hooks run (see @baton/sandbox). */
  sandbox: SandboxConfig;
  /** Baton extension: where attempts run (`local` in this process, `queue` on `baton worker`s through Redis). */
  executor: ExecutorConfig;
  /** Baton extension: HTTP status API. `port` null keeps the server off. */
  server: {
    port: number | null;
    host: string;
    token: string | null;
    /** B.webhook: resolved signing secrets of the webhook endpoints that are on. */
    webhooks: { linear: { secret: string } | null; github: { secret: string } | null };
  };
  /** Baton extension: bounds on the log files under the logs root. */
  logs: { max_file_bytes: number; max_files: number; retention_days: number };
  /** Things that did not stop the config from loading but the operator should know (ignored entries, fallbacks). */
  warnings: string[];
}

export interface BudgetSettings {
  period: "day" | "week" | "month";
  max_tokens: number | null;
  on_exceeded_state: string | null;
  /** Price per million tokens, only to show cost. */
  token_rates: { input: number; output: number; currency: string } | null;
}

export interface ApprovalSettings {
  /** Lowercased identities allowed to approve by ticket comment; null when not configured. */
  approvers: string[] | null;
  /** `block`: the SPEC behaviour (the run ends as blocked); `gate`: the request waits for an answer. */
  agent_requests: "block" | "gate";
  /** How long a live agent waits for the answer before its run ends (the answer then resumes it on a fresh turn). */
  agent_wait_ms: number;
}

type WebhookProvider = "linear" | "github";
export type SandboxConfig =
  | { kind: "none" }
  | {
      kind: "docker";
      image: string;
      network: "none" | "model-only";
      /** Resolved upstream of the model relay; null only with network none. */
      model_url: string | null;
      env: string[];
      /** Bytes; null: no limit. */
      memory: number | null;
      cpus: number | null;
      pids_limit: number | null;
      user: string | null;
      read_only_mounts: string[];
    };

/** `redis_url` is resolved (it may hold a password: masked by describeConfig, redacted from output). */
export type ExecutorConfig = { kind: "local" } | { kind: "queue"; redis_url: string; queue_name: string };

export interface ResolveConfigOptions {
  env: Env;
  trackerProfiles: readonly TrackerProfile[];
}

export const DEFAULT_WORKSPACE_ROOT_NAME = "symphony_workspaces";

/** Sections whose own keys Baton reads; a YAML null at either level means "use the default". */
const SECTIONS = [
  "tracker",
  "polling",
  "workspace",
  "hooks",
  "agent",
  "codex",
  "claude",
  "sandbox",
  "executor",
  "server",
  "logs",
  "approvals",
] as const;

/** Reference-implementation keys that sat directly under `tracker`; they now belong in `tracker.provider`. */
const LEGACY_TRACKER_KEYS = ["endpoint", "api_key", "project_slug", "assignee"] as const;

/** The front matter after schema validation and defaults: every field has its checked type. */
interface ValidFrontMatter {
  tracker: {
    kind?: string;
    provider?: Record<string, unknown>;
    required_labels: string[];
    active_states?: string[];
    terminal_states?: string[];
  } & Partial<Record<(typeof LEGACY_TRACKER_KEYS)[number], unknown>>;
  polling: ServiceConfig["polling"];
  workspace: { root?: string };
  hooks: Partial<Record<"after_create" | "before_run" | "after_run" | "before_remove", string>> & {
    timeout_ms: number;
    sandbox: boolean;
    env: Record<string, string>;
  };
  agent: Omit<ServiceConfig["agent"], "max_tokens_per_issue" | "max_tokens_per_session"> & {
    max_tokens_per_issue?: number;
    max_tokens_per_session?: number;
  };
  budget?: {
    period: BudgetSettings["period"];
    max_tokens?: number;
    on_exceeded_state?: string;
    token_rates?: { input: number; output: number; currency?: string };
  };
  codex: Omit<ServiceConfig["codex"], "turn_sandbox_policy"> & { turn_sandbox_policy?: CodexPassThrough };
  claude: Omit<ServiceConfig["claude"], "model"> & { model?: string };
  sandbox: {
    kind: "none" | "docker";
    image: string;
    network: "none" | "model-only";
    model_url?: string;
    env: string[];
    memory: string | number;
    cpus?: number;
    pids_limit: number;
    user?: string;
    read_only_mounts: string[];
  };
  executor: { kind: "local" | "queue"; redis_url?: string; queue_name: string };
  server: {
    port?: number;
    host: string;
    token?: string;
    webhooks?: Partial<Record<WebhookProvider, { secret: string }>>;
  };
  logs: ServiceConfig["logs"];
  approvals: { approvers?: string[]; agent_requests: "block" | "gate"; agent_wait_ms: number };
}

/**
 * Turns a parsed workflow into the effective ServiceConfig (SPEC 6.1): defaults, `$VAR` and path
 * resolution, validation, and the tracker profile's own provider checks. Throws BatonError
 * `invalid_config` / `invalid_tracker_config` listing every problem found, `unsupported_tracker_kind`,
 * or whatever the profile's `resolveProvider` throws.
 */
export function resolveConfig(definition: WorkflowDefinition, options: ResolveConfigOptions): ServiceConfig {
  const workflowDir = dirname(definition.path);
  const { valid, phases, profile, activeStates, terminalStates, problems, warnings } = checkWorkflow(
    definition,
    options,
  );
  const token = resolveServerToken(valid.server.token, options.env, problems);
  const webhooks = {
    linear: resolveWebhook("linear", valid.server.webhooks?.linear, options.env, problems),
    github: resolveWebhook("github", valid.server.webhooks?.github, options.env, problems),
  };
  const sandbox = resolveSandbox(valid.sandbox, options.env, problems);
  const executor = resolveExecutor(valid.executor, options.env, problems);
  if (sandbox.kind === "docker" && valid.agent.kind === "claude") {
    problems.push({
      field: "sandbox.kind",
      message:
        "sandbox.kind docker runs the Codex agent only (the agent image has no Claude Code yet); use agent.kind codex or sandbox.kind none",
    });
  }
  checkDeclaredEnv("agent.env", valid.agent.env, options.env, problems);
  checkDeclaredEnv("hooks.env", valid.hooks.env, options.env, problems);
  throwIfAny(problems, definition.path);

  return {
    workflowPath: definition.path,
    workflowDir,
    tracker: trackerSettings(valid, profile, activeStates!, terminalStates!, options, definition.path),
    polling: { interval_ms: valid.polling.interval_ms },
    workspace: { root: resolveWorkspaceRoot(valid.workspace.root, options.env, workflowDir, warnings) },
    hooks: {
      after_create: valid.hooks.after_create ?? null,
      before_run: valid.hooks.before_run ?? null,
      after_run: valid.hooks.after_run ?? null,
      before_remove: valid.hooks.before_remove ?? null,
      timeout_ms: valid.hooks.timeout_ms,
      sandbox: valid.hooks.sandbox,
      env: { ...valid.hooks.env },
    },
    agent: {
      ...valid.agent,
      max_tokens_per_issue: valid.agent.max_tokens_per_issue ?? null,
      max_tokens_per_session: valid.agent.max_tokens_per_session ?? null,
      env: { ...valid.agent.env },
    },
    codex: {
      command: valid.codex.command,
      approval_policy: valid.codex.approval_policy,
      thread_sandbox: valid.codex.thread_sandbox,
      turn_sandbox_policy: valid.codex.turn_sandbox_policy ?? null,
      turn_timeout_ms: valid.codex.turn_timeout_ms,
      read_timeout_ms: valid.codex.read_timeout_ms,
      stall_timeout_ms: valid.codex.stall_timeout_ms,
    },
    claude: { ...valid.claude, model: valid.claude.model ?? null },
    budget: budgetSettings(valid.budget),
    phases,
    approvals: {
      approvers: valid.approvals.approvers?.map((name) => name.trim().toLowerCase()) ?? null,
      agent_requests: valid.approvals.agent_requests,
      agent_wait_ms: valid.approvals.agent_wait_ms,
    },
    sandbox,
    executor,
    server: { port: valid.server.port ?? null, host: valid.server.host, token, webhooks },
    logs: { ...valid.logs },
    warnings,
  };
}

/** What every resolution starts from: the checked front matter and its tracker profile and states. */
function checkWorkflow(definition: WorkflowDefinition, options: ResolveConfigOptions) {
  const warnings: string[] = [];
  const frontMatter = withSectionDefaults(definition.config);
  if (isPlainMap(frontMatter.budget)) {
    for (const [key, field] of Object.entries(frontMatter.budget))
      if (field === null) delete frontMatter.budget[key];
  } else if (frontMatter.budget === null) delete frontMatter.budget;
  normalizeStateLimits(frontMatter, warnings);

  const problems = checkFrontMatter(frontMatter);
  const phases = resolvePipeline(frontMatter, problems);
  if (isPlainMap(frontMatter.tracker) && frontMatter.tracker.kind === undefined) {
    problems.push({
      field: "tracker.kind",
      message: `tracker.kind is required (one of: ${supportedKinds(options.trackerProfiles)})`,
    });
  }
  throwIfAny(problems, definition.path);

  const valid = frontMatter as unknown as ValidFrontMatter;
  const kind = valid.tracker.kind!.trim();

  const profile = options.trackerProfiles.find((candidate) => candidate.kind === kind);
  if (!profile) {
    throw new BatonError(
      "unsupported_tracker_kind",
      `${definition.path}: tracker.kind ${JSON.stringify(kind)} is not supported; supported kinds: ${supportedKinds(options.trackerProfiles)}`,
      { path: definition.path, field: "tracker.kind", kind },
    );
  }
  const activeStates = valid.tracker.active_states ?? profile.defaultActiveStates;
  const terminalStates = valid.tracker.terminal_states ?? profile.defaultTerminalStates;
  for (const [field, states] of [
    ["tracker.active_states", activeStates],
    ["tracker.terminal_states", terminalStates],
  ] as const) {
    if (states === undefined) {
      problems.push({
        field,
        message: `${field} is required for tracker kind "${profile.kind}" (it has no default)`,
      });
    }
  }
  return { valid, phases, profile, activeStates, terminalStates, problems, warnings };
}

/**
 * The tracker section alone, for commands that only read and write tickets (`baton issue`): the
 * whole file is still checked, but the other sections' `$VAR` references (the agent's, the
 * sandbox's, the server's) need not be set in the caller's environment.
 */
export function resolveTrackerConfig(
  definition: WorkflowDefinition,
  options: ResolveConfigOptions,
): Pick<ServiceConfig, "workflowPath" | "workflowDir" | "tracker"> {
  const { valid, profile, activeStates, terminalStates, problems } = checkWorkflow(definition, options);
  throwIfAny(problems, definition.path);
  return {
    workflowPath: definition.path,
    workflowDir: dirname(definition.path),
    tracker: trackerSettings(valid, profile, activeStates!, terminalStates!, options, definition.path),
  };
}

function trackerSettings(
  valid: ValidFrontMatter,
  profile: TrackerProfile,
  activeStates: readonly string[],
  terminalStates: readonly string[],
  options: ResolveConfigOptions,
  path: string,
): TrackerSettings {
  return {
    kind: profile.kind,
    provider: resolveProvider(profile, withLegacyTrackerKeys(valid.tracker), options.env, path),
    // A blank label stays "" on purpose: it can never match, so nothing dispatches (SPEC 5.3.1).
    required_labels: valid.tracker.required_labels.map((label) => label.trim().toLowerCase()),
    active_states: [...activeStates],
    terminal_states: [...terminalStates],
  };
}

/**
 * A printable copy of the config for `baton validate` and logs: tracker secret keys (as the
 * profile declares them) and `server.token` are replaced by "***" when set.
 */
export function describeConfig(
  config: ServiceConfig,
  trackerProfiles: readonly TrackerProfile[],
): Record<string, unknown> {
  const copy = structuredClone(config);
  const secretKeys =
    trackerProfiles.find((profile) => profile.kind === config.tracker.kind)?.secretProviderKeys ?? [];
  for (const key of secretKeys) {
    if (isSet(copy.tracker.provider[key])) copy.tracker.provider[key] = "***";
  }
  const masked = (hook: { secret: string } | null) => (hook === null ? null : { secret: "***" });
  copy.agent.env = maskedEnv(copy.agent.env);
  copy.hooks.env = maskedEnv(copy.hooks.env);
  return {
    ...copy,
    executor:
      copy.executor.kind === "queue"
        ? { ...copy.executor, redis_url: maskedRedisUrl(copy.executor.redis_url) }
        : copy.executor,
    server: {
      ...copy.server,
      token: copy.server.token === null ? null : "***",
      webhooks: { linear: masked(copy.server.webhooks.linear), github: masked(copy.server.webhooks.github) },
    },
  };
}

/**
 * The secret values the config holds once resolved: `server.token`, the `server.webhooks` signing
 * secrets and the tracker profile's secret provider keys (API keys, webhook secrets). Whatever Baton writes is redacted of these; a new
 * config key holding a secret is added here (and masked by describeConfig).
 */
export function configSecrets(config: ServiceConfig, trackerProfiles: readonly TrackerProfile[]): string[] {
  const secretKeys =
    trackerProfiles.find((profile) => profile.kind === config.tracker.kind)?.secretProviderKeys ?? [];
  const values = secretKeys.map((key) => config.tracker.provider[key]);
  const { linear, github } = config.server.webhooks;
  // Secret-looking variables written literally in agent.env / hooks.env (a `$VAR` is Baton's env's).
  const declared = [...Object.entries(config.agent.env), ...Object.entries(config.hooks.env)]
    .filter(([name, value]) => isSecretEnvName(name) && envReferenceName(value) === undefined)
    .map(([, value]) => value);
  const redisPassword = config.executor.kind === "queue" ? redisUrlPassword(config.executor.redis_url) : null;
  return [config.server.token, linear?.secret, github?.secret, redisPassword, ...values, ...declared].filter(
    (value): value is string => typeof value === "string",
  );
}

/** Copies the front matter, drops YAML nulls from Baton's sections and makes sure each section is a map. */
function withSectionDefaults(config: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(config);
  for (const section of SECTIONS) {
    const value = copy[section];
    if (value === null || value === undefined) {
      copy[section] = {};
    } else if (isPlainMap(value)) {
      for (const [key, field] of Object.entries(value)) if (field === null) delete value[key];
    }
  }
  return copy;
}

/**
 * SPEC 5.3.5: per-state limits are looked up by normalized state name, and invalid entries are
 * ignored rather than failing the whole config. Each ignored entry becomes a warning.
 */
function normalizeStateLimits(frontMatter: Record<string, unknown>, warnings: string[]): void {
  const agent = frontMatter.agent;
  if (!isPlainMap(agent) || !isPlainMap(agent.max_concurrent_agents_by_state)) return;
  const limits: Record<string, number> = {};
  for (const [state, limit] of Object.entries(agent.max_concurrent_agents_by_state)) {
    const field = `agent.max_concurrent_agents_by_state.${state}`;
    const key = normalizeState(state);
    if (key === "") {
      warnings.push(`${field}: a blank state name is ignored`);
    } else if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) {
      warnings.push(`${field} must be a positive integer, got ${formatValue(limit)}; entry ignored`);
    } else {
      limits[key] = limit;
    }
  }
  agent.max_concurrent_agents_by_state = limits;
}

function withLegacyTrackerKeys(tracker: ValidFrontMatter["tracker"]): Record<string, unknown> {
  const provider = { ...(tracker.provider ?? {}) };
  for (const key of LEGACY_TRACKER_KEYS) {
    if (tracker[key] !== undefined && !(key in provider)) provider[key] = tracker[key];
  }
  return provider;
}

/** Runs the adapter's own checks; its errors keep their category and gain the file name. */
function resolveProvider(
  profile: TrackerProfile,
  provider: Record<string, unknown>,
  env: Env,
  path: string,
): Record<string, unknown> {
  try {
    return profile.resolveProvider(provider, { env, workflowDir: dirname(path) });
  } catch (error) {
    if (!isBatonError(error)) throw error;
    throw new BatonError(
      error.category,
      `${path}: ${error.message}`,
      { path, ...error.details },
      { cause: error },
    );
  }
}

function resolveWorkspaceRoot(
  root: string | undefined,
  env: Env,
  workflowDir: string,
  warnings: string[],
): string {
  const fallback = join(tmpdir(), DEFAULT_WORKSPACE_ROOT_NAME);
  if (root === undefined) return fallback;
  const resolved = resolveEnvReference(root, env);
  if (resolved === undefined) {
    warnings.push(`workspace.root refers to ${root}, which is unset or empty; using the default ${fallback}`);
    return fallback;
  }
  return resolvePath(resolved as string, workflowDir);
}

/** The token guards the HTTP API, so a `$VAR` that resolves to nothing is an error, never "no auth". */
function resolveServerToken(token: string | undefined, env: Env, problems: ConfigProblem[]): string | null {
  if (token === undefined) return null;
  const resolved = resolveEnvReference(token, env);
  if (resolved === undefined) {
    problems.push({
      field: "server.token",
      message: `server.token refers to $${envReferenceName(token)}, which is unset or empty; set the variable or remove server.token`,
    });
    return null;
  }
  return resolved as string;
}

/** A webhook secret, like the token, must resolve: an unset `$VAR` would accept forged deliveries. */
function resolveWebhook(
  provider: WebhookProvider,
  settings: { secret: string } | undefined,
  env: Env,
  problems: ConfigProblem[],
): { secret: string } | null {
  if (settings === undefined) return null;
  const resolved = resolveEnvReference(settings.secret, env);
  if (resolved === undefined || (resolved as string).trim() === "") {
    problems.push({
      field: `server.webhooks.${provider}.secret`,
      message: `server.webhooks.${provider}.secret refers to $${envReferenceName(settings.secret)}, which is unset or empty; set the variable or remove the webhook`,
    });
    return null;
  }
  return { secret: resolved as string };
}

function budgetSettings(budget: ValidFrontMatter["budget"]): BudgetSettings | null {
  if (budget === undefined) return null;
  return {
    period: budget.period,
    max_tokens: budget.max_tokens ?? null,
    on_exceeded_state: budget.on_exceeded_state?.trim() ?? null,
    token_rates: budget.token_rates === undefined ? null : { currency: "USD", ...budget.token_rates },
  };
}

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/** Checks what the schema cannot: the size syntax, the model URL (after `$VAR`), mount overlaps. */
function resolveSandbox(
  sandbox: ValidFrontMatter["sandbox"],
  env: Env,
  problems: ConfigProblem[],
): SandboxConfig {
  if (sandbox.kind === "none") return { kind: "none" };
  const memory = parseSize(sandbox.memory);
  if (memory === null) {
    problems.push({
      field: "sandbox.memory",
      message: `sandbox.memory must be a size such as 512m or 4g, got ${formatValue(sandbox.memory)}`,
    });
  }
  let modelUrl: string | null = null;
  if (sandbox.network === "model-only") {
    const resolved =
      sandbox.model_url === undefined ? undefined : resolveEnvReference(sandbox.model_url, env);
    if (resolved === undefined) {
      problems.push({
        field: "sandbox.model_url",
        message:
          sandbox.model_url === undefined
            ? "sandbox.model_url is required with sandbox.network model-only (the model provider's base URL, e.g. https://api.openai.com/v1)"
            : `sandbox.model_url refers to $${envReferenceName(sandbox.model_url)}, which is unset or empty`,
      });
    } else if (!/^https?:\/\/[^/\s]+/.test(resolved as string)) {
      problems.push({
        field: "sandbox.model_url",
        message: `sandbox.model_url must be an http(s) URL, got ${formatValue(resolved)}`,
      });
    } else {
      modelUrl = resolved as string;
    }
  }
  for (const mount of sandbox.read_only_mounts) {
    const inside = mount.includes(":") ? mount.slice(mount.indexOf(":") + 1) : mount;
    if (inside === "/workspace" || inside.startsWith("/workspace/") || inside === "/") {
      problems.push({
        field: "sandbox.read_only_mounts",
        message: `sandbox.read_only_mounts entry ${JSON.stringify(mount)} would cover / or /workspace inside the container`,
      });
    }
  }
  return {
    kind: "docker",
    image: sandbox.image.trim(),
    network: sandbox.network,
    model_url: modelUrl,
    env: [...new Set(sandbox.env)],
    memory,
    cpus: sandbox.cpus ?? null,
    pids_limit: sandbox.pids_limit,
    user: sandbox.user?.trim() ?? null,
    read_only_mounts: [...sandbox.read_only_mounts],
  };
}

/** `executor.redis_url` is required for kind queue, after `$VAR`, and must be a redis:// or rediss:// URL. */
function resolveExecutor(
  executor: ValidFrontMatter["executor"],
  env: Env,
  problems: ConfigProblem[],
): ExecutorConfig {
  if (executor.kind === "local") return { kind: "local" };
  if (executor.redis_url === undefined) {
    problems.push({
      field: "executor.redis_url",
      message:
        "executor.redis_url is required with executor.kind queue (redis://[:password@]host:port or rediss:// for TLS, or $ENV_VAR)",
    });
    return { kind: "local" };
  }
  const resolved = resolveEnvReference(executor.redis_url, env);
  if (resolved === undefined) {
    problems.push({
      field: "executor.redis_url",
      message: `executor.redis_url refers to $${envReferenceName(executor.redis_url)}, which is unset or empty`,
    });
    return { kind: "local" };
  }
  if (!isRedisUrl(resolved as string)) {
    // The value may hold a password: only its scheme is shown.
    problems.push({
      field: "executor.redis_url",
      message: `executor.redis_url must be a redis:// or rediss:// URL, got one starting ${formatValue(String(resolved).split(":")[0])}`,
    });
    return { kind: "local" };
  }
  return { kind: "queue", redis_url: resolved as string, queue_name: executor.queue_name };
}

function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "redis:" || url.protocol === "rediss:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** The password part of a Redis URL (decoded), or null. */
export function redisUrlPassword(value: string): string | null {
  try {
    const password = new URL(value).password;
    return password === "" ? null : decodeURIComponent(password);
  } catch {
    return null;
  }
}

/** The URL with its password replaced by ***. */
export function maskedRedisUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== "") url.password = "***";
    return url.toString();
  } catch {
    return "***";
  }
}

/** Baton sets these itself on every process of a run; WORKFLOW.md may not replace them. */
const RESERVED_ENV = new Set([RUN_ID_ENV, STATE_DIR_ENV]);

/** `agent.env` / `hooks.env`: every `$VAR` must be set now, and Baton's own marks stay Baton's. */
function checkDeclaredEnv(
  field: string,
  declared: Record<string, string>,
  env: Env,
  problems: ConfigProblem[],
): void {
  for (const [name, value] of Object.entries(declared)) {
    if (RESERVED_ENV.has(name)) {
      problems.push({
        field: `${field}.${name}`,
        message: `${field}.${name}: ${name} is set by Baton itself`,
      });
      continue;
    }
    const reference = envReferenceName(value);
    if (reference !== undefined && resolveEnvReference(value, env) === undefined) {
      problems.push({
        field: `${field}.${name}`,
        message: `${field}.${name} refers to $${reference}, which is unset or empty; set the variable or remove the entry`,
      });
    }
  }
}

/** Literal values of secret-looking names are shown as "***"; `$VAR` references are not secrets. */
function maskedEnv(declared: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(declared).map(([name, value]) => [
      name,
      envReferenceName(value) === undefined && isSecretEnvName(name) ? "***" : value,
    ]),
  );
}

/** `512m`, `4g`, `1073741824` → bytes; null when Docker would not accept it. */
function parseSize(value: string | number): number | null {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)\s*$/i.exec(value);
  if (match === null) return null;
  const bytes = Math.floor(Number(match[1]) * MEMORY_UNITS[match[2]!.toLowerCase()]!);
  return bytes > 0 ? bytes : null;
}

function throwIfAny(problems: ConfigProblem[], path: string): void {
  if (problems.length === 0) return;
  const trackerOnly = problems.every((problem) => problem.field.startsWith("tracker."));
  const message =
    problems.length === 1
      ? `${path}: ${problems[0]!.message}`
      : `${path} has ${problems.length} config problems: ${problems.map((problem) => problem.message).join("; ")}`;
  throw new BatonError(trackerOnly ? "invalid_tracker_config" : "invalid_config", message, {
    path,
    problems: problems.map((problem) => problem.message),
    fields: problems.map((problem) => problem.field),
  });
}

function supportedKinds(profiles: readonly TrackerProfile[]): string {
  return profiles.map((profile) => profile.kind).join(", ");
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}
