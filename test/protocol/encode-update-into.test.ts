/**
 * The byte encoder of `UD3` lines: the literal lines of PROTOCOL.md §8 (V26, V27, V36, V38) byte
 * for byte, the SPEC §3 value rules, and properties against the string encoder (`encodeUpdate`,
 * an independent implementation) in both encodings, with buffers of every size up to the line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeUpdate,
  encodeUpdateHead,
  encodeUpdateInto,
  encodeUpdateWithHeadInto,
  NO_ROOM,
  type StringEncoding,
} from '../../src/protocol/index.js';

const TS = '1700000000000';

interface Update {
  item: string;
  subscriptionId: string;
  isSnapshot: boolean;
  fields: Record<string, unknown>;
}

function crlf(line: string): Buffer {
  return Buffer.from(`${line}\r\n`, 'utf8');
}

/** Encodes into a buffer of exactly `size` bytes from `pos`; the bytes written, or null for "no room". */
function encodeWith(
  u: Update,
  encoding: StringEncoding,
  size: number,
  pos = 0,
  head = false,
): Buffer | null {
  const buf = Buffer.alloc(size, 0xee);
  const end = head
    ? encodeUpdateWithHeadInto(
        buf,
        pos,
        Buffer.from(TS),
        encodeUpdateHead(u.item, u.subscriptionId),
        u.isSnapshot,
        u.fields,
      )
    : encodeUpdateInto(buf, pos, TS, u.item, u.subscriptionId, u.isSnapshot, u.fields, encoding);
  if (end === NO_ROOM) return null;
  expect(buf.subarray(0, pos).every((byte) => byte === 0xee)).toBe(true);
  return buf.subarray(pos, end);
}

const vectors: Array<[string, Update, StringEncoding, string]> = [
  [
    'V26 special values',
    {
      item: 'AnItemName',
      subscriptionId: 'FAKEID',
      isSnapshot: true,
      fields: { field1: 'A string', field2: '', field3: null },
    },
    'smart',
    `${TS}|UD3|S|AnItemName|S|FAKEID|B|1|S|field1|S|A string|S|field2|S|$|S|field3|S|#`,
  ],
  [
    'V27 smart-encoded names and values',
    {
      item: 'AnItemName',
      subscriptionId: 'FAKEID',
      isSnapshot: true,
      fields: {
        field1: 'A string',
        'field_\r': 'value𩥪',
        field_$: '#',
        'field_+': 'valueȬ',
        'field_|': 'value€',
      },
    },
    'smart',
    `${TS}|UD3|S|AnItemName|S|FAKEID|B|1|S|field1|S|A string|S|field_%0D|S|value𩥪|S|field_$|S|%23|S|field_%2B|S|valueȬ|S|field_%7C|S|value€`,
  ],
  [
    'V36 Server 7.4 transcript',
    {
      item: 'greetings',
      subscriptionId: '2000001853f9ac178',
      isSnapshot: false,
      fields: { timestamp: 'Now is the time', message: 'Hello socket world!' },
    },
    'smart',
    `${TS}|UD3|S|greetings|S|2000001853f9ac178|B|0|S|timestamp|S|Now is the time|S|message|S|Hello socket world!`,
  ],
  [
    'V38 1.8.3, a long value',
    {
      item: 'item1',
      subscriptionId: '10000010c3e4d0462',
      isSnapshot: false,
      fields: { field1: 'a long value' },
    },
    'old',
    `${TS}|UD3|S|item1|S|10000010c3e4d0462|B|0|S|field1|S|a+long+value`,
  ],
  [
    'V38 1.8.3, a symbol to encode',
    {
      item: 'item1',
      subscriptionId: '10000010c3e4d0462',
      isSnapshot: false,
      fields: { field1: 'A symbol to encode ©' },
    },
    'old',
    `${TS}|UD3|S|item1|S|10000010c3e4d0462|B|0|S|field1|S|A+symbol+to+encode+%C2%A9`,
  ],
  [
    'V38 1.8.3, two fields',
    {
      item: 'item1',
      subscriptionId: '10000010c3e4d0462',
      isSnapshot: false,
      fields: { field1: 'value1', field2: 'value2' },
    },
    'old',
    `${TS}|UD3|S|item1|S|10000010c3e4d0462|B|0|S|field1|S|value1|S|field2|S|value2`,
  ],
  [
    'V38 1.8.3, no field',
    { item: 'item1', subscriptionId: '10000010c3e4d0462', isSnapshot: false, fields: {} },
    'old',
    `${TS}|UD3|S|item1|S|10000010c3e4d0462|B|0`,
  ],
];

describe('encodeUpdateInto vectors', () => {
  it.each(vectors)('%s', (_name, update, encoding, line) => {
    const expected = crlf(line);
    expect(encodeWith(update, encoding, 4096)).toEqual(expected);
    expect(encodeWith(update, encoding, expected.length + 7, 7)).toEqual(expected);
    if (encoding === 'smart') expect(encodeWith(update, encoding, 4096, 3, true)).toEqual(expected);
  });

  it('writes values as SPEC §3 says: numbers, booleans, bytes as UTF-8 text, null; omits undefined', () => {
    const update = {
      item: 'i',
      subscriptionId: 'S1',
      isSnapshot: false,
      fields: {
        a: 12.4,
        b: true,
        c: 0,
        d: null,
        e: undefined,
        f: new Uint8Array([0xe2, 0x82, 0xac, 0x7c]),
        g: false,
        h: -0.5,
        i: Buffer.from('€'),
      },
    };
    expect(encodeWith(update, 'smart', 4096)?.toString('utf8')).toBe(
      `${TS}|UD3|S|i|S|S1|B|0|S|a|S|12.4|S|b|S|true|S|c|S|0|S|d|S|#|S|f|S|€%7C|S|g|S|false|S|h|S|-0.5|S|i|S|€\r\n`,
    );
    expect(encodeWith(update, 'old', 4096)?.toString('utf8')).toBe(
      `${TS}|UD3|S|i|S|S1|B|0|S|a|S|12.4|S|b|S|true|S|c|S|0|S|d|S|#|S|f|S|%E2%82%AC%7C|S|g|S|false|S|h|S|-0.5|S|i|S|%E2%82%AC\r\n`,
    );
  });

  it('copies long plain values natively and still escapes long values that need it', () => {
    const plain = 'x'.repeat(200);
    const update = {
      item: 'i'.repeat(60),
      subscriptionId: 'S1',
      isSnapshot: false,
      fields: { a: plain, b: `${'y'.repeat(60)}|€\n`, ['n'.repeat(50)]: `€${'z'.repeat(60)}+` },
    };
    expect(encodeWith(update, 'smart', 4096)?.toString('utf8')).toBe(
      `${TS}|UD3|S|${'i'.repeat(60)}|S|S1|B|0|S|a|S|${plain}|S|b|S|${'y'.repeat(60)}%7C€%0A` +
        `|S|${'n'.repeat(50)}|S|€${'z'.repeat(60)}%2B\r\n`,
    );
  });

  it('answers "no room" for every buffer shorter than the line, and fits exactly', () => {
    const [, update, , line] = vectors[1] as (typeof vectors)[number];
    const expected = crlf(line);
    for (let size = 0; size < expected.length; size++) {
      expect(encodeWith(update, 'smart', size)).toBeNull();
      expect(encodeWith(update, 'smart', size, 0, true)).toBeNull();
    }
    expect(encodeWith(update, 'smart', expected.length)).toEqual(expected);
  });
});

/** Text biased towards what the encodings treat specially, including lone surrogates. */
const tricky = fc.constantFrom(
  '|',
  '%',
  '+',
  '\r',
  '\n',
  '#',
  '$',
  ' ',
  '𩥪',
  '€',
  'Ȭ',
  '\uD800',
  '\uDFFF',
  '\uD83D',
  'a',
  '',
);
const text = fc.oneof(
  fc.array(tricky, { maxLength: 10 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc
    .tuple(fc.string({ unit: 'binary-ascii', minLength: 40, maxLength: 90 }), tricky)
    .map(([a, b]) => a + b),
);
const value = fc.oneof(
  text,
  text,
  fc.constant(null),
  fc.constant(undefined),
  fc.double({ noNaN: false }),
  fc.integer(),
  fc.boolean(),
  text.map((t) => new Uint8Array(Buffer.from(t, 'utf8'))),
  fc.uint8Array({ maxLength: 12 }),
);
const update = fc.record({
  item: text,
  subscriptionId: fc.stringMatching(/^[0-9a-fA-Z]{1,20}$/),
  isSnapshot: fc.boolean(),
  fields: fc.dictionary(text, value, { maxKeys: 6 }),
});

describe('encodeUpdateInto properties', () => {
  it.each(['smart', 'old'] as const)(
    '%s: the bytes of Buffer.from(encodeUpdate(…) + CR LF), or "no room" when the buffer is short',
    (encoding) => {
      fc.assert(
        fc.property(update, fc.nat(8), (u, pos) => {
          const line = encodeUpdate(TS, u.item, u.subscriptionId, u.isSnapshot, u.fields, encoding);
          const expected = crlf(line);
          expect(encodeWith(u, encoding, pos + expected.length, pos)).toEqual(expected);
          for (const short of [
            0,
            1,
            expected.length >> 1,
            expected.length - 2,
            expected.length - 1,
          ]) {
            expect(encodeWith(u, encoding, pos + Math.max(0, short), pos)).toBeNull();
          }
          if (encoding === 'smart') {
            expect(encodeWith(u, encoding, pos + expected.length, pos, true)).toEqual(expected);
            expect(encodeWith(u, encoding, pos + expected.length - 1, pos, true)).toBeNull();
          }
        }),
        { numRuns: 300 },
      );
    },
  );
});
