/**
 * Graceful shutdown (SPEC §6 "Shutdown"): SIGINT or SIGTERM stops the host (adapters closed,
 * pending writes flushed, sockets closed, timers and watchers stopped) within a deadline, even
 * during a backoff, a handshake or a reload. A second signal forces the exit at once.
 */

/** What is stopped: a `Host` fits. */
export interface Stoppable {
  stop(deadlineMs?: number): Promise<void>;
}

/** Where signals come from: `process` fits. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** The logging shutdown does. */
export interface ShutdownLogger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
}

/** Signals handled by default. */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
/**
 * Default bound of the host's stop: 4 s. SPEC §6 gives the whole process 5 s from the signal to
 * its exit; the last second is for what follows the stop (flushing the logs, closing the health
 * server, exiting).
 */
export const SHUTDOWN_DEADLINE_MS = 4_000;
/** Exit code of a clean stop. */
export const EXIT_CLEAN = 0;
/** Exit code when a second signal cuts the stop short, or the host failed. */
export const EXIT_FORCED = 1;

/** Options of {@link handleShutdown}. */
export interface ShutdownOptions {
  /** What to stop. */
  host: Stoppable;
  /** Where the signals and the stop are logged. */
  logger: ShutdownLogger;
  /**
   * Bound of the stop, ms.
   * @default 4000
   */
  deadlineMs?: number;
  /**
   * Signals that stop the host.
   * @default ['SIGINT', 'SIGTERM']
   */
  signals?: readonly NodeJS.Signals[];
  /**
   * Where signal handlers are installed.
   * @default process
   */
  source?: SignalSource;
  /**
   * Called by a second signal, with the exit code: ends the process at once.
   * @default process.exit
   */
  forceExit?: (code: number) => void;
}

/** The installed handlers. */
export interface ShutdownController {
  /** Resolves with the exit code once the host has stopped (after a signal or {@link trigger}). */
  readonly done: Promise<number>;
  /**
   * Stops the host as a signal would, reporting `exitCode` (e.g. 1 when every connection gave
   * up). A later call or signal does not change the code. Resolves like {@link done}.
   */
  trigger(reason: string, exitCode: number): Promise<number>;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * Installs the signal handlers. The first signal stops the host and resolves `done` with 0
 * (the stop itself is bounded by `deadlineMs`); a second one calls `forceExit(1)`.
 */
export function handleShutdown(options: ShutdownOptions): ShutdownController {
  const source = options.source ?? process;
  const signals = options.signals ?? SHUTDOWN_SIGNALS;
  const deadlineMs = options.deadlineMs ?? SHUTDOWN_DEADLINE_MS;
  const forceExit = options.forceExit ?? ((code: number) => process.exit(code));
  const { logger } = options;
  let stopping: Promise<number> | undefined;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });

  const trigger = (reason: string, exitCode: number): Promise<number> => {
    if (stopping !== undefined) return stopping;
    logger.info({ reason, deadlineMs }, `Stopping (${reason})`);
    const startedAt = Date.now();
    stopping = options.host.stop(deadlineMs).then(
      () => {
        logger.info({ elapsedMs: Date.now() - startedAt }, 'Stopped');
        return exitCode;
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'Stopping failed');
        return EXIT_FORCED;
      },
    );
    void stopping.then(resolveDone);
    return stopping;
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping === undefined) {
      void trigger(`received ${signal}`, EXIT_CLEAN);
      return;
    }
    logger.warn({ signal }, `Received ${signal} again: exiting now`);
    forceExit(EXIT_FORCED);
  };

  for (const signal of signals) source.on(signal, onSignal);
  return {
    done,
    trigger,
    dispose: () => {
      for (const signal of signals) source.off(signal, onSignal);
    },
  };
}
