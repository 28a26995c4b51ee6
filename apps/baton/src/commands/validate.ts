import { isBatonError } from "@baton/domain";
import { trackerProfiles } from "@baton/tracker";
import {
  describeConfig,
  loadWorkflow,
  parsePromptTemplate,
  resolveConfig,
  selectWorkflowPath,
} from "@baton/workflow";
import { stringify } from "yaml";
import { type CommandIO, println } from "../io.ts";

/**
 * `baton validate [path]`: loads WORKFLOW.md exactly as the service would, prints the effective
 * config with secrets masked, and exits 1 with the typed error when anything is wrong.
 */
export async function validateCommand(path: string | undefined, io: CommandIO): Promise<number> {
  const workflowPath = selectWorkflowPath(path, io.cwd);
  try {
    const definition = await loadWorkflow(workflowPath);
    const config = resolveConfig(definition, { env: io.env, trackerProfiles });
    // Template syntax errors would otherwise surface only when the first issue is dispatched.
    parsePromptTemplate(definition.promptTemplate);
    println(io.out, `${workflowPath}: valid`);
    println(io.out);
    println(io.out, "# Effective configuration (defaults applied, secrets masked)");
    const { warnings, ...printable } = describeConfig(config, trackerProfiles);
    io.out.write(stringify(printable));
    println(io.out);
    println(
      io.out,
      `# Prompt template: ${definition.promptTemplate === "" ? "empty (the default prompt is used)" : `${definition.promptTemplate.split("\n").length} lines`}`,
    );
    for (const warning of config.warnings) println(io.err, `warning: ${warning}`);
    return 0;
  } catch (error) {
    if (!isBatonError(error)) throw error;
    println(io.err, `${workflowPath}: invalid`);
    println(io.err, `error ${error.category}: ${error.message}`);
    return 1;
  }
}
