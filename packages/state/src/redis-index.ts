export * from "./redis.ts";
export * from "./redis-lease.ts";
export * from "./redis-store.ts";
