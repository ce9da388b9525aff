/**
 * Bounded, event-driven waits over a growing log: a waiter first scans what is already there,
 * then is offered each new entry; it settles when it has collected enough, when its timer runs
 * out, or when its log ends. No polling.
 */
import { ProxyConnectionClosedError, WaitTimeoutError } from './errors.js';

/** How long a recorder wait lasts by default: 4 s, under vitest's default 5 s test timeout. */
export const DEFAULT_WAIT_TIMEOUT_MS = 4_000;

/** Options shared by every wait. */
export interface WaitOptions {
  /**
   * Bound of the wait, in ms.
   * @default 4000
   */
  timeoutMs?: number;
  /**
   * Only consider entries recorded after this one (an entry, or its `seq`).
   * @default every entry still in the log
   */
  after?: number | { readonly seq: number };
}

/** Resolves the `after` option to a sequence number. */
export function afterSeq(after: WaitOptions['after']): number {
  if (after === undefined) return -1;
  return typeof after === 'number' ? after : after.seq;
}

interface Waiter<E> {
  offer(entry: E): void;
  fail(): void;
}

/** Why a log ended, as shown to waits that can no longer be satisfied. */
export interface LogEnd {
  reason: string;
}

/** Waits over one kind of entry. */
export class WaitList<E> {
  readonly #waiters = new Set<Waiter<E>>();
  readonly #recent: () => string[];
  #end: LogEnd | undefined;

  /** `recent` lists the last lines received, for timeout messages. */
  constructor(recent: () => string[]) {
    this.#recent = recent;
  }

  /** Offers a new entry to every pending waiter. */
  offer(entry: E): void {
    for (const waiter of this.#waiters) waiter.offer(entry);
  }

  /** Ends the log: pending and future unsatisfied waits fail at once. */
  end(end: LogEnd): void {
    this.#end ??= end;
    for (const waiter of this.#waiters) waiter.fail();
  }

  /**
   * Collects `count` entries accepted by `accept` (existing ones first, in order), within
   * `timeoutMs`. `what` describes the wait for error messages.
   */
  collect<T>(
    existing: Iterable<E>,
    accept: (entry: E) => T | undefined,
    count: number,
    what: string,
    timeoutMs: number,
  ): Promise<T[]> {
    const found: T[] = [];
    for (const entry of existing) {
      const value = accept(entry);
      if (value !== undefined) found.push(value);
      if (found.length >= count) return Promise.resolve(found);
    }
    if (this.#end) {
      return Promise.reject(new ProxyConnectionClosedError(what, this.#end.reason));
    }
    return new Promise<T[]>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter<E> = {
        offer: (entry) => {
          const value = accept(entry);
          if (value === undefined) return;
          found.push(value);
          if (found.length < count) return;
          done();
          resolve(found);
        },
        fail: () => {
          done();
          reject(new ProxyConnectionClosedError(what, this.#end?.reason ?? 'closed'));
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(new WaitTimeoutError(what, timeoutMs, this.#recent()));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }
}
