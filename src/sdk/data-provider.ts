/**
 * The Data Adapter base class users extend (SPEC §3). Extending it is optional: any object with
 * `subscribe` and `unsubscribe` (and, optionally, the other methods) can be served.
 */
import type { ItemEventListener } from './item-event-listener.js';
import type { Awaitable, InitContext, InitParams } from './types.js';

/**
 * Base class of Data Adapters. Implement `subscribe` and `unsubscribe`; send events through
 * `this.listener`, which is set before any `subscribe` call.
 *
 * Every method may return a value or a Promise. Throwing (or rejecting) with a
 * `SubscribeError` answers the request with a subscription error, with a `FailureError` with a
 * failure error, with a `DataProviderError` from `init` with a data provider error; anything
 * else with a generic error.
 */
export abstract class DataProvider {
  /** The listener given by {@link DataProvider.setListener}; null until then. */
  listener: ItemEventListener | null = null;

  /**
   * Called once, first, with the Proxy's parameters merged with the local ones, and the context
   * (`name`, `kind`, `logger`, `protocolVersion`, …). Default: does nothing.
   */
  init(_params: InitParams, _context: InitContext): Awaitable<void> {}

  /** Receives the event listener, after `init` and before any `subscribe`. Default: stores it. */
  setListener(listener: ItemEventListener): void {
    this.listener = listener;
  }

  /**
   * Starts producing events for `item`. Events sent before this returns are valid. For an item
   * without snapshot (see {@link DataProvider.isSnapshotAvailable}) send only real-time updates.
   */
  abstract subscribe(item: string): Awaitable<void>;

  /** Stops producing events for `item`; events sent after this completes are dropped. */
  abstract unsubscribe(item: string): Awaitable<void>;

  /**
   * Whether the adapter sends a snapshot for `item` (updates with `isSnapshot` true, then
   * optionally `endOfSnapshot`). When false, the SDK itself tells the Server the snapshot is
   * empty. Asked once per subscription, before `subscribe`. Default: false.
   */
  isSnapshotAvailable(_item: string): Awaitable<boolean> {
    return false;
  }

  /** Called once when the host stops or replaces the adapter. Default: does nothing. */
  close(): Awaitable<void> {}
}
