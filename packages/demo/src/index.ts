export * from "./codex-home.ts";
export * from "./demo-model.ts";
export * from "./model-provider.ts";
