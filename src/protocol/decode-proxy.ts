/**
 * Decoding of the lines the Proxy writes (PROTOCOL.md §3–§6): requests, CLOSE, FST/FUS replies.
 * Pure: a line in, a {@link ProxyMessage} out, or a {@link ProtocolError}.
 */
import { CLOSE_ID, ERROR_TAGS, type ErrorTag, KEEPALIVE_LINE } from './codes.js';
import { ProtocolError } from './errors.js';
import type { StringEncoding } from './escaping.js';
import type {
  CloseMessage,
  ControlReply,
  ErrorReply,
  MetadataRequest,
  MpnDevice,
  ProxyMessage,
} from './messages.js';
import { readTable, readTablesToEnd } from './tables.js';
import { splitLine, TokenReader } from './token-reader.js';
import { decodePlatform } from './values.js';
import type { Dialect } from './version.js';

/** Decodes one line written by the Proxy, with the codec settings of the negotiated version. */
export function decodeProxyLine(line: string, dialect: Dialect): ProxyMessage {
  if (line === KEEPALIVE_LINE) return { kind: 'keepalive' };
  const tokens = splitLine(line);
  if (tokens.length < 2) throw new ProtocolError('Malformed line (no method)', line);
  const id = tokens[0] as string;
  const method = tokens[1] as string;
  const encoding: StringEncoding = dialect.smart ? 'smart' : 'old';
  const reader: TokenReader = new TokenReader(tokens, line, `${method} request`);
  switch (method) {
    case 'DPI':
    case 'MPI':
      return { kind: 'request', method, id, params: reader.pairsToEnd('old') };
    case 'SUB':
    case 'USB': {
      const item = reader.string(encoding);
      reader.end();
      if (item === null) reader.fail('Null item name');
      return { kind: 'request', method, id, item };
    }
    case 'CLOSE':
      return decodeClose(id, line, reader);
    case 'FST':
    case 'FUS':
      return decodeControlReply(method, id, reader, encoding);
    default:
      return decodeMetadataRequest(method, id, reader, dialect, encoding, line);
  }
}

function decodeClose(id: string, line: string, reader: TokenReader): CloseMessage {
  if (id !== CLOSE_ID)
    throw new ProtocolError('Unexpected id found while parsing a CLOSE request', line);
  const params = reader.pairsToEnd('old');
  const reason = params.find(([name]) => name === 'reason')?.[1] ?? null;
  return { kind: 'close', id, params, reason };
}

function decodeControlReply(
  method: 'FST' | 'FUS',
  id: string,
  reader: TokenReader,
  encoding: StringEncoding,
): ControlReply {
  const tag = reader.peek();
  if (tag?.startsWith('E')) {
    return { kind: 'controlReply', method, id, error: readControlError(reader, encoding) };
  }
  if (method === 'FST') {
    reader.tag('V');
    reader.end();
    return { kind: 'controlReply', method, id };
  }
  // Java reading a FUS reply treats anything but 0 as true (§2.1).
  const value = reader.typed('B', (token) => token !== '0');
  reader.end();
  return { kind: 'controlReply', method, id, value };
}

/**
 * The error of an `FST`/`FUS` reply: the Java reader accepts any `E…` tag there and uses its
 * message (§5.3). A known tag is read with its full layout; an unknown one counts as `E`, and
 * only its message (if any) is read.
 */
function readControlError(reader: TokenReader, encoding: StringEncoding): ErrorReply {
  if (ERROR_TAGS.has(reader.peek() as string)) return readErrorTokens(reader, encoding);
  reader.raw();
  return { tag: 'E', message: reader.done ? null : reader.untypedString(encoding) };
}

/** Reads `E…|<message>[|code|clientMessage[|sessionId]]` (§2.7); tokens after the tag are untyped. */
export function readErrorTokens(reader: TokenReader, encoding: StringEncoding): ErrorReply {
  const tag = reader.raw();
  if (!ERROR_TAGS.has(tag)) reader.fail(`Unknown exception type '${tag}'`);
  const error: ErrorReply = { tag: tag as ErrorTag, message: readUntyped(reader, encoding) };
  if (tag === 'EC' || tag === 'EX') {
    // A plain decimal integer (§2.7): Number() would also take "", " 1", "0x10" or "1e3".
    const code = reader.raw();
    if (!/^-?\d+$/.test(code)) reader.fail(`Bad client code "${code}"`);
    error.clientCode = Number(code);
    error.clientMessage = readUntyped(reader, encoding);
    if (tag === 'EX') error.conflictingSessionId = readUntyped(reader, encoding);
  }
  reader.end();
  return error;
}

function readUntyped(reader: TokenReader, encoding: StringEncoding): string | null {
  return reader.untypedString(encoding);
}

function decodeDevice(reader: TokenReader, encoding: StringEncoding): MpnDevice {
  return {
    platform: reader.typed('P', decodePlatform),
    applicationId: reader.string(encoding),
    deviceToken: reader.string(encoding),
  };
}

function decodeMetadataRequest(
  method: string,
  id: string,
  r: TokenReader,
  dialect: Dialect,
  enc: StringEncoding,
  line: string,
): MetadataRequest {
  const base = { kind: 'request' as const, id };
  switch (method) {
    case 'NUS':
    case 'NUA': {
      const user = r.string(enc);
      const password = r.string(enc);
      const clientPrincipal = method === 'NUA' ? r.string(enc) : null;
      return { ...base, method, user, password, clientPrincipal, headers: r.pairsToEnd(enc) };
    }
    case 'GIS': {
      const msg = {
        ...base,
        method,
        user: r.string(enc),
        group: r.string(enc),
        sessionId: r.string(enc),
      };
      r.end();
      return msg;
    }
    case 'GSC': {
      const user = r.string(enc);
      const group = r.string(enc);
      const schema = r.string(enc);
      const sessionId = r.string(enc);
      r.end();
      return { ...base, method, user, group, schema, sessionId };
    }
    case 'GIT':
      return { ...base, method, items: r.stringsToEnd(enc) };
    case 'GUI':
      return { ...base, method, user: r.string(enc), items: r.stringsToEnd(enc) };
    case 'NUM': {
      const msg = {
        ...base,
        method,
        user: r.string(enc),
        sessionId: r.string(enc),
        message: r.string(enc),
      };
      r.end();
      return msg;
    }
    case 'NNS':
      return {
        ...base,
        method,
        user: r.string(enc),
        sessionId: r.string(enc),
        context: r.pairsToEnd(enc),
      };
    case 'NSC': {
      const msg = { ...base, method, sessionId: r.string(enc) };
      r.end();
      return msg;
    }
    case 'NNT': {
      const user = r.string(enc);
      const sessionId = r.string(enc);
      return {
        ...base,
        method,
        user,
        sessionId,
        tables: readTablesToEnd(r, 'NNT', dialect.v190, enc),
      };
    }
    case 'NTC': {
      const sessionId = r.string(enc);
      return { ...base, method, sessionId, tables: readTablesToEnd(r, 'NTC', dialect.v190, enc) };
    }
    case 'MDA': {
      const msg = {
        ...base,
        method,
        user: r.string(enc),
        sessionId: r.string(enc),
        device: decodeDevice(r, enc),
      };
      r.end();
      return msg;
    }
    case 'MSA': {
      const user = r.string(enc);
      const sessionId = r.string(enc);
      const table = readTable(r, 'MSA', dialect.v190, enc);
      const device = decodeDevice(r, enc);
      const trigger = r.string(enc);
      const notificationFormat = r.string(enc);
      r.end();
      return { ...base, method, user, sessionId, table, device, trigger, notificationFormat };
    }
    case 'MDC': {
      const user = r.string(enc);
      const sessionId = r.string(enc);
      const device = decodeDevice(r, enc);
      const newDeviceToken = r.string(enc);
      r.end();
      return { ...base, method, user, sessionId, device, newDeviceToken };
    }
    default:
      throw new ProtocolError(`Unknown method "${method}"`, line);
  }
}
