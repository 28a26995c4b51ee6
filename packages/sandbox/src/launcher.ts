import { hostname } from "node:os";
import path from "node:path";
import {
  CONTAINER_PORTABLE_ENV,
  isAllowed,
  type LaunchedProcess,
  type Launcher,
  type LaunchSpec,
} from "@baton/domain";
import type Docker from "dockerode";
import { ContainerProcess } from "./container-process.ts";
import { LABELS } from "./daemon.ts";
import type { ModelRelay } from "./relay.ts";
import {
  CONTAINER_HOME,
  type DockerSandboxSettings,
  ENTRY_SCRIPT,
  parseReadOnlyMount,
  RELAY_CONTAINER_PORT,
  RELAY_MOUNT,
  WORKSPACE_MOUNT,
} from "./settings.ts";

const CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** Set by the container itself, whatever the launch's environment says. */
const OWN_ENV = new Set(["HOME", "PATH", "BATON_MODEL_URL"]);

export interface DockerLauncherOptions {
  docker: Docker;
  settings: DockerSandboxSettings;
  /** Labels containers for reaping: see `instanceId`. */
  instance: string;
  workflowPath: string;
  /** `agent` containers get the model relay (when `network: model-only`); `hook` ones never do. */
  role: "agent" | "hook";
  /** The running relay, required for agents when `settings.network` is `model-only`. */
  relay?: ModelRelay | null;
}

/**
 * Runs each launch in its own container (one per agent attempt, one per hook run): the workspace
 * bind-mounted read-write at /workspace and nothing else of the host writable, no network (or only
 * the model relay's socket), only the allowlisted variables, and resource limits. A fresh
 * container per attempt means nothing but the workspace carries over between attempts, and a
 * retry after an OOM kill starts clean; creating one costs well under a second.
 */
export class DockerLauncher implements Launcher {
  private readonly live = new Set<ContainerProcess>();
  /** The container is the sandbox: read-only root, only /workspace writable, no network but the relay. */
  readonly confines = true;

  constructor(private readonly options: DockerLauncherOptions) {}

  /** Every launch sees its workspace (the launch cwd) at /workspace. */
  visiblePath(hostPath: string): string {
    void hostPath;
    return WORKSPACE_MOUNT;
  }

  launch(spec: LaunchSpec): LaunchedProcess {
    const { docker, settings } = this.options;
    const issue = path.basename(spec.cwd);
    const launched = new ContainerProcess(docker, this.containerOptions(spec, issue), {
      issue,
      memory: settings.memory,
      image: settings.image,
    });
    this.live.add(launched);
    void launched.exited.then(() => this.live.delete(launched));
    return launched;
  }

  /** Kills and removes every container this launcher still has running (Baton stopping). */
  async close(): Promise<void> {
    const running = [...this.live];
    for (const launched of running) launched.kill("SIGKILL");
    await Promise.all(running.map((launched) => launched.exited));
  }

  /** Containers currently running for this launcher. */
  get running(): readonly ContainerProcess[] {
    return [...this.live];
  }

  private containerOptions(spec: LaunchSpec, issue: string): Docker.ContainerCreateOptions {
    const { settings, role } = this.options;
    const withRelay = role === "agent" && settings.network === "model-only";
    const binds = [`${spec.cwd}:${WORKSPACE_MOUNT}:rw`];
    for (const entry of settings.read_only_mounts) {
      const mount = parseReadOnlyMount(entry);
      binds.push(`${mount.host}:${mount.container}:ro`);
    }
    if (withRelay) {
      if (!this.options.relay) throw new Error("a model-only agent launcher needs a running model relay");
      binds.push(`${this.options.relay.directory}:${RELAY_MOUNT}:ro`);
    }
    return {
      Image: settings.image,
      Entrypoint: [ENTRY_SCRIPT],
      Cmd: [spec.command],
      WorkingDir: WORKSPACE_MOUNT,
      User: settings.user ?? defaultUser(),
      Env: this.containerEnv(spec, withRelay),
      Labels: {
        [LABELS.managed]: "true",
        [LABELS.instance]: this.options.instance,
        [LABELS.workflow]: this.options.workflowPath,
        [LABELS.issue]: issue,
        [LABELS.role]: role,
        [LABELS.host]: hostname(),
        [LABELS.pid]: String(process.pid),
      },
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      OpenStdin: true,
      StdinOnce: true,
      Tty: false,
      HostConfig: {
        NetworkMode: "none",
        Binds: binds,
        ReadonlyRootfs: true,
        Tmpfs: {
          "/tmp": "rw,nosuid,nodev,mode=1777",
          [CONTAINER_HOME]: "rw,nosuid,nodev,mode=1777",
        },
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        Init: true,
        ...(settings.memory !== null && { Memory: settings.memory, MemorySwap: settings.memory }),
        ...(settings.cpus !== null && { NanoCpus: Math.round(settings.cpus * 1e9) }),
        ...(settings.pids_limit !== null && { PidsLimit: settings.pids_limit }),
      },
    };
  }

  /**
   * What enters the container of the launch's environment (already reduced to the agent's or the
   * hooks' allowlist): locale, time zone, terminal and the run's marks; the names `sandbox.env` lets
   * in (the model key); what WORKFLOW.md declared. Never a withheld tracker secret, and never the
   * host's paths, user or proxies: HOME and PATH are the container's own.
   */
  private containerEnv(spec: LaunchSpec, withRelay: boolean): string[] {
    const source = spec.env ?? process.env;
    const withheld = new Set(spec.unsetEnv ?? []);
    const declared = new Set(spec.declaredEnv ?? []);
    const enters = (name: string) =>
      isAllowed(CONTAINER_PORTABLE_ENV, name) ||
      this.options.settings.env.includes(name) ||
      declared.has(name);
    const env = [`HOME=${CONTAINER_HOME}`, `PATH=${CONTAINER_PATH}`];
    for (const [name, value] of Object.entries(source)) {
      if (value === undefined || withheld.has(name) || OWN_ENV.has(name) || !enters(name)) continue;
      env.push(`${name}=${value}`);
    }
    if (withRelay) env.push(`BATON_MODEL_URL=http://127.0.0.1:${RELAY_CONTAINER_PORT}`);
    return env;
  }
}

function defaultUser(): string {
  return process.getuid && process.getgid ? `${process.getuid()}:${process.getgid()}` : "1000:1000";
}
