import { BatonError } from "@baton/domain";

/** Where a command writes; tests pass buffers, the CLI passes the process streams. */
export interface CommandIO {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export function processIO(): CommandIO {
  // Under `pnpm baton ...` the script runs in apps/baton; INIT_CWD is where the user typed it.
  return {
    out: process.stdout,
    err: process.stderr,
    env: process.env,
    cwd: process.env.INIT_CWD ?? process.cwd(),
  };
}

export function println(stream: NodeJS.WritableStream, text = ""): void {
  stream.write(`${text}\n`);
}

/** A bad command line: printed with the usage text, exit code 2. */
export function usageError(message: string): BatonError {
  return new BatonError("usage", message);
}
