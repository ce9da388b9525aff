/**
 * `UD3` lines encoded straight into a byte buffer (PROTOCOL.md §4.1, §2.3): the hot path of every
 * real-time update, with no intermediate line string and no `Buffer.from` of a batch.
 *
 * The bytes are exactly those of `Buffer.from(encodeUpdate(…) + '\r\n')`. Under smart encoding
 * ASCII goes through a 128-entry table (copied, or written `%XX` for `|` `%` `+` CR LF); at the
 * first non-ASCII character of a token, the rest of the token is escaped as a string and written
 * by the UTF-8 encoder, which turns lone surrogates into U+FFFD as `Buffer.from` does. The old
 * encoding (1.8.x, pure ASCII and rare) builds the string line and writes it.
 *
 * Copying a character costs a few nanoseconds, so what does not change from update to update can
 * be encoded once: {@link encodeUpdateHead} gives the bytes of a subscription's item and id, and
 * {@link encodeUpdateWithHeadInto} takes them, with the `<ts>` as bytes too.
 *
 * Every writer returns the position after what it wrote, or {@link NO_ROOM} when the buffer is
 * too small; the caller then makes room and calls again from the same position (the bytes
 * written past it meanwhile do not count).
 */
import { encodeUpdate } from './encode-remote.js';
import {
  encodeSmart,
  escapeSmartSpecials,
  SMART_ESCAPED,
  type StringEncoding,
} from './escaping.js';
import { fieldValueText } from './values.js';

/** What the encoders return when the buffer is too small for the line. */
export const NO_ROOM = -1;

// Module-local copies: a table imported from another module is read through its binding on every
// character (measured: about 20 ns per update slower).
const ESCAPED = Uint8Array.from(SMART_ESCAPED);
const HEX = Uint8Array.from('0123456789ABCDEF', (digit) => digit.charCodeAt(0));
const PIPE = 0x7c;
const PERCENT = 0x25;
const CR = 0x0d;
const LF = 0x0a;
const NULL_BYTE = 0x23; // '#' (§2.2)
const EMPTY_BYTE = 0x24; // '$'
const STRING_TAG = 0x53; // 'S'
const ZERO = 0x30;
const ONE = 0x31;
/**
 * From this length on, a native regex scan plus a native copy beat the character loop (measured:
 * even at about 35 characters, twice as fast at 160).
 */
const LONG_TEXT = 48;
/** Below this length a byte loop copies faster than `TypedArray.set`. */
const SHORT_BYTES = 16;
/** A character that smart encoding escapes, or any non-ASCII one. */
const NOT_PLAIN_ASCII = /[|%+\r\n\u0080-\uffff]/;

/**
 * Writes `<ts>|UD3|S|<item>|S|<subId>|B|<0/1>` + `|S|<field>|S|<value>` per field + CR LF into
 * `buf` from `pos`. Field values follow SPEC §3 as in `encodeUpdate` (`fieldValueText`); a field
 * whose value is `undefined` is left out. `ts` and `subscriptionId` are copied verbatim (§4.2).
 *
 * @returns the position after the CR LF, or {@link NO_ROOM} when `buf` is too small.
 */
export function encodeUpdateInto(
  buf: Buffer,
  pos: number,
  ts: string,
  item: string,
  subscriptionId: string,
  isSnapshot: boolean,
  fields: Readonly<Record<string, unknown>>,
  encoding: StringEncoding,
): number {
  if (encoding !== 'smart') {
    const line = encodeUpdate(ts, item, subscriptionId, isSnapshot, fields, encoding);
    return writeLineText(buf, pos, line);
  }
  let p = writeVerbatim(buf, pos, ts);
  if (p >= 0) p = writeVerbatim(buf, p, '|UD3');
  if (p >= 0) p = writeStringTag(buf, p);
  if (p >= 0) p = writeSmart(buf, p, item);
  if (p >= 0) p = writeStringTag(buf, p);
  if (p >= 0) p = writeVerbatim(buf, p, subscriptionId);
  if (p >= 0) p = writeVerbatim(buf, p, '|B|');
  return p < 0 ? NO_ROOM : writeSnapshotAndFields(buf, p, isSnapshot, fields);
}

/**
 * The bytes of `|UD3|S|<item>|S|<subId>|B|` under smart encoding: what every update of one
 * subscription repeats, for {@link encodeUpdateWithHeadInto}.
 */
export function encodeUpdateHead(item: string, subscriptionId: string): Buffer {
  return Buffer.from(`|UD3|S|${encodeSmart(item)}|S|${subscriptionId}|B|`, 'utf8');
}

/**
 * {@link encodeUpdateInto} under smart encoding, with `ts` (its digits) and `head` (from
 * {@link encodeUpdateHead}) already encoded.
 *
 * @returns the position after the CR LF, or {@link NO_ROOM} when `buf` is too small.
 */
export function encodeUpdateWithHeadInto(
  buf: Buffer,
  pos: number,
  ts: Uint8Array,
  head: Uint8Array,
  isSnapshot: boolean,
  fields: Readonly<Record<string, unknown>>,
): number {
  let p = writeBytes(buf, pos, ts);
  if (p >= 0) p = writeBytes(buf, p, head);
  return p < 0 ? NO_ROOM : writeSnapshotAndFields(buf, p, isSnapshot, fields);
}

/** `0`/`1`, then `|S|<field>|S|<value>` per field, then CR LF. */
function writeSnapshotAndFields(
  buf: Buffer,
  pos: number,
  isSnapshot: boolean,
  fields: Readonly<Record<string, unknown>>,
): number {
  let p = writeByte(buf, pos, isSnapshot ? ONE : ZERO);
  if (p < 0) return NO_ROOM;
  for (const name in fields) {
    const raw = fields[name];
    const text = typeof raw === 'string' ? raw : fieldValueText(raw);
    if (text === undefined) continue;
    p = writeStringTag(buf, p);
    if (p >= 0) p = writeSmart(buf, p, name);
    if (p >= 0) p = writeStringTag(buf, p);
    if (p >= 0) p = text === null ? writeByte(buf, p, NULL_BYTE) : writeSmart(buf, p, text);
    if (p < 0) return NO_ROOM;
  }
  return writeTerminator(buf, p);
}

/** Writes `line` as UTF-8 followed by CR LF. */
export function writeLineText(buf: Buffer, pos: number, line: string): number {
  const p = line.length === 0 ? pos : writeUtf8(buf, pos, line);
  return p < 0 ? NO_ROOM : writeTerminator(buf, p);
}

/** CR LF, the terminator every SDK but Node writes (PROTOCOL.md §1.3 [canonical]). */
function writeTerminator(buf: Buffer, pos: number): number {
  if (pos + 2 > buf.length) return NO_ROOM;
  buf[pos] = CR;
  buf[pos + 1] = LF;
  return pos + 2;
}

/** `|S|`: the separator and type tag before every string token. */
function writeStringTag(buf: Buffer, pos: number): number {
  if (pos + 3 > buf.length) return NO_ROOM;
  buf[pos] = PIPE;
  buf[pos + 1] = STRING_TAG;
  buf[pos + 2] = PIPE;
  return pos + 3;
}

function writeBytes(buf: Buffer, pos: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (pos + n > buf.length) return NO_ROOM;
  // A native copy has a fixed cost that only longer runs repay (measured).
  if (n >= SHORT_BYTES) buf.set(bytes, pos);
  else for (let i = 0; i < n; i++) buf[pos + i] = bytes[i] as number;
  return pos + n;
}

function writeByte(buf: Buffer, pos: number, byte: number): number {
  if (pos >= buf.length) return NO_ROOM;
  buf[pos] = byte;
  return pos + 1;
}

/** Copies `text` unencoded (ids, constants). */
function writeVerbatim(buf: Buffer, pos: number, text: string): number {
  const n = text.length;
  // UTF-8 takes at least one byte per UTF-16 unit, so this bound is necessary for any text.
  if (pos + n > buf.length) return NO_ROOM;
  let p = pos;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128) return writeUtf8(buf, p, i === 0 ? text : text.slice(i));
    buf[p++] = code;
  }
  return p;
}

/**
 * Writes one smart-encoded string token (§2.3). The common case (2 to 47 characters) goes straight
 * to the character loop; the rest is out of line, so that this stays small enough to inline.
 */
function writeSmart(buf: Buffer, pos: number, text: string): number {
  const n = text.length;
  if (n <= 1 || n >= LONG_TEXT) return writeSmartUncommon(buf, pos, text);
  return writeSmartChars(buf, pos, text);
}

/** `$` for "", `%23`/`%24` for a whole `#`/`$` (§2.2), a native copy for long plain ASCII. */
function writeSmartUncommon(buf: Buffer, pos: number, text: string): number {
  const n = text.length;
  if (n === 0) return writeByte(buf, pos, EMPTY_BYTE);
  if (text === '#') return writeVerbatim(buf, pos, '%23');
  if (text === '$') return writeVerbatim(buf, pos, '%24');
  if (n >= LONG_TEXT && !NOT_PLAIN_ASCII.test(text)) {
    return pos + n > buf.length ? NO_ROOM : pos + buf.write(text, pos, 'latin1');
  }
  return writeSmartChars(buf, pos, text);
}

/** Copies ASCII through the escape table, up to the first non-ASCII character. */
function writeSmartChars(buf: Buffer, pos: number, text: string): number {
  const n = text.length;
  const end = buf.length;
  // Invariant: the characters not yet written fit at one byte each (p + n - i <= end).
  if (pos + n > end) return NO_ROOM;
  let p = pos;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128) return writeSmartTail(buf, p, text, i);
    if (ESCAPED[code] === 0) {
      buf[p++] = code;
      continue;
    }
    if (p + 3 + (n - i - 1) > end) return NO_ROOM;
    buf[p] = PERCENT;
    buf[p + 1] = HEX[code >> 4] as number;
    buf[p + 2] = HEX[code & 15] as number;
    p += 3;
  }
  return p;
}

/** The rest of a token from its first non-ASCII character `i` (never inside a surrogate pair). */
function writeSmartTail(buf: Buffer, pos: number, text: string, i: number): number {
  return writeUtf8(buf, pos, escapeSmartSpecials(i === 0 ? text : text.slice(i)));
}

/** Writes `text` as UTF-8 (lone surrogates as U+FFFD), only when all of it fits. */
function writeUtf8(buf: Buffer, pos: number, text: string): number {
  const room = buf.length - pos;
  // At most 3 bytes per UTF-16 unit: count exactly only when that bound does not fit.
  if (room < text.length * 3 && room < Buffer.byteLength(text, 'utf8')) return NO_ROOM;
  return pos + buf.write(text, pos, 'utf8');
}
