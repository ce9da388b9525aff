/**
 * A promise that an adapter lets reject without handling it (`void this.poll()` in `subscribe`,
 * a fire-and-forget fetch) would, by Node's default, end the whole process and every adapter it
 * runs. The long-running commands (`start`, `dev`) log such a rejection as an error instead and
 * keep serving: the adapter that lost it is the one to fix, and the log line says where.
 */

/** The logging the guard does (a pino logger fits). */
export interface GuardLogger {
  error(fields: object, message?: string): void;
}

/** Where the `unhandledRejection` handler is installed: `process` fits. */
export interface RejectionSource {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/**
 * Logs unhandled promise rejections instead of letting them end the process; returns the
 * function that removes the handler.
 *
 * @param source - where the handler goes; default `process`.
 */
export function logUnhandledRejections(
  logger: GuardLogger,
  source: RejectionSource = process,
): () => void {
  const onRejection = (reason: unknown): void => {
    const message = reason instanceof Error ? reason.message : String(reason);
    logger.error(
      { err: reason },
      `Unhandled promise rejection (an adapter let a promise fail without catching it): ${message}`,
    );
  };
  source.on('unhandledRejection', onRejection);
  return () => {
    source.off('unhandledRejection', onRejection);
  };
}
