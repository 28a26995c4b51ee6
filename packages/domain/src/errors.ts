/**
 * Every expected failure in Baton is a BatonError: a stable `category` (the spec's error names,
 * e.g. `missing_workflow_file`, `tracker_status`, `turn_timeout`) plus a message written for a
 * human operator that names the file, field or issue involved. Secrets never go into messages.
 */
export class BatonError extends Error {
  readonly category: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    category: string,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "BatonError";
    this.category = category;
    this.details = details;
  }

  /** `category: message`, the one-line form used in logs and CLI output. */
  override toString(): string {
    return `${this.category}: ${this.message}`;
  }
}

export function isBatonError(value: unknown, category?: string): value is BatonError {
  return value instanceof BatonError && (category === undefined || value.category === category);
}

/** Wraps anything thrown into a BatonError, keeping BatonErrors as they are. */
export function toBatonError(value: unknown, fallbackCategory: string): BatonError {
  if (value instanceof BatonError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new BatonError(fallbackCategory, message, {}, { cause: value });
}
