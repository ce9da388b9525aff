/**
 * What an ItemEventListener writes through (PROTOCOL.md §4.1–§4.3): the session's table of active
 * subscriptions and the notification connection, bound to one provider instance.
 *
 * One {@link ItemEventSink} exists per provider instance. A subscription is "owned" by the sink
 * of the instance that subscribed it; a listener whose sink does not own an item's subscription
 * (the item is not subscribed, or its provider instance was replaced) sends nothing.
 */
import type { StringEncoding } from '../protocol/index.js';
import type { Logger } from './logger.js';

/** A writer of whole lines: a `LineChannel` or a test double. */
export interface LineWriter {
  /** Queues one line; `false` above the high-water mark or when closed (like `stream.write`). */
  write(line: string): boolean;
}

/** The active subscription of one item (PROTOCOL.md §4.2). */
export interface Subscription {
  /** The item name. */
  readonly item: string;
  /** Request id of the `SUB` that started it: the `<subId>` of its events. */
  readonly id: string;
  /** The sink of the provider instance whose events are sent for it. */
  owner: ItemEventSink;
  /** What `isSnapshotAvailable` answered. */
  snapshot: boolean;
  /** `subscribe` has succeeded. */
  active: boolean;
  /**
   * Set when the provider instance was replaced on the live connection (hot reload): its EOS is
   * dropped and every update is sent as real-time.
   */
  realTimeOnly: boolean;
}

/** Counters of one data session, shared by its sinks. */
export interface DataCounters {
  /** `UD3` lines handed to the connection. */
  updates: number;
  /** Events dropped because their item was not subscribed by the calling instance. */
  dropped: number;
}

/** Logs dropped events at most once per interval, counting the rest. */
const DROP_WARN_INTERVAL_MS = 5_000;

/** The binding of one provider instance's listener to the session. */
export class ItemEventSink {
  /** The session's subscriptions, by item name. */
  readonly subscriptions: ReadonlyMap<string, Subscription>;
  /** Where notifications go: the notify connection, or the single one. */
  readonly out: LineWriter;
  /** String encoding of the negotiated version. */
  readonly encoding: StringEncoding;
  /** Negotiated 1.9.0 or later (`DFD` exists). */
  readonly v190: boolean;
  /** The session's counters. */
  readonly counters: DataCounters;
  /** The session's logger. */
  readonly logger: Logger;
  /** False once the provider instance was replaced or the session ended. */
  attached = true;
  #lastWarnAt = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  constructor(init: {
    subscriptions: ReadonlyMap<string, Subscription>;
    out: LineWriter;
    encoding: StringEncoding;
    v190: boolean;
    counters: DataCounters;
    logger: Logger;
  }) {
    this.subscriptions = init.subscriptions;
    this.out = init.out;
    this.encoding = init.encoding;
    this.v190 = init.v190;
    this.counters = init.counters;
    this.logger = init.logger;
  }

  /** Records a dropped event (warns at most every few seconds) and returns `false`. */
  dropped(item: unknown, event: string): false {
    this.counters.dropped++;
    const now = Date.now();
    if (now - this.#lastWarnAt < DROP_WARN_INTERVAL_MS) {
      this.#suppressed++;
      return false;
    }
    const why = this.attached
      ? 'the item is not subscribed (or was unsubscribed)'
      : 'this provider instance was replaced or its connection closed';
    this.logger.warn(
      { item: String(item), event, suppressed: this.#suppressed },
      `${event}(${JSON.stringify(String(item))}) not sent: ${why}`,
    );
    this.#lastWarnAt = now;
    this.#suppressed = 0;
    return false;
  }
}

/** The `<ts>` id of a notification: the current time in epoch ms (PROTOCOL.md §1.5). */
export function notificationId(): string {
  return String(Date.now());
}
