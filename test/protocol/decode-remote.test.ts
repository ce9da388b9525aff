/**
 * Decoding what a Remote writes (the simulator's side): the 1.8.x `Y` byte values Python 1.3.1
 * still emits, and the error-reply rules that stay strict there.
 */
import { describe, expect, it } from 'vitest';
import { decodeRemoteLine, dialectOf, ProtocolError } from '../../src/protocol/index.js';

const v183 = dialectOf('1.8.3');
const v191 = dialectOf('1.9.1');

describe('UD3 values as Y|<base64> (1.8.x only, §2.1)', () => {
  it('reads the UTF-8 text of the bytes, next to ordinary S values', () => {
    const line =
      '1700|UD3|S|item1|S|ID1|B|0|S|f1|Y|4oKsIGE=|S|f2|S|a+b|S|f3|Y|#|S|f4|Y|$|S|f5|Y|aGk=';
    expect(decodeRemoteLine(line, v183)).toEqual({
      kind: 'notification',
      method: 'UD3',
      id: '1700',
      item: 'item1',
      subscriptionId: 'ID1',
      isSnapshot: false,
      fields: [
        ['f1', '€ a'],
        ['f2', 'a b'],
        ['f3', null],
        ['f4', ''],
        ['f5', 'hi'],
      ],
    });
  });

  it('is refused at 1.9.x, where Y no longer exists', () => {
    expect(() => decodeRemoteLine('1700|UD3|S|item1|S|ID1|B|0|S|f1|Y|aGk=', v191)).toThrow(
      ProtocolError,
    );
  });

  it.each(['a', 'aGk', 'a%3D', 'aG=k', 'aGk=='])('refuses the bad base64 %j', (token) => {
    expect(() => decodeRemoteLine(`1700|UD3|S|i|S|ID1|B|0|S|f|Y|${token}`, v183)).toThrow(
      /Bad base64/,
    );
  });

  it('keeps a Y field name an error: only values may be bytes', () => {
    expect(() => decodeRemoteLine('1700|UD3|S|i|S|ID1|B|0|Y|aGk=|S|v', v183)).toThrow(
      ProtocolError,
    );
  });
});

describe('error replies of the Remote', () => {
  it('still refuse an unknown E… tag (only FST/FUS replies from the Proxy are lenient)', () => {
    expect(() => decodeRemoteLine('ID1|SUB|EZ|x', v191)).toThrow(/Unknown exception type/);
  });

  it('read the credits client code as a plain decimal integer', () => {
    expect(decodeRemoteLine('ID1|NUS|EC|No|-5|#', v191)).toMatchObject({
      error: { tag: 'EC', message: 'No', clientCode: -5, clientMessage: null },
    });
    for (const code of ['1e1', '0x1', '-', '4.0']) {
      expect(() => decodeRemoteLine(`ID1|NUS|EC|No|${code}|#`, v191)).toThrow(/Bad client code/);
    }
  });
});
