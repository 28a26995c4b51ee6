import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { openSync, writeFileSync } from "node:fs";
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
  /**
   * Serve TLS only (`rediss://`) with this PEM certificate and key (see `makeTestCertificates`);
   * clients are not asked for a certificate.
   */
  tls?: { certFile: string; keyFile: string };
}

export interface TestRedisServer {
  port: number;
  /** `redis://[:password@]127.0.0.1:<port>` (`rediss://` with `tls`) */
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
    ...(options.tls
      ? [
          "--port",
          "0",
          "--tls-port",
          String(port),
          "--tls-cert-file",
          options.tls.certFile,
          "--tls-key-file",
          options.tls.keyFile,
          "--tls-auth-clients",
          "no",
        ]
      : ["--port", String(port)]),
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
    url: `${options.tls ? "rediss" : "redis"}://${auth}127.0.0.1:${port}`,
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

/** Whether `openssl` is here to make test certificates. */
export function opensslUnavailableReason(): string | null {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return null;
  } catch {
    return "openssl is not installed (scripts/install-system-deps installs it)";
  }
}

/**
 * A throw-away CA and a server certificate for 127.0.0.1 signed by it (PEM files in `dir`), made
 * with `openssl`, for TLS servers started by tests.
 */
export function makeTestCertificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const file = (name: string) => path.join(dir, name);
  const run = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe", cwd: dir });
  run(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=baton-test-ca",
  );
  run(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    file("server.key"),
    "-out",
    file("server.csr"),
    "-subj",
    "/CN=127.0.0.1",
  );
  writeFileSync(file("server.ext"), "subjectAltName=IP:127.0.0.1\n");
  run(
    "x509",
    "-req",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.crt"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-out",
    file("server.crt"),
    "-days",
    "2",
    "-extfile",
    file("server.ext"),
  );
  return { caFile: file("ca.crt"), certFile: file("server.crt"), keyFile: file("server.key") };
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
