/**
 * Typed values ↔ tagged tokens (PROTOCOL.md §2.1, §2.6): booleans, numbers, modes, diff algorithms,
 * MPN platforms, and the JavaScript-value → field-text rule of SPEC §3.
 */
import { ProtocolError } from './errors.js';

/** A Lightstreamer subscription mode. */
export type Mode = 'RAW' | 'MERGE' | 'DISTINCT' | 'COMMAND';
/** All modes, in the order the wire lists them (`RMDC`). */
export const MODES: readonly Mode[] = ['RAW', 'MERGE', 'DISTINCT', 'COMMAND'];

const MODE_LETTERS: Record<Mode, string> = { RAW: 'R', MERGE: 'M', DISTINCT: 'D', COMMAND: 'C' };
const LETTER_MODES: Record<string, Mode> = { R: 'RAW', M: 'MERGE', D: 'DISTINCT', C: 'COMMAND' };

/** A "diff" algorithm a field may be delivered with (1.9.0+). */
export type DiffAlgorithm = 'JSONPATCH' | 'DIFF_MATCH_PATCH';
const ALGORITHM_LETTERS: Record<DiffAlgorithm, string> = { JSONPATCH: 'J', DIFF_MATCH_PATCH: 'M' };
const LETTER_ALGORITHMS: Record<string, DiffAlgorithm> = { J: 'JSONPATCH', M: 'DIFF_MATCH_PATCH' };

/** An MPN platform (`P` type). */
export type MpnPlatform = 'Apple' | 'Google';
const PLATFORM_LETTERS: Record<MpnPlatform, string> = { Apple: 'A', Google: 'G' };
const LETTER_PLATFORMS: Record<string, MpnPlatform> = { A: 'Apple', G: 'Google' };

/** Encodes a boolean as `1`/`0`. */
export function encodeBoolean(value: boolean): string {
  return value ? '1' : '0';
}

/** Decodes a boolean token; like Java, anything but `0` is true, but it must be present. */
export function decodeBoolean(token: string): boolean {
  if (token === '0') return false;
  if (token === '1') return true;
  throw new ProtocolError(`Bad boolean "${token}"`);
}

/** Encodes a 32/64-bit integer in plain decimal. */
export function encodeInteger(value: number): string {
  if (!Number.isSafeInteger(value)) {
    throw new ProtocolError(`Not an integer: ${value}`);
  }
  return String(value);
}

/** Decodes an integer token; `#` → null. */
export function decodeInteger(token: string): number | null {
  if (token === '#') return null;
  if (!/^-?\d+$/.test(token)) throw new ProtocolError(`Bad integer "${token}"`);
  return Number(token);
}

/** Encodes a finite double as JavaScript's `String(n)` (canonical §2.6). */
export function encodeDouble(value: number): string {
  if (!Number.isFinite(value)) throw new ProtocolError(`Not a finite number: ${value}`);
  return String(value);
}

/** Decodes a double token (`#` → null). */
export function decodeDouble(token: string): number | null {
  if (token === '#') return null;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(token)) {
    throw new ProtocolError(`Bad number "${token}"`);
  }
  return Number(token);
}

/** Encodes a set of modes in `RMDC` order; the empty set is `$`. */
export function encodeModes(modes: Iterable<Mode>): string {
  const set = new Set(modes);
  let out = '';
  for (const mode of MODES) if (set.has(mode)) out += MODE_LETTERS[mode];
  return out === '' ? '$' : out;
}

/** Decodes a mode-set token (`$` → [], `#` → null). */
export function decodeModes(token: string): Mode[] | null {
  if (token === '#') return null;
  if (token === '$') return [];
  const out: Mode[] = [];
  for (const letter of token) {
    const mode = LETTER_MODES[letter];
    if (mode === undefined) throw new ProtocolError(`Bad mode "${token}"`);
    out.push(mode);
  }
  return out;
}

/** Decodes a single-mode token of a table info (`#` → null). */
export function decodeMode(token: string): Mode | null {
  if (token === '#') return null;
  const mode = LETTER_MODES[token];
  if (mode === undefined) throw new ProtocolError(`Bad mode "${token}"`);
  return mode;
}

/** Encodes a single mode letter. */
export function encodeMode(mode: Mode | null): string {
  return mode === null ? '#' : MODE_LETTERS[mode];
}

/** Is `name` a known diff algorithm? */
export function isDiffAlgorithm(name: unknown): name is DiffAlgorithm {
  return name === 'JSONPATCH' || name === 'DIFF_MATCH_PATCH';
}

/** Encodes an algorithm list: `null` → `#`, `[]` → `$`; an unknown name throws. */
export function encodeDiffAlgorithms(algorithms: readonly DiffAlgorithm[] | null): string {
  if (algorithms === null) return '#';
  if (algorithms.length === 0) return '$';
  let out = '';
  for (const algorithm of algorithms) {
    const letter = ALGORITHM_LETTERS[algorithm];
    if (letter === undefined) {
      throw new ProtocolError(
        `Unknown diff algorithm "${String(algorithm)}": use "JSONPATCH" or "DIFF_MATCH_PATCH"`,
      );
    }
    out += letter;
  }
  return out;
}

/** Decodes an algorithm list token. */
export function decodeDiffAlgorithms(token: string): DiffAlgorithm[] | null {
  if (token === '#') return null;
  if (token === '$') return [];
  const out: DiffAlgorithm[] = [];
  for (const letter of token) {
    const algorithm = LETTER_ALGORITHMS[letter];
    if (algorithm === undefined) throw new ProtocolError(`Bad diff algorithm list "${token}"`);
    out.push(algorithm);
  }
  return out;
}

/** Encodes an MPN platform (`#` for null). */
export function encodePlatform(platform: MpnPlatform | null): string {
  return platform === null ? '#' : PLATFORM_LETTERS[platform];
}

/** Decodes an MPN platform token. */
export function decodePlatform(token: string): MpnPlatform | null {
  if (token === '#') return null;
  const platform = LETTER_PLATFORMS[token];
  if (platform === undefined) throw new ProtocolError(`Bad MPN platform "${token}"`);
  return platform;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes a `Y` (bytes, base64; 1.8.x only, §2.1) value token to the UTF-8 text of its bytes;
 * `#` → null, `$` → "".
 */
export function decodeBase64Text(token: string): string | null {
  if (token === '#') return null;
  if (token === '$') return '';
  if (!BASE64.test(token)) throw new ProtocolError(`Bad base64 "${token.slice(0, 80)}"`);
  return Buffer.from(token, 'base64').toString('utf8');
}

/** A value a Data Adapter may give for a field (SPEC §3). */
export type FieldValue = string | number | boolean | null | Uint8Array | undefined;

/**
 * The text a field value is written as (SPEC §3): strings as is, numbers as `String(n)`, booleans
 * `true`/`false`, bytes as their UTF-8 text, `null` as null; `undefined` means "omit the field".
 */
export function fieldValueText(value: unknown): string | null | undefined {
  if (typeof value === 'string') return value;
  if (value === null) return null;
  if (value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  }
  return String(value);
}
