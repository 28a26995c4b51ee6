import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { CommandIO } from "../src/io.ts";
import { main } from "../src/main.ts";

const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "baton-cli-"));
  dirs.push(dir);
  return dir;
}

/** Runs `baton <args>` in-process with captured output. */
async function baton(args: string[], cwd: string, env: Record<string, string> = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (chunk) => {
    stdout += chunk;
  });
  err.on("data", (chunk) => {
    stderr += chunk;
  });
  const io: CommandIO = { out, err, env: { PATH: process.env.PATH, ...env }, cwd };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe("baton validate", () => {
  it("[S5.1-cwd-default][S6.3-startup-validation] prints the effective config of ./WORKFLOW.md with secrets masked", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, "WORKFLOW.md"),
      "---\ntracker:\n  kind: local\nserver:\n  port: 0\n  token: $STATUS_TOKEN\n---\nHi {{ issue.title }}\n",
    );
    const result = await baton(["validate"], dir, { STATUS_TOKEN: "s3cret-value" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${join(dir, "WORKFLOW.md")}: valid`);
    expect(result.stdout).toContain("interval_ms: 30000");
    expect(result.stdout).toContain('token: "***"');
    expect(result.stdout).not.toContain("s3cret-value");
  });

  it("[S5.5-error-classes][S6.3-startup-validation] exits 1 with the typed error naming the field for a bad workflow", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "W.md"), "---\ntracker:\n  kind: local\nagent:\n  max_turns: 0\n---\n");
    const result = await baton(["validate", "W.md"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("agent.max_turns must be a positive integer, got 0");
  });

  it("[S5.4-unknown-filter] reports template errors before any issue is dispatched", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, "WORKFLOW.md"),
      "---\ntracker:\n  kind: local\n---\n{{ issue.title | shout }}\n",
    );
    const result = await baton(["validate"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("template_render_error");
    expect(result.stderr).toContain("shout");
  });

  it("[S17.7-cli-missing-file] exits 1 with missing_workflow_file naming the absolute path", async () => {
    const dir = await tempDir();
    const result = await baton(["validate", "nope/WORKFLOW.md"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("missing_workflow_file");
    expect(result.stderr).toContain(join(dir, "nope/WORKFLOW.md"));
  });
});

describe("baton init and baton issue", () => {
  it("[S11.2-local-store-update] scaffolds a valid workflow with sample tickets, then creates, lists, moves and comments on tickets", async () => {
    const dir = await tempDir();
    const init = await baton(["init"], dir);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("Wrote sample tickets BAT-1, BAT-2, BAT-3");
    expect((await baton(["validate"], dir)).code).toBe(0);
    expect((await baton(["init"], dir)).code).toBe(1);

    const created = await baton(
      ["issue", "create", "Fix", "the", "login", "--priority", "1", "--label", "Bug"],
      dir,
    );
    expect(created.stdout.trim()).toBe("created BAT-4 [Todo] Fix the login");
    const moved = await baton(["issue", "move", "BAT-4", "In", "Progress"], dir);
    expect(moved.stdout.trim()).toBe("moved BAT-4: Todo -> In Progress");
    await baton(["issue", "comment", "BAT-4", "Looks", "good"], dir);
    const list = await baton(["issue", "list", "--state", "In Progress"], dir);
    expect(list.stdout).toMatch(/^BAT-4\s+In Progress\s+P1\s+Fix the login \[bug\]$/m);
    expect(list.stdout).not.toContain("BAT-1");
    const ticket = await readFile(join(dir, "tickets", "BAT-4.md"), "utf8");
    expect(ticket).toContain("state: In Progress");
    expect(ticket).toContain("Looks good");
  });

  it("[B.ops-issue-tracker-only] baton issue works where the agent's and server's variables are unset; validate still names them", async () => {
    const dir = await tempDir();
    await baton(["init"], dir);
    const path = join(dir, "WORKFLOW.md");
    const workflow = await readFile(path, "utf8");
    await writeFile(
      path,
      workflow
        .replace(/^agent:\n/m, "agent:\n  env:\n    GH_TOKEN: $BATON_TEST_UNSET_GH\n")
        .replace(/^---\n/, "---\nserver:\n  token: $BATON_TEST_UNSET_TOKEN\n"),
    );
    const moved = await baton(["issue", "move", "BAT-1", "In", "Progress"], dir);
    expect(moved, moved.stderr).toMatchObject({ code: 0, stdout: "moved BAT-1: Todo -> In Progress\n" });
    expect((await baton(["issue", "list"], dir)).stdout).toMatch(/^BAT-1\s+In Progress/m);
    const validated = await baton(["validate"], dir);
    expect(validated.code).toBe(1);
    expect(validated.stderr).toContain("agent.env.GH_TOKEN refers to $BATON_TEST_UNSET_GH");
    expect(validated.stderr).toContain("server.token refers to $BATON_TEST_UNSET_TOKEN");
  });

  it("[S17.7-cli-usage] rejects unknown flags with a usage error (exit 2) and unknown tickets with exit 1", async () => {
    const dir = await tempDir();
    await baton(["init"], dir);
    const badFlag = await baton(["--bogus"], dir);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("Usage:");
    const unknown = await baton(["issue", "move", "BAT-99", "Done"], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("BAT-99");
  });
});

describe("--help", () => {
  it("[B.ops-help] prints the usage of every command and subcommand with --help or -h and exits 0, doing nothing else", async () => {
    const dir = await tempDir();
    const cases: [string[], string, string?][] = [
      [["--help"], "baton validate"],
      [["-h"], "baton init"],
      [["help"], "baton demo"],
      [["validate", "--help"], "baton validate [path-to-WORKFLOW.md]", "baton init"],
      [["init", "-h"], "baton init [DIR]", "baton validate"],
      [["issue", "--help"], "baton issue move <ID> <STATE>", "baton demo"],
      [["issue", "create", "--help"], "baton issue create <title>", "baton issue list"],
      [["issue", "list", "-h"], "baton issue list [--state S]", "baton issue move"],
      [["issue", "move", "BAT-1", "Done", "--help"], "baton issue move <ID> <STATE>", "baton issue list"],
      [["issue", "comment", "-h"], "baton issue comment <ID> <TEXT>", "baton issue create"],
      [["demo", "--help"], "baton demo [--port N]", "baton issue"],
      [["WORKFLOW.md", "--port", "0", "--help"], "baton [path-to-WORKFLOW.md]"],
    ];
    for (const [args, shown, notShown] of cases) {
      const result = await baton(args, dir);
      expect(result, args.join(" ")).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout, args.join(" ")).toMatch(/^Usage:\n/);
      expect(result.stdout, args.join(" ")).toContain(shown);
      if (notShown) expect(result.stdout, args.join(" ")).not.toContain(notShown);
    }
    // Nothing ran: no WORKFLOW.md, no ticket folder, no demo folder was created.
    expect(await readdir(dir)).toEqual([]);
  });
});
