/** PROTOCOL.md §8.1 vectors V01–V04, literal expectations. */
import { describe, expect, it } from 'vitest';
import {
  decodeOld,
  decodeSmart,
  encodeOld,
  encodeSmart,
  escapeSmartSpecials,
  ProtocolError,
} from '../../src/protocol/index.js';

const V01: Array<[string | null, string]> = [
  [null, '#'],
  ['', '$'],
  ['#', '%23'],
  ['$', '%24'],
  ['field_$', 'field_$'],
  ['field_\r', 'field_%0D'],
  ['field_+', 'field_%2B'],
  ['field_|', 'field_%7C'],
  ['value𩥪', 'value𩥪'],
  ['valueȬ', 'valueȬ'],
  ['value€', 'value€'],
  ['A string', 'A string'],
  ['{ val: 1 }', '{ val: 1 }'],
  ['50%', '50%25'],
  ['a\nb', 'a%0Ab'],
  ['#x', '#x'],
];

const V02: Array<[string | null, string]> = [
  ['Node.js Adapter SDK', 'Node.js+Adapter+SDK'],
  ['my_user_\r', 'my_user_%0D'],
  ['my_password_𩥪', 'my_password_%F0%A9%A5%AA'],
  ['extra $', 'extra+%24'],
  ['#', '%23'],
  ['extra +', 'extra+%2B'],
  ['Ȭ', '%C8%AC'],
  ['extra |', 'extra+%7C'],
  ['€', '%E2%82%AC'],
  ['An exception', 'An+exception'],
  ['Unsupported protocol version', 'Unsupported+protocol+version'],
  [
    'Incompatible Proxy Adapter for protocol version: 1.9.0',
    'Incompatible+Proxy+Adapter+for+protocol+version%3A+1.9.0',
  ],
  [null, '#'],
  ['', '$'],
];

const V03: Array<[string, string | null]> = [
  ['P1+%0D', 'P1 \r'],
  ['V1+%F0%A9%A5%AA', 'V1 𩥪'],
  ['P2+%24', 'P2 $'],
  ['%23', '#'],
  ['P3+%2B', 'P3 +'],
  ['V3+%C8%AC', 'V3 Ȭ'],
  ['P4+%7C', 'P4 |'],
  ['V4+%E2%82%AC', 'V4 €'],
  ['keepalive+timeout', 'keepalive timeout'],
  ['#', null],
  ['$', ''],
  ['%7c', '|'],
];

const V04: Array<[string, string | null]> = [
  ['header %0D', 'header \r'],
  ['value 𩥪', 'value 𩥪'],
  ['header $', 'header $'],
  ['%23', '#'],
  ['header %2B', 'header +'],
  ['header %7C', 'header |'],
  ['value €', 'value €'],
  ['#', null],
  ['$', ''],
  ['a+b', 'a+b'],
  ['%e2%82%ac', '€'],
  [
    '%7B%22aps%22%3A%7B%22alert%22%3A%22%24%7Bmessage%7D%22%2C%22badge%22%3A%22AUTO%22%7D%2C%22acme2%22%3A%5B%22%24%7Btag1%7D%22%2C%22%24%7Btag2%7D%22%5D%7D',
    '{"aps":{"alert":"${message}","badge":"AUTO"},"acme2":["${tag1}","${tag2}"]}',
  ],
  [
    '%7B%22priority%22%3A%22NORMAL%22%2C%22notification%22%3A%7B%22icon%22%3A%22my_icon%22%2C%22body%22%3A%22my_body%22%2C%22title%22%3A%22my_title%22%7D%7D',
    '{"priority":"NORMAL","notification":{"icon":"my_icon","body":"my_body","title":"my_title"}}',
  ],
];

describe('V01 smart encode', () => {
  it.each(V01)('%j → %s', (input, expected) => {
    expect(encodeSmart(input)).toBe(expected);
  });

  const long = 'x'.repeat(60);
  it.each([
    [long, long],
    [`${long}|`, `${long}%7C`],
    [`%${long}`, `%25${long}`],
    [`${long}+€\r\n`, `${long}%2B€%0D%0A`],
    ['a|b'.repeat(30), 'a%7Cb'.repeat(30)],
  ])('long text (the scan differs past 47 characters): %j', (input, expected) => {
    expect(escapeSmartSpecials(input)).toBe(expected);
    expect(encodeSmart(input)).toBe(expected);
  });

  it('escapeSmartSpecials has no whole-token rules', () => {
    expect(escapeSmartSpecials('#')).toBe('#');
    expect(escapeSmartSpecials('$')).toBe('$');
    expect(escapeSmartSpecials('')).toBe('');
    expect(escapeSmartSpecials('€|')).toBe('€%7C');
  });
});

describe('V02 old encode', () => {
  it.each(V02)('%j → %s', (input, expected) => {
    expect(encodeOld(input)).toBe(expected);
  });
  it('replaces a lone surrogate instead of throwing', () => {
    expect(encodeOld('a\uD800b')).toBe('a%EF%BF%BDb');
  });
});

describe('V03 old decode', () => {
  it.each(V03)('%s → %j', (input, expected) => {
    expect(decodeOld(input)).toBe(expected);
  });
});

describe('V04 smart decode', () => {
  it.each(V04)('%s → %j', (input, expected) => {
    expect(decodeSmart(input)).toBe(expected);
  });
});

describe('bad escapes', () => {
  it.each(['%', '%4', '%G1', 'abc%zz'])('%s is a ProtocolError in both decoders', (token) => {
    expect(() => decodeSmart(token)).toThrow(ProtocolError);
    expect(() => decodeOld(token)).toThrow(ProtocolError);
  });
  it('invalid UTF-8 byte runs decode to U+FFFD rather than failing', () => {
    expect(decodeSmart('a%FFb')).toBe('a\uFFFDb');
  });
});
