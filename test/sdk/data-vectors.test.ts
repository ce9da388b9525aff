/**
 * PROTOCOL.md §8.3 (Data Adapter vectors V22–V38) run against a real DataProviderServer over
 * loopback, with a raw fake Proxy writing the literal IN lines (once terminated by CR LF, once by
 * LF) and comparing the literal OUT lines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DataProviderServer } from '../../src/sdk/data-provider-server.js';
import { FailureError, SubscribeError } from '../../src/sdk/errors.js';
import type { RawConnection } from '../helpers/raw-proxy.js';
import { deferred, expectLines, FakeDataProvider, handshake, TestBed } from './harness.js';

const bed = new TestBed();
afterEach(() => bed.cleanup());

describe.each([
  ['CR LF', '\r\n'],
  ['LF', '\n'],
] as const)('data vectors, input terminated by %s', (_name, terminator) => {
  async function connect(configure: (provider: FakeDataProvider) => void = () => {}) {
    const proxy = await bed.proxy({ terminator });
    const provider = new FakeDataProvider();
    configure(provider);
    const server = bed.track(
      new DataProviderServer(provider, { host: proxy.host, port: proxy.port }),
    );
    const connection = await handshake(proxy, server);
    return { provider, server, connection };
  }

  /** Subscribes `item` with id `id` (no snapshot) and consumes EOS + SUB|V. */
  async function subscribed(connection: RawConnection, item: string, id = 'FAKEID') {
    connection.send(`${id}|SUB|S|${item}`);
    await expectLines(connection, `<ts>|EOS|S|${item}|S|${id}`, `${id}|SUB|V`);
  }

  it('V22 subscribe without snapshot: EOS first, then the reply', async () => {
    const { connection, provider } = await connect();
    connection.send('FAKEID|SUB|S|An Item Name');
    await expectLines(connection, '<ts>|EOS|S|An Item Name|S|FAKEID', 'FAKEID|SUB|V');
    expect(provider.calls).toContain('subscribe:An Item Name');
  });

  it('V23 subscribe with snapshot: no EOS', async () => {
    const { connection } = await connect((p) => {
      p.snapshot = (item) => item === 'An Item Name';
    });
    connection.send('FAKEID|SUB|S|An Item Name', 'ID2|SUB|S|other');
    await expectLines(connection, 'FAKEID|SUB|V', '<ts>|EOS|S|other|S|ID2', 'ID2|SUB|V');
  });

  it.each([
    ['subscription error', () => new SubscribeError('An exception'), 'FAKEID|SUB|EU|An exception'],
    ['failure error', () => new FailureError('Failure Error'), 'FAKEID|SUB|EF|Failure Error'],
    ['other error', () => new Error('An exception'), 'FAKEID|SUB|E|An exception'],
  ])('V24 subscribe throws a %s', async (_kind, makeError, expected) => {
    const { connection } = await connect((p) => {
      p.snapshot = () => true;
      p.onSubscribe = () => {
        throw makeError();
      };
    });
    connection.send('FAKEID|SUB|S|An Item Name');
    await expectLines(connection, expected);
  });

  it('V24 an async subscribe that rejects answers the same way', async () => {
    const { connection } = await connect((p) => {
      p.snapshot = async () => true;
      p.onSubscribe = async () => Promise.reject(new SubscribeError('An exception'));
    });
    connection.send('FAKEID|SUB|S|An Item Name');
    await expectLines(connection, 'FAKEID|SUB|EU|An exception');
  });

  it.each([
    ['succeeds', () => undefined, 'FAKEID|USB|V'],
    [
      'throws a subscription error',
      () => new SubscribeError('An exception'),
      'FAKEID|USB|EU|An exception',
    ],
    ['throws any other error', () => new Error('An exception'), 'FAKEID|USB|E|An exception'],
  ])('V25 unsubscribe %s', async (_kind, makeError, expected) => {
    const { connection } = await connect((p) => {
      p.onUnsubscribe = () => {
        const error = makeError();
        if (error) throw error;
      };
    });
    await subscribed(connection, 'An Item Name', 'SUBID');
    connection.send('FAKEID|USB|S|An Item Name');
    await expectLines(connection, expected);
  });

  it('V26 update with special values', async () => {
    const { connection, provider } = await connect();
    await subscribed(connection, 'AnItemName');
    const sent = provider.listener?.update(
      'AnItemName',
      { field1: 'A string', field2: '', field3: null },
      true,
    );
    expect(sent).toBe(true);
    await expectLines(
      connection,
      '<ts>|UD3|S|AnItemName|S|FAKEID|B|1|S|field1|S|A string|S|field2|S|$|S|field3|S|#',
    );
  });

  it('V27 update with smart-encoded names and values', async () => {
    const { connection, provider } = await connect();
    await subscribed(connection, 'AnItemName');
    provider.listener?.update(
      'AnItemName',
      {
        field1: 'A string',
        'field_\r': 'value𩥪',
        field_$: '#',
        'field_+': 'valueȬ',
        'field_|': 'value€',
      },
      true,
    );
    await expectLines(
      connection,
      '<ts>|UD3|S|AnItemName|S|FAKEID|B|1|S|field1|S|A string|S|field_%0D|S|value𩥪|S|field_$|S|%23|S|field_%2B|S|valueȬ|S|field_%7C|S|value€',
    );
  });

  it('V28 end of snapshot and clear snapshot', async () => {
    const { connection, provider } = await connect((p) => {
      p.snapshot = () => true;
    });
    connection.send('FAKEID|SUB|S|AnItemId');
    await expectLines(connection, 'FAKEID|SUB|V');
    provider.listener?.endOfSnapshot('AnItemId');
    provider.listener?.clearSnapshot('AnItemId');
    await expectLines(connection, '<ts>|EOS|S|AnItemId|S|FAKEID', '<ts>|CLS|S|AnItemId|S|FAKEID');
  });

  it('V29 field diff order', async () => {
    const { connection, provider } = await connect();
    await subscribed(connection, 'AnItemName');
    provider.listener?.declareFieldDiffOrder('AnItemName', {
      field1: ['JSONPATCH'],
      field2: null,
      field3: [],
      field5: ['JSONPATCH', 'DIFF_MATCH_PATCH'],
    });
    await expectLines(
      connection,
      '<ts>|DFD|S|AnItemName|S|FAKEID|S|field1|F|J|S|field2|F|#|S|field3|F|$|S|field5|F|JM',
    );
  });

  it('V30 DFD then update, full sequence', async () => {
    const { connection, provider } = await connect();
    connection.send('FAKEID|SUB|S|AnItemName');
    await expectLines(connection, '<ts>|EOS|S|AnItemName|S|FAKEID', 'FAKEID|SUB|V');
    provider.listener?.declareFieldDiffOrder('AnItemName', {
      field1: ['JSONPATCH', 'DIFF_MATCH_PATCH'],
    });
    provider.listener?.update('AnItemName', { field1: '{ val: 1 }' }, true);
    await expectLines(
      connection,
      '<ts>|DFD|S|AnItemName|S|FAKEID|S|field1|F|JM',
      '<ts>|UD3|S|AnItemName|S|FAKEID|B|1|S|field1|S|{ val: 1 }',
    );
  });

  it('V31 failure notification', async () => {
    const { connection, provider } = await connect();
    provider.listener?.failure('An exception');
    provider.listener?.failure(new Error('From an Error'));
    await expectLines(connection, '<ts>|FAL|E|An exception', '<ts>|FAL|E|From an Error');
  });

  it('V32 events for an item that is not subscribed are not sent', async () => {
    const { connection, provider } = await connect();
    const listener = provider.listener;
    expect(listener?.update('AnItemName', { field1: 'A string' }, true)).toBe(false);
    expect(listener?.endOfSnapshot("I'm not subscribed yet")).toBe(false);
    expect(listener?.clearSnapshot('AnItemName')).toBe(false);
    expect(listener?.declareFieldDiffOrder('AnItemName', { f: null })).toBe(false);
    // Lines are written in call order: the next one is the sentinel.
    listener?.failure('sentinel');
    await expectLines(connection, '<ts>|FAL|E|sentinel');
  });

  it('V33 late subscriptions, case 1', async () => {
    const release = deferred();
    const { connection, provider } = await connect((p) => {
      let first = true;
      p.onSubscribe = () => {
        if (!first) return undefined;
        first = false;
        return release.promise;
      };
    });
    connection.send('ID1|SUB|S|item1');
    await provider.called('subscribe:item1');
    connection.send(
      'ID2|USB|S|item1',
      'ID3|SUB|S|item1',
      'ID4|USB|S|item1',
      'ID5|SUB|S|item1',
      'ID6|USB|S|item1',
    );
    await expectLines(connection, '<ts>|EOS|S|item1|S|ID1');
    await waitForQueued(connection, 'ID6|USB|S|item1');
    release.resolve();
    await expectLines(
      connection,
      'ID1|SUB|V',
      'ID2|USB|V',
      'ID3|SUB|EU|Subscribe request come too late',
      'ID4|USB|V',
      'ID5|SUB|EU|Subscribe request come too late',
      'ID6|USB|V',
    );
    connection.send('ID7|SUB|S|item1');
    await expectLines(connection, '<ts>|EOS|S|item1|S|ID7', 'ID7|SUB|V');
    expect(provider.calls.filter((c) => c.endsWith(':item1'))).toEqual([
      'subscribe:item1',
      'unsubscribe:item1',
      'subscribe:item1',
    ]);
  });

  it('V34 late subscriptions, case 2', async () => {
    const release = deferred();
    const { connection, provider } = await connect((p) => {
      let count = 0;
      p.onSubscribe = () => (++count === 2 ? release.promise : undefined);
    });
    connection.send('ID1|SUB|S|item1');
    await expectLines(connection, '<ts>|EOS|S|item1|S|ID1', 'ID1|SUB|V');
    connection.send('ID2|USB|S|item1');
    await expectLines(connection, 'ID2|USB|V');
    connection.send('ID3|SUB|S|item1');
    await expectLines(connection, '<ts>|EOS|S|item1|S|ID3');
    await provider.called('subscribe:item1');
    connection.send('ID4|USB|S|item1', 'ID5|SUB|S|item1', 'ID6|USB|S|item1');
    await waitForQueued(connection, 'ID6|USB|S|item1');
    release.resolve();
    await expectLines(
      connection,
      'ID3|SUB|V',
      'ID4|USB|V',
      'ID5|SUB|EU|Subscribe request come too late',
      'ID6|USB|V',
    );
    connection.send('ID7|SUB|S|item1');
    await expectLines(connection, '<ts>|EOS|S|item1|S|ID7', 'ID7|SUB|V');
  });

  it('V35 unsubscribe after a failed subscribe does not call the adapter', async () => {
    const { connection, provider } = await connect((p) => {
      p.snapshot = () => true;
      p.onSubscribe = () => {
        throw new SubscribeError('x');
      };
    });
    connection.send('ID1|SUB|S|item1');
    await expectLines(connection, 'ID1|SUB|EU|x');
    connection.send('ID2|USB|S|item1');
    await expectLines(connection, 'ID2|USB|V');
    expect(provider.calls).not.toContain('unsubscribe:item1');
  });

  it('V36 Server 7.4 transcript', async () => {
    const { connection, provider } = await connect((p) => {
      p.snapshot = () => true;
    });
    connection.send('2000001853f9ac178|SUB|S|greetings');
    await expectLines(connection, '2000001853f9ac178|SUB|V');
    provider.listener?.update(
      'greetings',
      { timestamp: 'Now is the time', message: 'Hello socket world!' },
      false,
    );
    await expectLines(
      connection,
      '<ts>|UD3|S|greetings|S|2000001853f9ac178|B|0|S|timestamp|S|Now is the time|S|message|S|Hello socket world!',
    );
  });

  it('V37 two-connection routing at 1.9.0: replies on request/reply, events on notify', async () => {
    const proxy = await bed.proxy({ terminator, notify: true });
    const provider = new FakeDataProvider();
    const server = bed.track(
      new DataProviderServer(provider, {
        host: proxy.host,
        port: proxy.port,
        notifyPort: proxy.notifyPort,
      }),
    );
    const started = server.start();
    const rr = await proxy.accept();
    const ntf = await proxy.acceptNotify();
    await rr.nextLine();
    await ntf.nextLine();
    rr.send('ID0|DPI|S|ARI.version|S|1.9.0');
    await expectLines(rr, 'ID0|DPI|S|ARI.version|S|1.9.0');
    await started;
    rr.send('FAKEID|SUB|S|An Item Name');
    await expectLines(ntf, '<ts>|EOS|S|An Item Name|S|FAKEID');
    await expectLines(rr, 'FAKEID|SUB|V');
    provider.listener?.update('An Item Name', { f: 'x' }, false);
    await expectLines(ntf, '<ts>|UD3|S|An Item Name|S|FAKEID|B|0|S|f|S|x');
    // Replies never travel on notify, events never on request/reply.
    rr.send('ID2|USB|S|An Item Name');
    await expectLines(rr, 'ID2|USB|V');
    expect(ntf.unread()).toEqual([]);
  });

  it('V38 protocol 1.8.3: every field old-encoded', async () => {
    const proxy = await bed.proxy({ terminator, notify: true });
    const provider = new FakeDataProvider();
    provider.snapshot = (item) => item !== 'item1';
    provider.onSubscribe = (item) => {
      if (item === 'item-err-1') throw new SubscribeError('Subscription Error');
      if (item === 'item-err-2') throw new FailureError('Failure Error');
    };
    const server = bed.track(
      new DataProviderServer(provider, {
        host: proxy.host,
        port: proxy.port,
        notifyPort: proxy.notifyPort,
      }),
    );
    const started = server.start();
    const rr = await proxy.accept();
    const ntf = await proxy.acceptNotify();
    rr.send('ID0|DPI|S|ARI.version|S|1.8.3');
    await expectLines(rr, '1|RAC|S|enableClosePacket|S|true|S|SDK|S|lsadapter');
    await expectLines(rr, 'ID0|DPI|S|ARI.version|S|1.8.3');
    await started;
    await expectLines(ntf, '<ts>|RAC|S|enableClosePacket|S|true|S|SDK|S|lsadapter');
    rr.send('10000010c3e4d0462|SUB|S|item1');
    await expectLines(ntf, '<ts>|EOS|S|item1|S|10000010c3e4d0462');
    await expectLines(rr, '10000010c3e4d0462|SUB|V');
    const listener = provider.listener;
    listener?.update('item1', { field1: 'a long value' }, false);
    listener?.update('item1', { field1: 'A symbol to encode ©' }, false);
    listener?.update('item1', { field1: 'value1', field2: 'value2' }, false);
    listener?.update('item1', {}, false);
    await expectLines(
      ntf,
      '<ts>|UD3|S|item1|S|10000010c3e4d0462|B|0|S|field1|S|a+long+value',
      '<ts>|UD3|S|item1|S|10000010c3e4d0462|B|0|S|field1|S|A+symbol+to+encode+%C2%A9',
      '<ts>|UD3|S|item1|S|10000010c3e4d0462|B|0|S|field1|S|value1|S|field2|S|value2',
      '<ts>|UD3|S|item1|S|10000010c3e4d0462|B|0',
    );
    rr.send('10000010c3e4d0462|SUB|S|item-err-1');
    await expectLines(rr, '10000010c3e4d0462|SUB|EU|Subscription+Error');
    rr.send('10000010c3e4d0462|SUB|S|item-err-2');
    await expectLines(rr, '10000010c3e4d0462|SUB|EF|Failure+Error');
  });
});

/**
 * Waits until the Remote has certainly read `line`: a request for another item sent after it
 * is answered (lines are read in order), and its reply consumed.
 */
async function waitForQueued(connection: RawConnection, line: string): Promise<void> {
  const id = `SENTINEL${line.length}`;
  connection.send(`${id}|SUB|S|sentinel-item`);
  await expectLines(connection, `<ts>|EOS|S|sentinel-item|S|${id}`, `${id}|SUB|V`);
}
