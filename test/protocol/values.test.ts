/** PROTOCOL.md §8.1 vectors V05–V06 and the field-value rule of SPEC §3. */
import { describe, expect, it } from 'vitest';
import type { DiffAlgorithm, Mode } from '../../src/protocol/index.js';
import {
  decodeDiffAlgorithms,
  decodeModes,
  encodeBoolean,
  encodeDiffAlgorithms,
  encodeDouble,
  encodeModes,
  fieldValueText,
  ProtocolError,
} from '../../src/protocol/index.js';

describe('V05 diff-algorithm lists', () => {
  const cases: Array<[DiffAlgorithm[] | null, string]> = [
    [['JSONPATCH'], 'J'],
    [null, '#'],
    [[], '$'],
    [['JSONPATCH', 'DIFF_MATCH_PATCH'], 'JM'],
  ];
  it.each(cases)('%j → %s', (input, expected) => {
    expect(encodeDiffAlgorithms(input)).toBe(expected);
    expect(decodeDiffAlgorithms(expected)).toEqual(input);
  });
  it('refuses an unknown algorithm name (canonical: Java throws)', () => {
    expect(() => encodeDiffAlgorithms(['NONEXISTENT' as DiffAlgorithm, 'JSONPATCH'])).toThrow(
      /Unknown diff algorithm "NONEXISTENT"/,
    );
  });
});

describe('V06 modes and numbers', () => {
  const modes: Array<[Mode[], string]> = [
    [['RAW', 'MERGE'], 'RM'],
    [['DISTINCT'], 'D'],
    [['COMMAND', 'DISTINCT', 'MERGE', 'RAW'], 'RMDC'],
    [['MERGE'], 'M'],
    [[], '$'],
  ];
  it.each(modes)('%j → %s', (input, expected) => {
    expect(encodeModes(input)).toBe(expected);
  });
  it('decodes mode sets', () => {
    expect(decodeModes('RMDC')).toEqual(['RAW', 'MERGE', 'DISTINCT', 'COMMAND']);
    expect(decodeModes('$')).toEqual([]);
    expect(() => decodeModes('X')).toThrow(ProtocolError);
  });
  it.each([
    [0.5, '0.5'],
    [0, '0'],
    [3, '3'],
    [2.25, '2.25'],
    [12.34, '12.34'],
  ])('double %d → %s', (n, s) => {
    expect(encodeDouble(n)).toBe(s);
  });
  it('never writes NaN or Infinity', () => {
    expect(() => encodeDouble(Number.NaN)).toThrow(ProtocolError);
    expect(() => encodeDouble(Number.POSITIVE_INFINITY)).toThrow(ProtocolError);
  });
  it('booleans', () => {
    expect(encodeBoolean(true)).toBe('1');
    expect(encodeBoolean(false)).toBe('0');
  });
});

describe('field values (SPEC §3)', () => {
  it.each([
    ['text', 'text'],
    [42, '42'],
    [-0.5, '-0.5'],
    [1e21, '1e+21'],
    [true, 'true'],
    [false, 'false'],
    [null, null],
    [undefined, undefined],
    [Buffer.from('bytes €'), 'bytes €'],
    [new TextEncoder().encode('u8 𩥪'), 'u8 𩥪'],
  ])('%j → %j', (value, expected) => {
    expect(fieldValueText(value)).toBe(expected);
  });
});
