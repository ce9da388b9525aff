/**
 * The request and recorder API shared by a connection and by the simulator (which forwards it to
 * its latest connection): one method per Proxy request, resolving to the decoded reply, and the
 * recorder's views and waits.
 */
import { EventEmitter } from 'node:events';
import type { DataNotification, MpnDevice, TableInfo } from '../protocol/index.js';
import { toPairs } from './options.js';
import type { Recorder } from './recorder.js';
import type { NotificationFilter, UpdateFilter, ViolationFilter } from './recorder-filters.js';
import type {
  MpnSubscriptionInput,
  ParamsInput,
  ProxyRequestInput,
  RecordedKeepalive,
  RecordedLine,
  RecordedNotificationOf,
  RecordedUpdate,
  RecorderCounters,
  ReplyOf,
  RequestOptions,
  TableInput,
  Violation,
} from './types.js';
import type { WaitOptions } from './waiters.js';

/** Completes a {@link TableInput}: data adapter `DEFAULT`, items from the group's words. */
export function toTableInfo(table: TableInput): TableInfo {
  const words = table.group === null ? [] : table.group.split(/ +/).filter((w) => w !== '');
  const first = table.firstItemIndex ?? 1;
  const last = table.lastItemIndex ?? Math.max(words.length, first);
  return {
    winIndex: table.winIndex,
    mode: table.mode,
    group: table.group,
    dataAdapter: table.dataAdapter === undefined ? 'DEFAULT' : table.dataAdapter,
    schema: table.schema,
    firstItemIndex: first,
    lastItemIndex: last,
    selector: table.selector ?? null,
    items: table.items ?? words.slice(first - 1, last),
    statistics: table.statistics ?? null,
  };
}

/** Requests and recorder access; subclasses provide transport and state. */
// biome-ignore lint/suspicious/noExplicitAny: mirrors EventEmitter's own constraint
export abstract class ProxyApi<E extends Record<keyof E, any[]>> extends EventEmitter<E> {
  /** Sends a request and resolves with its reply (an error reply resolves too: check `error`). */
  abstract request<R extends ProxyRequestInput>(
    request: R,
    options?: RequestOptions,
  ): Promise<ReplyOf<R['method']>>;

  /** The log this object reads and awaits. */
  abstract get recorder(): Recorder;

  /** `SUB`: subscribes an item; resolves with the reply. */
  subscribe(item: string, options?: RequestOptions): Promise<ReplyOf<'SUB'>> {
    return this.request({ method: 'SUB', item }, options);
  }

  /** `USB`: unsubscribes an item. */
  unsubscribe(item: string, options?: RequestOptions): Promise<ReplyOf<'USB'>> {
    return this.request({ method: 'USB', item }, options);
  }

  /** `NUS`: a user logs in with these HTTP headers. */
  notifyUser(
    user: string | null,
    password: string | null,
    headers?: ParamsInput,
    options?: RequestOptions,
  ): Promise<ReplyOf<'NUS'>> {
    return this.request(
      { method: 'NUS', user, password, clientPrincipal: null, headers: toPairs(headers) },
      options,
    );
  }

  /** `NUA`: a user logs in with a TLS client principal. */
  notifyUserWithPrincipal(
    user: string | null,
    password: string | null,
    clientPrincipal: string | null,
    headers?: ParamsInput,
    options?: RequestOptions,
  ): Promise<ReplyOf<'NUA'>> {
    return this.request(
      { method: 'NUA', user, password, clientPrincipal, headers: toPairs(headers) },
      options,
    );
  }

  /** `GIS`: resolves an item group. */
  getItems(
    user: string | null,
    group: string | null,
    sessionId: string | null,
    options?: RequestOptions,
  ): Promise<ReplyOf<'GIS'>> {
    return this.request({ method: 'GIS', user, group, sessionId }, options);
  }

  /** `GSC`: resolves a field schema. */
  getSchema(
    user: string | null,
    group: string | null,
    schema: string | null,
    sessionId: string | null,
    options?: RequestOptions,
  ): Promise<ReplyOf<'GSC'>> {
    return this.request({ method: 'GSC', user, group, schema, sessionId }, options);
  }

  /** `GIT`: item limits and allowed modes. */
  getItemData(items: Array<string | null>, options?: RequestOptions): Promise<ReplyOf<'GIT'>> {
    return this.request({ method: 'GIT', items }, options);
  }

  /** `GUI`: per-user item limits and allowed modes. */
  getUserItemData(
    user: string | null,
    items: Array<string | null>,
    options?: RequestOptions,
  ): Promise<ReplyOf<'GUI'>> {
    return this.request({ method: 'GUI', user, items }, options);
  }

  /** `NUM`: a client message. */
  notifyUserMessage(
    user: string | null,
    sessionId: string | null,
    message: string | null,
    options?: RequestOptions,
  ): Promise<ReplyOf<'NUM'>> {
    return this.request({ method: 'NUM', user, sessionId, message }, options);
  }

  /** `NNS`: a session starts, with its context properties. */
  notifyNewSession(
    user: string | null,
    sessionId: string | null,
    context?: ParamsInput,
    options?: RequestOptions,
  ): Promise<ReplyOf<'NNS'>> {
    return this.request({ method: 'NNS', user, sessionId, context: toPairs(context) }, options);
  }

  /** `NSC`: a session ends. */
  notifySessionClose(sessionId: string | null, options?: RequestOptions): Promise<ReplyOf<'NSC'>> {
    return this.request({ method: 'NSC', sessionId }, options);
  }

  /** `NNT`: tables (client subscriptions) open. */
  notifyNewTables(
    user: string | null,
    sessionId: string | null,
    tables: TableInput[],
    options?: RequestOptions,
  ): Promise<ReplyOf<'NNT'>> {
    return this.request(
      { method: 'NNT', user, sessionId, tables: tables.map(toTableInfo) },
      options,
    );
  }

  /** `NTC`: tables close. */
  notifyTablesClose(
    sessionId: string | null,
    tables: TableInput[],
    options?: RequestOptions,
  ): Promise<ReplyOf<'NTC'>> {
    return this.request({ method: 'NTC', sessionId, tables: tables.map(toTableInfo) }, options);
  }

  /** `MDA`: an MPN device is accessed. */
  notifyMpnDeviceAccess(
    user: string | null,
    sessionId: string | null,
    device: MpnDevice,
    options?: RequestOptions,
  ): Promise<ReplyOf<'MDA'>> {
    return this.request({ method: 'MDA', user, sessionId, device }, options);
  }

  /** `MSA`: an MPN subscription is activated. */
  notifyMpnSubscriptionActivation(
    user: string | null,
    sessionId: string | null,
    table: TableInput,
    subscription: MpnSubscriptionInput,
    options?: RequestOptions,
  ): Promise<ReplyOf<'MSA'>> {
    const { device, trigger, notificationFormat } = subscription;
    const request = {
      method: 'MSA' as const,
      user,
      sessionId,
      table: toTableInfo(table),
      device,
      trigger,
      notificationFormat,
    };
    return this.request(request, options);
  }

  /** `MDC`: an MPN device token changes. */
  notifyMpnDeviceTokenChange(
    user: string | null,
    sessionId: string | null,
    device: MpnDevice,
    newDeviceToken: string | null,
    options?: RequestOptions,
  ): Promise<ReplyOf<'MDC'>> {
    return this.request({ method: 'MDC', user, sessionId, device, newDeviceToken }, options);
  }

  /** Violations found so far (warnings excluded). */
  get violations(): Violation[] {
    return this.recorder.violations;
  }

  /** Warnings found so far (tolerated deviations). */
  get warnings(): Violation[] {
    return this.recorder.warnings;
  }

  /** Counters of received lines, bytes, updates and keepalives. */
  get counters(): RecorderCounters {
    return this.recorder.counters;
  }

  /** Every line kept in the log, oldest first. */
  lines(): RecordedLine[] {
    return this.recorder.lines();
  }

  /** Updates kept, optionally of one item. */
  updates(item?: string): RecordedUpdate[] {
    return this.recorder.updates(item);
  }

  /** Notifications kept, optionally of one method. */
  notifications<M extends DataNotification['method']>(method?: M): RecordedNotificationOf<M>[] {
    return this.recorder.notifications(method);
  }

  /** Keepalives kept. */
  keepalives(): RecordedKeepalive[] {
    return this.recorder.keepalives();
  }

  /** Waits for an update (already received or to come). */
  waitForUpdate(options?: UpdateFilter & WaitOptions): Promise<RecordedUpdate> {
    return this.recorder.waitForUpdate(options);
  }

  /** Waits until `count` matching updates were received. */
  waitForUpdates(count: number, options?: UpdateFilter & WaitOptions): Promise<RecordedUpdate[]> {
    return this.recorder.waitForUpdates(count, options);
  }

  /** Waits for a notification of `method`. */
  waitForNotification<M extends DataNotification['method']>(
    method: M,
    options?: NotificationFilter<RecordedNotificationOf<M>> & WaitOptions,
  ): Promise<RecordedNotificationOf<M>> {
    return this.recorder.waitForNotification(method, options);
  }

  /** Waits for a `KEEPALIVE`. */
  waitForKeepalive(options?: WaitOptions): Promise<RecordedKeepalive> {
    return this.recorder.waitForKeepalive(options);
  }

  /** Waits for a protocol violation. */
  waitForViolation(options?: ViolationFilter & WaitOptions): Promise<Violation> {
    return this.recorder.waitForViolation(options);
  }

  /** Empties the log and the violations. */
  clear(): void {
    this.recorder.clear();
  }
}
