/** Property tests: encode → decode round trips, and a fuzzer that only ever sees ProtocolError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeOld,
  decodeProxyLine,
  decodeRemoteLine,
  decodeSmart,
  dialectOf,
  encodeOld,
  encodeProxyRequest,
  encodeSmart,
  encodeUpdate,
  ProtocolError,
} from '../../src/protocol/index.js';

const tricky = fc.constantFrom(
  '|',
  '%',
  '+',
  '\r',
  '\n',
  '#',
  '$',
  ' ',
  '%25',
  '𩥪',
  '€',
  'Ȭ',
  '\t',
  'a',
  '',
);
/** Strings biased towards the characters the encodings treat specially, plus any well-formed text. */
const text = fc.oneof(
  fc.array(tricky, { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ maxLength: 30 }).filter((s) => s.isWellFormed()),
);
const nullableText = fc.option(text, { nil: null });

describe('round trips', () => {
  it('smart encode → decode is the identity, and never emits a raw | CR LF or +', () => {
    fc.assert(
      fc.property(nullableText, (value) => {
        const token = encodeSmart(value);
        expect(token).not.toMatch(/[|\r\n+]/);
        expect(token).not.toBe('');
        expect(decodeSmart(token)).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('old encode → decode is the identity, and the token is pure ASCII', () => {
    fc.assert(
      fc.property(nullableText, (value) => {
        const token = encodeOld(value);
        expect(token).toMatch(/^[\x21-\x7e]+$/);
        expect(token).not.toContain('|');
        expect(decodeOld(token)).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary field maps survive UD3 encode → decode in both dialects', () => {
    const fields = fc.dictionary(
      text.filter((k) => k !== '__proto__'),
      nullableText,
      { maxKeys: 8 },
    );
    fc.assert(
      fc.property(
        text.filter((s) => s !== ''),
        fields,
        fc.boolean(),
        fc.constantFrom('1.9.1', '1.8.3'),
        (item, map, snap, version) => {
          const dialect = dialectOf(version as '1.9.1' | '1.8.3');
          const line = encodeUpdate('1', item, 'SUBID', snap, map, dialect.smart ? 'smart' : 'old');
          const msg = decodeRemoteLine(line, dialect);
          expect(msg).toMatchObject({
            kind: 'notification',
            method: 'UD3',
            item,
            subscriptionId: 'SUBID',
            isSnapshot: snap,
          });
          expect(
            msg.kind === 'notification' && msg.method === 'UD3' && Object.fromEntries(msg.fields),
          ).toEqual(map);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('SUB requests survive the proxy-side encode → remote-side decode', () => {
    fc.assert(
      fc.property(
        text.filter((s) => s !== ''),
        fc.constantFrom('1.9.1', '1.8.3'),
        (item, version) => {
          const dialect = dialectOf(version as '1.9.1' | '1.8.3');
          const line = encodeProxyRequest(
            { kind: 'request', method: 'SUB', id: 'X1', item },
            dialect,
          );
          expect(decodeProxyLine(line, dialect)).toEqual({
            kind: 'request',
            method: 'SUB',
            id: 'X1',
            item,
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

function onlyProtocolErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
}

describe('fuzz', () => {
  const tokens = fc.array(
    fc.oneof(
      fc.constantFrom(
        'S',
        'B',
        'I',
        'L',
        'D',
        'M',
        'F',
        'P',
        'V',
        'E',
        'EC',
        'EX',
        'EU',
        'Y',
        '#',
        '$',
        '0',
        '1',
        '-1',
        '1e9',
        'SUB',
        'USB',
        'DPI',
        'MPI',
        'NUS',
        'NUA',
        'GIS',
        'GSC',
        'GIT',
        'GUI',
        'NUM',
        'NNS',
        'NSC',
        'NNT',
        'NTC',
        'MDA',
        'MSA',
        'MDC',
        'CLOSE',
        'FST',
        'FUS',
        'RAC',
        'UD3',
        'EOS',
        'CLS',
        'DFD',
        'FAL',
        'KEEPALIVE',
        'RMDC',
        'JM',
        'A',
        'G',
        '%',
        '%zz',
        '%7C',
        '',
        'NaN',
      ),
      fc.string({ maxLength: 6 }),
    ),
    { minLength: 0, maxLength: 24 },
  );
  const dialects = [dialectOf('1.9.1'), dialectOf('1.8.3'), dialectOf('1.8.0')];

  it('random token lists never make a decoder throw anything but ProtocolError', () => {
    fc.assert(
      fc.property(tokens, (list) => {
        const line = list.join('|');
        for (const dialect of dialects) {
          onlyProtocolErrors(() => decodeProxyLine(line, dialect));
          onlyProtocolErrors(() => decodeRemoteLine(line, dialect));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('random bytes never make a decoder throw anything but ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const line = Buffer.from(bytes).toString('utf8');
        for (const dialect of dialects) {
          onlyProtocolErrors(() => decodeProxyLine(line, dialect));
          onlyProtocolErrors(() => decodeRemoteLine(line, dialect));
        }
      }),
      { numRuns: 5000 },
    );
  });
});
