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
    reapLeftoverContainers,
  } = await import("@baton/sandbox");
  const docker = connectDocker(options.env);
  await assertDaemonReachable(docker);
  await assertImagePresent(docker, sandbox.image);
  const instance = instanceId(options.workflowPath);
  const reaped = await reapLeftoverContainers(docker, instance);
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
