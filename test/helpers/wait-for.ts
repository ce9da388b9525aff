/**
 * Bounded waits for tests: on an event, on a condition, on a promise. Every timeout error says
 * what was awaited, so a failing test explains itself instead of hanging until vitest's limit.
 */

/** Default bound of every wait: 5 s (well below vitest's test timeout). */
export const DEFAULT_WAIT_MS = 5_000;

/** Anything with `on`/`off`, such as an EventEmitter (typed or not) or a socket. */
export interface EventSource {
  // biome-ignore lint/suspicious/noExplicitAny: listeners of every emitter type must fit here
  on(event: string, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/** Options of {@link waitForEvent}. */
export interface WaitForEventOptions<A extends unknown[]> {
  /**
   * Bound of the wait, in ms.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Only an emission whose arguments pass this test counts.
   * @default every emission counts
   */
  filter?: (...args: A) => boolean;
  /**
   * Reject at once if the source emits `'error'` (or a listed event) before the awaited one.
   * @default []
   */
  failOn?: string[];
  /**
   * Described in the timeout message.
   * @default the event name
   */
  what?: string;
}

/**
 * Resolves with the arguments of the next `event` emission (passing `filter`), or rejects after
 * `timeoutMs`. Listeners are removed either way.
 */
export function waitForEvent<A extends unknown[] = unknown[]>(
  source: EventSource,
  event: string,
  options: WaitForEventOptions<A> = {},
): Promise<A> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const what = options.what ?? `event '${event}'`;
  return new Promise<A>((resolve, reject) => {
    const onEvent = (...received: unknown[]): void => {
      const args = received as A;
      if (options.filter && !options.filter(...args)) return;
      cleanup();
      resolve(args);
    };
    const failures = (options.failOn ?? []).map((name) => {
      const listener = (...args: unknown[]): void => {
        cleanup();
        reject(new Error(`'${name}' was emitted while waiting for ${what}`, { cause: args[0] }));
      };
      return [name, listener] as const;
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      source.off(event, onEvent);
      for (const [name, listener] of failures) source.off(name, listener);
    }
    source.on(event, onEvent);
    for (const [name, listener] of failures) source.on(name, listener);
  });
}

/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /**
   * Bound of the wait, in ms.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Time between two checks, in ms.
   * @default 10
   */
  intervalMs?: number;
  /**
   * Described in the timeout message.
   * @default 'a condition'
   */
  what?: string;
}

/**
 * Polls `predicate` until it returns a truthy value (which is resolved), for state that has no
 * event. Rejects after `timeoutMs`, or with the predicate's own error.
 */
export async function waitUntil<T>(
  predicate: () => T | Promise<T>,
  options: WaitUntilOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a condition'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves or rejects like `promise`, or rejects after `ms` with a message naming `what`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
