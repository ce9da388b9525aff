/**
 * lsadapter — the SDK: write Lightstreamer Remote Data and Metadata Adapters and connect them to a
 * Lightstreamer Server through the ARI protocol. This barrel is the public API (SPEC §3); the proxy
 * simulator for tests is `lsadapter/testing`.
 */
export { DataProvider } from './sdk/data-provider.js';
export type { DataProviderLike } from './sdk/data-provider-server.js';
export { DataProviderServer } from './sdk/data-provider-server.js';
export {
  AccessError,
  ConflictingSessionError,
  CreditsError,
  DataProviderError,
  FailureError,
  ItemsError,
  MetadataProviderError,
  NotificationError,
  ResourceUnavailableError,
  SchemaError,
  SubscribeError,
} from './sdk/errors.js';
export type { ItemEventListener } from './sdk/item-event-listener.js';
export type { LogFn, Logger } from './sdk/logger.js';
export type {
  ClientContext,
  HttpHeaders,
  ItemStatistics,
  MetadataControlListener,
  Mode,
  MpnDeviceInfo,
  MpnPlatform,
  MpnSubscriptionInfo,
  NameValueMap,
  TableInfo,
} from './sdk/metadata-provider.js';
export { MetadataProvider } from './sdk/metadata-provider.js';
export type { MetadataProviderLike } from './sdk/metadata-provider-server.js';
export { MetadataProviderServer } from './sdk/metadata-provider-server.js';
export type { CloseInfo } from './sdk/provider-server.js';
export type { Credentials, ServerOptions } from './sdk/server-options.js';
export type {
  AdapterKind,
  Awaitable,
  DiffAlgorithm,
  FieldDiffOrder,
  FieldValue,
  InitContext,
  InitParams,
  ItemFields,
  ProtocolVersion,
} from './sdk/types.js';
export type { TlsOptions } from './transport/tls-options.js';
