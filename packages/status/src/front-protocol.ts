// What the main thread and the status front (front-thread.ts) say to each other. Node built-ins
// only, as the front thread itself.

export interface FrontSettings {
  host: string;
  port: number;
  /** The main thread's status server (a Unix socket in a private directory). */
  upstream: string;
  token: string | null;
  /** A copy of the state answer older than this is not served: the request goes to the main thread. */
  maxAgeMs: number;
  /** The largest request body a route accepts (bodies up to it are sent in one write). */
  maxBodyBytes: number;
  /** HTTP status of `orchestrator_unavailable` in the error catalog, answered when the main thread cannot be reached. */
  unavailableStatus: number;
}

/** Main thread → front. `body: null`: the state cannot be served from a copy (an error answer). */
export type ToFront =
  | { type: "listen"; settings: FrontSettings }
  | { type: "state"; builtAt: number; headers: Record<string, string>; body: Uint8Array | null }
  | { type: "close" };

/** Front → main thread. */
export type FromFront =
  | { type: "ready" }
  | { type: "listening"; address: string; family: string; port: number }
  | { type: "listen_failed"; message: string }
  | { type: "closed" };

export const STATE_PATH = "/api/v1/state";
/** Milliseconds since the epoch, from the clock both threads share (Date.now() has 1 ms steps). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
