/**
 * Environment variables that hold model-provider keys. The agent needs them (they are passed to it),
 * so they can show up in what it prints: Baton redacts their values from everything it writes.
 * Add a backend's key here when it gains one.
 */
export const MODEL_KEY_ENV_NAMES: readonly string[] = [
  "OPENAI_API_KEY",
  "CODEX_API_KEY",
  "AZURE_OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "GEMINI_API_KEY",
  "GOOGLE_API_KEY",
  "MISTRAL_API_KEY",
  "OPENROUTER_API_KEY",
];

/** Names that say "secret" by convention: `*_API_KEY`, `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, ... */
const SECRET_NAME = /(^|_)(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|CREDENTIALS?|AUTH)$/i;

/** Whether an environment variable holds a secret: a known model key or a secret-looking name. */
export function isSecretEnvName(name: string): boolean {
  return MODEL_KEY_ENV_NAMES.includes(name) || SECRET_NAME.test(name);
}

/** Shorter values are not redacted: replacing every "abc" would garble the logs and protect nothing. */
export const MIN_REDACTED_LENGTH = 6;
export const REDACTED = "[redacted]";

/**
 * Replaces every known secret value in text Baton is about to write (log lines, session logs, API
 * answers). Values are matched as written and as they appear inside a JSON string. Secrets are
 * only ever added: a token replaced by a reload stays redacted.
 */
export class SecretRedactor {
  private patterns: string[] = [];
  private readonly values = new Set<string>();

  /** Adds values (unset, blank and too-short ones are ignored). */
  add(...values: (string | null | undefined)[]): void {
    let changed = false;
    for (const value of values) {
      if (typeof value !== "string" || value.trim().length < MIN_REDACTED_LENGTH) continue;
      if (this.values.has(value)) continue;
      this.values.add(value);
      changed = true;
    }
    if (!changed) return;
    const forms = new Set<string>();
    for (const value of this.values) {
      forms.add(value);
      forms.add(JSON.stringify(value).slice(1, -1));
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.patterns = [...forms].sort((a, b) => b.length - a.length);
  }

  /** Adds the values of every secret-named variable of `env`, plus the `extraNames` given. */
  addFromEnv(env: Readonly<Record<string, string | undefined>>, extraNames: readonly string[] = []): void {
    for (const [name, value] of Object.entries(env)) {
      if (isSecretEnvName(name) || extraNames.includes(name)) this.add(value);
    }
  }

  get size(): number {
    return this.values.size;
  }

  redact(text: string): string {
    let result = text;
    for (const pattern of this.patterns) {
      if (result.includes(pattern)) result = result.replaceAll(pattern, REDACTED);
    }
    return result;
  }
}
