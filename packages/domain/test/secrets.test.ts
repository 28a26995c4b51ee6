import { describe, expect, it } from "vitest";
import { isSecretEnvName, REDACTED, SecretRedactor } from "../src/index.ts";

describe("SecretRedactor", () => {
  it("[B.ops-no-secret-on-disk] replaces known secrets as written and as JSON-escaped, longest first, ignoring short values", () => {
    const redactor = new SecretRedactor();
    redactor.add("abc", "", undefined, null, 'pa"ss\\word-123', "token-1234567", "token-1234567-longer");
    expect(redactor.size).toBe(3);
    expect(redactor.redact("abc token-1234567-longer token-1234567")).toBe(`abc ${REDACTED} ${REDACTED}`);
    const json = JSON.stringify({ value: 'pa"ss\\word-123' });
    expect(redactor.redact(json)).toBe(`{"value":"${REDACTED}"}`);
    expect(redactor.redact('raw pa"ss\\word-123')).toBe(`raw ${REDACTED}`);
  });

  it("[B.ops-no-secret-on-disk] takes model keys and secret-named variables from the environment", () => {
    expect(
      [
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "GITHUB_TOKEN",
        "LINEAR_API_KEY",
        "BATON_WEBHOOK_SECRET",
        "DB_PASSWORD",
      ].every(isSecretEnvName),
    ).toBe(true);
    expect(["PATH", "HOME", "TOKENIZER_PATH", "MAX_TOKENS"].some(isSecretEnvName)).toBe(false);
    const redactor = new SecretRedactor();
    redactor.addFromEnv(
      { OPENAI_API_KEY: "sk-openai-value", PATH: "/usr/bin:/bin", TRACKER_CRED: "custom-secret-1" },
      ["TRACKER_CRED"],
    );
    expect(redactor.redact("sk-openai-value /usr/bin:/bin custom-secret-1")).toBe(
      `${REDACTED} /usr/bin:/bin ${REDACTED}`,
    );
  });
});
