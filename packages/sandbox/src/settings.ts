/** Where the issue workspace appears inside every sandbox container (cwd and Codex's writable root). */
export const WORKSPACE_MOUNT = "/workspace";

/** Where the model relay's socket directory is mounted inside agent containers. */
export const RELAY_MOUNT = "/run/baton";
export const RELAY_SOCKET_NAME = "model.sock";

/**
 * The loopback port inside an agent container where the image's entry script exposes the model
 * relay (socat from 127.0.0.1:8787 to the mounted socket). The agent image's Codex config points
 * its model provider here.
 */
export const RELAY_CONTAINER_PORT = 8787;

/** HOME inside the container: a private tmpfs, so the agent can keep its own state (Codex's ~/.codex). */
export const CONTAINER_HOME = "/home/agent";

/** The image's entry script: starts the relay bridge, then runs `bash -lc <command>`. */
export const ENTRY_SCRIPT = "/usr/local/bin/baton-sandbox-entry";

export type SandboxNetwork = "none" | "model-only";

/** `sandbox.*` of WORKFLOW.md once validated (kind docker). */
export interface DockerSandboxSettings {
  image: string;
  /** `none`: no network at all; `model-only`: only the model provider, through the host relay. */
  network: SandboxNetwork;
  /** Upstream base URL the relay forwards to (`model-only`), e.g. `https://api.openai.com/v1`. */
  model_url: string | null;
  /** Names of the variables that enter agent containers (the model key); nothing else does. */
  env: string[];
  /** Memory limit in bytes (swap included), or null for none. */
  memory: number | null;
  cpus: number | null;
  pids_limit: number | null;
  /** `uid[:gid]` or a name known to the image; null: Baton's own uid:gid, so files stay the operator's. */
  user: string | null;
  /** Host paths mounted read-only; `host` or `host:container`. */
  read_only_mounts: string[];
}

/** `"/host"` → same path inside; `"/host:/inside"` → that path inside. */
export function parseReadOnlyMount(entry: string): { host: string; container: string } {
  const separator = entry.indexOf(":", 1);
  if (separator === -1) return { host: entry, container: entry };
  return { host: entry.slice(0, separator), container: entry.slice(separator + 1) };
}
