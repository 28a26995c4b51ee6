import { execFile, spawn } from "node:child_process";
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readlink,
  realpath,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { BatonError } from "@baton/domain";
import type Docker from "dockerode";
import { describeDaemon } from "./daemon.ts";
import {
  CONTAINER_HOME,
  ENTRY_SCRIPT,
  RELAY_CONTAINER_PORT,
  RELAY_MOUNT,
  RELAY_SOCKET_NAME,
  WORKSPACE_MOUNT,
} from "./settings.ts";

const run = promisify(execFile);

export const DEFAULT_SANDBOX_IMAGE = "baton-agent:latest";

/**
 * Debian packages whose files (and the libraries their programs load) make up the agent image:
 * a login shell, the usual command-line tools, git, socat for the model relay bridge, bwrap.
 */
export const IMAGE_PACKAGES = [
  "bash",
  "coreutils",
  "git",
  "socat",
  "grep",
  "sed",
  "findutils",
  "diffutils",
  "tar",
  "gzip",
  "ca-certificates",
  "libc-bin",
  // Codex looks for bwrap on PATH at startup and logs an error without it; inside the container it
  // is never used for commands (see docs/sandbox.md), but its presence keeps the logs clean.
  "bubblewrap",
];

export interface BuildImageOptions {
  docker: Docker;
  /** `name:tag` to create. */
  image: string;
  /** The static codex executable to install as /usr/local/bin/codex. */
  codexBinary: string;
  packages?: readonly string[];
  onProgress?: (line: string) => void;
}

/**
 * Builds the agent image offline: a root filesystem assembled from the host's Debian packages and
 * the static codex binary, `docker import`ed. No registry, no network: what is installed here is
 * what the agent gets. Returns the image id.
 */
export async function buildAgentImage(options: BuildImageOptions): Promise<string> {
  const progress = options.onProgress ?? (() => {});
  const staging = await mkdtemp(path.join(tmpdir(), "baton-rootfs-"));
  try {
    const files = await packageFiles(options.packages ?? IMAGE_PACKAGES);
    progress(
      `collecting ${files.length} files from ${(options.packages ?? IMAGE_PACKAGES).length} Debian packages`,
    );
    const libraries = await sharedLibraries(files);
    await copyIntoRootfs(staging, [...files, ...libraries]);
    await addBatonFiles(staging, options.codexBinary);
    progress(`importing the root filesystem into ${describeDaemon(options.docker)} as ${options.image}`);
    await importRootfs(options.docker, staging, options.image);
    const inspected = await options.docker.getImage(options.image).inspect();
    return inspected.Id;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Every non-directory path the packages installed (as `dpkg -L` lists them). */
async function packageFiles(packages: readonly string[]): Promise<string[]> {
  let listing: string;
  try {
    listing = (await run("dpkg", ["-L", ...packages], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    throw new BatonError(
      "sandbox_image_build_failed",
      `baton sandbox build assembles the image from Debian packages (${packages.join(", ")}); dpkg could not list them: ${(error as Error).message.split("\n")[0]}. Install them (scripts/install-system-deps) or use your own image (see docs/sandbox.md)`,
      { packages },
    );
  }
  const files: string[] = [];
  for (const line of listing.split("\n")) {
    if (!line.startsWith("/") || line.startsWith("/usr/share/doc") || line.startsWith("/usr/share/man"))
      continue;
    const entry = await lstat(line).catch(() => null);
    if (entry !== null && !entry.isDirectory()) files.push(line);
  }
  return files;
}

/** The shared libraries (and the dynamic loader) every ELF program among `files` needs. */
async function sharedLibraries(files: readonly string[]): Promise<string[]> {
  const programs: string[] = [];
  for (const file of files) if (await isElf(file)) programs.push(file);
  const libraries = new Set<string>();
  for (let start = 0; start < programs.length; start += 200) {
    const { stdout } = await run("ldd", programs.slice(start, start + 200), {
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    for (const match of stdout.matchAll(/(?:=>\s*)?(\/[^\s:]+)\s+\(0x/g)) libraries.add(match[1]!);
  }
  return [...libraries];
}

async function isElf(file: string): Promise<boolean> {
  const entry = await lstat(file).catch(() => null);
  if (entry === null || !entry.isFile()) return false;
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    await handle.close();
  }
}

/**
 * Copies each path to the same place under `root`: symbolic links stay links (their targets are
 * copied too), directory links of a merged-/usr host (/bin → usr/bin) are recreated as links.
 */
async function copyIntoRootfs(root: string, paths: readonly string[]): Promise<void> {
  for (const link of ["bin", "sbin", "lib", "lib64", "lib32", "libx32"]) {
    const target = await readlink(`/${link}`).catch(() => null);
    if (target !== null) await symlink(target, path.join(root, link));
  }
  const done = new Set<string>();
  const copy = async (hostPath: string): Promise<void> => {
    // Place files at their canonical directory so /bin/x and /usr/bin/x land in one spot.
    const directory = await realpath(path.dirname(hostPath)).catch(() => null);
    if (directory === null) return;
    const canonical = path.join(directory, path.basename(hostPath));
    if (done.has(canonical)) return;
    done.add(canonical);
    const entry = await lstat(canonical).catch(() => null);
    if (entry === null || entry.isDirectory()) return;
    const destination = path.join(root, canonical);
    if ((await lstat(destination).catch(() => null)) !== null) return;
    await mkdir(path.dirname(destination), { recursive: true });
    if (entry.isSymbolicLink()) {
      await symlink(await readlink(canonical), destination);
      await copy(path.resolve(directory, await readlink(canonical)));
    } else if (entry.isFile()) {
      await copyFile(canonical, destination);
      await chmod(destination, entry.mode & 0o7777);
    }
  };
  for (const hostPath of paths) await copy(hostPath);
}

/** Users, mount points, Codex's config pointing at the relay, the entry script, codex itself. */
async function addBatonFiles(root: string, codexBinary: string): Promise<void> {
  for (const directory of [
    WORKSPACE_MOUNT,
    "/tmp",
    CONTAINER_HOME,
    RELAY_MOUNT,
    "/etc/codex",
    "/usr/local/bin",
    "/root",
  ]) {
    await mkdir(path.join(root, directory), { recursive: true });
  }
  await chmod(path.join(root, "tmp"), 0o1777);
  await writeFile(
    path.join(root, "etc/passwd"),
    `root:x:0:0:root:/root:/bin/bash\nagent:x:1000:1000:Baton agent:${CONTAINER_HOME}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
  );
  await writeFile(path.join(root, "etc/group"), "root:x:0:\nagent:x:1000:\nnogroup:x:65534:\n");
  await writeFile(path.join(root, "etc/codex/config.toml"), CODEX_SANDBOX_CONFIG);
  await writeFile(path.join(root, ENTRY_SCRIPT), ENTRY_SCRIPT_TEXT, { mode: 0o755 });
  await copyFile(codexBinary, path.join(root, "usr/local/bin/codex"));
  await chmod(path.join(root, "usr/local/bin/codex"), 0o755);
  // The npm package ships ripgrep beside codex (codex-path/rg); agents search with it.
  const ripgrep = path.join(path.dirname(codexBinary), "..", "codex-path", "rg");
  if ((await lstat(ripgrep).catch(() => null)) !== null) {
    await copyFile(ripgrep, path.join(root, "usr/local/bin/rg"));
    await chmod(path.join(root, "usr/local/bin/rg"), 0o755);
  }
}

/**
 * Codex's system config layer in the image: the model provider is the relay on the container's
 * loopback, which Baton forwards to `sandbox.model_url`. The key comes from OPENAI_API_KEY when set
 * (sandbox.env lets it in); retries stay Codex's defaults.
 */
export const CODEX_SANDBOX_CONFIG = [
  `model_provider = "baton"`,
  "",
  "[model_providers.baton]",
  `name = "Model provider through the Baton relay"`,
  `base_url = "http://127.0.0.1:${RELAY_CONTAINER_PORT}"`,
  `wire_api = "responses"`,
  `env_key = "OPENAI_API_KEY"`,
  "",
].join("\n");

/**
 * The container's entry point: when the relay socket is mounted, expose it on the loopback for the
 * agent (and wait until it listens), then run the command as Baton runs it locally: `bash -lc`.
 */
export const ENTRY_SCRIPT_TEXT = `#!/bin/bash
# Baton sandbox entry: model relay bridge, then the command.
relay=${RELAY_MOUNT}/${RELAY_SOCKET_NAME}
if [ -S "$relay" ]; then
  socat TCP-LISTEN:${RELAY_CONTAINER_PORT},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$relay" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 200); do
    grep -q ":$(printf '%04X' ${RELAY_CONTAINER_PORT}) 00000000:0000 0A" /proc/net/tcp 2>/dev/null && break
    sleep 0.01
  done
fi
exec bash -lc "$1"
`;

async function importRootfs(docker: Docker, root: string, image: string): Promise<void> {
  const [repo, tag] = splitImageName(image);
  const tar = spawn("tar", ["-C", root, "--numeric-owner", "-c", "."], { stdio: ["ignore", "pipe", "pipe"] });
  let tarError = "";
  tar.stderr.on("data", (chunk: Buffer) => {
    tarError += chunk.toString();
  });
  const stream = await docker.importImage(tar.stdout as unknown as string, { repo, tag });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
      const failure = error?.message ?? output.find((line) => line.error)?.error;
      if (failure)
        reject(new BatonError("sandbox_image_build_failed", `docker import of ${image} failed: ${failure}`));
      else resolve();
    }),
  );
  const code = await new Promise<number | null>((resolve) => {
    if (tar.exitCode !== null) resolve(tar.exitCode);
    else tar.once("close", resolve);
  });
  if (code !== 0)
    throw new BatonError(
      "sandbox_image_build_failed",
      `tar of the root filesystem failed: ${tarError.trim()}`,
    );
}

function splitImageName(image: string): [string, string] {
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, "latest"];
}
