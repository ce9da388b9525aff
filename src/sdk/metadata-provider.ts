/**
 * The Metadata Adapter base class users extend (SPEC §3), with the documented default behaviour of
 * every hook; the types its methods receive are defined with {@link MetadataHooks} and re-exported.
 *
 * Every hook may answer with a value or a Promise; throwing (or rejecting) with one of the error
 * classes of `errors.ts` answers the Proxy with the matching error reply (PROTOCOL.md §5.4).
 * Extending the class is optional: the host accepts a plain object and fills in what it lacks.
 */
import type { ItemStatistics, Mode, MpnPlatform, TableInfo } from '../protocol/index.js';
import { splitNameList } from '../session/metadata-hooks.js';
import type {
  ClientContext,
  HttpHeaders,
  MetadataControlListener,
  MetadataHooks,
  MpnDeviceInfo,
  MpnSubscriptionInfo,
} from '../session/metadata-types.js';
import { CreditsError } from './errors.js';
import type { Awaitable, InitContext, InitParams } from './types.js';

export type {
  ClientContext,
  HttpHeaders,
  MetadataControlListener,
  MpnDeviceInfo,
  MpnSubscriptionInfo,
  NameValueMap,
} from '../session/metadata-types.js';
export type { ItemStatistics, Mode, MpnPlatform, TableInfo };

/**
 * Base class of Metadata Adapters. Each hook has the documented default, so a subclass overrides
 * only what it needs; the defaults allow everything and set no limits.
 */
export class MetadataProvider implements MetadataHooks {
  /** The control listener given by {@link MetadataProvider.setListener}; null until then. */
  listener: MetadataControlListener | null = null;

  /** Called once, first, with the Proxy's parameters. Default: does nothing. */
  init(_params: InitParams, _context: InitContext): Awaitable<void> {}

  /** Receives the control listener, after `init` and before any other call. Default: stores it. */
  setListener(listener: MetadataControlListener): void {
    this.listener = listener;
  }

  /** Authenticates a user (throw `AccessError`/`CreditsError` to refuse). Default: accepts. */
  notifyUser(
    _user: string | null,
    _password: string | null,
    _httpHeaders: HttpHeaders,
  ): Awaitable<void> {}

  /**
   * As {@link MetadataProvider.notifyUser}, for a client authenticated with a TLS certificate.
   * Default: calls `notifyUser(user, password, httpHeaders)`.
   */
  notifyUserWithPrincipal(
    user: string | null,
    password: string | null,
    httpHeaders: HttpHeaders,
    _clientPrincipal: string | null,
  ): Awaitable<void> {
    return this.notifyUser(user, password, httpHeaders);
  }

  /**
   * Resolves an item group into item names. Default: the group split on runs of spaces, empty
   * names dropped (`'a  b'` → `['a', 'b']`, `''` → `[]`).
   */
  getItems(
    _user: string | null,
    _sessionId: string,
    group: string | null,
  ): Awaitable<readonly string[]> {
    return splitNameList(group);
  }

  /** Resolves a field schema into field names. Default: the schema split like `getItems`. */
  getSchema(
    _user: string | null,
    _sessionId: string,
    _group: string | null,
    schema: string | null,
  ): Awaitable<readonly string[]> {
    return splitNameList(schema);
  }

  /** Bandwidth limit of a user's sessions, in kbit/s (0 = unlimited). Default: 0. */
  getAllowedMaxBandwidth(_user: string | null): Awaitable<number> {
    return 0;
  }

  /** Update frequency limit of an item for a user, in updates/s (0 = unlimited). Default: 0. */
  getAllowedMaxItemFrequency(_user: string | null, _item: string): Awaitable<number> {
    return 0;
  }

  /** Buffer size limit of an item for a user, in updates (0 = unlimited). Default: 0. */
  getAllowedBufferSize(_user: string | null, _item: string): Awaitable<number> {
    return 0;
  }

  /** May the user subscribe to the item in this mode? Default: true. */
  isModeAllowed(_user: string | null, _item: string, _mode: Mode): Awaitable<boolean> {
    return true;
  }

  /** May anyone ever subscribe to the item in this mode? Default: true. */
  modeMayBeAllowed(_item: string, _mode: Mode): Awaitable<boolean> {
    return true;
  }

  /** Lowest frequency the item's updates come at, in events/s (0 = never filter). Default: 0. */
  getMinSourceFrequency(_item: string): Awaitable<number> {
    return 0;
  }

  /** Snapshot length of the item in DISTINCT mode (0 = no snapshot). Default: 0. */
  getDistinctSnapshotLength(_item: string): Awaitable<number> {
    return 0;
  }

  /**
   * A message a client sent to the Server. Default: refuses it with
   * `new CreditsError('Unsupported function', 0)`, as the Java, .NET and Python base classes do.
   */
  notifyUserMessage(
    _user: string | null,
    _sessionId: string,
    _message: string | null,
  ): Awaitable<void> {
    return Promise.reject(new CreditsError('Unsupported function', 0));
  }

  /** A session is starting (throw to refuse it). Default: accepts. */
  notifyNewSession(
    _user: string | null,
    _sessionId: string,
    _clientContext: ClientContext,
  ): Awaitable<void> {}

  /** A session has ended. Default: does nothing. */
  notifySessionClose(_sessionId: string): Awaitable<void> {}

  /** Should the Server call `notifyNewTables`/`notifyTablesClose` for this user? Default: false. */
  wantsTablesNotification(_user: string | null): Awaitable<boolean> {
    return false;
  }

  /** A session subscribes to tables (throw to refuse). Default: accepts. */
  notifyNewTables(
    _user: string | null,
    _sessionId: string,
    _tables: readonly TableInfo[],
  ): Awaitable<void> {}

  /** Tables were unsubscribed; `statistics` is set when asked for. Default: does nothing. */
  notifyTablesClose(_sessionId: string, _tables: readonly TableInfo[]): Awaitable<void> {}

  /** A client accesses an MPN device (throw to refuse). Default: accepts. */
  notifyMpnDeviceAccess(
    _user: string | null,
    _sessionId: string,
    _device: MpnDeviceInfo,
  ): Awaitable<void> {}

  /** A client activates a push-notification subscription (throw to refuse). Default: accepts. */
  notifyMpnSubscriptionActivation(
    _user: string | null,
    _sessionId: string,
    _table: TableInfo,
    _mpnSubscription: MpnSubscriptionInfo,
  ): Awaitable<void> {}

  /** A device's token changes (throw to refuse). Default: accepts. */
  notifyMpnDeviceTokenChange(
    _user: string | null,
    _sessionId: string,
    _device: MpnDeviceInfo,
    _newDeviceToken: string | null,
  ): Awaitable<void> {}

  /**
   * Seconds after which the Server closes a new session (0 or less = never). Asked after
   * `notifyNewSession`, only under protocol 1.9.0+. Default: 0.
   */
  getSessionTimeToLive(_user: string | null, _sessionId: string): Awaitable<number> {
    return 0;
  }

  /**
   * Allow `forceUnsubscription` on the table of a `notifyNewTables` carrying exactly one table
   * (protocol 1.9.0+; it costs the Server resources). Default: false.
   */
  enableTableUnsubscription(_sessionId: string, _tables: readonly TableInfo[]): Awaitable<boolean> {
    return false;
  }

  /**
   * Ask for per-item statistics in `notifyTablesClose` of these tables (protocol 1.9.0+).
   * Default: false.
   */
  wantsFinalTableStatistics(_sessionId: string, _tables: readonly TableInfo[]): Awaitable<boolean> {
    return false;
  }

  /** Called once when the host stops or replaces the adapter. Default: does nothing. */
  close(): Awaitable<void> {}
}
