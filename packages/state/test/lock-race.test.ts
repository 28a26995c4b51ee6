import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// Each contender is its own process (the lock is per process), importing the built package.
const CONTENDER = `
import { acquireInstanceLock } from "@baton/state";
try {
  acquireInstanceLock(process.argv[1], new Date());
  console.log("took");
  setTimeout(() => {}, 2000);
} catch (error) {
  console.log(error.category ?? String(error));
}
`;

function contend(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", CONTENDER, dir], {
      cwd: join(import.meta.dirname, ".."),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", () => resolve(output.trim()));
  });
}

describe("instance lock", () => {
  it("[B.durable-single-instance] of Batons starting at the same moment on one state directory, exactly one takes the lock", async () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-lock-race-"));
    dirs.push(dir);
    const results = await Promise.all(Array.from({ length: 10 }, () => contend(dir)));
    expect(results.filter((result) => result === "took")).toHaveLength(1);
    expect(results.filter((result) => result === "state_locked")).toHaveLength(9);
  });
});
