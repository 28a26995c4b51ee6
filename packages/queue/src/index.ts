export * from "./connection.ts";
export * from "./executor.ts";
export * from "./wire.ts";
export * from "./worker.ts";
export * from "./workspace-removals.ts";
