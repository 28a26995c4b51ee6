import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { BatonError } from "@baton/domain";
import { claudeOfflineEnv } from "./anthropic-provider.ts";

export interface ClaudeHome {
  /** The private HOME directory (Claude Code keeps its settings and transcripts under ~/.claude). */
  home: string;
  /** Variables for the claude child: HOME plus what points it at the fake, offline. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * A private HOME for the real `claude`, so it reads none of the developer's settings, sessions or
 * shell profile, and the offline variables that send every model call to the fake at `baseUrl`.
 */
export async function prepareClaudeHome(options: {
  baseUrl: string;
  parentDir?: string;
}): Promise<ClaudeHome> {
  const home = await mkdtemp(path.join(options.parentDir ?? os.tmpdir(), "claude-home-"));
  return {
    home,
    env: { HOME: home, ...claudeOfflineEnv(options.baseUrl) },
    // An agent still shutting down may write into it while it goes: ENOTEMPTY is retried.
    cleanup: () => rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  };
}

/**
 * Absolute path of the native `claude` executable from `@anthropic-ai/claude-code`'s platform
 * package (not the package's `bin` placeholder, which only its postinstall replaces).
 */
export function claudeBinary(): string {
  const target = CLAUDE_TARGETS[`${process.platform}-${process.arch}`];
  if (target === undefined) {
    throw new BatonError(
      "claude_not_found",
      `no claude binary is published for ${process.platform}-${process.arch}`,
    );
  }
  const wrapper = createRequire(import.meta.url).resolve("@anthropic-ai/claude-code/package.json");
  try {
    const platformPackage = createRequire(wrapper).resolve(`${target}/package.json`);
    return path.join(path.dirname(platformPackage), "claude");
  } catch (error) {
    throw new BatonError(
      "claude_not_found",
      `${target} is not installed next to ${wrapper}; reinstall @anthropic-ai/claude-code`,
      {},
      { cause: error },
    );
  }
}

/** `claude.command` that runs the real binary. */
export function claudeCommand(): string {
  return `'${claudeBinary().replaceAll("'", `'\\''`)}'`;
}

const CLAUDE_TARGETS: Record<string, string> = {
  "linux-x64": "@anthropic-ai/claude-code-linux-x64",
  "linux-arm64": "@anthropic-ai/claude-code-linux-arm64",
  "darwin-x64": "@anthropic-ai/claude-code-darwin-x64",
  "darwin-arm64": "@anthropic-ai/claude-code-darwin-arm64",
};
