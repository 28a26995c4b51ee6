export * from "./fixtures.ts";
export * from "./server.ts";
