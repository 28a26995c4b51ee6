/**
 * What the processes Baton starts may see of its environment: an explicit allowlist per kind of
 * process, plus what WORKFLOW.md declares (`agent.env`, `hooks.env`), plus the run's marks.
 * Everything else (tracker tokens, cloud credentials, other services' keys) stays in Baton.
 * docs/safety.md lists the names; change both together.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment variable every process of a run carries (the launcher's children inherit it).
 * It is how a restarted Baton tells its own leftovers from anyone else's processes.
 */
export const RUN_ID_ENV = "BATON_RUN_ID";

/**
 * The environment variable naming the state directory of the Baton that started a process. The
 * Baton holding that directory's lock owns every such process, so at startup any that are still
 * alive were left by a dead instance, even when its state file was lost.
 */
export const STATE_DIR_ENV = "BATON_STATE_DIR";

/** Variable names, and name prefixes (`LC_` allows `LC_ALL`, `LC_CTYPE`, ...). */
export interface EnvAllowlist {
  readonly names: readonly string[];
  readonly prefixes: readonly string[];
}

/** What any shell session needs: where programs are, who and where it is, locale, time zone, terminal. */
const SESSION: EnvAllowlist = {
  names: [
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "TMPDIR",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TERM",
    "COLORTERM",
    "NO_COLOR",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    RUN_ID_ENV,
    STATE_DIR_ENV,
  ],
  prefixes: ["LC_"],
};

/** How to reach the network from this host: proxies and extra certificate authorities. */
const NETWORK: EnvAllowlist = {
  names: [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "NODE_EXTRA_CA_CERTS",
  ],
  prefixes: [],
};

/** The model provider's variables each agent reads: its key, base URL and client settings. */
export const MODEL_PROVIDER_ENV: Readonly<Record<"codex" | "claude", EnvAllowlist>> = {
  codex: { names: [], prefixes: ["OPENAI_", "CODEX_", "AZURE_OPENAI_"] },
  claude: {
    names: [
      "CLAUDE_CONFIG_DIR",
      "DISABLE_AUTOUPDATER",
      "DISABLE_TELEMETRY",
      "DISABLE_ERROR_REPORTING",
      "DISABLE_NON_ESSENTIAL_MODEL_CALLS",
    ],
    prefixes: ["ANTHROPIC_", "CLAUDE_CODE_"],
  },
};

/** Hooks clone, fetch and push: they also get git's settings and the ssh and gpg agents. */
const GIT_AND_SSH: EnvAllowlist = {
  names: ["SSH_AUTH_SOCK", "SSH_AGENT_PID", "GNUPGHOME", "XDG_RUNTIME_DIR"],
  prefixes: ["GIT_"],
};

function union(...lists: EnvAllowlist[]): EnvAllowlist {
  return {
    names: [...new Set(lists.flatMap((list) => list.names))],
    prefixes: [...new Set(lists.flatMap((list) => list.prefixes))],
  };
}

/** The coding agent's allowlist: session basics, network settings and its own model provider's variables. */
export function agentEnvAllowlist(kind: keyof typeof MODEL_PROVIDER_ENV): EnvAllowlist {
  return union(SESSION, NETWORK, MODEL_PROVIDER_ENV[kind]);
}

/** The hooks' allowlist: session basics, network settings, git and ssh; no model keys. */
export const HOOK_ENV_ALLOWLIST: EnvAllowlist = union(SESSION, NETWORK, GIT_AND_SSH);

/**
 * What may enter a container from the host's allowlisted variables: locale, time zone, terminal and
 * the run's marks. Paths, the user, proxies and the model provider's settings describe the host;
 * the container has its own (a sandbox passes the model key only when `sandbox.env` names it).
 */
export const CONTAINER_PORTABLE_ENV: EnvAllowlist = {
  names: ["LANG", "LANGUAGE", "TZ", "TERM", "COLORTERM", "NO_COLOR", RUN_ID_ENV, STATE_DIR_ENV],
  prefixes: ["LC_"],
};

export function isAllowed(allowlist: EnvAllowlist, name: string): boolean {
  return allowlist.names.includes(name) || allowlist.prefixes.some((prefix) => name.startsWith(prefix));
}

const ENV_REFERENCE = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;

/** A valid environment variable name (what WORKFLOW.md may declare). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variable name when `value` is exactly `$VAR_NAME`, else undefined. */
export function envReferenceName(value: unknown): string | undefined {
  return typeof value === "string" ? ENV_REFERENCE.exec(value)?.[1] : undefined;
}

export interface ProcessEnvironmentOptions {
  /** Baton's own environment. */
  source: Env;
  allowlist: EnvAllowlist;
  /**
   * Variables WORKFLOW.md declares (`agent.env`, `hooks.env`): a literal value, or exactly `$VAR`
   * for the value of VAR in `source` (left out when VAR is unset or empty there).
   */
  declared?: Readonly<Record<string, string>>;
  /** Set last, over everything (BATON_RUN_ID, BATON_STATE_DIR). */
  marks?: Readonly<Record<string, string>>;
}

/** The exact environment of a launched process: the allowlisted part of `source`, then the declared variables, then the marks. */
export function processEnvironment(options: ProcessEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.source)) {
    if (value !== undefined && isAllowed(options.allowlist, name)) env[name] = value;
  }
  for (const [name, value] of Object.entries(options.declared ?? {})) {
    const reference = envReferenceName(value);
    const resolved = reference === undefined ? value : options.source[reference];
    if (resolved !== undefined && resolved !== "") env[name] = resolved;
  }
  return { ...env, ...options.marks };
}
