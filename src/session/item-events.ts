/**
 * What an ItemEventListener writes through (PROTOCOL.md §4.1–§4.3): the session's table of active
 * subscriptions and the notification connection, bound to one provider instance.
 *
 * One {@link ItemEventSink} exists per provider instance. A subscription is "owned" by the sink
 * of the instance that subscribed it; a listener whose sink does not own an item's subscription
 * (the item is not subscribed, or its provider instance was replaced) sends nothing.
 */
import {
  encodeUpdateHead,
  encodeUpdateInto,
  encodeUpdateWithHeadInto,
  type StringEncoding,
} from '../protocol/index.js';
import type { Logger } from './logger.js';

/** A writer of whole lines: a `LineChannel` or a test double. */
export interface LineWriter {
  /** Queues one line; `false` above the high-water mark or when closed (like `stream.write`). */
  write(line: string): boolean;
}

/** The writer of notifications: lines may also be encoded straight into its buffer. */
export interface NotificationWriter extends LineWriter {
  /**
   * Queues one line that `encodeInto` writes, terminator included, into `buffer` from
   * `position`, returning the end position or -1 when the buffer is too small (it is then
   * called again with more room). Same result as `write`.
   */
  writeWith(encodeInto: (buffer: Buffer, position: number) => number): boolean;
  /** Batches sent so far: a change means the pending batch went out (see {@link ItemEventSink.timestamp}). */
  readonly flushes: number;
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
  /** The encoded `|UD3|S|<item>|S|<id>|B|` of its updates (smart encoding), made on first use. */
  updateHead: Uint8Array | undefined;
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

const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

const NO_BYTES = new Uint8Array(0);

/**
 * The arguments of the smart-encoded `UD3` being written, and one encoder bound to them: the
 * writer gets the same function for every update, so none is allocated per call.
 */
class UpdateLine {
  ts: Uint8Array = NO_BYTES;
  head: Uint8Array = NO_BYTES;
  isSnapshot = false;
  fields: Readonly<Record<string, unknown>> = NO_FIELDS;
  readonly encodeInto = (buffer: Buffer, position: number): number =>
    encodeUpdateWithHeadInto(buffer, position, this.ts, this.head, this.isSnapshot, this.fields);
}

/** The binding of one provider instance's listener to the session. */
export class ItemEventSink {
  /** The session's subscriptions, by item name. */
  readonly subscriptions: ReadonlyMap<string, Subscription>;
  /** Where notifications go: the notify connection, or the single one. */
  readonly out: NotificationWriter;
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
  readonly #update = new UpdateLine();
  #ts = '0';
  #tsBytes: Uint8Array = NO_BYTES;
  #tsFlushes = -1;

  constructor(init: {
    subscriptions: ReadonlyMap<string, Subscription>;
    out: NotificationWriter;
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

  /**
   * The `<ts>` id of a notification (PROTOCOL.md §1.5): epoch ms, read once per outbound batch
   * rather than per event. The Proxy ignores it; it only has to be digits.
   */
  timestamp(): string {
    const flushes = this.out.flushes;
    if (flushes !== this.#tsFlushes) {
      this.#tsFlushes = flushes;
      this.#ts = String(Date.now());
      this.#tsBytes = Buffer.from(this.#ts, 'latin1');
    }
    return this.#ts;
  }

  /**
   * Writes the `UD3` of an update of `sub`, encoded straight into the connection's buffer.
   * @returns what the connection's write returned.
   */
  writeUpdate(
    sub: Subscription,
    isSnapshot: boolean,
    fields: Readonly<Record<string, unknown>>,
  ): boolean {
    const ts = this.timestamp();
    if (this.encoding !== 'smart') {
      // 1.8.x: the old encoding builds the line as a string (§2.4); rare, so no fast path.
      return this.out.writeWith((buffer, position) =>
        encodeUpdateInto(buffer, position, ts, sub.item, sub.id, isSnapshot, fields, 'old'),
      );
    }
    const line = this.#update;
    line.ts = this.#tsBytes;
    line.head = sub.updateHead ??= encodeUpdateHead(sub.item, sub.id);
    line.isSnapshot = isSnapshot;
    line.fields = fields;
    try {
      return this.out.writeWith(line.encodeInto);
    } finally {
      line.fields = NO_FIELDS; // the caller's object is not kept alive
    }
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
