/**
 * Decoding of the lines the Remote writes (the Proxy's side, used by the simulator): RAC, replies,
 * notifications, FST/FUS requests, KEEPALIVE. Pure; failures are {@link ProtocolError}s.
 */
import { KEEPALIVE_LINE } from './codes.js';
import { readErrorTokens } from './decode-proxy.js';
import { ProtocolError } from './errors.js';
import type { StringEncoding } from './escaping.js';
import type {
  ControlRequest,
  DataNotification,
  ItemData,
  RemoteMessage,
  RemoteReply,
} from './messages.js';
import { splitLine, TokenReader } from './token-reader.js';
import { decodeBase64Text, decodeDiffAlgorithms, decodeModes } from './values.js';
import type { Dialect } from './version.js';

/** Decodes one line written by the Remote. */
export function decodeRemoteLine(line: string, dialect: Dialect): RemoteMessage {
  if (line === KEEPALIVE_LINE) return { kind: 'keepalive' };
  const tokens = splitLine(line);
  if (tokens.length < 2) throw new ProtocolError('Malformed line (no method)', line);
  const id = tokens[0] as string;
  const method = tokens[1] as string;
  const enc: StringEncoding = dialect.smart ? 'smart' : 'old';
  const r: TokenReader = new TokenReader(tokens, line, method);
  switch (method) {
    case 'RAC':
      return { kind: 'credentials', id, params: r.pairsToEnd('old') };
    case 'UD3':
    case 'EOS':
    case 'CLS':
    case 'DFD':
    case 'FAL':
      return decodeNotification(method, id, r, dialect);
    case 'FST':
    case 'FUS':
      return decodeControlRequest(method, id, r, enc);
    default:
      return decodeReply(method, id, r, enc, line);
  }
}

function decodeNotification(
  method: 'UD3' | 'EOS' | 'CLS' | 'DFD' | 'FAL',
  id: string,
  r: TokenReader,
  dialect: Dialect,
): DataNotification {
  const enc: StringEncoding = dialect.smart ? 'smart' : 'old';
  const base = { kind: 'notification' as const, id };
  if (method === 'FAL') {
    r.tag('E');
    const message = r.untypedString(enc);
    r.end();
    return { ...base, method, message };
  }
  const item = r.string(enc);
  r.tag('S');
  const subscriptionId = r.raw();
  if (method === 'EOS' || method === 'CLS') {
    r.end();
    return { ...base, method, item, subscriptionId };
  }
  if (method === 'UD3') {
    const isSnapshot = r.boolean();
    const fields = readUpdateFields(r, enc, !dialect.v190);
    return { ...base, method, item, subscriptionId, isSnapshot, fields };
  }
  const fields: Array<[string, ReturnType<typeof decodeDiffAlgorithms>]> = [];
  while (!r.done) {
    const name = r.string(enc);
    if (name === null) r.fail('Null field name');
    fields.push([name, r.typed('F', decodeDiffAlgorithms)]);
  }
  return { ...base, method, item, subscriptionId, fields };
}

/**
 * The `S|<field>|S|<value>` pairs of a `UD3`. At 1.8.x a value may also be `Y|<base64>` (bytes,
 * obsolete since 1.9.0 but still written by Python 1.3.1, §2.1): it is read as its UTF-8 text.
 */
function readUpdateFields(
  r: TokenReader,
  enc: StringEncoding,
  allowBytes: boolean,
): Array<[string, string | null]> {
  const fields: Array<[string, string | null]> = [];
  while (!r.done) {
    const name = r.string(enc);
    if (name === null) r.fail('Null field name');
    const value = allowBytes && r.peek() === 'Y' ? r.typed('Y', decodeBase64Text) : r.string(enc);
    fields.push([name, value]);
  }
  return fields;
}

function decodeControlRequest(
  method: 'FST' | 'FUS',
  id: string,
  r: TokenReader,
  enc: StringEncoding,
): ControlRequest {
  const sessionId = r.string(enc);
  if (method === 'FUS') {
    const winIndex = r.integer();
    r.end();
    return { kind: 'controlRequest', method, id, sessionId, winIndex };
  }
  if (r.peek() === 'V') {
    r.tag('V');
    r.end();
    return { kind: 'controlRequest', method, id, sessionId, cause: null };
  }
  const code = r.integer();
  const message = r.string(enc);
  r.end();
  return { kind: 'controlRequest', method, id, sessionId, cause: { code, message } };
}

function isErrorTag(tag: string | undefined): boolean {
  return tag?.startsWith('E') === true;
}

function decodeReply(
  method: string,
  id: string,
  r: TokenReader,
  enc: StringEncoding,
  line: string,
): RemoteReply {
  if (method === 'DPI' || method === 'MPI') {
    if (isErrorTag(r.peek()))
      return { kind: 'reply', method, id, params: null, error: readErrorTokens(r, 'old') };
    if (r.peek() === 'V') {
      r.tag('V');
      r.end();
      return { kind: 'reply', method, id, params: null };
    }
    return { kind: 'reply', method, id, params: r.pairsToEnd('old') };
  }
  if (isErrorTag(r.peek())) {
    return { kind: 'reply', method, id, error: readErrorTokens(r, enc) } as RemoteReply;
  }
  switch (method) {
    case 'SUB':
    case 'USB':
    case 'NUM':
    case 'NSC':
    case 'NTC':
    case 'MDA':
    case 'MSA':
    case 'MDC':
      r.tag('V');
      r.end();
      return { kind: 'reply', method, id };
    case 'NUS':
    case 'NUA': {
      const maxBandwidth = r.double();
      const wantsTablesNotification = r.boolean();
      r.end();
      return { kind: 'reply', method, id, maxBandwidth, wantsTablesNotification };
    }
    case 'GIS':
    case 'GSC':
      return { kind: 'reply', method, id, names: r.stringsToEnd(enc) };
    case 'GIT':
    case 'GUI': {
      const itemData: ItemData[] = [];
      while (!r.done) {
        const size = r.integer();
        const frequency = r.double();
        const modes = r.typed('M', decodeModes) ?? [];
        itemData.push({ size, frequency, modes });
      }
      return { kind: 'reply', method, id, itemData };
    }
    case 'NNS': {
      if (r.peek() === 'V') {
        r.tag('V');
        r.end();
        return { kind: 'reply', method, id, ttlSeconds: null };
      }
      const ttlSeconds = r.integer();
      r.end();
      return { kind: 'reply', method, id, ttlSeconds };
    }
    case 'NNT': {
      if (r.peek() === 'V') {
        r.tag('V');
        r.end();
        return {
          kind: 'reply',
          method,
          id,
          enableUnsubscription: false,
          wantsFinalStatistics: false,
        };
      }
      const enableUnsubscription = r.boolean();
      const wantsFinalStatistics = r.boolean();
      r.end();
      return { kind: 'reply', method, id, enableUnsubscription, wantsFinalStatistics };
    }
    default:
      throw new ProtocolError(`Unknown method "${method}"`, line);
  }
}
