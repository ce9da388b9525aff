/**
 * Runs the `SUB`/`USB` requests the item queue hands over against the current provider
 * (PROTOCOL.md §4.2–§4.5), and keeps the table of subscriptions the listener reads:
 *
 * - the subscription id is recorded before `isSnapshotAvailable`/`subscribe` run, so events sent
 *   from inside `subscribe` are valid;
 * - with no snapshot, the `EOS` goes out before `subscribe` is called (Java order, V22);
 * - errors become `EU`/`EF`/`E` replies; a failed `SUB` leaves no subscription behind;
 * - after `unsubscribe` completed the subscription is forgotten: no later event is sent.
 */

import { errorReplyFor, messageOf, wireTagsOf } from '../protocol/error-mapping.js';
import {
  encodeEndOfSnapshot,
  encodeErrorReply,
  encodeVoidReply,
  type ItemRequest,
  type StringEncoding,
} from '../protocol/index.js';
import {
  type ItemEventSink,
  type LineWriter,
  notificationId,
  type Subscription,
} from './item-events.js';
import type { ItemQueuePort } from './item-queue.js';
import type { Logger } from './logger.js';

/** What the session calls on a Data Adapter (the SDK's `DataProvider` has this shape). */
export interface DataAdapter {
  /** Called once with the init parameters and context; may return a Promise. */
  init?(params: Record<string, string>, context: Record<string, unknown>): unknown;
  /** Receives the ItemEventListener, before the init reply is written. */
  setListener?(listener: unknown): unknown;
  /** Starts producing events for an item; may return a Promise. */
  subscribe(item: string): unknown;
  /** Stops producing events for an item; may return a Promise. */
  unsubscribe(item: string): unknown;
  /** Whether the item has a snapshot (default false); may return a Promise. */
  isSnapshotAvailable?(item: string): unknown;
}

/** Text of the refusal of a `SUB` whose `USB` already arrived (PROTOCOL.md §4.4, exact). */
export const LATE_SUBSCRIBE_MESSAGE = 'Subscribe request come too late';

/** Where the runner writes and logs. */
export interface SubscriptionRunnerPort {
  /** The request/reply connection. */
  replies: LineWriter;
  /** The notify connection, or `replies` again with one connection. */
  notifications: LineWriter;
  /** The session's logger. */
  logger: Logger;
}

/** Executes SUB/USB with the provider in force; the session swaps `provider` and `sink`. */
export class SubscriptionRunner implements ItemQueuePort {
  /** Active subscriptions by item name (read by the listeners on every event). */
  readonly subscriptions = new Map<string, Subscription>();
  /** The provider instance serving new requests. */
  provider: DataAdapter;
  /** The sink of that provider's listener; set at init. */
  sink: ItemEventSink | undefined;
  /** String encoding of the negotiated version; set at init. */
  encoding: StringEncoding = 'smart';
  readonly #port: SubscriptionRunnerPort;

  constructor(port: SubscriptionRunnerPort, provider: DataAdapter) {
    this.#port = port;
    this.provider = provider;
  }

  async subscribe({ id, item }: ItemRequest): Promise<boolean> {
    const provider = this.provider;
    const sub: Subscription = {
      item,
      id,
      owner: this.sink as ItemEventSink,
      snapshot: false,
      active: false,
      realTimeOnly: false,
      updateHead: undefined,
    };
    this.subscriptions.set(item, sub);
    try {
      const available = provider.isSnapshotAvailable?.(item) ?? false;
      sub.snapshot = Boolean(isPromiseLike(available) ? await available : available);
      // The empty snapshot must precede any real-time update sent while subscribing (§4.3).
      if (!sub.snapshot) {
        this.#port.notifications.write(
          encodeEndOfSnapshot(notificationId(), item, id, this.encoding),
        );
      }
      const result = provider.subscribe(item);
      if (isPromiseLike(result)) await result;
    } catch (error) {
      if (this.subscriptions.get(item) === sub) this.subscriptions.delete(item);
      this.#replyError('SUB', id, item, error);
      return false;
    }
    sub.active = true;
    this.#port.replies.write(encodeVoidReply('SUB', id));
    return true;
  }

  async unsubscribe({ id, item }: ItemRequest, subscribed: boolean): Promise<void> {
    if (subscribed) {
      try {
        const result = this.provider.unsubscribe(item);
        if (isPromiseLike(result)) await result;
      } catch (error) {
        this.subscriptions.delete(item);
        this.#replyError('USB', id, item, error);
        return;
      }
    }
    // From here on no event of this subscription is sent (§4.3).
    this.subscriptions.delete(item);
    this.#port.replies.write(encodeVoidReply('USB', id));
  }

  refuseLate({ id, item }: ItemRequest): void {
    this.#port.logger.debug({ item, id }, 'SUB skipped: its USB is already queued');
    this.#port.replies.write(
      encodeErrorReply('SUB', id, { tag: 'EU', message: LATE_SUBSCRIBE_MESSAGE }, this.encoding),
    );
  }

  unknownItem({ id, item }: ItemRequest): void {
    this.#port.logger.warn(
      { item, id },
      `USB for item "${item}", which has no subscription: ignored (no reply)`,
    );
  }

  /** Answers with the error reply first (messageOf/errorReplyFor never throw), then logs. */
  #replyError(method: 'SUB' | 'USB', id: string, item: string, error: unknown): void {
    this.#port.replies.write(
      encodeErrorReply(method, id, errorReplyFor(error, method, false), this.encoding),
    );
    const what = `${method === 'SUB' ? 'subscribe' : 'unsubscribe'}("${item}") failed: ${messageOf(error)}`;
    // A typed refusal (SubscribeError, FailureError) is the adapter answering; anything else is a bug.
    if (wireTagsOf(error).length > 0) this.#port.logger.info({ item, id }, what);
    else this.#port.logger.warn({ item, id, err: error }, what);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
