import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createFakeAppServer, type FakeAppServer, scripts, startFakeLinear } from "@baton/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type BatonProcess, Project, waitFor } from "./harness.ts";

let project: Project | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  await project?.close();
  project = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One of each kind Baton holds; values long and distinctive so any copy of them is found. */
const SECRETS = {
  LINEAR_API_KEY: "lin_api_SECRETtrackerKEY0123456789",
  BATON_STATUS_TOKEN: "status-SECRET-token-0123456789",
  BATON_WEBHOOK_SECRET: "whsec_SECRETwebhook0123456789",
  OPENAI_API_KEY: "sk-test-SECRETopenai0123456789",
  ANTHROPIC_API_KEY: "sk-ant-SECRETanthropic0123456789",
};

/** Every regular file under `dir`, with its text. */
async function writtenFiles(dir: string): Promise<{ path: string; text: string }[]> {
  const files: { path: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await writtenFiles(path)));
    else if (entry.isFile()) files.push({ path, text: await readFile(path, "utf8") });
  }
  return files;
}

function leaks(where: string, text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => `${name} in ${where}`);
}

async function get(url: string, path: string): Promise<string> {
  const answer = await fetch(`${url}${path}`, {
    headers: { authorization: `Bearer ${SECRETS.BATON_STATUS_TOKEN}` },
  });
  expect(answer.status, path).toBe(200);
  return answer.text();
}

/** The first bytes of the event stream (its snapshot frame). */
async function eventStreamStart(url: string): Promise<string> {
  const controller = new AbortController();
  const answer = await fetch(`${url}/api/v1/events`, {
    headers: { authorization: `Bearer ${SECRETS.BATON_STATUS_TOKEN}` },
    signal: controller.signal,
  });
  const reader = answer.body!.getReader();
  let text = "";
  while (!text.includes("\n\n")) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  return text;
}

describe("no secret on disk", () => {
  it("[B.ops-no-secret-on-disk] after agent runs, a hook that prints its environment and fails, an agent that echoes its environment and a tracker 401, no file Baton wrote and no API answer holds a secret", async () => {
    let fake: FakeAppServer | undefined;
    fake = await createFakeAppServer({ turns: [[{ type: "echoEnv" }, { type: "complete" }]] });
    cleanups.push(() => fake!.cleanup());
    const echoCommand = fake.command;
    project = await Project.create({
      // BAT-3's agent prints its whole environment; the others are the real codex handing off.
      codexCommand: (realCodex) => `case "$PWD" in */BAT-3) exec ${echoCommand};; *) ${realCodex};; esac`,
      script: scripts.toolThenMessage("local_tracker", { action: "set_state", state: "Human Review" }),
      frontMatter: [
        "hooks:",
        // BAT-2's hook dumps its environment and fails.
        // (Only the secret-looking part: Baton keeps the first and last KiB of hook output.)
        `  before_run: 'case "$PWD" in */BAT-2) env | grep -E "KEY|TOKEN|SECRET"; echo hook-env-dump-done; exit 3;; esac'`,
        // Outside their allowlists: handed over on purpose, so that the hook and the agent print them.
        "  env:",
        "    BATON_WEBHOOK_SECRET: $BATON_WEBHOOK_SECRET",
        "server:",
        "  token: $BATON_STATUS_TOKEN",
        "agent:",
        "  max_turns: 1",
        "  env:",
        "    ANTHROPIC_API_KEY: $ANTHROPIC_API_KEY",
      ].join("\n"),
      tickets: [
        { title: "Handed off by the real codex", priority: 1 },
        { title: "Hook prints its environment", priority: 2 },
        { title: "Agent echoes its environment", priority: 3 },
      ],
      env: SECRETS,
    });
    const baton = project.start(["--port", "0"]);
    const url = String((await baton.waitForLog(["action=http_server outcome=listening"], 20_000)).url);

    await waitFor(
      async () => (await project!.store.list(["Human Review"])).length === 1,
      60_000,
      () => `BAT-1 handed off\n${baton.tail()}`,
    );
    await baton.waitForLog(["workspace hook before_run failed with exit status 3"], 30_000);
    const bat3Exit = () => baton.find("action=worker_exit").some((line) => line.issue_identifier === "BAT-3");
    await waitFor(bat3Exit, 30_000, () => `BAT-3's run\n${baton.tail()}`);

    // The scenarios really put the secrets in front of Baton: the agent echoed them, the hook printed them.
    // Agent events are applied in paced steps, so the session log may still be written after the exit.
    const sessionLogPath = join(project.dir, ".baton", "logs", "sessions", "BAT-3.jsonl");
    const readSessionLog = () => readFile(sessionLogPath, "utf8").catch(() => "");
    await waitFor(
      async () => (await readSessionLog()).includes("ANTHROPIC_API_KEY=[redacted]"),
      10_000,
      () => `BAT-3's session log\n${baton.tail()}`,
    );
    const sessionLog = await readSessionLog();
    expect(sessionLog).toContain("OPENAI_API_KEY=[redacted]");
    expect(sessionLog).toContain("ANTHROPIC_API_KEY=[redacted]");
    expect(JSON.stringify(baton.logs)).toContain("hook-env-dump-done");
    expect(JSON.stringify(baton.logs)).toContain("BATON_WEBHOOK_SECRET=[redacted]");

    const answers = [
      ["GET /api/v1/state", await get(url, "/api/v1/state")],
      ["GET /api/v1/BAT-2", await get(url, "/api/v1/BAT-2")],
      ["GET /api/v1/BAT-3", await get(url, "/api/v1/BAT-3")],
      ["GET /metrics", await get(url, "/metrics")],
      ["GET /api/v1/events", await eventStreamStart(url)],
    ];
    await baton.stop();

    // A tracker that answers 401 to the configured key.
    const linear = await startFakeLinear({ apiKey: "lin_api_the_right_one_0000000000" });
    cleanups.push(() => linear.close());
    const linearDir = join(project.dir, "linear");
    await mkdir(linearDir);
    await writeFile(
      join(linearDir, "WORKFLOW.md"),
      `---\ntracker:\n  kind: linear\n  provider:\n    endpoint: ${linear.endpoint}\n    api_key: $LINEAR_API_KEY\n    project_slug: any\npolling:\n  interval_ms: 300\n---\nWork.\n`,
    );
    const unauthorized: BatonProcess = project.startWith([join(linearDir, "WORKFLOW.md")]);
    await waitFor(
      () => JSON.stringify(unauthorized.logs).includes("HTTP 401 (the API key was rejected)"),
      30_000,
      () => `the tracker's 401 logged\n${unauthorized.tail()}`,
    );
    await unauthorized.stop();

    const found = [
      ...(await writtenFiles(project.dir)).flatMap((file) => leaks(file.path, file.text)),
      ...answers.flatMap(([where, text]) => leaks(where!, text!)),
      ...project.batons.flatMap((process, n) => [
        ...leaks(`baton #${n} stdout`, JSON.stringify(process.logs)),
        ...leaks(`baton #${n} stderr`, process.stderr),
      ]),
    ];
    expect(found).toEqual([]);
  }, 180_000);
});
