export * from "./agent.ts";
export * from "./error-catalog.ts";
export * from "./errors.ts";
export * from "./issue.ts";
export * from "./logger.ts";
export * from "./pipeline.ts";
export * from "./secrets.ts";
export * from "./tracker.ts";
