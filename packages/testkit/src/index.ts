export * from "./chromium.ts";
export * from "./codex-home.ts";
export * from "./fake-app-server.ts";
export * from "./github/index.ts";
export * from "./linear/index.ts";
export * from "./model-provider.ts";
export * from "./protocol-schema.ts";
export * from "./scripts.ts";
