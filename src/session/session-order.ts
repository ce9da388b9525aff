/**
 * Per-session ordering of metadata requests (PROTOCOL.md §5.1): requests may be served
 * concurrently, but the life-cycle notifications of one session — `NNS`, `NNT`, `NTC`, `NSC` —
 * reach the provider one at a time, in the order they arrived, so a session's `NSC` never overtakes
 * its `NNS` and its tables are announced after it. Other requests and other sessions run freely.
 */
import type { MetadataRequest } from '../protocol/index.js';

/**
 * The session whose order `request` must keep, or null for requests that need no ordering
 * (`NUS`, `GIS`, `NUM`, MPN hooks, …). A null session id counts as the empty one.
 */
export function orderedSessionOf(request: MetadataRequest): string | null {
  switch (request.method) {
    case 'NNS':
    case 'NNT':
    case 'NTC':
    case 'NSC':
      return request.sessionId ?? '';
    default:
      return null;
  }
}

/**
 * Runs tasks one at a time per key, in the order {@link SessionOrder.run} was called; tasks of
 * different keys run concurrently. A failed task does not stop the ones queued after it.
 */
export class SessionOrder {
  readonly #tails = new Map<string, Promise<void>>();

  /** Keys with a task running or queued. */
  get size(): number {
    return this.#tails.size;
  }

  /**
   * Starts `task` once every task queued earlier under `key` has settled. Call it in arrival order
   * (synchronously when a request is read). Resolves or rejects as `task` does.
   */
  run<T>(key: string, task: () => T | PromiseLike<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(settled, settled);
    this.#tails.set(key, tail);
    // Forget the key once its queue is empty, so ended sessions leave nothing behind.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

function settled(): void {}
