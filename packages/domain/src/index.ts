export * from "./agent.ts";
export * from "./error-catalog.ts";
export * from "./errors.ts";
export * from "./issue.ts";
export * from "./launcher.ts";
export * from "./logger.ts";
export * from "./paths.ts";
export * from "./tracker.ts";
