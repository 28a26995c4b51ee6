import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { isBatonError } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { codexAppServerCommand, prepareCodexHome } from "../src/index.ts";

describe("prepareCodexHome", () => {
  it("[S10.2-policy-fields] refuses a CODEX_HOME inside the temp dir, where codex cannot set up its sandbox helper", async () => {
    const error = await prepareCodexHome({ baseUrl: "http://127.0.0.1:1/v1", parentDir: os.tmpdir() }).catch(
      (caught: unknown) => caught,
    );
    expect(isBatonError(error, "invalid_codex_home")).toBe(true);
    expect((error as Error).message).toContain(os.tmpdir());
  });

  it("[S10.2-policy-fields] writes an isolated home routing the model to the provider, and removes it", async () => {
    const codexHome = await prepareCodexHome({ baseUrl: "http://127.0.0.1:4321/v1", model: "gpt-5.5" });
    try {
      expect(codexHome.env).toEqual({ CODEX_HOME: codexHome.home });
      expect(path.relative(os.tmpdir(), codexHome.home).startsWith("..")).toBe(true);
      const config = await readFile(path.join(codexHome.home, "config.toml"), "utf8");
      expect(config).toContain('base_url = "http://127.0.0.1:4321/v1"');
      expect(config).toContain('model_provider = "fake"');
    } finally {
      await codexHome.cleanup();
    }
    expect(existsSync(codexHome.home)).toBe(false);
  });

  it("[B.ops-demo-codex-skills] comes with Codex's system skills installed, so sessions started together do not race at it", async () => {
    const codexHome = await prepareCodexHome({ baseUrl: "http://127.0.0.1:1/v1" });
    try {
      const system = path.join(codexHome.home, "skills", ".system");
      expect(existsSync(path.join(system, ".codex-system-skills.marker"))).toBe(true);
      expect((await readdir(system)).length).toBeGreaterThan(1);
    } finally {
      await codexHome.cleanup();
    }
  });

  it("[S10.1-launch-bash-lc] codexAppServerCommand starts the real app-server under bash -lc", async () => {
    const codexHome = await prepareCodexHome({ baseUrl: "http://127.0.0.1:1/v1" });
    const workspace = await mkdtemp(path.join(os.tmpdir(), "testkit-launch-"));
    try {
      const child = spawn("bash", ["-lc", codexAppServerCommand()], {
        cwd: workspace,
        // HOME points away from the developer's dotfiles: a login shell must not depend on them.
        env: { ...process.env, ...codexHome.env, HOME: workspace },
      });
      const initialize = { id: 1, method: "initialize", params: { clientInfo: { name: "t", version: "0" } } };
      const closed = once(child, "close");
      const firstLine = once(createInterface({ input: child.stdout }), "line");
      child.stdin.write(`${JSON.stringify(initialize)}\n`);
      const [line] = (await firstLine) as [string];
      child.stdin.end();
      await closed;
      expect(JSON.parse(line)).toMatchObject({ id: 1, result: { codexHome: codexHome.home } });
    } finally {
      await codexHome.cleanup();
      await rm(workspace, { recursive: true, force: true });
    }
  });
});
