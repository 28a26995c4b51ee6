export * from "./config.ts";
export { type Env, envReferenceName, resolveEnvReference, resolvePath } from "./env.ts";
export { loadWorkflow, parseWorkflow, selectWorkflowPath, type WorkflowDefinition } from "./loader.ts";
export * from "./phases.ts";
export * from "./prompt.ts";
export { type ConfigProblem, workflowSchema } from "./schema.ts";
export * from "./store.ts";
