/** The pino-compatible subset of a logger that packages depend on; apps pass a real pino logger. */
export interface Logger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
  /** Lets hot paths skip building lines nobody will see (pino has it). */
  isLevelEnabled?(level: string): boolean;
}

/** A logger that drops everything; the default when a caller does not care. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
