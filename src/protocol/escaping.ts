/**
 * String encodings of ARI values (PROTOCOL.md §2.2–§2.4).
 *
 * - smart (1.9.0+): only `|` `%` `+` CR LF are percent-encoded; everything else stays raw.
 * - old (backward-compatible, URL-form style): `encodeURIComponent`, then `%20` → `+`.
 * Both map `null` → `#` and `""` → `$`; a whole-token `#`/`$` string is escaped.
 */
import { ProtocolError } from './errors.js';

/** Which string encoding a field uses. */
export type StringEncoding = 'smart' | 'old';

/** The null marker token. */
export const NULL_TOKEN = '#';
/** The empty-string marker token. */
export const EMPTY_TOKEN = '$';

const SMART_SPECIALS = /[|%+\r\n]/;
const SMART_SPECIALS_GLOBAL = /[|%+\r\n]/g;
const SMART_REPLACEMENTS: Record<string, string> = {
  '|': '%7C',
  '%': '%25',
  '+': '%2B',
  '\r': '%0D',
  '\n': '%0A',
};

/**
 * The ASCII characters smart encoding escapes (§2.3), by char code: 1 for `|` `%` `+` CR LF,
 * 0 for every other code below 128. Shared with the byte encoder of updates.
 */
export const SMART_ESCAPED: Readonly<Uint8Array> = (() => {
  const table = new Uint8Array(128);
  for (const ch of Object.keys(SMART_REPLACEMENTS)) table[ch.charCodeAt(0)] = 1;
  return table;
})();

function replaceSmartSpecial(ch: string): string {
  return SMART_REPLACEMENTS[ch] as string;
}

/** From this length on the regex scan is faster than the char-code loop (measured). */
const LONG_TEXT = 48;

/** Whether `value` holds a character smart encoding escapes; for short values a char-code loop beats a regex. */
function hasSmartSpecial(value: string): boolean {
  if (value.length >= LONG_TEXT) return SMART_SPECIALS.test(value);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 128 && SMART_ESCAPED[code] === 1) return true;
  }
  return false;
}

/**
 * Escapes `|` `%` `+` CR LF as `%XX` and leaves everything else raw, without the whole-token
 * `#`/`$`/null/"" rules of {@link encodeSmart} (for a part of a token).
 */
export function escapeSmartSpecials(value: string): string {
  return hasSmartSpecial(value) ? value.replace(SMART_SPECIALS_GLOBAL, replaceSmartSpecial) : value;
}

/** Smart-encodes a string (§2.3). Upper-case hex, nothing else escaped. */
export function encodeSmart(value: string | null): string {
  if (value === null) return NULL_TOKEN;
  if (value.length <= 1) {
    if (value === '') return EMPTY_TOKEN;
    if (value === '#') return '%23';
    if (value === '$') return '%24';
  }
  // Fast path: most values (prices, names) need no escaping at all.
  if (!hasSmartSpecial(value)) return value;
  return value.replace(SMART_SPECIALS_GLOBAL, replaceSmartSpecial);
}

/** Old-encodes a string (§2.4): `encodeURIComponent`, with `+` for spaces. */
export function encodeOld(value: string | null): string {
  if (value === null) return NULL_TOKEN;
  if (value === '') return EMPTY_TOKEN;
  // encodeURIComponent throws on lone surrogates; send U+FFFD as a UTF-8 writer would.
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return encodeURIComponent(wellFormed).replace(/%20/g, '+');
}

/** Encodes with the given encoding. */
export function encodeString(value: string | null, encoding: StringEncoding): string {
  return encoding === 'smart' ? encodeSmart(value) : encodeOld(value);
}

const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** Smart-decodes a token (§2.3): `#` → null, `$` → "", `%XX` (either case) → bytes; a raw `+` stays `+`. */
export function decodeSmart(token: string): string | null {
  if (token === NULL_TOKEN) return null;
  if (token === EMPTY_TOKEN) return '';
  if (!token.includes('%')) return token;
  return percentDecode(token);
}

/** Old-decodes a token (§2.4): `+` → space, then percent-decoding. */
export function decodeOld(token: string): string | null {
  if (token === NULL_TOKEN) return null;
  if (token === EMPTY_TOKEN) return '';
  const spaced = token.includes('+') ? token.replace(/\+/g, ' ') : token;
  if (!spaced.includes('%')) return spaced;
  return percentDecode(spaced);
}

/** Decodes with the given encoding. */
export function decodeString(token: string, encoding: StringEncoding): string | null {
  return encoding === 'smart' ? decodeSmart(token) : decodeOld(token);
}

function percentDecode(text: string): string {
  if (BAD_ESCAPE.test(text)) {
    throw new ProtocolError(`Bad percent escape in token "${text.slice(0, 80)}"`);
  }
  try {
    return decodeURIComponent(text);
  } catch {
    return lenientPercentDecode(text);
  }
}

/** Decodes `%XX` runs as UTF-8, replacing invalid sequences with U+FFFD instead of failing. */
function lenientPercentDecode(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) !== 0x25 /* % */) {
      const next = text.indexOf('%', i);
      const end = next === -1 ? text.length : next;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const bytes: number[] = [];
    while (i < text.length && text.charCodeAt(i) === 0x25) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    }
    out += Buffer.from(bytes).toString('utf8');
  }
  return out;
}
