export * from "./attempt.ts";
export * from "./continuation.ts";
export * from "./executor.ts";
