export { ContainerProcess } from "./container-process.ts";
export * from "./daemon.ts";
export * from "./image.ts";
export { DockerLauncher, type DockerLauncherOptions } from "./launcher.ts";
export { ModelRelay } from "./relay.ts";
export * from "./settings.ts";
