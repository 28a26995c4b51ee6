import { BatonError } from "@baton/domain";
import { type CommandIO, println, usageError } from "../io.ts";

export interface SandboxBuildOptions {
  image?: string;
  /** The static codex executable to put in the image; default: the one installed with Baton. */
  codex?: string;
}

/**
 * `baton sandbox build [--image NAME] [--codex PATH]`: builds the agent image offline (this host's
 * Debian packages + the static codex binary, `docker import`ed) into the daemon at DOCKER_HOST.
 */
export async function sandboxCommand(
  args: readonly string[],
  options: SandboxBuildOptions,
  io: CommandIO,
): Promise<number> {
  if (args[0] !== "build" || args.length > 1)
    throw usageError("expected `baton sandbox build [--image NAME] [--codex PATH]`");
  const { assertDaemonReachable, buildAgentImage, connectDocker, DEFAULT_SANDBOX_IMAGE } = await import(
    "@baton/sandbox"
  );
  const image = options.image ?? DEFAULT_SANDBOX_IMAGE;
  const codexBinary = options.codex ?? (await import("@baton/demo")).codexBinary();
  const docker = connectDocker(io.env);
  await assertDaemonReachable(docker);
  const started = Date.now();
  const id = await buildAgentImage({
    docker,
    image,
    codexBinary,
    onProgress: (line) => println(io.out, line),
  }).catch((error: unknown) => {
    if (error instanceof BatonError) throw error;
    throw new BatonError(
      "sandbox_image_build_failed",
      `building ${image} failed: ${(error as Error).message}`,
    );
  });
  println(io.out, `built ${image} (${id.slice(0, 19)}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  println(io.out, `use it with sandbox: { kind: docker, image: ${image} } in WORKFLOW.md`);
  return 0;
}
