// The status server's front (see front.ts), only ever loaded as a worker thread's entry. It owns the
// public listener: it answers `GET /api/v1/state` from the newest copy the main thread sent, while
// that copy is fresh, and passes every other request to the status server on the main thread,
// unchanged. Node built-ins only: the thread loads nothing else.
import {
  Agent,
  type ClientRequest,
  createServer,
  request as forwardRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { parentPort } from "node:worker_threads";
import { accessRefusal } from "./access.ts";
import {
  type FromFront,
  type FrontSettings,
  STATE_PATH,
  type ToFront,
  wallClockMs,
} from "./front-protocol.ts";
import { STATE_CHANGING_METHODS } from "./operator-guard.ts";

/** Hop-by-hop headers (RFC 9110 7.6.1): each side of the front keeps its own connection. */
const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"];

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept = { ...headers };
  for (const name of HOP_BY_HOP) delete kept[name];
  return kept;
}

function runFront(settings: FrontSettings): void {
  const port = parentPort!;
  const upstreamAgent = new Agent({ keepAlive: true });
  let copy: { builtAt: number; headers: Record<string, string>; body: Uint8Array } | null = null;
  // An operator action answered at this time may have changed the state: a copy built earlier is
  // not served (what the action did shows in the next answer).
  let notBefore = 0;

  const fresh = (): boolean => {
    if (copy === null || copy.builtAt < notBefore) return false;
    return wallClockMs() - copy.builtAt <= settings.maxAgeMs;
  };

  const answerFromCopy = (request: IncomingMessage): boolean =>
    request.method === "GET" &&
    request.url === STATE_PATH &&
    fresh() &&
    // Anything the guard would refuse goes to it, which answers and logs the refusal.
    accessRefusal(
      { pageShell: false, host: request.headers.host, authorization: request.headers.authorization },
      settings.token,
    ) === null;

  const unavailable = (response: ServerResponse, reason: string) => {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const body = JSON.stringify({
      error: { code: "orchestrator_unavailable", message: `the status server did not answer: ${reason}` },
    });
    response.writeHead(settings.unavailableStatus, {
      "content-type": "application/json; charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    });
    response.end(body);
  };

  const forward = (request: IncomingMessage, response: ServerResponse) => {
    const changing = STATE_CHANGING_METHODS.has(request.method ?? "");
    const upstream = forwardRequest(
      {
        socketPath: settings.upstream,
        agent: upstreamAgent,
        method: request.method,
        path: request.url,
        // The only X-Forwarded-For the main thread trusts: set here, never passed on from a client.
        // (A client gone before its request is handled has no address any more.)
        headers: {
          ...withoutHopByHop(request.headers),
          "x-forwarded-for": request.socket.remoteAddress ?? "",
        },
      },
      (answer) => {
        if (changing) {
          notBefore = wallClockMs();
          copy = null;
        }
        response.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        // Event streams are written as they come.
        response.flushHeaders();
        answer.pipe(response);
        answer.on("error", () => response.destroy());
      },
    );
    upstream.on("error", (error) => unavailable(response, error.message));
    // A client that goes away (an event stream closed) ends its upstream request too.
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    sendBody(request, upstream);
  };

  // A body is sent with the headers in one write: the main thread's server may answer and close the
  // connection as soon as it has the request (Fastify does after a 400), and a write after that
  // (the empty one that ends a piped body) fails with EPIPE, losing the answer. One larger than any
  // route accepts is streamed, for the main thread to refuse.
  const sendBody = (request: IncomingMessage, upstream: ClientRequest) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let streaming = false;
    request.on("data", (chunk: Buffer) => {
      if (streaming) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size <= settings.maxBodyBytes) return;
      streaming = true;
      for (const held of chunks) upstream.write(held);
      request.pipe(upstream);
    });
    request.on("end", () => {
      if (!streaming) upstream.end(Buffer.concat(chunks));
    });
  };

  const server = createServer((request, response) => {
    try {
      if (!answerFromCopy(request)) return forward(request, response);
      const body = copy!.body;
      response.writeHead(200, { ...copy!.headers, "content-length": body.byteLength });
      response.end(body);
    } catch (error) {
      // One bad request must not take the listener down with the thread.
      unavailable(response, (error as Error).message);
    }
  });
  // As Fastify's default: a dashboard's keep-alive connection outlives its polling interval.
  server.keepAliveTimeout = 72_000;

  port.on("message", (message: ToFront) => {
    if (message.type === "listen") return;
    if (message.type === "state") {
      copy =
        message.body === null
          ? null
          : { builtAt: message.builtAt, headers: message.headers, body: message.body };
      return;
    }
    server.close();
    server.closeIdleConnections();
    upstreamAgent.destroy();
    port.postMessage({ type: "closed" } satisfies FromFront);
  });
  server.once("error", (error) => {
    port.postMessage({ type: "listen_failed", message: error.message } satisfies FromFront);
  });
  server.listen(settings.port, settings.host, () => {
    const bound = server.address();
    if (bound === null || typeof bound === "string") return;
    port.postMessage({
      type: "listening",
      address: bound.address,
      family: bound.family,
      port: bound.port,
    } satisfies FromFront);
  });
}

// The main thread frees the port once the thread is up, then says where to listen (front.ts).
parentPort!.once("message", (message: ToFront) => {
  if (message.type === "listen") runFront(message.settings);
});
parentPort!.postMessage({ type: "ready" } satisfies FromFront);
