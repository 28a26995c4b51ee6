import type { ServerResponse } from "node:http";
import type { StatusEvent } from "./source.ts";

export interface EventStreamOptions {
  /** Bytes a client may have queued unsent before it is dropped. */
  maxBufferedBytes: number;
  heartbeatMs: number;
  now?: () => Date;
  /** Applied to every frame before it is sent (secret redaction). */
  redact?: (text: string) => string;
}

interface Client {
  res: ServerResponse;
  /** Frames held until the initial snapshot has been written, so nothing arrives before it. */
  pending: string[] | null;
  pendingBytes: number;
}

/** One SSE frame; JSON never contains a raw newline, so `data` is a single line. */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The stream carries summaries, not raw protocol payloads (those can be large; session logs keep them). */
export function streamedEvent(event: StatusEvent): StatusEvent {
  if (event.type !== "agent_event") return event;
  const { payload: _payload, ...agentEvent } = event.event;
  return { ...event, event: agentEvent };
}

/**
 * Fans status events out to Server-Sent Events clients. Writes never wait: each client's unsent
 * output is bounded, and a client that falls further behind is disconnected (it reconnects and
 * starts from a fresh snapshot), so a slow reader can never hold up the orchestrator.
 */
export class EventStream {
  private readonly clients = new Set<Client>();
  private nextId = 1;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly now: () => Date;
  private readonly redact: (text: string) => string;

  constructor(private readonly options: EventStreamOptions) {
    this.now = options.now ?? (() => new Date());
    this.redact = options.redact ?? ((text) => text);
    this.heartbeat = setInterval(
      () => this.publish("heartbeat", { at: this.now().toISOString() }),
      options.heartbeatMs,
    );
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Registers a client now (so no event is missed) whose stream starts once `start` is called. */
  open(res: ServerResponse): { start(initialFrame: string): void; cancel(): void } {
    const client: Client = { res, pending: [], pendingBytes: 0 };
    this.clients.add(client);
    res.once("close", () => this.clients.delete(client));
    return {
      cancel: () => this.clients.delete(client),
      start: (initialFrame) => {
        if (!this.clients.has(client)) return;
        const held = client.pending ?? [];
        client.pending = null;
        res.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache, no-transform",
          connection: "keep-alive",
          "x-accel-buffering": "no",
        });
        // Tells EventSource clients how long to wait before reconnecting.
        this.write(client, `retry: 2000\n\n${initialFrame}${held.join("")}`);
      },
    };
  }

  publishEvent(event: StatusEvent): void {
    // Most of the time nobody watches: the event is not even shaped then (one per agent event).
    if (this.clients.size > 0) this.publish(event.type, streamedEvent(event));
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  private publish(type: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = this.redact(sseFrame(type, data, this.nextId++));
    for (const client of this.clients) {
      if (client.pending) this.hold(client, frame);
      else this.write(client, frame);
    }
  }

  private hold(client: Client, frame: string): void {
    client.pending?.push(frame);
    client.pendingBytes += Buffer.byteLength(frame);
    if (client.pendingBytes > this.options.maxBufferedBytes) this.drop(client);
  }

  private drop(client: Client): void {
    this.clients.delete(client);
    client.res.destroy();
  }

  private write(client: Client, frame: string): void {
    if (client.res.destroyed) return;
    client.res.write(frame);
    if (client.res.writableLength > this.options.maxBufferedBytes) this.drop(client);
  }
}
