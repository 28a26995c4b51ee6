export * from "./attempt.ts";
export * from "./continuation.ts";
export * from "./deps.ts";
export * from "./executor.ts";
export * from "./gateway.ts";
export * from "./messages.ts";
export * from "./ports.ts";
export * from "./spec.ts";
