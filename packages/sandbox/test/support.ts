import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { codexBinary, type PrivateDockerd, startPrivateDockerd } from "@baton/testkit";
import type Docker from "dockerode";
import { buildAgentImage, connectDocker, type DockerSandboxSettings } from "../src/index.ts";

export const TEST_IMAGE = "baton-agent:test";

export interface SandboxFixture {
  dockerd: PrivateDockerd;
  docker: Docker;
  stop(): Promise<void>;
}

/** One private dockerd with the agent image built offline: shared by a whole test file. */
export async function startSandboxFixture(): Promise<SandboxFixture> {
  const dockerd = await startPrivateDockerd();
  const docker = connectDocker({ DOCKER_HOST: dockerd.host });
  try {
    await buildAgentImage({ docker, image: TEST_IMAGE, codexBinary: codexBinary() });
  } catch (error) {
    await dockerd.stop();
    throw error;
  }
  return { dockerd, docker, stop: () => dockerd.stop() };
}

export function sandboxSettings(overrides: Partial<DockerSandboxSettings> = {}): DockerSandboxSettings {
  return {
    image: TEST_IMAGE,
    network: "model-only",
    model_url: null,
    env: ["OPENAI_API_KEY"],
    memory: 512 * 1024 * 1024,
    cpus: null,
    pids_limit: 256,
    user: null,
    read_only_mounts: [],
    ...overrides,
  };
}

/** A workspace root with one issue workspace in it, outside any path the container may write. */
export async function tempWorkspace(): Promise<{
  root: string;
  workspace: string;
  cleanup(): Promise<void>;
}> {
  const root = await mkdtemp(path.join(tmpdir(), "baton-sbx-"));
  const workspace = path.join(root, "ABC-1");
  await mkdir(workspace);
  return { root, workspace, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Runs a launched command to its end and collects its output. */
export async function collect(launched: {
  stdin: NodeJS.WritableStream;
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  exited: Promise<{ code: number | null; error?: { category: string; message: string } }>;
}): Promise<{
  code: number | null;
  stdout: string;
  stderr: string;
  error?: { category: string; message: string };
}> {
  let stdout = "";
  let stderr = "";
  launched.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  launched.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  launched.stdin.end();
  const status = await launched.exited;
  return { code: status.code, stdout, stderr, ...(status.error && { error: status.error }) };
}
