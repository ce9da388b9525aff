/**
 * Encoding of the lines the Remote writes (PROTOCOL.md §3–§6): RAC, replies, notifications,
 * FST/FUS, KEEPALIVE. Pure; each function returns one line without its terminator.
 *
 * `encodeUpdate` is on the hot path of every real-time update: it builds the line with one pass of
 * string concatenation and escapes only values that need it.
 */
import { METADATA_FAILURE_ID, RAC_ID } from './codes.js';
import { encodeOld, encodeSmart, encodeString, type StringEncoding } from './escaping.js';
import type { ErrorReply, ItemData, Pairs } from './messages.js';
import {
  type DiffAlgorithm,
  encodeBoolean,
  encodeDiffAlgorithms,
  encodeDouble,
  encodeInteger,
  encodeModes,
  fieldValueText,
} from './values.js';

/** `1|RAC|S|name|S|value…` (old-encoded, §3.2); `id` is `<ts>` on a notify connection. */
export function encodeCredentials(params: Pairs, id: string = RAC_ID): string {
  let line = `${id}|RAC`;
  for (const [name, value] of params) line += `|S|${encodeOld(name)}|S|${encodeOld(value)}`;
  return line;
}

/** Successful `DPI`/`MPI` reply: `S|ARI.version|S|<v>`, or `V` for 1.8.0 (`version` null). */
export function encodeInitReply(method: 'DPI' | 'MPI', id: string, version: string | null): string {
  return version === null
    ? `${id}|${method}|V`
    : `${id}|${method}|S|ARI.version|S|${encodeOld(version)}`;
}

/** `<id>|<METHOD>|V`. */
export function encodeVoidReply(method: string, id: string): string {
  return `${id}|${method}|V`;
}

/** An exception reply (§2.7). `DPI`/`MPI` replies must pass the `old` encoding. */
export function encodeErrorReply(
  method: string,
  id: string,
  error: ErrorReply,
  encoding: StringEncoding,
): string {
  return `${id}|${method}|${encodeErrorTokens(error, encoding)}`;
}

function encodeErrorTokens(error: ErrorReply, encoding: StringEncoding): string {
  let out = `${error.tag}|${encodeString(error.message, encoding)}`;
  if (error.tag === 'EC' || error.tag === 'EX') {
    out += `|${encodeInteger(error.clientCode ?? 0)}|${encodeString(error.clientMessage ?? null, encoding)}`;
    if (error.tag === 'EX') out += `|${encodeString(error.conflictingSessionId ?? null, encoding)}`;
  }
  return out;
}

/**
 * `<ts>|UD3|S|<item>|S|<subId>|B|<snapshot>` + `|S|<field>|S|<value>` per field (§4.1).
 * Values follow SPEC §3 (`fieldValueText`); a field whose value is `undefined` is omitted.
 */
export function encodeUpdate(
  ts: string,
  item: string,
  subscriptionId: string,
  isSnapshot: boolean,
  fields: Readonly<Record<string, unknown>>,
  encoding: StringEncoding,
): string {
  const smart = encoding === 'smart';
  let line = `${ts}|UD3|S|${smart ? encodeSmart(item) : encodeOld(item)}|S|${subscriptionId}|B|${isSnapshot ? '1' : '0'}`;
  for (const name in fields) {
    const raw = fields[name];
    const text = typeof raw === 'string' ? raw : fieldValueText(raw);
    if (text === undefined) continue;
    line += smart
      ? `|S|${encodeSmart(name)}|S|${encodeSmart(text)}`
      : `|S|${encodeOld(name)}|S|${encodeOld(text)}`;
  }
  return line;
}

/** `<ts>|EOS|S|<item>|S|<subId>`. */
export function encodeEndOfSnapshot(
  ts: string,
  item: string,
  subscriptionId: string,
  encoding: StringEncoding,
): string {
  return `${ts}|EOS|S|${encodeString(item, encoding)}|S|${subscriptionId}`;
}

/** `<ts>|CLS|S|<item>|S|<subId>`. */
export function encodeClearSnapshot(
  ts: string,
  item: string,
  subscriptionId: string,
  encoding: StringEncoding,
): string {
  return `${ts}|CLS|S|${encodeString(item, encoding)}|S|${subscriptionId}`;
}

/** `<ts>|DFD|S|<item>|S|<subId>` + `|S|<field>|F|<algorithms>` per field (1.9.0+). */
export function encodeFieldDiffOrder(
  ts: string,
  item: string,
  subscriptionId: string,
  fields: Readonly<Record<string, readonly DiffAlgorithm[] | null>>,
  encoding: StringEncoding,
): string {
  let line = `${ts}|DFD|S|${encodeString(item, encoding)}|S|${subscriptionId}`;
  for (const name in fields) {
    const algorithms = fields[name];
    if (algorithms === undefined) continue;
    line += `|S|${encodeString(name, encoding)}|F|${encodeDiffAlgorithms(algorithms)}`;
  }
  return line;
}

/** `<ts>|FAL|E|<message>` (Data Adapter failure). */
export function encodeFailure(
  ts: string,
  message: string | null,
  encoding: StringEncoding,
): string {
  return `${ts}|FAL|E|${encodeString(message, encoding)}`;
}

/** `2|FAL|E|<message>` (Metadata Adapter failure, §5.3). */
export function encodeMetadataFailure(message: string | null, encoding: StringEncoding): string {
  return `${METADATA_FAILURE_ID}|FAL|E|${encodeString(message, encoding)}`;
}

/** `NUS`/`NUA` success: `D|<maxBandwidth>|B|<wantsTablesNotification>`. */
export function encodeNotifyUserReply(
  method: 'NUS' | 'NUA',
  id: string,
  maxBandwidth: number,
  wantsTablesNotification: boolean,
): string {
  return `${id}|${method}|D|${encodeDouble(maxBandwidth)}|B|${encodeBoolean(wantsTablesNotification)}`;
}

/** `GIS`/`GSC` success: `|S|<name>` per item or field (none: just the method). */
export function encodeNamesReply(
  method: 'GIS' | 'GSC',
  id: string,
  names: readonly (string | null)[],
  encoding: StringEncoding,
): string {
  let line = `${id}|${method}`;
  for (const name of names) line += `|S|${encodeString(name, encoding)}`;
  return line;
}

/** `GIT`/`GUI` success: `|I|<size>|D|<frequency>|M|<modes>` per item. */
export function encodeItemDataReply(
  method: 'GIT' | 'GUI',
  id: string,
  items: readonly ItemData[],
): string {
  let line = `${id}|${method}`;
  for (const item of items) {
    line += `|I|${encodeInteger(item.size)}|D|${encodeDouble(item.frequency)}|M|${encodeModes(item.modes)}`;
  }
  return line;
}

/** `NNS` success: `I|<ttl>` (1.9.0+, when a TTL is given) or `V`. */
export function encodeNewSessionReply(id: string, ttlSeconds: number | null): string {
  return ttlSeconds === null ? `${id}|NNS|V` : `${id}|NNS|I|${encodeInteger(ttlSeconds)}`;
}

/** `NNT` success: `B|<enableUnsubscription>|B|<wantsFinalStatistics>` (1.9.0+) or `V`. */
export function encodeNewTablesReply(
  id: string,
  flags: { enableUnsubscription: boolean; wantsFinalStatistics: boolean } | null,
): string {
  if (flags === null) return `${id}|NNT|V`;
  return `${id}|NNT|B|${encodeBoolean(flags.enableUnsubscription)}|B|${encodeBoolean(flags.wantsFinalStatistics)}`;
}

/** `<rid>|FST|S|<session>|V` or `…|I|<code>|S|<message>` (§5.3). */
export function encodeForceSessionTermination(
  id: string,
  sessionId: string,
  cause: { code: number; message?: string | null } | null,
  encoding: StringEncoding,
): string {
  const head = `${id}|FST|S|${encodeString(sessionId, encoding)}`;
  if (cause === null) return `${head}|V`;
  return `${head}|I|${encodeInteger(cause.code)}|S|${encodeString(cause.message ?? null, encoding)}`;
}

/** `<rid>|FUS|S|<session>|I|<winIndex>` (§5.3). */
export function encodeForceUnsubscription(
  id: string,
  sessionId: string,
  winIndex: number,
  encoding: StringEncoding,
): string {
  return `${id}|FUS|S|${encodeString(sessionId, encoding)}|I|${encodeInteger(winIndex)}`;
}
