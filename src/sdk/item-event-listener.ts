/**
 * The ItemEventListener a Data Adapter receives through `setListener` (SPEC §3): it turns the
 * adapter's events into `UD3`/`EOS`/`CLS`/`DFD`/`FAL` lines (PROTOCOL.md §4.1).
 *
 * `update()` is the hot path of the whole SDK: one map lookup, then the `UD3` is encoded straight
 * into the connection's outbound buffer; no Promise, no logging, no string per update.
 */
import {
  encodeClearSnapshot,
  encodeEndOfSnapshot,
  encodeFailure,
  encodeFieldDiffOrder,
  isDiffAlgorithm,
} from '../protocol/index.js';
import type { ItemEventSink } from '../session/item-events.js';
import { messageOf } from './errors.js';
import type { FieldDiffOrder, ItemFields } from './types.js';

/**
 * Receives the events of a Data Adapter. Every method returns what the connection's `write`
 * returned: `false` when the outbound queue is above the high-water mark (slow down until the
 * server emits `'drain'`; the event was still queued) or when the event was not sent.
 *
 * An event for an item that is not subscribed (never, or no longer: after `unsubscribe`
 * completed) is not sent: the method logs a warning (rate-limited) and returns `false` instead of
 * throwing, since it is usually called from a timer or a feed callback where an exception would
 * crash the process.
 */
export interface ItemEventListener {
  /**
   * Sends an update of `item`. `fields` maps field names to values: string, number, boolean,
   * null or Uint8Array/Buffer (sent as UTF-8 text); a field whose value is `undefined` is left
   * out. `isSnapshot` marks the values as part of the item's snapshot (see
   * `isSnapshotAvailable`); the first real-time update ends the snapshot.
   */
  update(item: string, fields: ItemFields, isSnapshot: boolean): boolean;
  /** Ends the snapshot of `item` (only for items whose `isSnapshotAvailable` is true). */
  endOfSnapshot(item: string): boolean;
  /** Clears the item's state on the Server and its clients (a real-time event). */
  clearSnapshot(item: string): boolean;
  /**
   * Reports a severe failure of the Data Adapter to the Server; the message sent is
   * `error.message` (or the string).
   */
  failure(error: Error | string): boolean;
  /**
   * Declares, per field, the diff algorithms the Server should try, in order
   * (`'JSONPATCH'`, `'DIFF_MATCH_PATCH'`; `null` adds no information, `[]` forbids all). Needs
   * protocol 1.9.0+ (Server 7.3+): below it nothing is written.
   *
   * @throws {TypeError} for an unknown algorithm name (nothing is written).
   */
  declareFieldDiffOrder(item: string, orders: FieldDiffOrder): boolean;
}

/** The listener implementation: one per provider instance, writing through its sink. */
export class SessionItemEventListener implements ItemEventListener {
  readonly #sink: ItemEventSink;

  constructor(sink: ItemEventSink) {
    this.#sink = sink;
  }

  update(item: string, fields: ItemFields, isSnapshot: boolean): boolean {
    const sink = this.#sink;
    const sub = sink.subscriptions.get(item);
    if (sub === undefined || sub.owner !== sink) return sink.dropped(item, 'update');
    sink.counters.updates++;
    const snapshot = isSnapshot ? !sub.realTimeOnly : false;
    return sink.writeUpdate(sub, snapshot, fields);
  }

  endOfSnapshot(item: string): boolean {
    const sink = this.#sink;
    const sub = sink.subscriptions.get(item);
    if (sub === undefined || sub.owner !== sink) return sink.dropped(item, 'endOfSnapshot');
    // After a provider swap the Server already has the item in real time: an EOS would be stale.
    if (sub.realTimeOnly) return true;
    return sink.out.write(encodeEndOfSnapshot(sink.timestamp(), item, sub.id, sink.encoding));
  }

  clearSnapshot(item: string): boolean {
    const sink = this.#sink;
    const sub = sink.subscriptions.get(item);
    if (sub === undefined || sub.owner !== sink) return sink.dropped(item, 'clearSnapshot');
    return sink.out.write(encodeClearSnapshot(sink.timestamp(), item, sub.id, sink.encoding));
  }

  failure(error: Error | string): boolean {
    const sink = this.#sink;
    if (!sink.attached) return sink.dropped('', 'failure');
    const message = typeof error === 'string' ? error : messageOf(error);
    sink.logger.error({ message }, `Data Adapter failure reported to the Server: ${message}`);
    return sink.out.write(encodeFailure(sink.timestamp(), message, sink.encoding));
  }

  declareFieldDiffOrder(item: string, orders: FieldDiffOrder): boolean {
    checkDiffOrders(orders);
    const sink = this.#sink;
    if (!sink.v190) {
      sink.logger.debug(
        { item },
        'declareFieldDiffOrder ignored: the negotiated protocol is older than 1.9.0',
      );
      return false;
    }
    const sub = sink.subscriptions.get(item);
    if (sub === undefined || sub.owner !== sink) return sink.dropped(item, 'declareFieldDiffOrder');
    return sink.out.write(
      encodeFieldDiffOrder(sink.timestamp(), item, sub.id, orders, sink.encoding),
    );
  }
}

function checkDiffOrders(orders: FieldDiffOrder): void {
  if (typeof orders !== 'object' || orders === null) {
    throw new TypeError('declareFieldDiffOrder expects an object { field: [algorithms] }');
  }
  for (const field in orders) {
    const algorithms = orders[field];
    if (algorithms === null || algorithms === undefined) continue;
    if (!Array.isArray(algorithms)) {
      throw new TypeError(
        `declareFieldDiffOrder: field "${field}" needs an array of algorithms or null`,
      );
    }
    for (const algorithm of algorithms) {
      if (!isDiffAlgorithm(algorithm)) {
        throw new TypeError(
          `declareFieldDiffOrder: unknown diff algorithm ${JSON.stringify(algorithm)} for field ` +
            `"${field}": use 'JSONPATCH' or 'DIFF_MATCH_PATCH'`,
        );
      }
    }
  }
}
