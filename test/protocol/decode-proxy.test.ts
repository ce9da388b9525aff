/** Decoding the Proxy's literal IN lines of PROTOCOL.md §8 (V10–V62). */
import { describe, expect, it } from 'vitest';
import { decodeProxyLine, dialectOf, ProtocolError } from '../../src/protocol/index.js';

const v191 = dialectOf('1.9.1');
const v183 = dialectOf('1.8.3');

describe('init requests', () => {
  it('V10 DPI parameters in wire order', () => {
    const msg = decodeProxyLine(
      'ID0|DPI|S|P1|S|V1|S|ARI.version|S|1.9.1|S|P2|S|V2|S|keepalive_hint.millis|S|8000',
      v191,
    );
    expect(msg).toEqual({
      kind: 'request',
      method: 'DPI',
      id: 'ID0',
      params: [
        ['P1', 'V1'],
        ['ARI.version', '1.9.1'],
        ['P2', 'V2'],
        ['keepalive_hint.millis', '8000'],
      ],
    });
  });
  it('V12 DPI parameters are old-encoded whatever the dialect', () => {
    const line =
      'FAKEID|DPI|S|P1+%0D|S|V1+%F0%A9%A5%AA|S|P2+%24|S|%23|S|ARI.version|S|1.9.100|S|P3+%2B|S|V3+%C8%AC|S|P4+%7C|S|V4+%E2%82%AC';
    const msg = decodeProxyLine(line, v191);
    expect(msg.kind === 'request' && msg.method === 'DPI' && msg.params).toEqual([
      ['P1 \r', 'V1 𩥪'],
      ['P2 $', '#'],
      ['ARI.version', '1.9.100'],
      ['P3 +', 'V3 Ȭ'],
      ['P4 |', 'V4 €'],
    ]);
  });
  it('V19 MPI with no parameters at all', () => {
    expect(decodeProxyLine('10000010c3e4d0462|MPI', v191)).toEqual({
      kind: 'request',
      method: 'MPI',
      id: '10000010c3e4d0462',
      params: [],
    });
  });
});

describe('data requests', () => {
  it('V22 SUB with spaces (smart)', () => {
    expect(decodeProxyLine('FAKEID|SUB|S|An Item Name', v191)).toEqual({
      kind: 'request',
      method: 'SUB',
      id: 'FAKEID',
      item: 'An Item Name',
    });
  });
  it('1.8.3 SUB is old-decoded', () => {
    const msg = decodeProxyLine('X|USB|S|An+Item', v183);
    expect(msg).toMatchObject({ method: 'USB', item: 'An Item' });
  });
});

describe('metadata requests', () => {
  it('V44 NUS with headers', () => {
    expect(
      decodeProxyLine(
        'FAKEID|NUS|S|user|S|password|S|header1|S|value 1|S|header2|S|value 2|S|REQUEST_ID|S|FAKEREQID',
        v191,
      ),
    ).toEqual({
      kind: 'request',
      method: 'NUS',
      id: 'FAKEID',
      user: 'user',
      password: 'password',
      clientPrincipal: null,
      headers: [
        ['header1', 'value 1'],
        ['header2', 'value 2'],
        ['REQUEST_ID', 'FAKEREQID'],
      ],
    });
  });
  it('V46 smart-decoded headers', () => {
    const msg = decodeProxyLine(
      'FAKEID|NUS|S|user|S|password|S|header %0D|S|value 𩥪|S|header $|S|%23|S|header %2B|S|value Ȭ|S|header %7C|S|value €',
      v191,
    );
    expect(msg.kind === 'request' && msg.method === 'NUS' && msg.headers).toEqual([
      ['header \r', 'value 𩥪'],
      ['header $', '#'],
      ['header +', 'value Ȭ'],
      ['header |', 'value €'],
    ]);
  });
  it('V47 NUA', () => {
    expect(
      decodeProxyLine('FAKEID|NUA|S|user|S|password|S|principal|S|header1|S|value 1', v191),
    ).toMatchObject({
      method: 'NUA',
      clientPrincipal: 'principal',
      headers: [['header1', 'value 1']],
    });
  });
  it('V56 NUS with null user and password (1.8.3)', () => {
    expect(
      decodeProxyLine('10000010c3e4d0462|NUS|S|#|S|#|S|host|S|www.mycompany.com', v183),
    ).toMatchObject({ user: null, password: null, headers: [['host', 'www.mycompany.com']] });
  });
  it('V42/V43/V56 GSC and GIS', () => {
    expect(decodeProxyLine('FAKEID|GSC|S|user|S|group|S|schema|S|FAKESESSID', v191)).toMatchObject({
      method: 'GSC',
      user: 'user',
      group: 'group',
      schema: 'schema',
      sessionId: 'FAKESESSID',
    });
    expect(
      decodeProxyLine(
        '50000010c3e4d0462|GIS|S|user1|S|nasdaq100_AA_AL+abc|S|S8f3da29cfc463220T5454537',
        v183,
      ),
    ).toMatchObject({
      method: 'GIS',
      group: 'nasdaq100_AA_AL abc',
      sessionId: 'S8f3da29cfc463220T5454537',
    });
  });
  it('V39–V41 GIT and GUI', () => {
    expect(decodeProxyLine('FAKEID|GIT|S|An Item Name1|S|An Item Name2', v191)).toMatchObject({
      items: ['An Item Name1', 'An Item Name2'],
    });
    expect(decodeProxyLine('70000010c3e4d0462|GIT', v183)).toMatchObject({
      method: 'GIT',
      items: [],
    });
    expect(decodeProxyLine('FAKEID|GUI|S|user|S|item 1|S|item 2', v191)).toMatchObject({
      user: 'user',
      items: ['item 1', 'item 2'],
    });
    expect(decodeProxyLine('70000010c3e4d0462|GUI|S|user1', v183)).toMatchObject({
      user: 'user1',
      items: [],
    });
  });
  it('V48–V50 NUM, NNS, NSC', () => {
    expect(
      decodeProxyLine('FAKEID|NUM|S|user|S|FAKESESSID|S|This is a message', v191),
    ).toMatchObject({
      message: 'This is a message',
    });
    expect(
      decodeProxyLine('FAKEID|NNS|S|user|S|FAKESESSID|S|prop1|S|val1|S|prop2|S|val2', v191),
    ).toMatchObject({
      sessionId: 'FAKESESSID',
      context: [
        ['prop1', 'val1'],
        ['prop2', 'val2'],
      ],
    });
    expect(decodeProxyLine('20000010c3e4d0462|NSC|S|$', v183)).toMatchObject({ sessionId: '' });
  });
  it('V51 NNT, 1.9.x layout', () => {
    const msg = decodeProxyLine(
      'FAKEID|NNT|S|user|S|FAKESESSID|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2',
      v191,
    );
    expect(msg).toMatchObject({
      method: 'NNT',
      user: 'user',
      sessionId: 'FAKESESSID',
      tables: [
        {
          winIndex: 1,
          mode: 'MERGE',
          group: 'item1 item2',
          dataAdapter: 'data_adapter1',
          schema: 'field1 field2',
          firstItemIndex: 1,
          lastItemIndex: 2,
          selector: null,
          items: ['item1', 'item2'],
          statistics: null,
        },
      ],
    });
  });
  it('V52 NTC with and without statistics', () => {
    const plain = decodeProxyLine(
      'FAKEID|NTC|S|FAKESESSID|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|selector|I|2|S|item1|S|item2|I|0',
      v191,
    );
    expect(plain).toMatchObject({
      tables: [{ selector: 'selector', items: ['item1', 'item2'], statistics: null }],
    });
    const stats = decodeProxyLine(
      'FAKEID|NTC|S|FAKESESSID|I|1|M|R|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2|I|2|L|10|L|0|L|3|L|7|L|1|L|0',
      v191,
    );
    expect(stats).toMatchObject({
      tables: [
        {
          mode: 'RAW',
          statistics: [
            { realTime: 10, lost: 0, filtered: 3 },
            { realTime: 7, lost: 1, filtered: 0 },
          ],
        },
      ],
    });
  });
  it('V53 NNT/NTC, 1.8.x layout', () => {
    const msg = decodeProxyLine(
      'f0000010c3e4d0462|NNT|S|#|S|S8f3da29cfc463220T5454537|I|1|M|M|S|nasdaq100_AA_AL|S|short|I|1|I|5|S|#|I|2|M|D|S|nasdaq100_AA_AL|S|medium|I|4|I|3|S|selector',
      v183,
    );
    expect(msg).toMatchObject({
      user: null,
      tables: [
        {
          winIndex: 1,
          mode: 'MERGE',
          group: 'nasdaq100_AA_AL',
          dataAdapter: null,
          schema: 'short',
          firstItemIndex: 1,
          lastItemIndex: 5,
          selector: null,
        },
        {
          winIndex: 2,
          mode: 'DISTINCT',
          schema: 'medium',
          firstItemIndex: 4,
          lastItemIndex: 3,
          selector: 'selector',
        },
      ],
    });
    expect(
      decodeProxyLine('f0000010c3e4d0462|NTC|S|S8f3da29cfc463220T5454537', v183),
    ).toMatchObject({ tables: [] });
  });
  it('V54 MDA and MDC', () => {
    expect(
      decodeProxyLine('FAKEID|MDA|S|user|S|FAKESESSID|P|A|S|appID|S|deviceToken', v191),
    ).toMatchObject({
      device: { platform: 'Apple', applicationId: 'appID', deviceToken: 'deviceToken' },
    });
    expect(
      decodeProxyLine(
        'FAKEID|MDC|S|user|S|FAKESESSID|P|G|S|appID|S|deviceToken|S|deviceToken2',
        v191,
      ),
    ).toMatchObject({ device: { platform: 'Google' }, newDeviceToken: 'deviceToken2' });
  });
  it('V55 MSA, 1.9.x layout', () => {
    const msg = decodeProxyLine(
      'FAKEID|MSA|S|user|S|FAKESESSID|I|1|M|M|S|group1|S|data_adapter1|S|schema1|I|1|I|2|I|2|S|item1|S|item2|P|A|S|appID|S|deviceToken|S|triggerExpression|S|%7B%22aps%22%3A%7B%22alert%22%3A%22%24%7Bmessage%7D%22%2C%22badge%22%3A%22AUTO%22%7D%2C%22acme2%22%3A%5B%22%24%7Btag1%7D%22%2C%22%24%7Btag2%7D%22%5D%7D',
      v191,
    );
    expect(msg).toMatchObject({
      table: {
        winIndex: 1,
        mode: 'MERGE',
        group: 'group1',
        dataAdapter: 'data_adapter1',
        schema: 'schema1',
        firstItemIndex: 1,
        lastItemIndex: 2,
        selector: null,
        items: ['item1', 'item2'],
      },
      device: { platform: 'Apple', applicationId: 'appID', deviceToken: 'deviceToken' },
      trigger: 'triggerExpression',
      notificationFormat:
        '{"aps":{"alert":"${message}","badge":"AUTO"},"acme2":["${tag1}","${tag2}"]}',
    });
  });
});

describe('control messages', () => {
  it('V61 CLOSE reasons (old-decoded, raw space accepted)', () => {
    expect(decodeProxyLine('0|CLOSE|S|reason|S|keepalive+timeout', v191)).toMatchObject({
      kind: 'close',
      reason: 'keepalive timeout',
    });
    expect(decodeProxyLine('0|CLOSE|S|reason|S|keepalive timeout', v191)).toMatchObject({
      reason: 'keepalive timeout',
    });
    expect(decodeProxyLine('0|CLOSE|S|reason|S|wrong credentials', v191)).toMatchObject({
      reason: 'wrong credentials',
    });
    expect(decodeProxyLine('0|CLOSE', v191)).toMatchObject({ kind: 'close', reason: null });
  });
  it('V57 FST/FUS replies', () => {
    expect(decodeProxyLine('64|FST|V', v191)).toEqual({
      kind: 'controlReply',
      method: 'FST',
      id: '64',
    });
    expect(decodeProxyLine('64|FST|E|Unknown session', v191)).toMatchObject({
      error: { tag: 'E', message: 'Unknown session' },
    });
    expect(decodeProxyLine('65|FUS|B|0', v191)).toMatchObject({ method: 'FUS', value: false });
    expect(decodeProxyLine('65|FUS|B|1', v191)).toMatchObject({ value: true });
  });
  it('a FUS reply is true for anything but 0, as the Java reader has it (§2.1)', () => {
    expect(decodeProxyLine('65|FUS|B|2', v191)).toMatchObject({ value: true });
    expect(decodeProxyLine('65|FUS|B|true', v191)).toMatchObject({ value: true });
    expect(decodeProxyLine('65|FUS|B|0', v191)).toMatchObject({ value: false });
    expect(() => decodeProxyLine('65|FUS|B', v191)).toThrow(ProtocolError);
    expect(() => decodeProxyLine('65|FUS|S|1', v191)).toThrow(ProtocolError);
  });
  it('an FST/FUS error reply with any E… tag is read for its message (§5.3)', () => {
    expect(decodeProxyLine('64|FST|EZ|Not%7Chere', v191)).toMatchObject({
      kind: 'controlReply',
      method: 'FST',
      error: { tag: 'E', message: 'Not|here' },
    });
    expect(decodeProxyLine('65|FUS|EQ', v191)).toMatchObject({
      error: { tag: 'E', message: null },
    });
    expect(decodeProxyLine('65|FUS|EN|No+table', v183)).toMatchObject({
      error: { tag: 'EN', message: 'No table' },
    });
    expect(decodeProxyLine('65|FUS|EC|No credit|-3|#', v191)).toMatchObject({
      error: { tag: 'EC', message: 'No credit', clientCode: -3, clientMessage: null },
    });
  });
  it.each(['1e3', '0x10', '1.5', '+1', '--1', ' 1'])(
    'a credits client code must be a plain decimal integer, not %j',
    (code) => {
      expect(() => decodeProxyLine(`65|FUS|EC|No credit|${code}|#`, v191)).toThrow(
        /Bad client code/,
      );
    },
  );
  it('an inbound KEEPALIVE is recognised (and ignored by sessions)', () => {
    expect(decodeProxyLine('KEEPALIVE', v191)).toEqual({ kind: 'keepalive' });
  });
});

describe('V62 malformed input is a ProtocolError carrying the line', () => {
  const bad = [
    'FAKEID|WHAT|S|An Item Name',
    'FAKEID|WHAT|An Item Name',
    '1|CLOSE|S|reason|S|x',
    'FAKEID|SUB|S1|item',
    'FAKEID|SUB',
    'FAKEID|SUB|S',
    'FAKEID|SUB|S|a|S|b',
    'FAKEID||SUB|S|a',
    'FAKEID|SUB|S|bad%zz',
    'nopipe',
    '|SUB|S|x',
    'FAKEID|GIT|S|a|I|1',
    'FAKEID|NNT|S|u|S|s|I|1|M|X|S|g|S|d|S|s|I|1|I|2|S|#|I|0',
  ];
  it.each(bad)('%s', (line) => {
    let caught: unknown;
    try {
      decodeProxyLine(line, v191);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).line).toBe(line);
  });
});
