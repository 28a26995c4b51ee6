import { parseArgs } from "node:util";
import type { Issue } from "@baton/domain";
import { BatonError } from "@baton/domain";
import { LocalTicketStore, trackerProfiles } from "@baton/tracker";
import { loadWorkflow, resolveTrackerConfig, selectWorkflowPath } from "@baton/workflow";
import { type CommandIO, println, usageError } from "../io.ts";

/**
 * `baton issue create|list|move|comment`: drives the local tracker's ticket folder, the one named
 * by WORKFLOW.md. A running Baton watches that folder, so a move is picked up at once.
 */
export async function issueCommand(args: string[], io: CommandIO): Promise<number> {
  const [action, ...rest] = args;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const store = await openStore(values.workflow, io);
  switch (action) {
    case "create": {
      const title = positionals.join(" ").trim();
      if (title === "") throw usageError("baton issue create needs a title");
      const issue = await store.create({
        title,
        state: values.state?.[0],
        priority: values.priority === undefined ? null : parsePriority(values.priority),
        labels: values.label ?? [],
        blockedBy: values["blocked-by"] ?? [],
        description: values.description,
      });
      println(io.out, `created ${issue.identifier} [${issue.state}] ${issue.title}`);
      return 0;
    }
    case "list": {
      const issues = await store.list(values.state);
      if (issues.length === 0) println(io.out, "no tickets");
      for (const issue of issues) println(io.out, formatRow(issue));
      return 0;
    }
    case "move": {
      const [identifier, ...stateWords] = positionals;
      const state = stateWords.join(" ").trim();
      if (!identifier || state === "") throw usageError("usage: baton issue move <ID> <STATE>");
      const before = await store.get(identifier);
      const after = await store.move(identifier, state);
      println(io.out, `moved ${after.identifier}: ${before.state} -> ${after.state}`);
      return 0;
    }
    case "comment": {
      const [identifier, ...words] = positionals;
      const body = words.join(" ").trim();
      if (!identifier || body === "")
        throw usageError("usage: baton issue comment <ID> <TEXT> [--author NAME]");
      await store.comment(identifier, body, values.author ?? "operator");
      println(io.out, `commented on ${identifier}`);
      return 0;
    }
    default:
      throw usageError(`unknown issue action ${JSON.stringify(action ?? "")} (create, list, move, comment)`);
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      workflow: { type: "string" },
      priority: { type: "string" },
      label: { type: "string", multiple: true },
      state: { type: "string", multiple: true },
      "blocked-by": { type: "string", multiple: true },
      description: { type: "string" },
      author: { type: "string" },
    },
  });
}

async function openStore(workflow: string | undefined, io: CommandIO): Promise<LocalTicketStore> {
  const definition = await loadWorkflow(selectWorkflowPath(workflow, io.cwd));
  const config = resolveTrackerConfig(definition, { env: io.env, trackerProfiles });
  if (config.tracker.kind !== "local") {
    throw new BatonError(
      "invalid_tracker_config",
      `baton issue works with the local tracker only; ${definition.path} uses tracker.kind ${JSON.stringify(config.tracker.kind)}`,
    );
  }
  return new LocalTicketStore(String(config.tracker.provider.path), {
    prefix: String(config.tracker.provider.prefix),
    activeStates: config.tracker.active_states,
    terminalStates: config.tracker.terminal_states,
    relativeTo: config.workflowDir,
  });
}

function parsePriority(value: string): number {
  const priority = Number(value);
  if (!Number.isInteger(priority))
    throw usageError(`--priority must be an integer, got ${JSON.stringify(value)}`);
  return priority;
}

function formatRow(issue: Issue): string {
  const priority = issue.priority === null ? "-" : `P${issue.priority}`;
  const labels = issue.labels.length > 0 ? ` [${issue.labels.join(", ")}]` : "";
  return `${issue.identifier.padEnd(8)} ${issue.state.padEnd(14)} ${priority.padEnd(3)} ${issue.title}${labels}`;
}
