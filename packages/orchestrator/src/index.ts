export * from "./decisions.ts";
export * from "./log-line.ts";
export * from "./orchestrator.ts";
export * from "./ports.ts";
export * from "./snapshot.ts";
export * from "./state.ts";
export * from "./worker/index.ts";
