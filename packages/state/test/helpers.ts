import type { Logger } from "@baton/domain";

/** A logger that keeps every line (message and fields) so tests can read what an operator would. */
export function recordingLogger(): Logger & { lines: { level: string; msg: string; fields: string }[] } {
  const lines: { level: string; msg: string; fields: string }[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, msg?: string): void => {
      lines.push({ level, msg: msg ?? "", fields: JSON.stringify(fields) });
    };
  const logger = {
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
