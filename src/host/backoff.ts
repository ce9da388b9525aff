/**
 * Reconnect delays (SPEC §6 "Reconnect"): exponential growth capped at a maximum, with full
 * jitter so that many adapters dropped together by one Server restart do not reconnect in step.
 * A pure function of the attempt number; the supervisor makes the decision in one place.
 */

/** Delay before the first retry, before jitter: 500 ms. */
export const DEFAULT_INITIAL_DELAY_MS = 500;
/** Upper bound of any delay: 30 s. */
export const DEFAULT_MAX_DELAY_MS = 30_000;
/** Growth factor per attempt: 2 (dimensionless). */
export const DEFAULT_BACKOFF_FACTOR = 2;
/** Attempts before giving up: `null` = retry forever. */
export const DEFAULT_MAX_ATTEMPTS: number | null = null;
/** Smallest delay ever returned, so a refused connect cannot spin: 100 ms. */
export const MIN_RETRY_DELAY_MS = 100;

/** Reconnect policy (the `reconnect` section of the config file). */
export interface BackoffOptions {
  /**
   * Delay bound of the first retry, in ms.
   * @default 500
   */
  initialDelayMs: number;
  /**
   * Cap of the exponential delay bound, in ms.
   * @default 30000
   */
  maxDelayMs: number;
  /**
   * Factor the bound grows by per attempt.
   * @default 2
   */
  factor: number;
  /**
   * Retries before giving up; `null` = forever.
   * @default null
   */
  maxAttempts: number | null;
}

/** The default policy, from the constants above. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialDelayMs: DEFAULT_INITIAL_DELAY_MS,
  maxDelayMs: DEFAULT_MAX_DELAY_MS,
  factor: DEFAULT_BACKOFF_FACTOR,
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
});

/**
 * Delay before retry number `attempt` (1 = the first retry after a failure or drop).
 *
 * The bound is `min(maxDelayMs, initialDelayMs × factor^(attempt−1))`; the delay is drawn
 * uniformly below it ("full jitter"), but never below {@link MIN_RETRY_DELAY_MS} (nor above
 * `maxDelayMs`). Whole milliseconds.
 *
 * @param random - source of uniform numbers in [0, 1); injected by tests.
 * @returns the delay in ms, or `null` when `attempt` exceeds `maxAttempts` (give up).
 */
export function nextDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`Reconnect attempt must be an integer >= 1, got ${attempt}`);
  }
  if (options.maxAttempts !== null && attempt > options.maxAttempts) return null;
  const growth = options.initialDelayMs * options.factor ** (attempt - 1);
  // Past about 1000 attempts the power overflows to Infinity; the cap still applies.
  const bound = Math.min(options.maxDelayMs, growth);
  const jittered = Math.round(clampUnit(random()) * bound);
  const floor = Math.min(MIN_RETRY_DELAY_MS, options.maxDelayMs);
  return Math.max(floor, jittered);
}

function clampUnit(value: number): number {
  if (!(value > 0)) return 0; // also NaN
  return Math.min(value, 1);
}
