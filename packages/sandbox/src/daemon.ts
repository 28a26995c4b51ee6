import { createHash } from "node:crypto";
import { BatonError } from "@baton/domain";
import Docker from "dockerode";

/** Labels on every container Baton starts; reaping matches on them, so only ours are touched. */
export const LABELS = {
  managed: "dev.baton.managed",
  instance: "dev.baton.instance",
  workflow: "dev.baton.workflow",
  issue: "dev.baton.issue",
  role: "dev.baton.role",
  /** The host and pid of the Baton process that started the container (see `reapContainersOfGoneProcesses`). */
  host: "dev.baton.host",
  pid: "dev.baton.pid",
} as const;

/**
 * A Docker client for `DOCKER_HOST` (unix:// or a socket path) or the default
 * /var/run/docker.sock. Only local Unix sockets: a TCP daemon would mean traffic on the network.
 */
export function connectDocker(env: Readonly<Record<string, string | undefined>>): Docker {
  const host = env.DOCKER_HOST?.trim();
  if (host === undefined || host === "") return new Docker({ socketPath: "/var/run/docker.sock" });
  if (host.startsWith("unix://")) return new Docker({ socketPath: host.slice("unix://".length) });
  if (host.startsWith("/")) return new Docker({ socketPath: host });
  throw new BatonError(
    "sandbox_docker_unavailable",
    `DOCKER_HOST=${host} is not a Unix socket; Baton talks to a local Docker daemon only (unix:///path/docker.sock)`,
    { docker_host: host },
  );
}

/** Which daemon we talk to, for messages. */
export function describeDaemon(docker: Docker): string {
  const socketPath = (docker.modem as { socketPath?: string }).socketPath;
  return socketPath === undefined ? "the Docker daemon" : `the Docker daemon at unix://${socketPath}`;
}

/** Rejects with `sandbox_docker_unavailable` when the daemon does not answer (startup validation). */
export async function assertDaemonReachable(docker: Docker): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new BatonError(
      "sandbox_docker_unavailable",
      `sandbox.kind is docker but ${describeDaemon(docker)} is not reachable (${(error as Error).message}); start dockerd or point DOCKER_HOST at its socket`,
      { daemon: describeDaemon(docker) },
      { cause: error },
    );
  }
}

/** Rejects with `sandbox_image_missing` naming the image and how to get it. */
export async function assertImagePresent(docker: Docker, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) throw missingImageError(docker, image);
    throw error;
  }
}

export function missingImageError(docker: Docker, image: string): BatonError {
  return new BatonError(
    "sandbox_image_missing",
    `sandbox image ${image} is not in ${describeDaemon(docker)}; build it offline with \`baton sandbox build --image ${image}\`, or pull your team's image (docker pull ${image}) and name it in sandbox.image`,
    { image },
  );
}

/**
 * A stable id for one Baton deployment: its WORKFLOW.md path. A restarted Baton has the same id,
 * so it finds the containers its predecessor left; another Baton on the same daemon does not.
 */
export function instanceId(workflowPath: string): string {
  return createHash("sha256").update(workflowPath).digest("hex").slice(0, 16);
}

/**
 * Removes every container labelled with this instance (left by a Baton that died without cleaning
 * up). Call before the first launch. Returns the ids removed.
 */
export async function reapLeftoverContainers(docker: Docker, instance: string): Promise<string[]> {
  const leftovers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.managed}=true`, `${LABELS.instance}=${instance}`] },
  });
  await removeAll(docker, leftovers);
  return leftovers.map((container) => container.Id);
}

/** Whether a process with this pid runs on this host (one that is not ours to signal still runs). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the containers started on `host` by a Baton process that no longer runs. A queue worker's
 * instance names its pid, so a worker killed before it could clean up (SIGKILL, OOM) is not
 * followed by one with its instance, and `reapLeftoverContainers` never finds what it left. A
 * process that still runs keeps its containers (a reused pid too: then they wait for the next
 * start after it), and containers of other hosts are never touched. Returns the ids removed.
 */
export async function reapContainersOfGoneProcesses(
  docker: Docker,
  host: string,
  runs: (pid: number) => boolean = processRuns,
): Promise<string[]> {
  const started = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.managed}=true`, `${LABELS.host}=${host}`] },
  });
  const gone = started.filter((container) => {
    const pid = Number(container.Labels[LABELS.pid]);
    return Number.isInteger(pid) && pid > 0 && !runs(pid);
  });
  await removeAll(docker, gone);
  return gone.map((container) => container.Id);
}

/** Force-removes the containers; one already gone is fine. */
async function removeAll(docker: Docker, containers: readonly { Id: string }[]): Promise<void> {
  await Promise.all(
    containers.map((container) =>
      docker
        .getContainer(container.Id)
        .remove({ force: true })
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 404) throw error;
        }),
    ),
  );
}
