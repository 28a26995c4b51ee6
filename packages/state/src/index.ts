export * from "./lock.ts";
export * from "./sqlite-store.ts";
// The Redis store and connection helper are `@baton/state/redis`: a local Baton never loads ioredis.
