import type { TrackerConfigContext, TrackerProfile } from "@baton/domain";
import { BatonError, normalizeState } from "@baton/domain";

/** Provider keys after resolution: what the adapter is built from. */
export interface GitHubProviderSettings {
  /** `owner/name`. */
  repo: string;
  token: string;
  /** Base URL of the REST API without a trailing slash. */
  api_url: string;
  timeout_ms: number;
  /** Opt-in label-driven states; null means GitHub's own `open`/`closed`. */
  state_labels: StateLabelSettings | null;
}

export interface StateLabelSettings {
  /** Label prefix such as `status:`, matched case-insensitively. */
  prefix: string;
  /** State of an open issue without a state label; null leaves it in the state `open`. */
  default_state: string | null;
}

export const GITHUB_DEFAULT_API_URL = "https://api.github.com";
export const GITHUB_DEFAULT_TIMEOUT_MS = 30_000;
export const GITHUB_TOKEN_ENV = "GITHUB_TOKEN";
export const GITHUB_REPO_ENV = "GITHUB_REPO";

const PROVIDER_KEYS = ["repo", "token", "api_url", "timeout_ms", "state_labels"];
const STATE_LABEL_KEYS = ["prefix", "default_state"];
const ENV_REFERENCE = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
/** GitHub login rules (letters, digits, single inner hyphens) and repository name characters. */
const REPO_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9._-]{1,100}$/;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** GitHub's own states; in label mode they are reserved for unlabeled open issues and closed issues. */
export const GITHUB_OPEN = "open";
export const GITHUB_CLOSED = "closed";

/** Config-layer view of the `github` kind: provider keys, env fallbacks and the secret token. */
export const githubTrackerProfile: TrackerProfile = {
  kind: "github",
  // No default states, as in the reference: the workflow says which states it works on.
  secretProviderKeys: ["token"],
  secretEnvironmentNames(provider) {
    const reference = typeof provider.token === "string" ? ENV_REFERENCE.exec(provider.token) : null;
    return [...new Set([GITHUB_TOKEN_ENV, ...(reference ? [reference[1]!] : [])])];
  },
  resolveProvider(provider, context) {
    for (const [key, value] of Object.entries(provider)) {
      if (!PROVIDER_KEYS.includes(key)) {
        throw invalid(key, `is not a github tracker key (known keys: ${PROVIDER_KEYS.join(", ")})`, value);
      }
    }
    const settings: GitHubProviderSettings = {
      repo: resolveRepo(provider.repo, context),
      token: resolveToken(provider.token, context),
      api_url: resolveApiUrl(provider.api_url, context),
      timeout_ms: resolveTimeout(provider.timeout_ms),
      state_labels: resolveStateLabels(provider.state_labels),
    };
    return { ...settings };
  },
};

/**
 * `$VAR` as the whole value reads the environment: an unset variable falls back to the key's
 * documented environment variable (as the reference does), an empty one counts as missing.
 * `tried` lists the variables consulted, for messages.
 */
function fromEnvironment(
  value: unknown,
  fallbackEnv: string,
  context: TrackerConfigContext,
): { value: unknown; tried: string[] } {
  if (value === undefined || value === null) return { value: context.env[fallbackEnv], tried: [fallbackEnv] };
  const reference = typeof value === "string" ? ENV_REFERENCE.exec(value.trim()) : null;
  if (!reference) return { value, tried: [] };
  const name = reference[1]!;
  const fromEnv = context.env[name];
  if (fromEnv === undefined) return { value: context.env[fallbackEnv], tried: [name, fallbackEnv] };
  return { value: fromEnv, tried: [name] };
}

/** "FOO is not set", "FOO and BAR are not set or empty", or "the value is blank". */
function whyMissing(tried: string[]): string {
  if (tried.length === 0) return "the value is blank";
  return tried.length === 1
    ? `${tried[0]} is not set or empty`
    : `${tried.join(" and ")} are not set or empty`;
}

function resolveRepo(raw: unknown, context: TrackerConfigContext): string {
  const { value, tried } = fromEnvironment(raw, GITHUB_REPO_ENV, context);
  if (value === undefined || (typeof value === "string" && value.trim() === "")) {
    throw invalid(
      "repo",
      `is required (${whyMissing(tried)}): set it to owner/name or set ${GITHUB_REPO_ENV}`,
    );
  }
  if (typeof value !== "string" || !REPO_PATTERN.test(value.trim()) || /\/\.{1,2}$/.test(value.trim())) {
    throw invalid("repo", "must be owner/name, e.g. octo-org/web", value);
  }
  return value.trim();
}

/** The token is never echoed back, not even in part. */
function resolveToken(raw: unknown, context: TrackerConfigContext): string {
  if (raw !== undefined && raw !== null && typeof raw !== "string") {
    throw invalid("token", "must be a string or $VAR (value not shown)");
  }
  const { value, tried } = fromEnvironment(raw, GITHUB_TOKEN_ENV, context);
  if (typeof value !== "string" || value.trim() === "") {
    throw new BatonError(
      "missing_tracker_secret",
      `tracker.provider.token is missing (${whyMissing(tried)}): set ${GITHUB_TOKEN_ENV} in Baton's environment or point token at another variable with $NAME`,
      { field: "tracker.provider.token", env: tried },
    );
  }
  if (/[\s\u0000-\u001f\u007f]/.test(value.trim())) {
    throw invalid("token", "contains whitespace or control characters (value not shown)");
  }
  return value.trim();
}

function resolveApiUrl(raw: unknown, context: TrackerConfigContext): string {
  if (raw === undefined || raw === null) return GITHUB_DEFAULT_API_URL;
  let value: unknown = raw;
  const reference = typeof raw === "string" ? ENV_REFERENCE.exec(raw.trim()) : null;
  if (reference) {
    value = context.env[reference[1]!];
    if (value === undefined || value === "") {
      throw invalid(
        "api_url",
        `refers to the environment variable ${reference[1]}, which is not set or empty`,
        raw,
      );
    }
  }
  let url: URL;
  try {
    if (typeof value !== "string") throw new TypeError("not a string");
    url = new URL(value.trim());
  } catch {
    throw invalid("api_url", "must be an absolute URL such as https://github.example.com/api/v3", value);
  }
  const loopbackHttp = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) {
    throw invalid(
      "api_url",
      "must use https (plain http is accepted only for 127.0.0.1, ::1 and localhost)",
      value,
    );
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw invalid(
      "api_url",
      "must not contain credentials, a query or a fragment",
      `${url.protocol}//${url.host}`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function resolveTimeout(raw: unknown): number {
  if (raw === undefined || raw === null) return GITHUB_DEFAULT_TIMEOUT_MS;
  if (typeof raw === "number" && Number.isInteger(raw) && raw > 0) return raw;
  throw invalid("timeout_ms", "must be a positive integer number of milliseconds", raw);
}

function resolveStateLabels(raw: unknown): StateLabelSettings | null {
  if (raw === undefined || raw === null || raw === false) return null;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw invalid("state_labels", 'must be a map such as { prefix: "status:" }', raw);
  }
  const map = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(map)) {
    if (!STATE_LABEL_KEYS.includes(key)) {
      throw invalid(
        `state_labels.${key}`,
        `is not a state_labels key (known keys: ${STATE_LABEL_KEYS.join(", ")})`,
        value,
      );
    }
  }
  if (typeof map.prefix !== "string" || map.prefix.trim() === "") {
    throw invalid("state_labels.prefix", 'must be a non-empty label prefix such as "status:"', map.prefix);
  }
  let defaultState: string | null = null;
  if (map.default_state !== undefined && map.default_state !== null) {
    if (typeof map.default_state !== "string" || map.default_state.trim() === "") {
      throw invalid("state_labels.default_state", "must be a non-empty state name", map.default_state);
    }
    defaultState = map.default_state.trim();
    const normalized = normalizeState(defaultState);
    if (normalized === GITHUB_OPEN || normalized === GITHUB_CLOSED) {
      throw invalid(
        "state_labels.default_state",
        `must name a workflow state, not GitHub's own "${normalized}"`,
        map.default_state,
      );
    }
  }
  return { prefix: map.prefix.trim(), default_state: defaultState };
}

function invalid(key: string, problem: string, ...value: unknown[]): BatonError {
  const shown = value.length === 0 ? "" : `; got ${describe(value[0])}`;
  return new BatonError("invalid_tracker_config", `tracker.provider.${key} ${problem}${shown}`, {
    field: `tracker.provider.${key}`,
  });
}

/** A short printable form of a (non-secret) value for error messages. */
export function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
