import { hostname } from "node:os";
import type { Logger } from "@baton/domain";
import type { SandboxConfig } from "@baton/workflow";
import { type Launcher, LocalLauncher } from "@baton/workspace";

/** The launchers a service uses: agents and hooks separately, and how to end what they started. */
export interface Launchers {
  agent: Launcher;
  hook: Launcher;
  /** Ends what both launchers still run (processes or containers) and stops the model relay. */
  close(): Promise<void>;
}

/**
 * Local processes, or (sandbox.kind docker) containers: checks the daemon and the image (startup
 * validation: a BatonError when either is missing), removes containers a previous Baton with this
 * workflow left behind, and starts the model relay for `network: model-only`. Sandbox settings are
 * read once here: changing them needs a restart.
 */
export async function createLaunchers(options: {
  sandbox: SandboxConfig;
  hooksSandboxed: boolean;
  workflowPath: string;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
}): Promise<Launchers> {
  const { sandbox, logger } = options;
  if (sandbox.kind === "none") return launchers(new LocalLauncher(), new LocalLauncher());
  // Loaded only for sandboxed services: dockerode is not free to import.
  const {
    DockerLauncher,
    ModelRelay,
    assertDaemonReachable,
    assertImagePresent,
    connectDocker,
    instanceId,
    reapContainersOfGoneProcesses,
    reapLeftoverContainers,
  } = await import("@baton/sandbox");
  const docker = connectDocker(options.env);
  await assertDaemonReachable(docker);
  await assertImagePresent(docker, sandbox.image);
  const instance = instanceId(options.workflowPath);
  // This workflow's (a service restarted), and any on this host whose Baton process is gone (a
  // killed queue worker: the next worker here has another instance).
  const reaped = [
    ...(await reapLeftoverContainers(docker, instance)),
    ...(await reapContainersOfGoneProcesses(docker, hostname())),
  ];
  if (reaped.length > 0) {
    logger.warn(
      { container_ids: reaped.map((id) => id.slice(0, 12)), instance },
      `action=sandbox_reap outcome=removed count=${reaped.length} (left by a Baton that did not stop cleanly)`,
    );
  }
  const relay =
    sandbox.network === "model-only" && sandbox.model_url !== null
      ? await ModelRelay.start({ upstream: sandbox.model_url, logger })
      : null;
  const common = { docker, settings: sandbox, instance, workflowPath: options.workflowPath };
  const agent = new DockerLauncher({ ...common, role: "agent", relay });
  const hook = options.hooksSandboxed ? new DockerLauncher({ ...common, role: "hook" }) : new LocalLauncher();
  logger.info(
    { image: sandbox.image, network: sandbox.network, hooks_sandboxed: options.hooksSandboxed, instance },
    "action=sandbox_ready",
  );
  return launchers(agent, hook, relay);
}

function launchers(agent: Launcher, hook: Launcher, relay?: { close(): Promise<void> } | null): Launchers {
  return {
    agent,
    hook,
    async close() {
      await Promise.all([agent.close(), hook.close()]);
      await relay?.close();
    },
  };
}

/**
 * A queue worker's launchers (B.queue, B.sandbox): each job's spec says how its agent and hooks
 * run, so the launchers for a sandbox setting are made when a first job needs them (daemon and
 * image checked, model relay started, as `createLaunchers` does for a service) and kept. A setting
 * whose launchers could not be made (no Docker daemon on this host) fails that job, naming the host,
 * and is tried again by the next one.
 */
export class WorkerLaunchers {
  private readonly made = new Map<string, Promise<Launchers>>();

  constructor(
    private readonly options: {
      /**
       * Names this worker process where a service names its workflow: its containers are labelled
       * with it, so a worker never reaps a sibling's.
       */
      instance: string;
      env: Readonly<Record<string, string | undefined>>;
      logger: Logger;
    },
  ) {}

  for(settings: { sandbox: SandboxConfig; hooks: { sandbox: boolean } }): Promise<Launchers> {
    const key = JSON.stringify([settings.sandbox, settings.hooks.sandbox]);
    let launchers = this.made.get(key);
    if (launchers === undefined) {
      launchers = createLaunchers({
        sandbox: settings.sandbox,
        hooksSandboxed: settings.hooks.sandbox,
        workflowPath: this.options.instance,
        env: this.options.env,
        logger: this.options.logger,
      });
      this.made.set(key, launchers);
      launchers.catch(() => this.made.delete(key));
    }
    return launchers;
  }

  /** Ends what every launcher still runs and stops the relays. */
  async close(): Promise<void> {
    const all = await Promise.allSettled(this.made.values());
    for (const result of all) if (result.status === "fulfilled") await result.value.close();
  }
}
