// The offline model providers, CODEX_HOME and claude HOME setup live in @baton/demo (the shipped demo uses them).
export * from "@baton/demo";
export * from "./chromium.ts";
export * from "./dockerd.ts";
export * from "./fake-app-server.ts";
export * from "./github/index.ts";
export * from "./linear/index.ts";
export * from "./protocol-schema.ts";
export * from "./redis.ts";
export * from "./scripts.ts";
export * from "./sqlite-damage.ts";
export * from "./webhook-sender.ts";
