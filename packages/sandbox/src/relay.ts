import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { BatonError, type Logger, silentLogger } from "@baton/domain";
import { RELAY_SOCKET_NAME } from "./settings.ts";

/** Request headers that describe one hop and must not be forwarded (RFC 9110 7.6.1). */
const HOP_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "host",
]);

/**
 * The only way out of a `model-only` sandbox: an HTTP server on a Unix socket (mounted into agent
 * containers) that forwards every request to one configured upstream, the model provider. A
 * request's path is appended to the upstream base URL; the upstream host is fixed, so neither a
 * Host header nor an absolute-form URL (`GET http://elsewhere/`) nor CONNECT can send traffic
 * anywhere else: those are refused with 403.
 */
export class ModelRelay {
  private constructor(
    private readonly server: Server,
    /** Directory holding the socket; what gets mounted into containers. */
    readonly directory: string,
    readonly upstream: URL,
    private readonly ownsDirectory: boolean,
  ) {}

  static async start(options: {
    upstream: string;
    directory?: string;
    logger?: Logger;
  }): Promise<ModelRelay> {
    const upstream = parseUpstream(options.upstream);
    const logger = options.logger ?? silentLogger;
    const ownsDirectory = options.directory === undefined;
    const directory = options.directory ?? (await mkdtemp(path.join(tmpdir(), "baton-relay-")));
    await mkdir(directory, { recursive: true });
    // Containers may run as another uid than Baton: they must be able to reach the socket.
    await chmod(directory, 0o755);
    const socketPath = path.join(directory, RELAY_SOCKET_NAME);
    await rm(socketPath, { force: true });
    const server = createServer((incoming, outgoing) => forward(upstream, incoming, outgoing, logger));
    server.on("connect", (_request, socket) => {
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => resolve());
    });
    await chmod(socketPath, 0o666);
    return new ModelRelay(server, directory, upstream, ownsDirectory);
  }

  get socketPath(): string {
    return path.join(this.directory, RELAY_SOCKET_NAME);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.ownsDirectory) await rm(this.directory, { recursive: true, force: true });
    else await rm(this.socketPath, { force: true });
  }
}

function parseUpstream(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BatonError("invalid_config", `sandbox.model_url ${JSON.stringify(value)} is not a URL`, {
      field: "sandbox.model_url",
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BatonError(
      "invalid_config",
      `sandbox.model_url must be an http or https URL, got ${url.protocol}`,
      {
        field: "sandbox.model_url",
      },
    );
  }
  return url;
}

function forward(upstream: URL, incoming: IncomingMessage, outgoing: ServerResponse, logger: Logger): void {
  const target = incoming.url ?? "/";
  if (!target.startsWith("/")) {
    outgoing.writeHead(403, { "content-type": "text/plain" });
    outgoing.end("the Baton model relay forwards to the configured model provider only\n");
    logger.warn({ target: target.slice(0, 200) }, "model relay refused a request for another destination");
    return;
  }
  const basePath = upstream.pathname.replace(/\/+$/, "");
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value;
  }
  headers.host = upstream.host;
  const send = upstream.protocol === "https:" ? httpsRequest : httpRequest;
  const upstreamRequest = send(
    {
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port || undefined,
      method: incoming.method,
      path: `${basePath}${target}`,
      headers,
    },
    (response) => {
      const responseHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (
          value !== undefined &&
          name !== "connection" &&
          name !== "keep-alive" &&
          name !== "transfer-encoding"
        )
          responseHeaders[name] = value;
      }
      outgoing.writeHead(response.statusCode ?? 502, responseHeaders);
      // Model responses are event streams: send each chunk on as it arrives.
      outgoing.flushHeaders();
      response.pipe(outgoing);
    },
  );
  upstreamRequest.on("error", (error) => {
    logger.warn({ err: error, upstream: upstream.origin }, "model relay could not reach the model provider");
    if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "text/plain" });
    outgoing.end(`model provider unreachable: ${error.message}\n`);
  });
  outgoing.on("close", () => upstreamRequest.destroy());
  incoming.pipe(upstreamRequest);
}
