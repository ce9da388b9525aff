/**
 * From a thrown value to the wire's exception reply (PROTOCOL.md §2.7, §5.4) and its message
 * (SPEC §3: `error.message` for an Error, `String(value)` for anything else), for any value a
 * provider may throw, hostile ones included: nothing here may throw.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  errorReplyFor,
  messageOf,
  UNREADABLE_MESSAGE,
  WIRE_TAGS,
  wireTagsOf,
} from '../../src/protocol/error-mapping.js';

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('messageOf', () => {
  it.each<[string, unknown, string]>([
    ['an Error', new Error('An exception'), 'An exception'],
    ['an Error subclass', new TypeError('bad type'), 'bad type'],
    ['an Error from another realm', runInNewContext('new Error("from a vm")'), 'from a vm'],
    ['a string', 'boom', 'boom'],
    ['a number', 42, '42'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
    ['a plain object with a message (not an Error)', { message: 'm' }, '[object Object]'],
    ['an object with its own toString', { toString: () => 'custom' }, 'custom'],
    ['an object without a prototype', Object.create(null), UNREADABLE_MESSAGE],
    ['a revoked proxy', revokedProxy(), UNREADABLE_MESSAGE],
    [
      'an Error whose message getter throws',
      Object.defineProperty(new Error('x'), 'message', {
        get() {
          throw new Error('no');
        },
      }),
      UNREADABLE_MESSAGE,
    ],
  ])('%s', (_what, value, expected) => {
    expect(messageOf(value)).toBe(expected);
  });
});

describe('errorReplyFor never throws', () => {
  it('answers a revoked proxy with a generic E', () => {
    expect(wireTagsOf(revokedProxy())).toEqual([]);
    expect(errorReplyFor(revokedProxy(), 'NUS', true)).toEqual({
      tag: 'E',
      message: UNREADABLE_MESSAGE,
    });
  });

  it('answers a credits error whose fields cannot be read with a generic E', () => {
    const error = new Error('refused');
    Object.defineProperty(error, WIRE_TAGS, { value: ['EC'] });
    Object.defineProperty(error, 'clientMessage', {
      get() {
        throw new Error('no');
      },
    });
    expect(errorReplyFor(error, 'NUS', true)).toEqual({ tag: 'E', message: 'refused' });
  });

  it('sends 0 for a client code that is not a safe integer', () => {
    const error = Object.assign(new Error('refused'), { clientCode: 1e300, clientMessage: 'c' });
    Object.defineProperty(error, WIRE_TAGS, { value: ['EC'] });
    expect(errorReplyFor(error, 'NUS', true)).toEqual({
      tag: 'EC',
      message: 'refused',
      clientCode: 0,
      clientMessage: 'c',
    });
  });
});
