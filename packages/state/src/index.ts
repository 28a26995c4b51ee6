export * from "./lock.ts";
export * from "./sqlite-store.ts";
