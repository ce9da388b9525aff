/**
 * Decoded ARI messages as discriminated unions (PROTOCOL.md §3–§6).
 *
 * `ProxyMessage` = what the Proxy writes (requests, CLOSE, replies to FST/FUS);
 * `RemoteMessage` = what the Remote writes (RAC, replies, notifications, FST/FUS, KEEPALIVE).
 * Name/value lists keep wire order and duplicates, as `[name, value]` pairs.
 */
import type { ErrorTag } from './codes.js';
import type { DiffAlgorithm, Mode, MpnPlatform } from './values.js';

/** Ordered name/value pairs as they appeared on the wire. */
export type Pairs = Array<[name: string, value: string | null]>;

/** Final statistics of one item of a closed table (`NTC`, 1.9.0+). */
export interface ItemStatistics {
  realTime: number;
  lost: number;
  filtered: number;
}

/** A table (client subscription) as `NNT`/`NTC`/`MSA` describe it (§5.2). */
export interface TableInfo {
  winIndex: number;
  mode: Mode | null;
  group: string | null;
  /** Data Adapter name; null under 1.8.x, which does not send it. */
  dataAdapter: string | null;
  schema: string | null;
  firstItemIndex: number;
  lastItemIndex: number;
  /** Selector; null when none (and always null in `MSA`). */
  selector: string | null;
  /** Subscribed item names (1.9.0+; empty under 1.8.x). */
  items: string[];
  /** Final statistics per item (`NTC` only, when asked for); null otherwise. */
  statistics: ItemStatistics[] | null;
}

/** An MPN device (`MDA`, `MSA`, `MDC`). */
export interface MpnDevice {
  platform: MpnPlatform | null;
  applicationId: string | null;
  deviceToken: string | null;
}

/** An error reply's content (§2.7). */
export interface ErrorReply {
  tag: ErrorTag;
  message: string | null;
  /** Credits errors (`EC`, `EX`): 0 or negative. */
  clientCode?: number;
  clientMessage?: string | null;
  /** `EX` only. */
  conflictingSessionId?: string | null;
}

/** `<id>|DPI|…` / `<id>|MPI|…`: initialisation request. */
export interface InitRequest {
  kind: 'request';
  method: 'DPI' | 'MPI';
  id: string;
  params: Pairs;
}
/** `SUB` / `USB`. */
export interface ItemRequest {
  kind: 'request';
  method: 'SUB' | 'USB';
  id: string;
  item: string;
}
/** `NUS` / `NUA`. */
export interface NotifyUserRequest {
  kind: 'request';
  method: 'NUS' | 'NUA';
  id: string;
  user: string | null;
  password: string | null;
  /** `NUA` only; null for `NUS`. */
  clientPrincipal: string | null;
  headers: Pairs;
}
/** `GIS`. */
export interface GetItemsRequest {
  kind: 'request';
  method: 'GIS';
  id: string;
  user: string | null;
  group: string | null;
  sessionId: string | null;
}
/** `GSC`. */
export interface GetSchemaRequest {
  kind: 'request';
  method: 'GSC';
  id: string;
  user: string | null;
  group: string | null;
  schema: string | null;
  sessionId: string | null;
}
/** `GIT`. */
export interface GetItemDataRequest {
  kind: 'request';
  method: 'GIT';
  id: string;
  items: Array<string | null>;
}
/** `GUI`. */
export interface GetUserItemDataRequest {
  kind: 'request';
  method: 'GUI';
  id: string;
  user: string | null;
  items: Array<string | null>;
}
/** `NUM`. */
export interface UserMessageRequest {
  kind: 'request';
  method: 'NUM';
  id: string;
  user: string | null;
  sessionId: string | null;
  message: string | null;
}
/** `NNS`. */
export interface NewSessionRequest {
  kind: 'request';
  method: 'NNS';
  id: string;
  user: string | null;
  sessionId: string | null;
  context: Pairs;
}
/** `NSC`. */
export interface SessionCloseRequest {
  kind: 'request';
  method: 'NSC';
  id: string;
  sessionId: string | null;
}
/** `NNT`. */
export interface NewTablesRequest {
  kind: 'request';
  method: 'NNT';
  id: string;
  user: string | null;
  sessionId: string | null;
  tables: TableInfo[];
}
/** `NTC`. */
export interface TablesCloseRequest {
  kind: 'request';
  method: 'NTC';
  id: string;
  sessionId: string | null;
  tables: TableInfo[];
}
/** `MDA`. */
export interface MpnDeviceAccessRequest {
  kind: 'request';
  method: 'MDA';
  id: string;
  user: string | null;
  sessionId: string | null;
  device: MpnDevice;
}
/** `MSA`. */
export interface MpnSubscriptionActivationRequest {
  kind: 'request';
  method: 'MSA';
  id: string;
  user: string | null;
  sessionId: string | null;
  table: TableInfo;
  device: MpnDevice;
  trigger: string | null;
  notificationFormat: string | null;
}
/** `MDC`. */
export interface MpnDeviceTokenChangeRequest {
  kind: 'request';
  method: 'MDC';
  id: string;
  user: string | null;
  sessionId: string | null;
  device: MpnDevice;
  newDeviceToken: string | null;
}

/** Any metadata request other than `MPI`. */
export type MetadataRequest =
  | NotifyUserRequest
  | GetItemsRequest
  | GetSchemaRequest
  | GetItemDataRequest
  | GetUserItemDataRequest
  | UserMessageRequest
  | NewSessionRequest
  | SessionCloseRequest
  | NewTablesRequest
  | TablesCloseRequest
  | MpnDeviceAccessRequest
  | MpnSubscriptionActivationRequest
  | MpnDeviceTokenChangeRequest;

/** Any request the Proxy sends. */
export type ProxyRequest = InitRequest | ItemRequest | MetadataRequest;

/** `0|CLOSE|S|reason|S|…`. */
export interface CloseMessage {
  kind: 'close';
  id: string;
  params: Pairs;
  /** The `reason` parameter, when present. */
  reason: string | null;
}

/** The Proxy's reply to an `FST`/`FUS` the Remote sent (§5.3). */
export interface ControlReply {
  kind: 'controlReply';
  method: 'FST' | 'FUS';
  id: string;
  /** `FUS` success value (`B|1` → true); undefined for `FST|V`. */
  value?: boolean;
  error?: ErrorReply;
}

/** A bare `KEEPALIVE` line. */
export interface KeepaliveMessage {
  kind: 'keepalive';
}

/** Anything the Proxy may write. */
export type ProxyMessage = ProxyRequest | CloseMessage | ControlReply | KeepaliveMessage;

/** `RAC` from the Remote. */
export interface CredentialsMessage {
  kind: 'credentials';
  id: string;
  params: Pairs;
}

/** A reply from the Remote: success payload by method, or an error. */
export type RemoteReply =
  | { kind: 'reply'; method: 'DPI' | 'MPI'; id: string; params: Pairs | null; error?: ErrorReply }
  | { kind: 'reply'; method: 'SUB' | 'USB'; id: string; error?: ErrorReply }
  | {
      kind: 'reply';
      method: 'NUS' | 'NUA';
      id: string;
      maxBandwidth?: number;
      wantsTablesNotification?: boolean;
      error?: ErrorReply;
    }
  | {
      kind: 'reply';
      method: 'GIS' | 'GSC';
      id: string;
      names?: Array<string | null>;
      error?: ErrorReply;
    }
  | { kind: 'reply'; method: 'GIT' | 'GUI'; id: string; itemData?: ItemData[]; error?: ErrorReply }
  | { kind: 'reply'; method: 'NNS'; id: string; ttlSeconds?: number | null; error?: ErrorReply }
  | {
      kind: 'reply';
      method: 'NNT';
      id: string;
      enableUnsubscription?: boolean;
      wantsFinalStatistics?: boolean;
      error?: ErrorReply;
    }
  | {
      kind: 'reply';
      method: 'NUM' | 'NSC' | 'NTC' | 'MDA' | 'MSA' | 'MDC';
      id: string;
      error?: ErrorReply;
    };

/** One item's answer in a `GIT` (limits of the item) or `GUI` (limits for a user) reply. */
export interface ItemData {
  /** `GIT`: distinct snapshot length; `GUI`: allowed buffer size. */
  size: number;
  /** `GIT`: min source frequency; `GUI`: allowed max item frequency. */
  frequency: number;
  modes: Mode[];
}

/** A data notification from the Remote. */
export type DataNotification =
  | {
      kind: 'notification';
      method: 'UD3';
      id: string;
      item: string | null;
      subscriptionId: string;
      isSnapshot: boolean;
      fields: Pairs;
    }
  | {
      kind: 'notification';
      method: 'EOS' | 'CLS';
      id: string;
      item: string | null;
      subscriptionId: string;
    }
  | {
      kind: 'notification';
      method: 'DFD';
      id: string;
      item: string | null;
      subscriptionId: string;
      fields: Array<[name: string, algorithms: DiffAlgorithm[] | null]>;
    }
  | { kind: 'notification'; method: 'FAL'; id: string; message: string | null };

/** `FST`/`FUS` sent by a Metadata Adapter. */
export type ControlRequest =
  | {
      kind: 'controlRequest';
      method: 'FST';
      id: string;
      sessionId: string | null;
      cause: { code: number; message: string | null } | null;
    }
  | {
      kind: 'controlRequest';
      method: 'FUS';
      id: string;
      sessionId: string | null;
      winIndex: number;
    };

/** Anything the Remote may write. */
export type RemoteMessage =
  | CredentialsMessage
  | RemoteReply
  | DataNotification
  | ControlRequest
  | KeepaliveMessage;
