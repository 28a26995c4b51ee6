import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { BatonProcess, waitFor } from "./harness.ts";

const REPO = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
// Under the repo, not /tmp: the demo keeps CODEX_HOME in the user's cache, which Codex refuses in /tmp.
const WORK = join(REPO, "test-artifacts", `production-install-${process.pid}`);

afterAll(async () => {
  await rm(WORK, { recursive: true, force: true });
});

/** Every package folder name in a pnpm node_modules tree (`.pnpm/<name>@<version>/...`). */
async function installedPackages(dir: string): Promise<string[]> {
  return (await readdir(join(dir, "node_modules", ".pnpm"))).filter((name) => name !== "node_modules");
}

describe("production install of the CLI", () => {
  it("[B.build-production-install] pnpm deploy --prod ships no test fakes, and the offline demo works from it", async () => {
    const target = join(WORK, "baton");
    await mkdir(WORK, { recursive: true });
    const stamp = join(REPO, "packages", "domain", "dist", ".built");
    const builtAt = statSync(stamp).mtimeMs;
    const deploy = spawnSync(
      "npx",
      ["-y", "pnpm@10.34.8", "--filter", "@baton/cli", "deploy", "--prod", "--legacy", target],
      { cwd: REPO, encoding: "utf8", env: { ...process.env, CI: "true" } },
    );
    expect(deploy.status, deploy.stderr + deploy.stdout).toBe(0);
    // pnpm deploy runs the repo's `prepare`: with nothing changed it must leave the build alone, not
    // rebuild it under the other tests' CLI processes (whose build check then raced the rebuild).
    expect(statSync(stamp).mtimeMs).toBe(builtAt);

    const packages = await installedPackages(target);
    expect(packages.some((name) => name.startsWith("@baton+testkit"))).toBe(false);
    expect(packages.some((name) => name.startsWith("playwright"))).toBe(false);
    expect(packages.some((name) => /^graphql@/.test(name))).toBe(false);
    expect(existsSync(join(target, "dist", "main.js"))).toBe(true);
    expect(existsSync(join(target, "src"))).toBe(false);

    const project = join(WORK, "project");
    const home = join(WORK, "home");
    await mkdir(home, { recursive: true });
    await mkdir(project, { recursive: true });
    const child = spawn(process.execPath, [join(target, "bin", "baton.js"), "demo"], {
      cwd: project,
      env: { PATH: process.env.PATH, HOME: home, LANG: "C.UTF-8" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const baton = new BatonProcess(child);
    try {
      const ticket = join(project, ".baton", "demo", "tickets", "BAT-1.md");
      await waitFor(
        async () => (await readFile(ticket, "utf8").catch(() => "")).includes("Human Review"),
        60_000,
        () => `BAT-1 handed to Human Review by the deployed demo\n${baton.stderr}`,
      );
    } finally {
      const exit = await baton.stop("SIGINT");
      expect(exit.code).toBe(0);
    }
  }, 120_000);
});
