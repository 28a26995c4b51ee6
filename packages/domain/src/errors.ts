import type { ErrorRecord } from "./error-catalog.ts";

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

  /** Plain data for durable state and API views; details must already be free of secrets. */
  toRecord(): ErrorRecord {
    return { category: this.category, message: this.message, details: { ...this.details } };
  }

  /** The error again from its plain record (as it arrives from another process). */
  static fromRecord(record: ErrorRecord): BatonError {
    return new BatonError(record.category, record.message, { ...record.details });
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

/** The one-line `category: message` form of an error kept as data. */
export function errorRecordText(record: Pick<ErrorRecord, "category" | "message">): string {
  return `${record.category}: ${record.message}`;
}
