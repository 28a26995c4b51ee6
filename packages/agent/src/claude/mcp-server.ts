import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { AgentToolSpec, ToolResult } from "@baton/domain";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

/** The MCP server name Claude Code sees; its tools are `mcp__baton__<tool>`. */
export const MCP_SERVER_NAME = "baton";

export interface ToolCallObserver {
  started(name: string, args: unknown): void;
  finished(name: string, args: unknown, result: ToolResult): void;
}

export interface SessionToolServerOptions {
  tools: readonly AgentToolSpec[];
  executeTool(name: string, args: unknown): Promise<ToolResult>;
  observer: ToolCallObserver;
}

/** A per-session MCP server on 127.0.0.1 that only the session's agent can call (bearer token). */
export interface SessionToolServer {
  /** The `--mcp-config` JSON for Claude Code: one HTTP server named `baton` with the bearer header. */
  mcpConfig(): string;
  close(): Promise<void>;
}

const MCP_PATH = "/mcp";

/**
 * Serves the session's host-side tools (`local_tracker`, `linear_graphql`, `github_api`) over MCP
 * Streamable HTTP. Calls run in Baton with Baton's credentials; the agent holds only this session's
 * random bearer token, which is worthless once the session ends and the server closes.
 */
export async function startSessionToolServer(options: SessionToolServerOptions): Promise<SessionToolServer> {
  const token = randomBytes(24).toString("base64url");
  const sockets = new Set<Socket>();
  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  http.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if ((req.url ?? "").split("?")[0] !== MCP_PATH) {
      res.writeHead(404).end();
      return;
    }
    if (!authorized(req.headers.authorization, token)) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "this MCP server belongs to another Baton session" }));
      return;
    }
    // Stateless: each request gets its own protocol server, so nothing outlives a request.
    const server = toolProtocolServer(options);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  }

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${MCP_PATH}`;

  return {
    mcpConfig: () =>
      JSON.stringify({
        mcpServers: {
          [MCP_SERVER_NAME]: { type: "http", url, headers: { Authorization: `Bearer ${token}` } },
        },
      }),
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => http.close(() => resolve()));
    },
  };
}

function toolProtocolServer(options: SessionToolServerOptions): Server {
  const server = new Server({ name: MCP_SERVER_NAME, version: "1.0.0" }, { capabilities: { tools: {} } });
  const known = new Set(options.tools.map((tool) => tool.name));
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: options.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: { type: "object", ...tool.inputSchema },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name } = request.params;
    const args = request.params.arguments ?? {};
    options.observer.started(name, args);
    let result: ToolResult;
    if (!known.has(name)) {
      result = { success: false, output: { error: `unsupported tool: ${name}` } };
    } else {
      try {
        result = await options.executeTool(name, args);
      } catch (error) {
        result = {
          success: false,
          output: { error: error instanceof Error ? error.message : String(error) },
        };
      }
    }
    options.observer.finished(name, args, result);
    return {
      content: [{ type: "text", text: JSON.stringify(result.output) }],
      isError: !result.success,
    };
  });
  return server;
}

function authorized(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
