import { isBatonError } from "@baton/domain";
import { describe, expect, it } from "vitest";
import { workspaceKey } from "../src/index.ts";

const ALLOWED_KEY = /^[A-Za-z0-9._-]+$/;

describe("workspaceKey", () => {
  it("[S9.5-key-unchanged] keeps identifiers made only of allowed characters exactly as they are", () => {
    expect(workspaceKey("ABC-123")).toBe("ABC-123");
    expect(workspaceKey("repo.name_42-x")).toBe("repo.name_42-x");
  });

  it("[S9.5-key-sanitized] [S15.2-sanitized-names] replaces every disallowed character with _ and appends the sha256 suffix the reference uses", () => {
    // Golden values: first 16 hex digits of sha256 of the original identifier (printf | sha256sum).
    expect(workspaceKey("ABC/123")).toBe("ABC_123--e40e9a389ac15baf");
    expect(workspaceKey("MT 7")).toBe("MT_7--ee37630d66b99b13");
    for (const identifier of ["../../etc/passwd", "a b\tc\n", "team:42", "x/y\\z", "owner/repo#12"]) {
      expect(workspaceKey(identifier)).toMatch(ALLOWED_KEY);
    }
  });

  it("[S9.5-key-sanitized] replaces non-ASCII characters once per UTF-8 byte, so keys match the reference implementation's", () => {
    expect(workspaceKey("é-1")).toBe("__-1--ac09ccc36d141ca3");
  });

  it("[S9.5-key-hash-suffix] [S9.5-key-collision-resistant] gives distinct keys to identifiers that sanitize to the same text", () => {
    const keys = ["ABC/1", "ABC:1", "ABC 1", "ABC_1"].map(workspaceKey);
    expect(keys[0]).toBe("ABC_1--40196a1712fb54ce");
    expect(keys[1]).toBe("ABC_1--078abbc6dad0a60f");
    expect(keys[3]).toBe("ABC_1");
    expect(new Set(keys).size).toBe(4);
    for (const key of keys.slice(0, 3)) expect(key).toMatch(/^ABC_1--[0-9a-f]{16}$/);
  });

  it("[S9.1-path-layout] derives the same key for the same identifier every time", () => {
    expect(workspaceKey("owner/repo#12")).toBe(workspaceKey("owner/repo#12"));
  });

  it("[S9.5-root-containment] [S15.2-path-under-root] rejects identifiers whose key would name the root or its parent", () => {
    for (const identifier of ["", ".", ".."]) {
      let caught: unknown;
      try {
        workspaceKey(identifier);
      } catch (error) {
        caught = error;
      }
      expect(isBatonError(caught, "invalid_workspace_path")).toBe(true);
    }
    // Dots that are not a whole path component are ordinary names.
    expect(workspaceKey("...")).toBe("...");
    expect(workspaceKey("..a")).toBe("..a");
  });
});
