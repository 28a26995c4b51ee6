export * from "./schema.ts";
export * from "./server.ts";
export * from "./store.ts";
export { KEPT_LINEAR_FIELDS, subsetLinearSchema } from "./subset-schema.ts";
