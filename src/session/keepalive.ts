/**
 * Outbound KEEPALIVE lines (PROTOCOL.md §6.1): the interval rule of the Java 1.7 / .NET 1.15
 * SDKs (the [canonical] table) as pure functions, and an idle-based scheduler that writes
 * `KEEPALIVE` when a connection has written nothing for the interval.
 *
 * The scheduler sees its connection through a two-function port and its time through an
 * injected clock, so tests drive it with fake timers and no socket.
 */

/** Provisional interval when none is configured: 10 s. */
export const DEFAULT_KEEPALIVE_MS = 10_000;
/** Interval used for a Proxy that sends no hint because it is old (1.8.0) or was refused: 1 s. */
export const STRICT_KEEPALIVE_MS = 1_000;
/** Lower bound applied to a Proxy hint: 1 s. */
export const MIN_KEEPALIVE_MS = 1_000;

/** What the init request told about keepalives. */
export interface KeepaliveInitInfo {
  /**
   * `keepalive_hint.millis` of the DPI/MPI, in ms; `undefined` when absent or not a number.
   * @default undefined
   */
  hintMs?: number | undefined;
  /**
   * `true` when the init carries no hint because the Proxy speaks 1.8.0 (no `ARI.version`) or
   * its version was refused: the "support old Proxy" row, which ignores any hint.
   * @default false
   */
  oldProxy?: boolean;
}

/**
 * Interval before the init arrives. `configuredMs`: `undefined` = not configured, `0` (or any
 * value ≤ 0) = keepalives disabled.
 *
 * @returns the interval in ms, or `null` for no keepalives.
 */
export function provisionalKeepaliveInterval(configuredMs: number | undefined): number | null {
  if (configuredMs === undefined) return DEFAULT_KEEPALIVE_MS;
  return configuredMs > 0 ? configuredMs : null;
}

/**
 * Interval after the init, from the configured value and what the init said (PROTOCOL.md §6.1
 * table, Java/.NET column). `configuredMs` as in {@link provisionalKeepaliveInterval}.
 *
 * @returns the interval in ms, or `null` for no keepalives.
 */
export function selectKeepaliveInterval(
  configuredMs: number | undefined,
  init: KeepaliveInitInfo,
): number | null {
  const current = provisionalKeepaliveInterval(configuredMs);
  if (init.oldProxy) return configuredMs === undefined ? STRICT_KEEPALIVE_MS : current;
  const hint = init.hintMs;
  // A missing hint from an accepted 1.8.2+ Proxy counts as 0: no request, keep the value.
  if (hint === undefined || !Number.isFinite(hint) || hint <= 0) return current;
  const clamped = Math.max(hint, MIN_KEEPALIVE_MS);
  // Disabled by configuration: the Proxy's activity check still needs keepalives.
  if (current === null) return clamped;
  return hint < current ? clamped : current;
}

/** Time and timers, injected so tests can use a fake clock. */
export interface KeepaliveClock {
  /** Monotonic time in ms; the same clock as `lastWriteAt()`. */
  now(): number;
  /** Schedules `callback` after `ms`; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer made by `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** The connection, as far as keepalives are concerned. */
export interface KeepaliveTarget {
  /** Monotonic time (see {@link KeepaliveClock.now}) of the last line written. */
  lastWriteAt(): number;
  /** Writes `KEEPALIVE` on the connection. */
  sendKeepalive(): void;
}

/** The real clock: `performance.now()` and unref'd Node timers (a keepalive never holds the process). */
export const systemKeepaliveClock: KeepaliveClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Sends `KEEPALIVE` on a connection that has written nothing for the interval.
 *
 * Writes do not touch the timer (they are the hot path): one timer is armed, and when it fires
 * it either sends (idle long enough) or re-arms for the time still missing.
 */
export class IdleKeepalive {
  readonly #target: KeepaliveTarget;
  readonly #clock: KeepaliveClock;
  #intervalMs: number | null;
  #timer: unknown;
  #armed = false;
  #lastSentAt = Number.NEGATIVE_INFINITY;

  /**
   * Starts at once with `intervalMs` (`null` = no keepalives until {@link setInterval}).
   */
  constructor(
    target: KeepaliveTarget,
    intervalMs: number | null,
    clock: KeepaliveClock = systemKeepaliveClock,
  ) {
    this.#target = target;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#arm(intervalMs);
  }

  /** The interval in force, in ms, or `null` when disabled. */
  get intervalMs(): number | null {
    return this.#intervalMs;
  }

  /** Changes the interval; it takes effect at once (the idle time so far counts). `null` disables. */
  setInterval(intervalMs: number | null): void {
    this.#disarm();
    this.#intervalMs = intervalMs;
    if (intervalMs !== null) this.#arm(this.#remaining(intervalMs));
  }

  /** Stops sending keepalives. */
  stop(): void {
    this.#disarm();
    this.#intervalMs = null;
  }

  #remaining(intervalMs: number): number {
    const lastActivity = Math.max(this.#target.lastWriteAt(), this.#lastSentAt);
    return Math.max(0, lastActivity + intervalMs - this.#clock.now());
  }

  #arm(delayMs: number | null): void {
    if (delayMs === null) return;
    this.#armed = true;
    this.#timer = this.#clock.setTimeout(this.#onTimer, delayMs);
  }

  #disarm(): void {
    if (!this.#armed) return;
    this.#armed = false;
    this.#clock.clearTimeout(this.#timer);
  }

  readonly #onTimer = (): void => {
    this.#armed = false;
    const interval = this.#intervalMs;
    if (interval === null) return;
    const remaining = this.#remaining(interval);
    if (remaining > 0) {
      this.#arm(remaining);
      return;
    }
    // Recorded here because the channel updates lastWriteAt only when it flushes the line.
    this.#lastSentAt = this.#clock.now();
    this.#target.sendKeepalive();
    // sendKeepalive may have stopped or re-armed us (e.g. the write failed the connection).
    if (!this.#armed && this.#intervalMs !== null) this.#arm(this.#intervalMs);
  };
}
