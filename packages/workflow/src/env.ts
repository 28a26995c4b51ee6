import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { type Env, envReferenceName } from "@baton/domain";

export { type Env, envReferenceName };

/**
 * Resolves a config value written as exactly `$VAR_NAME` (SPEC 6.1). An unset or empty variable
 * gives undefined, which callers treat as "missing"; any other value is returned unchanged, so
 * `$` inside commands, URLs or longer strings is never touched.
 */
export function resolveEnvReference(value: unknown, env: Env): unknown {
  const name = envReferenceName(value);
  if (name === undefined) return value;
  const resolved = env[name];
  return resolved === undefined || resolved === "" ? undefined : resolved;
}

/** Expands a leading `~` and makes a path absolute relative to `baseDir` (path fields only). */
export function resolvePath(path: string, baseDir: string): string {
  const expanded = path === "~" || path.startsWith("~/") ? homedir() + path.slice(1) : path;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(baseDir, expanded);
}
