export { isLoopbackHost } from "./access.ts";
export { STATE_COPY_MAX_AGE_MS } from "./front.ts";
export {
  StatusMetrics,
  type TrackerRequestSample,
} from "./metrics.ts";
export {
  OrchestratorStatusSource,
  type OrchestratorStatusSourceOptions,
  type WatchedWorkflow,
} from "./orchestrator-source.ts";
export * from "./schemas.ts";
export {
  assertSafeBind,
  DEFAULT_HOST,
  type StatusServer,
  type StatusServerOptions,
  startStatusServer,
} from "./server.ts";
export type * from "./source.ts";
export * from "./webhooks.ts";
