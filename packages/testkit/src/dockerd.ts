import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface PrivateDockerd {
  /** `unix:///.../docker.sock`: give it to Baton as DOCKER_HOST. */
  host: string;
  socketPath: string;
  /** Stops the daemon (and every container it still runs) and deletes its data root. */
  stop(): Promise<void>;
}

/**
 * Why a private dockerd cannot run on this machine, or null when it can: Debian's `docker.io`
 * must be installed (scripts/install-system-deps) and we must be root.
 */
export function dockerdUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return "dockerd needs root and the tests do not run as root";
  try {
    execFileSync("dockerd", ["--version"], { stdio: "ignore" });
  } catch {
    return "dockerd is not installed (scripts/install-system-deps installs docker.io)";
  }
  return null;
}

/**
 * For test files that need dockerd: null when they can run, else the reason they are skipped.
 * In CI (CI=true) nothing may be skipped: the reason is thrown instead, failing the file.
 */
export function dockerdSkipReason(): string | null {
  const reason = dockerdUnavailableReason();
  if (reason !== null && process.env.CI === "true") {
    throw new Error(`CI must run the Docker sandbox tests, but ${reason}`);
  }
  return reason;
}

/** The part of vitest's `describe` that {@link describeWithDockerd} uses (the testkit does not import vitest). */
export interface SuiteDescriber {
  (title: string, body: () => void): unknown;
  skip(title: string, body: () => void): unknown;
}

/**
 * `describe` when a private dockerd can run here, `describe.skip` (the reason in its title) when it
 * truly cannot. In CI nothing is skipped: the reason fails the file instead.
 */
export function describeWithDockerd(describe: SuiteDescriber, title: string, body: () => void): void {
  const reason = dockerdSkipReason();
  if (reason === null) describe(title, body);
  else describe.skip(`${title} (skipped: ${reason})`, body);
}

/**
 * Starts a dockerd of its own: private data root, exec root and socket, no bridge, no iptables,
 * so no container network ever uses an address; containers run with network none.
 */
export async function startPrivateDockerd(): Promise<PrivateDockerd> {
  // Short path: a Unix socket path must stay under ~100 bytes.
  const dir = await mkdtemp(path.join(tmpdir(), "bd-"));
  const socketPath = path.join(dir, "docker.sock");
  const logPath = path.join(dir, "dockerd.log");
  const { openSync } = await import("node:fs");
  const log = openSync(logPath, "a");
  const daemon: ChildProcess = spawn(
    "dockerd",
    [
      "--data-root",
      path.join(dir, "data"),
      "--exec-root",
      path.join(dir, "exec"),
      "-H",
      `unix://${socketPath}`,
      "--pidfile",
      path.join(dir, "docker.pid"),
      "--bridge=none",
      "--iptables=false",
      "--ip-masq=false",
    ],
    { stdio: ["ignore", log, log] },
  );
  const exited = new Promise<void>((resolve) => daemon.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!(await answersPing(socketPath))) {
    if (daemon.exitCode !== null || Date.now() > deadline) {
      daemon.kill("SIGKILL");
      const output = await readFile(logPath, "utf8").catch(() => "");
      await rm(dir, { recursive: true, force: true });
      throw new Error(`dockerd did not start: ${output.split("\n").slice(-5).join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    host: `unix://${socketPath}`,
    socketPath,
    async stop() {
      daemon.kill("SIGTERM");
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000)),
      ]);
      if (!stopped) {
        daemon.kill("SIGKILL");
        await exited;
      }
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

async function answersPing(socketPath: string): Promise<boolean> {
  if (!existsSync(socketPath)) return false;
  const { request } = await import("node:http");
  return new Promise((resolve) => {
    const ping = request({ socketPath, path: "/_ping", timeout: 1_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on("error", () => resolve(false));
    ping.on("timeout", () => ping.destroy());
    ping.end();
  });
}
