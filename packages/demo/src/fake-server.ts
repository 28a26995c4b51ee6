import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A scripted model API listening on 127.0.0.1 (a free port), as both fake providers run it. */
export interface ScriptedServer {
  port: number;
  /** Ends open (also hanging) streams and stops listening. */
  close(): Promise<void>;
}

export interface ScriptedServerHandlers {
  /** Answers one request (the provider's routes and its script). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** A handler that threw (a script bug): answer in the provider's own error format. */
  failed(res: ServerResponse, message: string): void;
}

/** Starts the HTTP server of a fake model provider; `close()` does not wait for hanging streams. */
export async function startScriptedServer(handlers: ScriptedServerHandlers): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handlers.handle(req, res).catch((error: unknown) => {
      handlers.failed(res, error instanceof Error ? error.message : String(error));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      // Hanging streams keep their sockets open; end them so close() resolves.
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The request body parsed as JSON, or `undefined` when it is not JSON. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

/** The request's path without its query. */
export function requestPath(req: IncomingMessage): string {
  return (req.url ?? "").split("?")[0] ?? "";
}

/** A JSON answer; a stream already under way is cut instead (the client sees a broken stream). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** One Server-Sent Event named after the payload's `type`. */
export function encodeSse(event: Record<string, unknown>): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i] as T)) return i;
  return -1;
}
