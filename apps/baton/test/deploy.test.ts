import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MODEL_KEY_ENV_NAMES } from "@baton/domain";
import { redisSkipReason, scripts } from "@baton/testkit";
import { trackerProfiles } from "@baton/tracker";
import { WorkflowStore } from "@baton/workflow";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type BatonProcess, Project, waitFor } from "./harness.ts";

/**
 * deploy/ is checked against the CLI it deploys: the compose file and the systemd units may only
 * use commands, flags and variables Baton reads, and the compose file's own commands run here end
 * to end (no image registry is reachable, so the processes it names run directly).
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const deploy = join(repo, "deploy");
const skip = redisSkipReason();

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  networks?: string[];
}
interface Compose {
  services: Record<string, Service>;
  networks: Record<string, { internal?: boolean }>;
}

const compose = parse(readFileSync(join(deploy, "compose.yaml"), "utf8")) as Compose;
const batonServices = Object.entries(compose.services).filter(([name]) => name !== "redis");

/** Every Baton source file's text: a variable Baton reads is named in one of them. */
function sourceText(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "node_modules" && entry.name !== "dist") walk(path);
      else if (entry.name.endsWith(".ts") && path.includes("/src/")) texts.push(readFileSync(path, "utf8"));
    }
  };
  walk(join(repo, "apps", "baton"));
  walk(join(repo, "packages"));
  return texts.join("\n");
}

/** The flags `baton help` lists for a subcommand (the line of `baton <sub> …` and its continuation). */
function usage(): string {
  const main = readFileSync(join(repo, "apps/baton/src/main.ts"), "utf8");
  return main.slice(main.indexOf("Usage:"), main.indexOf("`", main.indexOf("Usage:")));
}

function systemdExecStart(file: string): { exec: string[]; environmentFile: string } {
  const text = readFileSync(join(deploy, "systemd", file), "utf8");
  const exec = /^ExecStart=(.+)$/m.exec(text)?.[1]?.split(/\s+/) ?? [];
  const environmentFile = /^EnvironmentFile=(.+)$/m.exec(text)?.[1] ?? "";
  return { exec, environmentFile };
}

function envExample(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

describe("deploy/ kit", () => {
  it("[B.redis-deploy-kit][B.redis-private-network] compose.yaml parses: Redis with a password and noeviction on an internal network with no published port, the orchestrator and two workers from the one image", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["orchestrator", "redis", "worker-1", "worker-2"]);
    const redis = compose.services.redis!;
    const args = redis.command.join(" ");
    expect(args).toMatch(/^redis-server /);
    expect(args).toContain("--requirepass ${REDIS_PASSWORD:?");
    expect(args).toContain("--maxmemory-policy noeviction");
    expect(args).toContain("--appendonly yes");
    expect(redis.ports).toBeUndefined();
    expect(redis.networks).toEqual(["redis"]);
    expect(compose.networks.redis?.internal).toBe(true);

    const orchestrator = compose.services.orchestrator!;
    expect(orchestrator.build?.dockerfile).toBe("deploy/Dockerfile");
    expect(existsSync(join(deploy, orchestrator.build!.context, orchestrator.build!.dockerfile))).toBe(true);
    for (const [, service] of batonServices) expect(service.image).toBe(orchestrator.image);
    // Published ports stay on the host's loopback.
    for (const [, service] of batonServices) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
    const readme = readFileSync(join(deploy, "README.md"), "utf8");
    expect(readme).toMatch(/Redis must never be reachable from outside the team's network/);
    expect(readFileSync(join(repo, "docs/safety.md"), "utf8")).toMatch(
      /Redis must never be reachable from outside the team's network/,
    );
  });

  it("[B.redis-deploy-kit] the compose services and systemd units run commands, flags and variables the CLI reads; the sample WORKFLOW.md loads with executor.kind queue", async () => {
    const text = usage();
    const source = sourceText();
    const commands = [
      ...batonServices.map(([name, service]) => ({ where: `compose ${name}`, args: service.command })),
      ...["baton.service", "baton-worker.service"].map((file) => {
        const { exec } = systemdExecStart(file);
        expect(exec[0]).toBe("/usr/local/bin/baton");
        return { where: file, args: exec.slice(1) };
      }),
    ];
    for (const { where, args } of commands) {
      const isWorker = args[0] === "worker";
      if (!isWorker) expect(args[0], where).toMatch(/^\/srv\/baton\/WORKFLOW\.md$/);
      const line = isWorker
        ? /baton worker [^\n]*/.exec(text)![0]
        : /baton \[path-to-WORKFLOW\.md\][^\n]*/.exec(text)![0];
      for (const flag of args.filter((arg) => arg.startsWith("--")))
        expect(line, `${where}: ${flag}`).toContain(`${flag} `);
    }

    // Variables: ones Baton reads, ones the sample WORKFLOW.md names as $VAR, or the agent's model keys.
    const workflowText = readFileSync(join(deploy, "workflow/WORKFLOW.md"), "utf8");
    const envNames = new Set<string>();
    for (const [, service] of batonServices)
      for (const name of Object.keys(service.environment ?? {})) envNames.add(name);
    for (const file of ["baton.env.example", "worker.env.example"]) {
      for (const name of Object.keys(envExample(join(deploy, "systemd", file)))) envNames.add(name);
    }
    for (const name of envNames) {
      const read =
        (name.startsWith("BATON_") && source.includes(`"${name}"`)) ||
        source.includes(`env.${name}`) ||
        workflowText.includes(`$${name}`) ||
        MODEL_KEY_ENV_NAMES.includes(name);
      expect(read, `${name} is read by Baton, the sample WORKFLOW.md or the agent`).toBe(true);
    }
    // Every variable the compose file interpolates is in .env.example.
    const composeText = readFileSync(join(deploy, "compose.yaml"), "utf8");
    const interpolated = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1]!));
    expect([...interpolated].sort()).toEqual(Object.keys(envExample(join(deploy, ".env.example"))).sort());

    // Orchestrator and workers agree on the Redis URL; the sample WORKFLOW.md reads it from there.
    const urls = new Set(batonServices.map(([, service]) => service.environment?.BATON_REDIS_URL));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolates it, not JavaScript.
    expect([...urls]).toEqual(["redis://:${REDIS_PASSWORD}@redis:6379"]);
    const store = await WorkflowStore.open(join(deploy, "workflow/WORKFLOW.md"), {
      env: {
        BATON_REDIS_URL: "redis://:pw@redis:6379",
        LINEAR_API_KEY: "lin_api_x",
        BATON_STATUS_TOKEN: "token",
      },
      trackerProfiles,
    });
    try {
      expect(store.current().config.executor).toEqual({
        kind: "queue",
        redis_url: "redis://:pw@redis:6379",
        queue_name: "baton",
      });
    } finally {
      store.close();
    }
  });
});

// ---- the compose file's own commands, end to end ----------------------------------------------

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolveAccepts) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolveAccepts(true);
    });
    socket.once("error", () => resolveAccepts(false));
  });
}

/** What compose does to a value: `${VAR}`, `${VAR:?msg}` and `${VAR:-default}` from the .env file. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::[?-][^}]*)?\}/g, (_, name: string) => env[name] ?? "");
}

let project: Project | undefined;
let redisProcess: ChildProcess | undefined;
const tempDirs: string[] = [];
afterEach(async () => {
  await project?.close();
  project = undefined;
  if (redisProcess && redisProcess.exitCode === null) {
    const exited = new Promise((resolveExit) => redisProcess!.once("exit", resolveExit));
    redisProcess.kill("SIGKILL");
    await exited;
  }
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip !== null)(`deploy/compose.yaml run for real${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("[B.redis-deploy-kit] Redis, the orchestrator and two workers started with the compose file's commands and environment take a local-tracker ticket to its hand-off state", {
    timeout: 120_000,
  }, async () => {
    const dotenv = {
      REDIS_PASSWORD: "compose-redis-password-0123456789",
      BATON_STATUS_TOKEN: "compose-status-token",
      LINEAR_API_KEY: "",
      OPENAI_API_KEY: "sk-test-not-used-by-the-fake-provider",
    };
    // Only what a container runtime changes is translated: the service name `redis` becomes
    // 127.0.0.1 and a free port, volume paths become temp dirs, the published port a free one.
    const redisPort = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "baton-compose-redis-"));
    tempDirs.push(dataDir);
    const redisArgs = compose.services.redis!.command.slice(1).map((arg) => interpolate(arg, dotenv));
    redisProcess = spawn(
      "redis-server",
      [...redisArgs, "--bind", "127.0.0.1", "--port", String(redisPort), "--dir", dataDir],
      { stdio: "ignore" },
    );
    await waitFor(
      () => accepts(redisPort),
      10_000,
      () => "redis-server to listen",
    );
    const translate = (value: string) =>
      interpolate(value, dotenv).replace("@redis:6379", `@127.0.0.1:${redisPort}`);

    // The orchestrator's WORKFLOW.md: a local tracker, and the executor block of the sample as written.
    const sample = readFileSync(join(deploy, "workflow/WORKFLOW.md"), "utf8");
    const executorBlock = /^executor:\n(?: {2}.*\n)+/m.exec(sample)![0].replace(/^ {2}#.*\n/gm, "");
    expect(executorBlock).toContain("redis_url: $BATON_REDIS_URL");
    project = await Project.create({
      script: scripts.toolThenMessage(
        "local_tracker",
        { action: "set_state", state: "Human Review" },
        "handed off",
      ),
      frontMatter: executorBlock,
      tickets: [{ title: "Deployed work", priority: 1 }],
    });

    const envOf = (service: Service) =>
      Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([name, value]) => [name, translate(value)]),
      );
    const orchestrator = compose.services.orchestrator!;
    const [workflowMount] = (orchestrator.volumes ?? []).map((volume) => volume.split(":")[1]!);
    const orchestratorArgs = orchestrator.command.map((arg) =>
      arg.replace(`${workflowMount}/WORKFLOW.md`, project!.workflowPath).replace(/^8080$/, "0"),
    );
    expect(orchestratorArgs).toEqual([project.workflowPath, "--port", "0"]);
    const baton = project.startWith(orchestratorArgs, envOf(orchestrator));

    const workers: { process: BatonProcess; root: string }[] = [];
    for (const name of ["worker-1", "worker-2"]) {
      const service = compose.services[name]!;
      const mount = (service.volumes ?? [])[0]!.split(":")[1]!;
      const root = mkdtempSync(join(tmpdir(), `baton-compose-${name}-`));
      tempDirs.push(root);
      const args = service.command.map((arg) => (arg === mount ? root : arg));
      expect(args).toEqual(["worker", "--concurrency", "2", "--workspace-root", root]);
      workers.push({ process: project.startWith(args, envOf(service)), root });
    }
    await baton.waitForLog(["action=executor outcome=ready kind=queue"], 30_000);
    for (const worker of workers)
      await worker.process.waitForLog(["action=worker_start outcome=ready"], 30_000);

    await waitFor(
      async () => (await project!.store.list(["Human Review"])).length === 1,
      60_000,
      () =>
        `ticket handed off\n${baton.tail()}\n${workers.map((worker) => worker.process.tail()).join("\n")}`,
    );
    // It ran on one of the two workers, under that worker's --workspace-root.
    const ranOn = workers.filter((worker) => existsSync(join(worker.root, "BAT-1")));
    expect(ranOn).toHaveLength(1);
    // The Redis password never reaches a log line.
    for (const process of [baton, ...workers.map((worker) => worker.process)]) {
      expect(JSON.stringify(process.logs) + process.stderr).not.toContain(dotenv.REDIS_PASSWORD);
    }
    for (const worker of workers) expect(await worker.process.stop()).toEqual({ code: 0, signal: null });
    expect(await baton.stop()).toEqual({ code: 0, signal: null });
  });
});
