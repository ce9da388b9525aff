/**
 * Encoding of the lines the Proxy writes (used by the simulator): init and item requests, every
 * metadata request, CLOSE, and replies to FST/FUS. Pure; one line without terminator per call.
 */
import { CLOSE_ID } from './codes.js';
import { encodeErrorReply } from './encode-remote.js';
import { encodeOld, encodeString, type StringEncoding } from './escaping.js';
import type { ErrorReply, MpnDevice, Pairs, ProxyRequest } from './messages.js';
import { writeTable } from './tables.js';
import { encodePlatform } from './values.js';
import type { Dialect } from './version.js';

function pairs(list: Pairs, encoding: StringEncoding): string {
  let out = '';
  for (const [name, value] of list) {
    out += `|S|${encodeString(name, encoding)}|S|${encodeString(value, encoding)}`;
  }
  return out;
}

function strings(list: readonly (string | null)[], encoding: StringEncoding): string {
  let out = '';
  for (const value of list) out += `|S|${encodeString(value, encoding)}`;
  return out;
}

function device(d: MpnDevice, enc: StringEncoding): string {
  return `|P|${encodePlatform(d.platform)}|S|${encodeString(d.applicationId, enc)}|S|${encodeString(d.deviceToken, enc)}`;
}

/** Encodes any Proxy request with the codec settings of the negotiated version. */
export function encodeProxyRequest(request: ProxyRequest, dialect: Dialect): string {
  const enc: StringEncoding = dialect.smart ? 'smart' : 'old';
  const s = (value: string | null) => `|S|${encodeString(value, enc)}`;
  const head = `${request.id}|${request.method}`;
  switch (request.method) {
    case 'DPI':
    case 'MPI':
      return head + pairs(request.params, 'old');
    case 'SUB':
    case 'USB':
      return head + s(request.item);
    case 'NUS':
      return head + s(request.user) + s(request.password) + pairs(request.headers, enc);
    case 'NUA':
      return (
        head +
        s(request.user) +
        s(request.password) +
        s(request.clientPrincipal) +
        pairs(request.headers, enc)
      );
    case 'GIS':
      return head + s(request.user) + s(request.group) + s(request.sessionId);
    case 'GSC':
      return head + s(request.user) + s(request.group) + s(request.schema) + s(request.sessionId);
    case 'GIT':
      return head + strings(request.items, enc);
    case 'GUI':
      return head + s(request.user) + strings(request.items, enc);
    case 'NUM':
      return head + s(request.user) + s(request.sessionId) + s(request.message);
    case 'NNS':
      return head + s(request.user) + s(request.sessionId) + pairs(request.context, enc);
    case 'NSC':
      return head + s(request.sessionId);
    case 'NNT':
      return (
        head +
        s(request.user) +
        s(request.sessionId) +
        request.tables.map((t) => `|${writeTable(t, 'NNT', dialect.v190, enc)}`).join('')
      );
    case 'NTC':
      return (
        head +
        s(request.sessionId) +
        request.tables.map((t) => `|${writeTable(t, 'NTC', dialect.v190, enc)}`).join('')
      );
    case 'MDA':
      return head + s(request.user) + s(request.sessionId) + device(request.device, enc);
    case 'MSA':
      return (
        head +
        s(request.user) +
        s(request.sessionId) +
        `|${writeTable(request.table, 'MSA', dialect.v190, enc)}` +
        device(request.device, enc) +
        s(request.trigger) +
        s(request.notificationFormat)
      );
    case 'MDC':
      return (
        head +
        s(request.user) +
        s(request.sessionId) +
        device(request.device, enc) +
        s(request.newDeviceToken)
      );
  }
}

/** `0|CLOSE|S|reason|S|<reason>` plus any further pairs (old-encoded). */
export function encodeClose(reason: string | null, extra: Pairs = []): string {
  let line = `${CLOSE_ID}|CLOSE|S|reason|S|${encodeOld(reason)}`;
  for (const [name, value] of extra) line += `|S|${encodeOld(name)}|S|${encodeOld(value)}`;
  return line;
}

/** The Proxy's reply to a Remote's `FST` (`V`) or `FUS` (`B|0/1`), or an error. */
export function encodeControlReply(
  method: 'FST' | 'FUS',
  id: string,
  result: { value?: boolean; error?: ErrorReply },
  dialect: Dialect,
): string {
  if (result.error)
    return encodeErrorReply(method, id, result.error, dialect.smart ? 'smart' : 'old');
  if (method === 'FST') return `${id}|FST|V`;
  return `${id}|FUS|B|${result.value ? '1' : '0'}`;
}
