/**
 * Public types of the proxy simulator: what it records, the violations it reports, how a
 * connection ends, and the shapes its request API accepts and returns.
 */
import type {
  ControlRequest,
  CredentialsMessage,
  DataNotification,
  ErrorReply,
  KeepaliveMessage,
  MpnDevice,
  Pairs,
  ProtocolError,
  ProxyRequest,
  RemoteMessage,
  RemoteReply,
  TableInfo,
} from '../protocol/index.js';

/** Which Proxy Adapter the simulator plays (PROTOCOL.md §1.2). */
export type SimulatorKind = 'metadata' | 'data' | 'data-two-connections';

/** The socket a line travelled on: the request/reply one, or the notify one (two-connection mode). */
export type Channel = 'main' | 'notify';

/** A line the Remote sent, as recorded, with its decoded message. */
export interface Recorded<M extends RemoteMessage = RemoteMessage> {
  /** Position in the simulator's log; increases across connections, never reused. */
  readonly seq: number;
  /** Receive time, `Date.now()` milliseconds. */
  readonly at: number;
  /** The connection's number in its simulator (1, 2, …). */
  readonly connectionId: number;
  /** The socket it arrived on. */
  readonly channel: Channel;
  /** The line as received, terminator stripped. */
  readonly line: string;
  /** The decoded message. */
  readonly message: M;
}

/** A line the codec could not decode (also reported as a `malformed-line` violation). */
export interface UndecodedLine extends Omit<Recorded, 'message'> {
  readonly message: null;
  readonly error: ProtocolError;
}

/** Anything in the recorder's log. */
export type RecordedLine = Recorded | UndecodedLine;

/** The notification of a given method. */
export type NotificationOf<M extends DataNotification['method']> = DataNotification extends infer N
  ? N extends { method: infer X }
    ? M extends X
      ? N & { method: M }
      : never
    : never
  : never;

/** A recorded `UD3` with its content spelled out. */
export interface RecordedUpdate extends Recorded<NotificationOf<'UD3'>> {
  /** The item name (null only if the Remote wrote `#`, itself a violation). */
  readonly item: string | null;
  /** The subscription id the update carries (PROTOCOL.md §4.2). */
  readonly subscriptionId: string;
  readonly isSnapshot: boolean;
  /** Fields by name; a field repeated in the line keeps its last value. */
  readonly fields: Readonly<Record<string, string | null>>;
  /** Fields in wire order, duplicates kept. */
  readonly pairs: Pairs;
}

/** A recorded data notification (`UD3`, `EOS`, `CLS`, `DFD`, `FAL`). */
export type RecordedNotification = Recorded<DataNotification> | RecordedUpdate;

/** A recorded notification of a given method (`UD3` ones are {@link RecordedUpdate}s). */
export type RecordedNotificationOf<M extends DataNotification['method']> = M extends 'UD3'
  ? RecordedUpdate
  : Recorded<NotificationOf<M>>;

/** Recorded keepalive (its `at` is the receive time). */
export type RecordedKeepalive = Recorded<KeepaliveMessage>;
/** Recorded `RAC`. */
export type RecordedCredentials = Recorded<CredentialsMessage>;
/** Recorded `FST`/`FUS` from a Metadata Adapter. */
export type RecordedControlRequest = Recorded<ControlRequest>;

/** What a {@link Violation} is about. Codes marked (warning) are tolerated by a real Proxy. */
export type ViolationCode =
  /** The first line of a connection is not `RAC` (the real Proxy fails with "protocol error"). */
  | 'credentials-not-first'
  /** A second `RAC` on the same connection. */
  | 'unexpected-credentials'
  /** `RAC` on the request/reply connection with an id other than `1`. */
  | 'bad-credentials-id'
  /** The codec could not decode the line. */
  | 'malformed-line'
  /** The line is not valid UTF-8. */
  | 'invalid-utf8'
  /** The line is longer than `maxLineBytes`; it was dropped. */
  | 'line-too-long'
  /** The stream starts with a UTF-8 BOM (never write one, PROTOCOL.md §1.3). */
  | 'bom'
  /** A line ends with more than one CR. */
  | 'bad-terminator'
  /** (warning) A line ends with a bare LF instead of the canonical CR LF. Reported once per socket. */
  | 'lf-terminator'
  /** (warning) An empty line. */
  | 'empty-line'
  /**
   * (warning) A line ending with `|` (an empty last token, as the official Node SDK writes for an
   * empty list): the Proxy's tokenizer drops it; the line is decoded without it (§1.4).
   */
  | 'trailing-separator'
  /** A reply whose id matches no pending request. */
  | 'unknown-reply-id'
  /** A reply to a request that already timed out. */
  | 'late-reply'
  /** A reply with the right id but another method name. */
  | 'reply-method-mismatch'
  /** An error reply with an exception tag its request does not allow (PROTOCOL.md §2.7). */
  | 'forbidden-error-tag'
  /** An init reply naming a version that was not offered, or none when one was. */
  | 'bad-version'
  /** A data notification before the init reply. */
  | 'notification-before-init'
  /** A notification on a connection where it may not travel (§1.2). */
  | 'notification-on-wrong-connection'
  /** A reply or control request on the notify connection. */
  | 'reply-on-notify-connection'
  /**
   * (warning) A notification whose `<ts>` token is not all digits: the Proxy ignores the token
   * (§1.5), but the SDKs write a timestamp and the §8 vectors expect digits.
   */
  | 'bad-notification-id'
  /** An event for an item with no active subscription (§4.2). */
  | 'unsubscribed-item'
  /** An event whose subscription id is not the one of the item's active `SUB` (§4.2). */
  | 'stale-subscription-id'
  /** A snapshot `UD3` (`B|1`) after the snapshot ended (`EOS`, or a `B|0` update), or a second `EOS` (§4.3). */
  | 'snapshot-after-end'
  /** A `SUB`/`USB` reply overtaking the reply to an earlier request for the same item (§4.4). */
  | 'reply-out-of-order'
  /** A reply whose content does not fit its request (e.g. a `GIT` reply with another item count). */
  | 'bad-reply'
  /**
   * A message the negotiated version does not have (`DFD`, `FST`, `FUS`, `ER`, the `NNS|I|…`
   * and `NNT|B|…` replies below 1.9.0).
   */
  | 'unsupported-in-version'
  /** `FST`/`FUS` on a Data Adapter connection, or before the init. */
  | 'unexpected-control-request'
  /** `FST`/`FUS` with a reserved id (`0`, `1`, `2`) or the id of one still awaiting its answer (§5.3). */
  | 'bad-control-request-id'
  /** A Metadata Adapter's `FAL` with an id other than `2`. */
  | 'bad-failure-id';

/** A protocol problem in what the Remote sent. */
export interface Violation {
  /** Position in the simulator's log (shared with recorded lines). */
  readonly seq: number;
  readonly code: ViolationCode;
  /** `warning` for deviations a real Proxy tolerates (see {@link ViolationCode}), else `violation`. */
  readonly severity: 'violation' | 'warning';
  /** What was wrong, in words. */
  readonly message: string;
  /** When it was found, `Date.now()` milliseconds. */
  readonly at: number;
  /** The connection's number in its simulator. */
  readonly connectionId: number;
  /** The socket concerned. */
  readonly channel: Channel;
  /** The offending line, when there is one (truncated to 200 characters). */
  readonly line?: string;
}

/** The lifecycle of a simulated connection (one protocol session, one or two sockets). */
export type ConnectionStatus =
  /**
   * The init was not sent yet: waiting for the sockets (two-connection mode: the notify one too)
   * and, with `waitForCredentials`, for their `RAC`.
   */
  | 'authenticating'
  /** A `RAC` arrived on every socket; the init was not sent yet (`autoInit: false`). */
  | 'authenticated'
  /** `DPI`/`MPI` sent, reply pending. */
  | 'initializing'
  /** The init succeeded: requests may be sent. */
  | 'ready'
  /** The Remote answered the init with an error. */
  | 'init-failed'
  | 'closed';

/** How a connection ended. */
export interface ConnectionEnd {
  /** Who ended it: the Remote (EOF, reset) or the simulator (drop, CLOSE, close, rejection). */
  readonly initiator: 'remote' | 'simulator';
  /** Why, in words: `eof`, `socket error`, `dropped`, `wrong credentials`, `protocol error`, … */
  readonly reason: string;
  /** The socket error, if one ended it. */
  readonly error?: Error;
}

/** The reply to `DPI`/`MPI`. */
export type InitReply = ReplyOf<'DPI' | 'MPI'>;

/** The reply variant of a request method. */
export type ReplyOf<M extends RemoteReply['method']> = RemoteReply extends infer R
  ? R extends { method: infer X }
    ? M extends X
      ? R
      : never
    : never
  : never;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A request for {@link ProxyApi.request}: any {@link ProxyRequest} with `kind` and `id` optional. */
export type ProxyRequestInput = DistributiveOmit<ProxyRequest, 'kind' | 'id'> & {
  kind?: 'request';
  id?: string;
};

/** Per-request options. */
export interface RequestOptions {
  /**
   * Request id to use instead of a generated one (must not be pending already).
   * @default a fresh hex id such as `10000010c3e4d0462`
   */
  id?: string;
  /**
   * How long to wait for the reply, in ms.
   * @default the simulator's `requestTimeoutMs` (10000)
   */
  timeoutMs?: number;
}

/** Name/value parameters: an object or ordered pairs (pairs keep order and duplicates). */
export type ParamsInput = Pairs | Readonly<Record<string, string | null>>;

/** A table for `notifyNewTables`/`notifyTablesClose`/MPN requests; omitted fields get defaults. */
export interface TableInput
  extends Partial<Omit<TableInfo, 'winIndex' | 'mode' | 'group' | 'schema'>>,
    Pick<TableInfo, 'winIndex' | 'mode' | 'group' | 'schema'> {}

/** The MPN subscription of `notifyMpnSubscriptionActivation`. */
export interface MpnSubscriptionInput {
  device: MpnDevice;
  trigger: string | null;
  notificationFormat: string | null;
}

/** The simulator's answer to an `FST`/`FUS`: a value (`FUS`), an error, or `null` for no answer. */
export type ControlAnswer = { value?: boolean; error?: ErrorReply } | null;

/**
 * Decides the answer to a Metadata Adapter's `FST`/`FUS` (PROTOCOL.md §5.3).
 * @returns the answer; `null` sends nothing (the Remote's call then waits forever).
 */
export type ControlRequestHandler = (
  request: ControlRequest,
) => ControlAnswer | Promise<ControlAnswer>;

/** Counters kept by a recorder; cumulative (not reset by `clear()`). */
export interface RecorderCounters {
  /** Lines received (decoded or counted). */
  lines: number;
  /** Bytes received in those lines, terminators included. */
  bytes: number;
  /** `UD3` lines received. */
  updates: number;
  /** Bytes of those `UD3` lines, terminators included. */
  updateBytes: number;
  keepalives: number;
  /** Log entries dropped because the log was full. */
  dropped: number;
  /** Violations (warnings excluded) reported. */
  violations: number;
}

/** Events of a {@link ProxyConnection}. */
export interface ProxyConnectionEvents {
  /** The status changed. */
  status: [status: ConnectionStatus, previous: ConnectionStatus];
  /** The init reply arrived (success or error reply). */
  handshake: [reply: InitReply];
  /** Every line received (decoded or not), after it was recorded. */
  line: [entry: RecordedLine];
  /** A data notification (`UD3`, `EOS`, `CLS`, `DFD`, `FAL`). */
  notification: [notification: RecordedNotification];
  /** A `KEEPALIVE`. */
  keepalive: [keepalive: RecordedKeepalive];
  /** A violation or warning was recorded. */
  violation: [violation: Violation];
  /** The connection ended (emitted once). */
  close: [end: ConnectionEnd];
}
