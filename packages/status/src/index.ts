export { assertSafeBind, isLoopbackHost } from "./access.ts";
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
export { DEFAULT_HOST, type StatusServer, type StatusServerOptions, startStatusServer } from "./server.ts";
export type * from "./source.ts";
export * from "./webhooks.ts";
