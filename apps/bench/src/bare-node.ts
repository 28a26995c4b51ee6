import { type ChildProcess, spawn } from "node:child_process";
import { benchEnvironment } from "./baton-process.ts";

/**
 * A bare Node HTTP server (no Baton code), answering every request 200 with the bytes of a file or
 * `{}`. The scenarios measure it beside Baton in the same run, so a report tells this machine's own
 * floor (Node's start with this environment, a loopback round trip of that size under that load)
 * from what Baton adds to it.
 */
const SERVER = `
const [port, file] = process.argv.slice(1);
const body = file ? require("node:fs").readFileSync(file) : Buffer.from("{}");
require("node:http")
  .createServer((_request, response) => {
    response.setHeader("content-type", "application/json");
    response.end(body);
  })
  .listen(Number(port), "127.0.0.1");
`;

export class BareNodeServer {
  private stderr = "";

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-2000);
    });
  }

  /**
   * Starts it on `port` in Baton's environment (`benchEnvironment`), or with `machineEnvironment` in
   * the bench's own, as a process started from this shell would find it.
   */
  static start(
    port: number,
    home: string,
    options: { bodyFile?: string; machineEnvironment?: boolean } = {},
  ): BareNodeServer {
    const { bodyFile, machineEnvironment = false } = options;
    const args = ["-e", SERVER, String(port), ...(bodyFile === undefined ? [] : [bodyFile])];
    return new BareNodeServer(
      spawn(process.execPath, args, {
        env: machineEnvironment ? { ...process.env, HOME: home } : benchEnvironment(home),
        stdio: ["ignore", "ignore", "pipe"],
      }),
    );
  }

  hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  tail(): string {
    return this.stderr;
  }

  async stop(): Promise<void> {
    if (this.hasExited()) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGKILL");
    await exited;
  }
}
