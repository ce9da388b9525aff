/**
 * The logging port of the SDK: a structural subset of pino's logger, so a pino instance (or any
 * compatible logger) can be passed as is. The default logs nothing.
 */

/** One log method: `(message)` or `(fields, message)`, as pino accepts. */
export interface LogFn {
  (message: string): void;
  (fields: object, message?: string): void;
}

/** What the SDK needs from a logger. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** Returns a logger that adds `bindings` to every record (pino's `child`). */
  child?(bindings: Record<string, unknown>): Logger;
}

const noop: LogFn = () => {};

/** A logger that drops everything. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** `logger.child(bindings)` when supported, else the logger itself. */
export function childLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  return logger.child ? logger.child(bindings) : logger;
}
