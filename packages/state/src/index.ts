export * from "./lock.ts";
export * from "./redis.ts";
export * from "./sqlite-store.ts";
