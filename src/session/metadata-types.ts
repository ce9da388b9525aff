/**
 * The shape of a Metadata Adapter as the session calls it: every hook's signature, and the types
 * those hooks receive. The SDK's `MetadataProvider` implements {@link MetadataHooks} with the
 * documented defaults and re-exports these types as part of its public surface.
 */
import type { Mode, MpnPlatform, TableInfo } from '../protocol/index.js';
import type { Awaitable, InitContext, InitParams } from './init-types.js';

/**
 * Name/value pairs sent by the Proxy (HTTP headers of `notifyUser*`, client context of
 * `notifyNewSession`). The object has no prototype, so a header named `constructor` or
 * `__proto__` is an ordinary key: test with `name in headers` or `Object.hasOwn(headers, name)`.
 * Values may be null. Should a name repeat, the last value wins.
 */
export type NameValueMap = Record<string, string | null>;

/** HTTP headers of the client's request (names lower-case; the Server adds `REQUEST_ID`). */
export type HttpHeaders = NameValueMap;

/**
 * What the Server tells about a new session: `REMOTE_IP`, `REMOTE_PORT`, `USER_AGENT`,
 * `FORWARDING_INFO`, `LOCAL_SERVER`, `CLIENT_TYPE`, `CLIENT_VERSION`, `REQUEST_ID`.
 */
export type ClientContext = NameValueMap;

/** A device that receives mobile push notifications (MPN). */
export interface MpnDeviceInfo {
  /** `'Apple'` (APNs) or `'Google'` (FCM); null if the Proxy sent none. */
  platform: MpnPlatform | null;
  /** The app's identifier on that platform (bundle id / package name). */
  applicationId: string | null;
  /** The device token the platform issued. */
  deviceToken: string | null;
}

/** A push-notification subscription being activated (`notifyMpnSubscriptionActivation`). */
export interface MpnSubscriptionInfo {
  /** The device that will receive the notifications. */
  device: MpnDeviceInfo;
  /** Trigger expression; null when every update notifies. */
  trigger: string | null;
  /** The notification format (JSON text with `${field}` placeholders). */
  notificationFormat: string | null;
}

/**
 * Requests a Metadata Adapter may send to the Server (protocol 1.9.0+, Lightstreamer Server 7.3 or
 * later), handed to the provider's `setListener` after `init`.
 */
export interface MetadataControlListener {
  /**
   * Closes a client session. `cause.code` (0 or negative) and `cause.message` reach the client.
   * Resolves when the Server has done it (also when no such session exists); rejects if the
   * Server refuses, if the connection closes first, or at once below protocol 1.9.0.
   */
  forceSessionTermination(
    sessionId: string,
    cause?: { code: number; message?: string | null },
  ): Promise<void>;
  /**
   * Unsubscribes table `winIndex` of a session. Resolves `true` when done (or already gone),
   * `false` when `enableTableUnsubscription` did not enable it for that table; rejects as
   * {@link MetadataControlListener.forceSessionTermination} does.
   */
  forceUnsubscription(sessionId: string, winIndex: number): Promise<boolean>;
  /**
   * Reports a severe failure of the Metadata Adapter to the Server (`FAL`; no answer comes back).
   * Below protocol 1.9.0, where the Server cannot receive it, the failure is only logged.
   */
  failure(error: Error | string): void;
}

/**
 * Every hook of a Metadata Adapter, as the session calls it (PROTOCOL.md §5.1). Each may answer
 * with a value or a Promise; the defaults are those of the SDK's `MetadataProvider`.
 */
export interface MetadataHooks {
  /** Where the default `setListener` keeps the control listener; null until then. */
  listener?: MetadataControlListener | null;
  /** Called once, first, with the Proxy's parameters. */
  init(params: InitParams, context: InitContext): Awaitable<void>;
  /** Receives the control listener, after `init` and before any other call. */
  setListener(listener: MetadataControlListener): void;
  /** Authenticates a user (`NUS`). */
  notifyUser(
    user: string | null,
    password: string | null,
    httpHeaders: HttpHeaders,
  ): Awaitable<void>;
  /** Authenticates a user with a TLS certificate (`NUA`). */
  notifyUserWithPrincipal(
    user: string | null,
    password: string | null,
    httpHeaders: HttpHeaders,
    clientPrincipal: string | null,
  ): Awaitable<void>;
  /** Resolves an item group into item names (`GIS`). */
  getItems(
    user: string | null,
    sessionId: string,
    group: string | null,
  ): Awaitable<readonly string[]>;
  /** Resolves a field schema into field names (`GSC`). */
  getSchema(
    user: string | null,
    sessionId: string,
    group: string | null,
    schema: string | null,
  ): Awaitable<readonly string[]>;
  /** Bandwidth limit of a user's sessions, in kbit/s (0 = unlimited). */
  getAllowedMaxBandwidth(user: string | null): Awaitable<number>;
  /** Update frequency limit of an item for a user, in updates/s (0 = unlimited). */
  getAllowedMaxItemFrequency(user: string | null, item: string): Awaitable<number>;
  /** Buffer size limit of an item for a user, in updates (0 = unlimited). */
  getAllowedBufferSize(user: string | null, item: string): Awaitable<number>;
  /** May the user subscribe to the item in this mode? */
  isModeAllowed(user: string | null, item: string, mode: Mode): Awaitable<boolean>;
  /** May anyone ever subscribe to the item in this mode? */
  modeMayBeAllowed(item: string, mode: Mode): Awaitable<boolean>;
  /** Lowest frequency the item's updates come at, in events/s (0 = never filter). */
  getMinSourceFrequency(item: string): Awaitable<number>;
  /** Snapshot length of the item in DISTINCT mode (0 = no snapshot). */
  getDistinctSnapshotLength(item: string): Awaitable<number>;
  /** A message a client sent to the Server (`NUM`). */
  notifyUserMessage(
    user: string | null,
    sessionId: string,
    message: string | null,
  ): Awaitable<void>;
  /** A session is starting (`NNS`; throw to refuse it). */
  notifyNewSession(
    user: string | null,
    sessionId: string,
    clientContext: ClientContext,
  ): Awaitable<void>;
  /** A session has ended (`NSC`). */
  notifySessionClose(sessionId: string): Awaitable<void>;
  /** Should the Server call `notifyNewTables`/`notifyTablesClose` for this user? */
  wantsTablesNotification(user: string | null): Awaitable<boolean>;
  /** A session subscribes to tables (`NNT`; throw to refuse). */
  notifyNewTables(
    user: string | null,
    sessionId: string,
    tables: readonly TableInfo[],
  ): Awaitable<void>;
  /** Tables were unsubscribed (`NTC`); `statistics` is set when asked for. */
  notifyTablesClose(sessionId: string, tables: readonly TableInfo[]): Awaitable<void>;
  /** A client accesses an MPN device (`MDA`; throw to refuse). */
  notifyMpnDeviceAccess(
    user: string | null,
    sessionId: string,
    device: MpnDeviceInfo,
  ): Awaitable<void>;
  /** A client activates a push-notification subscription (`MSA`; throw to refuse). */
  notifyMpnSubscriptionActivation(
    user: string | null,
    sessionId: string,
    table: TableInfo,
    mpnSubscription: MpnSubscriptionInfo,
  ): Awaitable<void>;
  /** A device's token changes (`MDC`; throw to refuse). */
  notifyMpnDeviceTokenChange(
    user: string | null,
    sessionId: string,
    device: MpnDeviceInfo,
    newDeviceToken: string | null,
  ): Awaitable<void>;
  /** Seconds after which the Server closes a new session (0 or less = never; 1.9.0+). */
  getSessionTimeToLive(user: string | null, sessionId: string): Awaitable<number>;
  /** Allow `forceUnsubscription` on the table of a one-table `notifyNewTables` (1.9.0+). */
  enableTableUnsubscription(sessionId: string, tables: readonly TableInfo[]): Awaitable<boolean>;
  /** Ask for per-item statistics in `notifyTablesClose` of these tables (1.9.0+). */
  wantsFinalTableStatistics(sessionId: string, tables: readonly TableInfo[]): Awaitable<boolean>;
  /** Called once when the host stops or replaces the adapter. */
  close(): Awaitable<void>;
}
