/**
 * Awaits one event of an emitter within a bound, failing early on another event: the primitive
 * behind `waitForInit`, `waitForClose` and `waitForConnection`.
 */
import { WaitTimeoutError } from './errors.js';

/** Anything with `on`/`off`, whatever its event map. */
export interface Listenable {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Options of {@link onceWithin}. */
export interface OnceWithinOptions<T> {
  /** Bound of the wait, in ms. */
  timeoutMs: number;
  /** What is awaited, for the timeout message. */
  what: string;
  /** Accepts the event's arguments: returns the result, or undefined to keep waiting. */
  // biome-ignore lint/suspicious/noExplicitAny: the event's arguments, typed by the caller
  accept: (...args: any[]) => T | undefined;
  /** An event that ends the wait with the error this returns. */
  // biome-ignore lint/suspicious/noExplicitAny: the event's arguments, typed by the caller
  failOn?: { event: string; error: (...args: any[]) => Error };
  /** The last lines received, for the timeout message. */
  recent?: () => string[];
  /** Ends the wait early with the error this returns (e.g. the simulator was closed). */
  abort?: { signal: AbortSignal; error: () => Error };
}

/** Resolves with the first accepted emission of `event`; listeners and timer are always removed. */
export function onceWithin<T>(
  emitter: Listenable,
  event: string,
  options: OnceWithinOptions<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = options.abort;
    if (abort?.signal.aborted) {
      reject(abort.error());
      return;
    }
    const onEvent = (...args: unknown[]): void => {
      const value = options.accept(...args);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onFail = (...args: unknown[]): void => {
      cleanup();
      reject(options.failOn?.error(...args));
    };
    const onAbort = (): void => {
      cleanup();
      reject(abort?.error());
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new WaitTimeoutError(options.what, options.timeoutMs, options.recent?.() ?? []));
    }, options.timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      if (options.failOn) emitter.off(options.failOn.event, onFail);
      abort?.signal.removeEventListener('abort', onAbort);
    }
    emitter.on(event, onEvent);
    if (options.failOn) emitter.on(options.failOn.event, onFail);
    abort?.signal.addEventListener('abort', onAbort, { once: true });
  });
}
