/**
 * Per-item sequencing of `SUB`/`USB` requests with the late-subscription rules of the Java SDK
 * (PROTOCOL.md §4.4, [canonical]):
 *
 * - one request of an item runs at a time, in arrival order; different items run concurrently,
 *   so a provider that never answers for one item blocks nobody else;
 * - a `SUB` taken while a later request of its item is already queued is refused as too late;
 * - a `USB` whose `SUB` was refused or failed does not reach the provider;
 * - a `USB` for an item that has no subscription at all is a Proxy bug: reported, not answered.
 *
 * The queue only decides what runs when; the session does the work through {@link ItemQueuePort}.
 */
import type { ItemRequest } from '../protocol/index.js';

/** What the queue asks the session to do. None of these may reject. */
export interface ItemQueuePort {
  /** Runs a `SUB` (records the subscription, calls the provider, replies); resolves to its success. */
  subscribe(request: ItemRequest): Promise<boolean>;
  /**
   * Runs a `USB`. `subscribed` is false when its `SUB` was refused or failed: then the provider
   * must not be called and the reply is a plain success.
   */
  unsubscribe(request: ItemRequest, subscribed: boolean): Promise<void>;
  /** Refuses a `SUB` whose `USB` already arrived (`Subscribe request come too late`). */
  refuseLate(request: ItemRequest): void;
  /** A `USB` arrived for an item with no subscription: log it, send nothing. */
  unknownItem(request: ItemRequest): void;
}

interface ItemState {
  readonly queue: ItemRequest[];
  running: boolean;
  /** Whether the last `SUB` taken for this item succeeded (the Java `lastSubOk`). */
  subscribed: boolean;
  /** Whether the last request taken was a `SUB` (its `USB` is still to come). */
  awaitingUnsubscribe: boolean;
}

/** Per-item FIFO queues of `SUB`/`USB` requests. */
export class ItemQueue {
  readonly #port: ItemQueuePort;
  readonly #items = new Map<string, ItemState>();
  #paused = false;
  #running = 0;
  #idleWaiters: Array<() => void> = [];

  constructor(port: ItemQueuePort) {
    this.#port = port;
  }

  /** Items with queued or running requests, or with a subscription not yet undone. */
  get size(): number {
    return this.#items.size;
  }

  /** Whether requests are held back by {@link pause}. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Queues a request; its item's worker starts at once (synchronously) if idle and not paused. */
  enqueue(request: ItemRequest): void {
    let state = this.#items.get(request.item);
    if (state === undefined) {
      if (request.method === 'USB') {
        this.#port.unknownItem(request);
        return;
      }
      state = { queue: [], running: false, subscribed: false, awaitingUnsubscribe: false };
      this.#items.set(request.item, state);
    }
    state.queue.push(request);
    if (!state.running && !this.#paused) void this.#drain(request.item, state);
  }

  /**
   * Holds back new work: queued requests wait until {@link resume}. Resolves once no request is
   * running any more (a request already running is not interrupted).
   */
  pause(): Promise<void> {
    this.#paused = true;
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Lets queued requests run again. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    for (const [item, state] of this.#items) {
      if (!state.running && state.queue.length > 0) void this.#drain(item, state);
    }
  }

  /** Forgets every item (the connection ended); running requests finish on their own. */
  clear(): void {
    for (const state of this.#items.values()) state.queue.length = 0;
    this.#items.clear();
  }

  async #drain(item: string, state: ItemState): Promise<void> {
    state.running = true;
    this.#running++;
    try {
      while (state.queue.length > 0 && !this.#paused) {
        const request = state.queue.shift() as ItemRequest;
        await this.#run(request, state, state.queue.length === 0);
      }
    } finally {
      state.running = false;
      this.#running--;
      // After a USB nothing of the item is left to remember; the next request is a SUB.
      const done = state.queue.length === 0 && !state.awaitingUnsubscribe;
      if (done && this.#items.get(item) === state) {
        this.#items.delete(item);
      }
      if (this.#running === 0) this.#wakeIdleWaiters();
    }
  }

  async #run(request: ItemRequest, state: ItemState, isLast: boolean): Promise<void> {
    state.awaitingUnsubscribe = request.method === 'SUB';
    if (request.method === 'SUB') {
      if (!isLast) {
        this.#port.refuseLate(request);
        state.subscribed = false;
        return;
      }
      state.subscribed = await this.#port.subscribe(request);
      return;
    }
    const subscribed = state.subscribed;
    state.subscribed = false;
    await this.#port.unsubscribe(request, subscribed);
  }

  #wakeIdleWaiters(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
