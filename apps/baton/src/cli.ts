import { processIO } from "./io.ts";
import { main } from "./main.ts";

/** What `bin/baton.js` runs (from the bundle): one command on the process's own streams. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await main(argv, processIO());
  } catch (error) {
    process.stderr.write(`baton: unexpected failure: ${(error as Error)?.stack ?? error}\n`);
    return 1;
  }
}
