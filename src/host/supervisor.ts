/**
 * One supervised connection of an adapter to one Proxy Adapter (SPEC §6 "Reconnect"): dial,
 * handshake, serve until the connection ends, retire the session (unsubscribe its items, close
 * its provider instance), wait a backoff delay, and start over with a fresh session.
 *
 * The supervisor knows nothing about sockets or providers: it drives {@link SupervisedSession}s
 * made by an injected {@link OpenSession}, takes its timers and random source as a narrow port,
 * and makes the retry decision in one place with the pure `nextDelay()`.
 */
import { type BackoffOptions, nextDelay } from './backoff.js';
import type { ConnectionStatus } from './connection-status.js';

/** How a session ended (or why it could not start). */
export interface SessionEnd {
  /** In words, for logs and the status: `connection refused`, `closed by the peer`, … */
  readonly reason: string;
  /**
   * `error` when the cause needs the user's attention (wrong credentials, a refused init),
   * `warn` for the ordinary network weather.
   */
  readonly severity: 'warn' | 'error';
  /** The underlying error, when there is one. */
  readonly error?: unknown;
}

/** One connection attempt: a fresh protocol session (RAC, init, requests). */
export interface SupervisedSession {
  /** Connects and completes the handshake; rejects when either fails. */
  start(): Promise<void>;
  /** Settles (never rejects) once the connection has ended, however it ended. */
  readonly ended: Promise<SessionEnd>;
  /** Ends the connection; idempotent. Never rejects. */
  close(): Promise<void>;
  /**
   * Called once after the end: unsubscribes the data adapter's active items and calls the
   * provider instance's `close()`. Never rejects.
   */
  retire(): Promise<void>;
}

/** Callbacks a session gives the supervisor while it starts. */
export interface SessionHooks {
  /** The socket is connected: the handshake is under way. */
  connected(): void;
}

/** Makes a new session for each attempt. */
export type OpenSession = (hooks: SessionHooks) => SupervisedSession;

/** Turns a failure of `start()` into a {@link SessionEnd}. */
export type DescribeFailure = (error: unknown) => SessionEnd;

/** Timers, injectable for tests. */
export interface SupervisorClock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Bound on retiring a session (a user `unsubscribe` or `close` that never returns): 5 s. */
export const RETIRE_TIMEOUT_MS = 5_000;

/** The logging a supervisor does besides the status transitions. */
export interface SupervisorLogger {
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** What a {@link Supervisor} needs. */
export interface SupervisorOptions {
  /** The connection's status, which the supervisor drives. */
  readonly status: ConnectionStatus;
  /** Makes the session of each attempt. */
  readonly open: OpenSession;
  /** Describes a failed `start()`. */
  readonly describeFailure: DescribeFailure;
  /** The reconnect policy. */
  readonly reconnect: BackoffOptions;
  /** Where ends and give-ups are logged. */
  readonly logger: SupervisorLogger;
  /**
   * Called once when the retries are exhausted and the connection stopped for good.
   * @default nothing
   */
  readonly onGiveUp?: (() => void) | undefined;
  /**
   * Timers.
   * @default the global setTimeout/clearTimeout
   */
  readonly clock?: SupervisorClock | undefined;
  /**
   * Uniform numbers in [0, 1) for the jitter.
   * @default Math.random
   */
  readonly random?: (() => number) | undefined;
  /**
   * Bound on retiring a session, ms.
   * @default 5000
   */
  readonly retireTimeoutMs?: number | undefined;
}

/** The end recorded when the host stops a session. */
const STOPPED_END: SessionEnd = { reason: 'stopped', severity: 'warn' };

const REAL_CLOCK: SupervisorClock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Keeps one connection up: `connecting` → `handshaking` → `connected`, and on any end
 * `backoff` → `connecting` again, until {@link stop} or until `reconnect.maxAttempts`
 * consecutive failures (a successful handshake resets the count), then `stopped`.
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #clock: SupervisorClock;
  /** Incremented per attempt: callbacks of an older attempt's socket are ignored. */
  #epoch = 0;
  #stopping = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #signalStop: () => void = () => undefined;
  /** Resolves (to false) when {@link stop} is called. */
  readonly #stopSignal = new Promise<false>((resolve) => {
    this.#signalStop = () => resolve(false);
  });

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? REAL_CLOCK;
  }

  /** The status this supervisor drives. */
  get status(): ConnectionStatus {
    return this.#options.status;
  }

  /** Starts the loop (once); returns at once. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /**
   * Stops for good: cancels a backoff, closes the live session and retires it. Resolves when
   * the loop has ended; the caller bounds the wait.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#epoch++;
    this.#signalStop();
    this.#wake?.();
    await this.#loop;
    this.#options.status.set('stopped', { reason: 'stopped' });
  }

  async #run(): Promise<void> {
    const { status, logger } = this.#options;
    let attempt = 0;
    while (!this.#stopping) {
      const outcome = await this.#attempt(attempt);
      if (this.#stopping) break;
      if (outcome.connected) attempt = 0;
      attempt++;
      const delayMs = nextDelay(attempt, this.#options.reconnect, this.#options.random);
      if (delayMs === null) {
        const reason = `gave up after ${attempt - 1} consecutive failed attempts (reconnect.maxAttempts)`;
        logger.error({ server: status.snapshot().server, lastError: outcome.end.reason }, reason);
        status.set('stopped', { attempt, reason });
        this.#options.onGiveUp?.();
        return;
      }
      status.set('backoff', { attempt, delayMs, reason: outcome.end.reason });
      await this.#sleep(delayMs);
    }
  }

  /** One attempt: open, start, serve until the end, retire. Never rejects. */
  async #attempt(attempt: number): Promise<{ connected: boolean; end: SessionEnd }> {
    const { status } = this.#options;
    const epoch = ++this.#epoch;
    status.set('connecting', { attempt: attempt === 0 ? undefined : attempt });
    const session = this.#options.open({
      connected: () => {
        if (epoch === this.#epoch && !this.#stopping) status.set('handshaking');
      },
    });
    let connected = false;
    let end: SessionEnd = STOPPED_END;
    try {
      // A stop wins over a start or a session that would not notice the close.
      const starting = session.start().then(() => true);
      starting.catch(() => undefined);
      if (await Promise.race([starting, this.#stopSignal])) {
        if (epoch === this.#epoch && !this.#stopping) {
          connected = true;
          status.set('connected');
        }
        end = await Promise.race([session.ended, this.#stopSignal.then(() => STOPPED_END)]);
      }
    } catch (error) {
      end = this.#options.describeFailure(error);
    }
    await session.close();
    if (!this.#stopping) this.#logEnd(end);
    await this.#retire(session);
    return { connected, end };
  }

  /**
   * Ends that need the user's attention get an error line of their own; the ordinary ones are
   * told by the `backoff` transition, which carries the reason.
   */
  #logEnd(end: SessionEnd): void {
    if (end.severity !== 'error') return;
    const fields = { server: this.#options.status.snapshot().server, err: end.error };
    this.#options.logger.error(fields, `Connection ended: ${end.reason}`);
  }

  async #retire(session: SupervisedSession): Promise<void> {
    const timeoutMs = this.#options.retireTimeoutMs ?? RETIRE_TIMEOUT_MS;
    let timer: unknown;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = this.#clock.setTimeout(() => resolve(true), timeoutMs);
    });
    const done = session.retire().then(() => false);
    if (await Promise.race([done, timedOut])) {
      this.#options.logger.warn(
        { server: this.#options.status.snapshot().server, timeoutMs },
        'The adapter did not finish unsubscribing/closing in time; reconnecting anyway',
      );
    }
    this.#clock.clearTimeout(timer);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const handle = this.#clock.setTimeout(finish, ms);
      const self = this;
      function finish(): void {
        self.#clock.clearTimeout(handle);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = finish;
    });
  }
}
