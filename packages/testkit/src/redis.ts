import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface RedisServerOptions {
  /** `requirepass`: clients must AUTH with it. */
  password?: string;
  /**
   * Keep data across `restart()` with an append-only file synced on every write, so a restart
   * loses nothing (the default: no persistence at all).
   */
  durable?: boolean;
}

export interface TestRedisServer {
  port: number;
  /** `redis://[:password@]127.0.0.1:<port>` */
  url: string;
  /** The directory holding its log and (when durable) its append-only file. */
  dir: string;
  /** SIGKILLs the server and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** SIGKILLs the server without starting it again (a Redis that cannot be reached). */
  kill(): Promise<void>;
  /** Starts it again after `kill()`. */
  start(): Promise<void>;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

/** Why redis-server cannot run here, or null (scripts/install-system-deps installs it). */
export function redisUnavailableReason(): string | null {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return null;
  } catch {
    return "redis-server is not installed (scripts/install-system-deps installs it)";
  }
}

/** For test files that need Redis: in CI (CI=true) nothing may be skipped, so this throws there. */
export function redisSkipReason(): string | null {
  const reason = redisUnavailableReason();
  if (reason !== null && process.env.CI === "true") {
    throw new Error(`CI must run the Redis tests, but ${reason}`);
  }
  return reason;
}

/**
 * Starts a private `redis-server` on 127.0.0.1 and a free port, with the settings BullMQ needs
 * (`maxmemory-policy noeviction`) and nothing saved outside its own temp directory.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<TestRedisServer> {
  const dir = await mkdtemp(path.join(tmpdir(), "baton-redis-"));
  const port = await freePort();
  const logPath = path.join(dir, "redis.log");
  let child: ChildProcess | null = null;

  const args = [
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
    "--dir",
    dir,
    "--save",
    "",
    "--maxmemory-policy",
    "noeviction",
    ...(options.durable ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
    ...(options.password ? ["--requirepass", options.password] : []),
  ];

  const launch = async () => {
    const log = openSync(logPath, "a");
    const started = spawn("redis-server", args, { stdio: ["ignore", log, log] });
    child = started;
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        started.kill("SIGKILL");
        const output = await readFile(logPath, "utf8").catch(() => "");
        throw new Error(`redis-server did not start: ${output.split("\n").slice(-5).join("\n")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const killNow = async () => {
    const running = child;
    child = null;
    if (running === null || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGKILL");
    await exited;
  };

  await launch();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    dir,
    restart: async () => {
      await killNow();
      await launch();
    },
    kill: killNow,
    start: launch,
    stop: async () => {
      await killNow();
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
