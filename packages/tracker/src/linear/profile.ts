import type { TrackerConfigContext, TrackerProfile } from "@baton/domain";
import { BatonError } from "@baton/domain";
import {
  LINEAR_API_KEY_ENV,
  LINEAR_ASSIGNEE_ENV,
  LINEAR_DEFAULT_ACTIVE_STATES,
  LINEAR_DEFAULT_ENDPOINT,
  LINEAR_DEFAULT_TERMINAL_STATES,
} from "./defaults.ts";

const PROVIDER_KEYS = ["endpoint", "api_key", "project_slug", "assignee"];
const ENV_REFERENCE = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
/** Plain http is only accepted for a server on this machine (tests, local proxies), as @linear/sdk does. */
const LOCAL_HOSTNAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The provider keys after resolution: what `createLinearTracker` receives. */
export interface LinearProvider {
  endpoint: string;
  api_key: string;
  project_slug: string;
  /** A Linear user id, `me` (the API key's user), or null for no assignee routing. */
  assignee: string | null;
}

/**
 * Config-layer view of the `linear` kind. Keys follow the reference implementation so its
 * WORKFLOW.md runs unchanged; `$VAR` values are read from the environment (unset falls back to the
 * documented variable, set-but-empty counts as missing). Resolution is idempotent.
 */
export const linearTrackerProfile: TrackerProfile = {
  kind: "linear",
  defaultActiveStates: LINEAR_DEFAULT_ACTIVE_STATES,
  defaultTerminalStates: LINEAR_DEFAULT_TERMINAL_STATES,
  secretProviderKeys: ["api_key"],
  secretEnvironmentNames(provider) {
    const referenced = Object.values(provider).flatMap((value) => {
      const name = envReferenceName(value);
      return name === undefined ? [] : [name];
    });
    return [...new Set([LINEAR_API_KEY_ENV, ...referenced])];
  },
  resolveProvider(provider, context) {
    for (const key of Object.keys(provider)) {
      if (!PROVIDER_KEYS.includes(key)) {
        throw invalid(key, `is not a Linear tracker key (known keys: ${PROVIDER_KEYS.join(", ")})`);
      }
    }
    const resolved: LinearProvider = {
      endpoint: resolveEndpoint(provider.endpoint, context),
      api_key: resolveApiKey(provider.api_key, context),
      project_slug: resolveProjectSlug(provider.project_slug, context),
      assignee: resolveAssignee(provider.assignee, context),
    };
    return { ...resolved };
  },
};

type Lookup = { value: string } | { missing: string } | { absent: true };

/**
 * One provider value: a literal, or `$VAR` read from the environment. An unset `$VAR` (or no value)
 * falls back to `fallbackEnv` when there is one; a variable that is set but empty is missing.
 */
function lookup(
  key: string,
  raw: unknown,
  context: TrackerConfigContext,
  fallbackEnv?: string,
  secret = false,
): Lookup {
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== "string") {
      throw invalid(key, `must be a string${secret ? "" : `; got ${JSON.stringify(raw)}`}`);
    }
    const name = envReferenceName(raw);
    if (name === undefined) {
      return raw.trim() === "" ? { missing: `tracker.provider.${key} is empty` } : { value: raw.trim() };
    }
    const fromEnv = context.env[name];
    if (fromEnv !== undefined) {
      return fromEnv.trim() === ""
        ? { missing: `tracker.provider.${key} refers to $${name}, which is empty` }
        : { value: fromEnv.trim() };
    }
  }
  if (fallbackEnv === undefined) return { absent: true };
  const fromFallback = context.env[fallbackEnv];
  if (fromFallback === undefined) return { absent: true };
  return fromFallback.trim() === ""
    ? { missing: `${fallbackEnv} is set but empty` }
    : { value: fromFallback.trim() };
}

function resolveEndpoint(raw: unknown, context: TrackerConfigContext): string {
  const found = lookup("endpoint", raw, context);
  if ("missing" in found) throw invalid("endpoint", `must be a URL; ${found.missing}`);
  const endpoint = "value" in found ? found.value : LINEAR_DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid(
      "endpoint",
      `must be a URL such as ${LINEAR_DEFAULT_ENDPOINT}; got ${JSON.stringify(endpoint)}`,
    );
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTNAMES.has(url.hostname))) {
    return endpoint;
  }
  throw invalid("endpoint", `must use https (http only for localhost); got ${JSON.stringify(endpoint)}`);
}

function resolveApiKey(raw: unknown, context: TrackerConfigContext): string {
  const found = lookup("api_key", raw, context, LINEAR_API_KEY_ENV, true);
  if ("value" in found) return found.value;
  const reason = "missing" in found ? `: ${found.missing}` : "";
  throw new BatonError(
    "missing_tracker_secret",
    `tracker.provider.api_key is required${reason}; set ${LINEAR_API_KEY_ENV} or tracker.provider.api_key: $YOUR_VARIABLE`,
    { field: "tracker.provider.api_key" },
  );
}

function resolveProjectSlug(raw: unknown, context: TrackerConfigContext): string {
  const found = lookup("project_slug", raw, context);
  if ("value" in found) return found.value;
  const reason = "missing" in found ? ` (${found.missing})` : "";
  throw invalid("project_slug", `is required: the project's slugId from its Linear URL${reason}`);
}

function resolveAssignee(raw: unknown, context: TrackerConfigContext): string | null {
  const found = lookup("assignee", raw, context, LINEAR_ASSIGNEE_ENV);
  if ("missing" in found) throw invalid("assignee", `must be a Linear user id or "me"; ${found.missing}`);
  return "value" in found ? found.value : null;
}

function envReferenceName(value: unknown): string | undefined {
  return typeof value === "string" ? ENV_REFERENCE.exec(value.trim())?.[1] : undefined;
}

function invalid(key: string, problem: string): BatonError {
  return new BatonError("invalid_tracker_config", `tracker.provider.${key} ${problem}`, {
    field: `tracker.provider.${key}`,
  });
}
