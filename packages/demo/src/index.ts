export * from "./anthropic-provider.ts";
export * from "./claude-home.ts";
export * from "./codex-home.ts";
export * from "./demo-model.ts";
export * from "./model-provider.ts";
