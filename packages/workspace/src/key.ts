import { createHash } from "node:crypto";
import { BatonError } from "@baton/domain";

const ALLOWED = /^[A-Za-z0-9._-]$/;

/**
 * The workspace directory name for an issue identifier (SPEC 4.2, 9.5 invariant 3). Every
 * character outside `[A-Za-z0-9._-]` becomes `_`, one per UTF-8 byte, as the reference
 * implementation does, so both name the same directory. When that changed the identifier,
 * `--` and the first 16 hex digits of sha256(identifier) are appended, so identifiers that
 * sanitize alike still get distinct keys. Identifiers whose key would be empty, `.` or `..`
 * are rejected: they would name the root or its parent.
 */
export function workspaceKey(identifier: string): string {
  let sanitized = "";
  for (const char of identifier) {
    sanitized += ALLOWED.test(char) ? char : "_".repeat(Buffer.byteLength(char, "utf8"));
  }
  if (sanitized === "" || sanitized === "." || sanitized === "..") {
    throw new BatonError(
      "invalid_workspace_path",
      `issue identifier ${JSON.stringify(identifier)} cannot name a workspace directory: it would resolve to the workspace root or outside it`,
      { identifier, reason: sanitized === ".." ? "outside_root" : "workspace_equals_root" },
    );
  }
  if (sanitized === identifier) return identifier;
  const hash = createHash("sha256").update(identifier, "utf8").digest("hex").slice(0, 16);
  return `${sanitized}--${hash}`;
}
