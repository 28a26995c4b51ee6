import { spawn } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { BatonError } from "@baton/domain";

/** A model slug this Codex version knows: an unknown one works but warns and drops apply_patch. */
export const DEFAULT_FAKE_MODEL = "gpt-5.5";

export interface CodexHome {
  /** Absolute path of the private CODEX_HOME directory. */
  home: string;
  /** Variables to add to the codex child's environment. */
  env: Record<string, string>;
  /** Removes the directory. */
  cleanup(): Promise<void>;
}

export interface CodexHomeOptions {
  /** The fake provider's `baseUrl` (`http://127.0.0.1:<port>/v1`). */
  baseUrl: string;
  model?: string;
  /** Where to create the home; must not be inside os.tmpdir(). Defaults to the user cache dir. */
  parentDir?: string;
}

/**
 * Writes an isolated CODEX_HOME whose config.toml routes every model call to the fake provider,
 * with retries off so a scripted failure fails the turn at once.
 *
 * It is never created under os.tmpdir(): Codex refuses to set up its sandbox helper there, and
 * every sandboxed command would then fail (see the package README).
 */
export async function prepareCodexHome(options: CodexHomeOptions): Promise<CodexHome> {
  const parentDir = path.resolve(options.parentDir ?? defaultParentDir());
  await mkdir(parentDir, { recursive: true });
  const realParent = await realpath(parentDir);
  const realTmp = await realpath(os.tmpdir());
  if (isInside(realParent, realTmp)) {
    throw new BatonError(
      "invalid_codex_home",
      `CODEX_HOME parent ${parentDir} is inside the temp dir ${realTmp}; Codex would refuse to ` +
        "create its sandbox helper there. Choose a directory outside it.",
      { parentDir, tmpdir: realTmp },
    );
  }
  const home = await mkdtemp(path.join(realParent, "codex-home-"));
  await writeFile(path.join(home, "config.toml"), codexConfigToml(options.baseUrl, options.model));
  await installSystemSkills(home);
  return {
    home,
    env: { CODEX_HOME: home },
    // An agent still shutting down may write into it while it goes: ENOTEMPTY is retried.
    cleanup: () => rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  };
}

/**
 * Codex copies its system skills into a new CODEX_HOME when an app-server starts. Sessions started
 * together on a fresh home race at it, and the loser logs `ERROR ... failed to install system
 * skills: Directory not empty`: the first thing a newcomer running the demo would read. One
 * app-server started and ended first (stdin closed: it installs them and exits, ~0.3 s) leaves them
 * in place for every session. No codex binary for this platform is `codex_not_found` here, as it
 * would be for the sessions; a run that fails or hangs (killed after 30 s) is left to the sessions,
 * which report it in context.
 */
async function installSystemSkills(home: string): Promise<void> {
  // It talks to no model: no key of the operator's goes with it.
  const env: Record<string, string> = { CODEX_HOME: home };
  for (const name of ["PATH", "HOME", "TMPDIR"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const child = spawn(codexBinary(), ["app-server"], { cwd: home, env, stdio: "ignore" });
  const timer = setTimeout(() => child.kill("SIGKILL"), SKILLS_INSTALL_TIMEOUT_MS);
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  clearTimeout(timer);
}

const SKILLS_INSTALL_TIMEOUT_MS = 30_000;

/** config.toml pointing Codex at a Responses API provider at `baseUrl`. */
export function codexConfigToml(baseUrl: string, model = DEFAULT_FAKE_MODEL): string {
  return [
    `model = ${tomlString(model)}`,
    `model_provider = "fake"`,
    "",
    "[model_providers.fake]",
    `name = "Baton fake model provider"`,
    `base_url = ${tomlString(baseUrl)}`,
    `wire_api = "responses"`,
    "request_max_retries = 0",
    "stream_max_retries = 0",
    "",
  ].join("\n");
}

/** Absolute path of the native codex executable installed with `@openai/codex`. */
export function codexBinary(): string {
  const target = NATIVE_TARGETS[`${process.platform}-${process.arch}`];
  if (!target) {
    throw new BatonError(
      "codex_not_found",
      `no codex binary is published for ${process.platform}-${process.arch}`,
    );
  }
  // The platform package is an optional dependency of @openai/codex, so resolve it from there.
  const launcher = createRequire(import.meta.url).resolve("@openai/codex/package.json");
  let platformPackage: string;
  try {
    platformPackage = createRequire(launcher).resolve(`${target.packageName}/package.json`);
  } catch (error) {
    throw new BatonError(
      "codex_not_found",
      `${target.packageName} is not installed next to ${launcher}; reinstall @openai/codex`,
      {},
      { cause: error },
    );
  }
  return path.join(path.dirname(platformPackage), "vendor", target.triple, "bin", "codex");
}

/** `codex.command` that starts the real app-server (the CODEX_HOME env goes in separately). */
export function codexAppServerCommand(): string {
  return `${shellQuote(codexBinary())} app-server`;
}

const NATIVE_TARGETS: Record<string, { packageName: string; triple: string }> = {
  "linux-x64": { packageName: "@openai/codex-linux-x64", triple: "x86_64-unknown-linux-musl" },
  "linux-arm64": { packageName: "@openai/codex-linux-arm64", triple: "aarch64-unknown-linux-musl" },
  "darwin-x64": { packageName: "@openai/codex-darwin-x64", triple: "x86_64-apple-darwin" },
  "darwin-arm64": { packageName: "@openai/codex-darwin-arm64", triple: "aarch64-apple-darwin" },
};

function defaultParentDir(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(cache, "baton", "codex-homes");
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
