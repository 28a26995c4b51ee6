import { access } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { BatonError } from "@baton/domain";
import { type CommandIO, println } from "../io.ts";
import { isEmptyOrMissing, workflowTemplate, writeSampleTickets, writeWorkflow } from "../scaffold.ts";

/** `baton init [DIR]`: a WORKFLOW.md for the local tracker plus a ticket folder with samples. */
export async function initCommand(dir: string | undefined, io: CommandIO): Promise<number> {
  const target = resolve(io.cwd, dir ?? ".");
  const workflowPath = join(target, "WORKFLOW.md");
  if (await exists(workflowPath)) {
    throw new BatonError("init_conflict", `${workflowPath} already exists; baton init never overwrites it`);
  }
  const ticketsDir = join(target, "tickets");
  const ticketsEmpty = await isEmptyOrMissing(ticketsDir);
  await writeWorkflow(target, workflowTemplate({ codexCommand: "codex app-server" }));
  const tickets = ticketsEmpty ? await writeSampleTickets(ticketsDir) : [];
  const shown = relative(io.cwd, target) || ".";
  println(io.out, `Wrote ${join(shown, "WORKFLOW.md")}`);
  if (tickets.length > 0)
    println(io.out, `Wrote sample tickets ${tickets.join(", ")} in ${join(shown, "tickets")}/`);
  println(io.out);
  println(io.out, "Next:");
  println(io.out, `  baton validate ${join(shown, "WORKFLOW.md")}     # check the settings`);
  println(
    io.out,
    `  baton ${join(shown, "WORKFLOW.md")}              # run it (needs codex on PATH and an OpenAI login)`,
  );
  println(
    io.out,
    `  baton issue create "Fix the flaky test" --priority 1 --workflow ${join(shown, "WORKFLOW.md")}`,
  );
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
