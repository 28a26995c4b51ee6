import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startCodexSession } from "@baton/agent";
import { buildAgentImage, connectDocker, DockerLauncher, ModelRelay } from "@baton/sandbox";
import {
  codexBinary,
  dockerdSkipReason,
  scripts,
  startFakeModelProvider,
  startPrivateDockerd,
} from "@baton/testkit";
import { type Measurement, measure } from "../report.ts";
import { percentile, wallClockMs } from "../stats.ts";

export interface SandboxStartOptions {
  runs: number;
}

export const SANDBOX_START_FULL: SandboxStartOptions = { runs: 7 };

const IMAGE = "baton-agent:bench";
const MIB = 1024 * 1024;

/**
 * The price of `sandbox.kind: docker` per attempt: from the launch (container create) until Codex
 * in the container has answered turn/start, and the memory the running container uses (cgroup
 * usage minus page cache) with Codex idle after a turn. A private dockerd (no bridge, no iptables)
 * and the image built offline; the model is the offline fake, reached through the relay. One
 * unmeasured run first, as a second attempt on a machine finds the image's files in the cache.
 */
export async function sandboxStart(options: SandboxStartOptions): Promise<Measurement[]> {
  const skip = dockerdSkipReason();
  if (skip !== null) throw new Error(`cannot measure the sandbox here: ${skip}`);
  const dockerd = await startPrivateDockerd();
  const root = await mkdtemp(path.join(tmpdir(), "baton-bench-sandbox-"));
  const provider = await startFakeModelProvider(scripts.message("done"));
  let relay: ModelRelay | null = null;
  try {
    const docker = connectDocker({ DOCKER_HOST: dockerd.host });
    await buildAgentImage({ docker, image: IMAGE, codexBinary: codexBinary() });
    relay = await ModelRelay.start({ upstream: provider.baseUrl });
    const launcher = new DockerLauncher({
      docker,
      settings: {
        image: IMAGE,
        network: "model-only",
        model_url: provider.baseUrl,
        env: ["OPENAI_API_KEY"],
        memory: 2048 * MIB,
        cpus: null,
        pids_limit: 1024,
        user: null,
        read_only_mounts: [],
      },
      instance: "bench",
      workflowPath: path.join(root, "WORKFLOW.md"),
      role: "agent",
      relay,
    });
    const startSamples: number[] = [];
    const memorySamples: number[] = [];
    for (let run = 0; run <= options.runs; run++) {
      const workspace = path.join(root, `BENCH-${run}`);
      await mkdir(workspace);
      let turnStartedAt = Number.NaN;
      const launchedAt = wallClockMs();
      const session = await startCodexSession({
        command: "codex app-server",
        workspacePath: workspace,
        workspaceRoot: root,
        launcher,
        env: { OPENAI_API_KEY: "sk-bench" },
        secretEnvNames: [],
        approvalPolicy: "never",
        threadSandbox: "workspace-write",
        turnSandboxPolicy: null,
        readTimeoutMs: 30_000,
        turnTimeoutMs: 60_000,
        tools: [],
        executeTool: async () => ({ success: false, output: "no tools" }),
        onEvent: (event) => {
          if (event.event === "session_started") turnStartedAt = wallClockMs();
        },
      });
      try {
        await session.runTurn({ prompt: "BENCH: start", title: "BENCH: start" });
        if (run === 0) continue;
        startSamples.push(turnStartedAt - launchedAt);
        const containerId = launcher.running[0]?.containerId;
        if (containerId) {
          const stats = await docker.getContainer(containerId).stats({ stream: false });
          // The first read after start can come back without memory figures; such a sample is skipped.
          const memory = stats.memory_stats as { usage?: number; stats?: { cache?: number } } | undefined;
          if (memory?.usage !== undefined)
            memorySamples.push((memory.usage - (memory.stats?.cache ?? 0)) / MIB);
        }
      } finally {
        await session.stop();
      }
    }
    return [
      measure(
        "sandbox_start_to_turn_p50",
        percentile(startSamples, 50),
        "ms",
        { op: "<=", limit: 1500 },
        {
          runs: startSamples.length,
          max_ms: Math.max(...startSamples),
          all_ms: startSamples.map(Math.round),
        },
      ),
      measure(
        "sandbox_container_memory_p50",
        percentile(memorySamples, 50),
        "MiB",
        { op: "<=", limit: 256 },
        { runs: memorySamples.length, all_mib: memorySamples.map((value) => Math.round(value)) },
      ),
    ];
  } finally {
    await relay?.close();
    await provider.close();
    await dockerd.stop();
    await rm(root, { recursive: true, force: true });
  }
}
