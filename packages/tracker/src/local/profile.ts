import { homedir } from "node:os";
import { resolve } from "node:path";
import type { TrackerConfigContext, TrackerProfile } from "@baton/domain";
import { BatonError } from "@baton/domain";
import {
  LOCAL_DEFAULT_ACTIVE_STATES,
  LOCAL_DEFAULT_FOLDER,
  LOCAL_DEFAULT_PREFIX,
  LOCAL_DEFAULT_TERMINAL_STATES,
  TICKET_PREFIX_PATTERN,
} from "./defaults.ts";
import { describe } from "./ticket-format.ts";

const PROVIDER_KEYS = ["path", "prefix"];
const ENV_REFERENCE = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;

/** Config-layer view of the `local` kind: defaults and `tracker.provider` validation. It holds no secrets. */
export const localTrackerProfile: TrackerProfile = {
  kind: "local",
  defaultActiveStates: LOCAL_DEFAULT_ACTIVE_STATES,
  defaultTerminalStates: LOCAL_DEFAULT_TERMINAL_STATES,
  secretProviderKeys: [],
  secretEnvironmentNames: () => [],
  resolveProvider(provider, context) {
    for (const [key, value] of Object.entries(provider)) {
      if (!PROVIDER_KEYS.includes(key)) {
        throw invalid(key, value, `is not a local tracker key (known keys: ${PROVIDER_KEYS.join(", ")})`);
      }
    }
    return {
      path: resolveFolder(provider.path ?? LOCAL_DEFAULT_FOLDER, context),
      prefix: resolvePrefix(provider.prefix ?? LOCAL_DEFAULT_PREFIX),
    };
  },
};

/** `$VAR` (whole value) from the environment, then `~` expansion, then relative to the WORKFLOW.md directory. */
function resolveFolder(value: unknown, context: TrackerConfigContext): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw invalid("path", value, "must be a folder path (default: tickets)");
  }
  let folder = value.trim();
  const reference = ENV_REFERENCE.exec(folder);
  if (reference) {
    const fromEnv = context.env[reference[1]!];
    if (fromEnv === undefined || fromEnv.trim() === "") {
      throw invalid(
        "path",
        value,
        `refers to the environment variable ${reference[1]}, which is not set or empty`,
      );
    }
    folder = fromEnv.trim();
  }
  if (folder === "~" || folder.startsWith("~/")) {
    folder = (context.env.HOME ?? homedir()) + folder.slice(1);
  }
  return resolve(context.workflowDir, folder);
}

function resolvePrefix(value: unknown): string {
  if (typeof value === "string" && TICKET_PREFIX_PATTERN.test(value)) return value;
  throw invalid(
    "prefix",
    value,
    "must be an upper-case letter followed by upper-case letters or digits, e.g. BAT",
  );
}

function invalid(key: string, value: unknown, problem: string): BatonError {
  return new BatonError(
    "invalid_tracker_config",
    `tracker.provider.${key} ${problem}; got ${describe(value)}`,
    {
      field: `tracker.provider.${key}`,
    },
  );
}
