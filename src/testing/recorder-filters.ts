/**
 * What the recorder's waits select, as option types and as matchers over log entries. A matcher
 * returns the entry (typed) when it is selected, undefined otherwise.
 */
import type { DataNotification } from '../protocol/index.js';
import type {
  RecordedKeepalive,
  RecordedLine,
  RecordedNotificationOf,
  RecordedUpdate,
  Violation,
  ViolationCode,
} from './types.js';

/** Selects updates: by item, and/or by a predicate. */
export interface UpdateFilter {
  /**
   * Only updates of this item.
   * @default any item
   */
  item?: string;
  /**
   * Only updates for which this returns true.
   * @default every update
   */
  predicate?: (update: RecordedUpdate) => boolean;
}

/** Selects notifications of one method. */
export interface NotificationFilter<N> {
  /**
   * Only notifications of this item (`FAL` has none).
   * @default any item
   */
  item?: string;
  /**
   * Only notifications for which this returns true.
   * @default every notification
   */
  predicate?: (notification: N) => boolean;
}

/** Selects violations. */
export interface ViolationFilter {
  /**
   * Only this code.
   * @default any code
   */
  code?: ViolationCode;
  /**
   * Include warnings.
   * @default false
   */
  warnings?: boolean;
}

/** Whether an entry is a decoded `UD3`. */
export function isUpdate(entry: RecordedLine): entry is RecordedUpdate {
  return entry.message?.kind === 'notification' && entry.message.method === 'UD3';
}

function itemOf(message: DataNotification): string | null | undefined {
  return message.method === 'FAL' ? undefined : message.item;
}

function describeItem(item: string | undefined): string {
  return item === undefined ? '' : ` of item "${item}"`;
}

/** Matches updates after `after` that pass the filter. */
export function updateMatcher(filter: UpdateFilter, after: number) {
  return (e: RecordedLine): RecordedUpdate | undefined =>
    isUpdate(e) &&
    e.seq > after &&
    (filter.item === undefined || e.item === filter.item) &&
    (filter.predicate === undefined || filter.predicate(e))
      ? e
      : undefined;
}

/** Describes an update wait. */
export function describeUpdates(count: number, filter: UpdateFilter): string {
  const what = count === 1 ? 'an update' : `${count} updates`;
  const predicate = filter.predicate ? ' matching the predicate' : '';
  return `${what}${describeItem(filter.item)}${predicate}`;
}

/** Matches notifications of `method` after `after` that pass the filter. */
export function notificationMatcher<M extends DataNotification['method']>(
  method: M,
  filter: NotificationFilter<RecordedNotificationOf<M>>,
  after: number,
) {
  return (e: RecordedLine): RecordedNotificationOf<M> | undefined => {
    const m = e.message;
    if (m?.kind !== 'notification' || m.method !== method || e.seq <= after) return undefined;
    if (filter.item !== undefined && itemOf(m) !== filter.item) return undefined;
    const n = e as RecordedNotificationOf<M>;
    return filter.predicate === undefined || filter.predicate(n) ? n : undefined;
  };
}

/** Describes a notification wait. */
export function describeNotification(method: string, filter: { item?: string }): string {
  return `a ${method} notification${describeItem(filter.item)}`;
}

/** Matches keepalives after `after`. */
export function keepaliveMatcher(after: number) {
  return (e: RecordedLine): RecordedKeepalive | undefined =>
    e.message?.kind === 'keepalive' && e.seq > after ? (e as RecordedKeepalive) : undefined;
}

/** Matches violations after `after` that pass the filter. */
export function violationMatcher(filter: ViolationFilter, after: number) {
  return (v: Violation): Violation | undefined =>
    v.seq > after &&
    (filter.warnings === true || v.severity === 'violation') &&
    (filter.code === undefined || v.code === filter.code)
      ? v
      : undefined;
}
