import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "@baton/domain";
import matter from "gray-matter";
import YAML from "yaml";

const created: string[] = [];

/** A temp repository with an empty `tickets` folder; call `removeTempRepos` in afterEach. */
export async function tempRepo(): Promise<{ repo: string; folder: string }> {
  const repo = await mkdtemp(join(tmpdir(), "baton-tracker-"));
  created.push(repo);
  const folder = join(repo, "tickets");
  await mkdir(folder);
  return { repo, folder };
}

export async function removeTempRepos(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Writes `<folder>/<identifier>.md` by hand, the way a person would. */
export async function writeTicket(
  folder: string,
  identifier: string,
  fields: Record<string, unknown>,
  body = "",
): Promise<void> {
  await writeFile(
    join(folder, `${identifier}.md`),
    `---\n${YAML.stringify({ identifier, ...fields })}---\n${body}`,
  );
}

export interface LogRecord {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A Logger that keeps what it is given. */
export function recordingLogger(records: LogRecord[] = []): Logger & { records: LogRecord[] } {
  const log =
    (level: string) =>
    (obj: Record<string, unknown>, msg?: string): void => {
      records.push({ level, obj, msg });
    };
  const logger = {
    records,
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: () => logger,
  };
  return logger;
}

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Front matter and body of a ticket file, parsed the way a YAML 1.2 reader sees it (timestamps stay text). */
export function readTicketFile(text: string): { data: Record<string, unknown>; content: string } {
  return matter(text, { engines: { yaml: (source: string) => YAML.parse(source) as object } });
}
