/**
 * `lsadapter/testing`: a Lightstreamer Proxy Adapter simulator for testing Remote Adapters in
 * process (SPEC §7). Start a {@link ProxySimulator}, point an adapter server at its port, then
 * drive requests and await what the adapter sends:
 *
 * ```ts
 * const sim = await new ProxySimulator({ kind: 'data' }).start();
 * // … start a DataProviderServer on sim.port …
 * const reply = await sim.subscribe('item1');
 * const update = await sim.waitForUpdate({ item: 'item1' });
 * expect(sim.violations).toEqual([]);
 * await sim.close();
 * ```
 */
export type {
  ControlRequest,
  DataNotification,
  Dialect,
  ErrorReply,
  ErrorTag,
  ItemData,
  Mode,
  MpnDevice,
  MpnPlatform,
  Pairs,
  ProtocolVersion,
  RemoteMessage,
  RemoteReply,
  TableInfo,
} from '../protocol/index.js';
export {
  ConnectionNotReadyError,
  DuplicateRequestIdError,
  InvalidRequestIdError,
  ProxyConnectionClosedError,
  ReplyMismatchError,
  RequestTimeoutError,
  SimulatorDialError,
  SimulatorOptionsError,
  SimulatorStateError,
  UnsupportedRequestError,
  WaitTimeoutError,
} from './errors.js';
export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_RECORDED_LINES,
  DEFAULT_MAX_RECORDED_VIOLATIONS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_TWO_CONNECTION_VERSION,
  DEFAULT_VERSION,
  type ProxySimulatorOptions,
} from './options.js';
export { ProxyApi } from './proxy-api.js';
export { ProxyConnection } from './proxy-connection.js';
export {
  ProxySimulator,
  type ProxySimulatorEvents,
  type WaitForConnectionOptions,
} from './proxy-simulator.js';
export { Recorder, type RecorderOptions } from './recorder.js';
export type { NotificationFilter, UpdateFilter, ViolationFilter } from './recorder-filters.js';
export type {
  Channel,
  ConnectionEnd,
  ConnectionStatus,
  ControlAnswer,
  ControlRequestHandler,
  InitReply,
  MpnSubscriptionInput,
  NotificationOf,
  ParamsInput,
  ProxyConnectionEvents,
  ProxyRequestInput,
  Recorded,
  RecordedControlRequest,
  RecordedCredentials,
  RecordedKeepalive,
  RecordedLine,
  RecordedNotification,
  RecordedNotificationOf,
  RecordedUpdate,
  RecorderCounters,
  ReplyOf,
  RequestOptions,
  SimulatorKind,
  TableInput,
  UndecodedLine,
  Violation,
  ViolationCode,
} from './types.js';
export { DEFAULT_WAIT_TIMEOUT_MS, type WaitOptions } from './waiters.js';
