/**
 * Serves one decoded metadata request (PROTOCOL.md §5.1) with the user's provider: one short
 * function per request that calls the provider hooks, checks their answers and encodes the reply.
 *
 * Hooks may answer synchronously or with a Promise. A thrown error or a rejection becomes the error
 * reply the method allows (§2.7, §5.4); a hook that returns something unusable becomes an `E` reply
 * saying what was wrong, because the Proxy must get an answer to every request.
 */

import { errorReplyFor } from '../protocol/error-mapping.js';
import {
  type Dialect,
  encodeErrorReply,
  encodeItemDataReply,
  encodeNamesReply,
  encodeNewSessionReply,
  encodeNewTablesReply,
  encodeNotifyUserReply,
  encodeVoidReply,
  type GetItemDataRequest,
  type GetUserItemDataRequest,
  type ItemData,
  type MetadataRequest,
  MODES,
  type Mode,
  type MpnDevice,
  type NewSessionRequest,
  type NewTablesRequest,
  type NotifyUserRequest,
  type StringEncoding,
} from '../protocol/index.js';
import type { Logger } from './logger.js';
import {
  callHook as call,
  expectBoolean,
  expectCount,
  expectNames,
  expectRate,
  expectTimeToLive,
  type MetadataProviderLike,
  show,
  toNameValueMap,
} from './metadata-hooks.js';
import type { MpnDeviceInfo } from './metadata-types.js';

export type { MetadataProviderLike } from './metadata-hooks.js';

/** What the handlers need to know about the connection. */
export interface MetadataHandlerContext {
  /** Codec settings of the negotiated protocol version. */
  dialect: Dialect;
  /** Where refusals and adapter errors are logged. */
  logger: Logger;
}

type MpnRequest = Extract<MetadataRequest, { method: 'MDA' | 'MSA' | 'MDC' }>;

/**
 * Serves one decoded metadata request with the provider; resolves to the reply line (without its
 * terminator); never rejects. Headers and client context reach the provider as prototype-less
 * objects (see `NameValueMap`). A null session id or item name (which a real Proxy never sends)
 * reaches the provider as the empty string, so its parameter types hold.
 */
export async function handleMetadataRequest(
  provider: MetadataProviderLike,
  request: MetadataRequest,
  context: MetadataHandlerContext,
): Promise<string> {
  try {
    return await serve(provider, request, context.dialect);
  } catch (error) {
    return errorLine(request, error, context);
  }
}

function serve(p: MetadataProviderLike, r: MetadataRequest, dialect: Dialect): Promise<string> {
  const enc: StringEncoding = dialect.smart ? 'smart' : 'old';
  const sessionId = 'sessionId' in r ? (r.sessionId ?? '') : '';
  switch (r.method) {
    case 'NUS':
    case 'NUA':
      return serveNotifyUser(p, r);
    case 'GIS':
      return call(p, 'getItems', [r.user, sessionId, r.group]).then((names) =>
        encodeNamesReply('GIS', r.id, expectNames(names, 'getItems'), enc),
      );
    case 'GSC':
      return call(p, 'getSchema', [r.user, sessionId, r.group, r.schema]).then((names) =>
        encodeNamesReply('GSC', r.id, expectNames(names, 'getSchema'), enc),
      );
    case 'GIT':
    case 'GUI':
      return serveItemData(p, r);
    case 'NUM':
      return done(r, call(p, 'notifyUserMessage', [r.user, sessionId, r.message]));
    case 'NNS':
      return serveNewSession(p, r, sessionId, dialect);
    case 'NSC':
      return done(r, call(p, 'notifySessionClose', [sessionId]));
    case 'NNT':
      return serveNewTables(p, r, sessionId, dialect);
    case 'NTC':
      return done(r, call(p, 'notifyTablesClose', [sessionId, r.tables]));
    default:
      return done(r, notifyMpn(p, r, sessionId));
  }
}

async function done(request: MetadataRequest, work: Promise<unknown>): Promise<string> {
  await work;
  return encodeVoidReply(request.method, request.id);
}

async function serveNotifyUser(p: MetadataProviderLike, r: NotifyUserRequest): Promise<string> {
  const headers = toNameValueMap(r.headers);
  // Only NUA carries a principal; a provider without notifyUserWithPrincipal gets notifyUser,
  // which is what the base class's default does.
  if (r.method === 'NUA' && p.notifyUserWithPrincipal != null) {
    await call(p, 'notifyUserWithPrincipal', [r.user, r.password, headers, r.clientPrincipal]);
  } else {
    await call(p, 'notifyUser', [r.user, r.password, headers]);
  }
  const [bandwidth, wantsTables] = await Promise.all([
    call(p, 'getAllowedMaxBandwidth', [r.user]),
    call(p, 'wantsTablesNotification', [r.user]),
  ]);
  return encodeNotifyUserReply(
    r.method,
    r.id,
    expectRate(bandwidth, `getAllowedMaxBandwidth(${show(r.user)})`),
    expectBoolean(wantsTables, `wantsTablesNotification(${show(r.user)})`),
  );
}

async function serveItemData(
  p: MetadataProviderLike,
  r: GetItemDataRequest | GetUserItemDataRequest,
): Promise<string> {
  const items = r.items.map((item) => item ?? '');
  const data = await Promise.all(
    items.map((item) => (r.method === 'GIT' ? itemData(p, item) : userItemData(p, r.user, item))),
  );
  return encodeItemDataReply(r.method, r.id, data);
}

async function itemData(p: MetadataProviderLike, item: string): Promise<ItemData> {
  const [modes, size, frequency] = await Promise.all([
    allowedModes(
      (mode) => call(p, 'modeMayBeAllowed', [item, mode]),
      (mode) => `modeMayBeAllowed(${show(item)}, ${show(mode)})`,
    ),
    call(p, 'getDistinctSnapshotLength', [item]),
    call(p, 'getMinSourceFrequency', [item]),
  ]);
  return {
    size: expectCount(size, `getDistinctSnapshotLength(${show(item)})`),
    frequency: expectRate(frequency, `getMinSourceFrequency(${show(item)})`),
    modes,
  };
}

async function userItemData(
  p: MetadataProviderLike,
  user: string | null,
  item: string,
): Promise<ItemData> {
  const args = `${show(user)}, ${show(item)}`;
  const [modes, size, frequency] = await Promise.all([
    allowedModes(
      (mode) => call(p, 'isModeAllowed', [user, item, mode]),
      (mode) => `isModeAllowed(${args}, ${show(mode)})`,
    ),
    call(p, 'getAllowedBufferSize', [user, item]),
    call(p, 'getAllowedMaxItemFrequency', [user, item]),
  ]);
  return {
    size: expectCount(size, `getAllowedBufferSize(${args})`),
    frequency: expectRate(frequency, `getAllowedMaxItemFrequency(${args})`),
    modes,
  };
}

async function allowedModes(
  ask: (mode: Mode) => Promise<unknown>,
  what: (mode: Mode) => string,
): Promise<Mode[]> {
  const answers = await Promise.all(MODES.map(ask));
  return MODES.filter((mode, i) => expectBoolean(answers[i], what(mode)));
}

async function serveNewSession(
  p: MetadataProviderLike,
  r: NewSessionRequest,
  sessionId: string,
  dialect: Dialect,
): Promise<string> {
  await call(p, 'notifyNewSession', [r.user, sessionId, toNameValueMap(r.context)]);
  // NNS|I|<ttl> exists from 1.9.0 on (§5.3). NNS|V means "no limit" in every version, so it also
  // answers a TTL of 0 or less, and below 1.9.0 the hook is not even asked.
  if (!dialect.v190) return encodeNewSessionReply(r.id, null);
  const ttl = await call(p, 'getSessionTimeToLive', [r.user, sessionId]);
  const seconds = expectTimeToLive(
    ttl,
    `getSessionTimeToLive(${show(r.user)}, ${show(sessionId)})`,
  );
  return encodeNewSessionReply(r.id, seconds > 0 ? seconds : null);
}

async function serveNewTables(
  p: MetadataProviderLike,
  r: NewTablesRequest,
  sessionId: string,
  dialect: Dialect,
): Promise<string> {
  await call(p, 'notifyNewTables', [r.user, sessionId, r.tables]);
  if (!dialect.v190) return encodeNewTablesReply(r.id, null);
  const [enable, statistics] = await Promise.all([
    // The Server refuses unsubscription of a multi-table NNT anyway (§5.3): do not ask.
    r.tables.length === 1 ? call(p, 'enableTableUnsubscription', [sessionId, r.tables]) : false,
    call(p, 'wantsFinalTableStatistics', [sessionId, r.tables]),
  ]);
  const flags = {
    enableUnsubscription: expectBoolean(enable, 'enableTableUnsubscription'),
    wantsFinalStatistics: expectBoolean(statistics, 'wantsFinalTableStatistics'),
  };
  // NNT|V is the short form of "both false", and what every SDK but Java writes.
  const anyFlag = flags.enableUnsubscription || flags.wantsFinalStatistics;
  return encodeNewTablesReply(r.id, anyFlag ? flags : null);
}

function notifyMpn(p: MetadataProviderLike, r: MpnRequest, sessionId: string): Promise<unknown> {
  const device = deviceOf(r.device);
  switch (r.method) {
    case 'MDA':
      return call(p, 'notifyMpnDeviceAccess', [r.user, sessionId, device]);
    case 'MSA': {
      const { trigger, notificationFormat } = r;
      const subscription = { device, trigger, notificationFormat };
      return call(p, 'notifyMpnSubscriptionActivation', [r.user, sessionId, r.table, subscription]);
    }
    case 'MDC':
      return call(p, 'notifyMpnDeviceTokenChange', [r.user, sessionId, device, r.newDeviceToken]);
  }
}

function deviceOf(device: MpnDevice): MpnDeviceInfo {
  const { platform, applicationId, deviceToken } = device;
  return { platform, applicationId, deviceToken };
}

function errorLine(
  request: MetadataRequest,
  error: unknown,
  context: MetadataHandlerContext,
): string {
  const encoding: StringEncoding = context.dialect.smart ? 'smart' : 'old';
  const { id, method } = request;
  try {
    const reply = errorReplyFor(error, method, context.dialect.v190);
    if (reply.tag === 'E') {
      context.logger.warn({ err: error, id, method }, `The Metadata Adapter failed on ${method}`);
    } else {
      context.logger.debug(
        { id, method, tag: reply.tag },
        `The Metadata Adapter refused ${method}`,
      );
    }
    return encodeErrorReply(method, id, reply, encoding);
  } catch (encodingError) {
    // A thrown value whose message or credits fields cannot be read or encoded: the Proxy still
    // needs an answer to this id.
    context.logger.error(
      { err: encodingError, id, method },
      `Could not encode the ${method} error`,
    );
    return encodeErrorReply(method, id, { tag: 'E', message: 'Metadata Adapter error' }, encoding);
  }
}
