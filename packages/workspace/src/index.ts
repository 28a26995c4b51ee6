export * from "./launcher.ts";
