/**
 * Handshake, keepalive and subscription rules over a real socket that the §8 vectors leave
 * implicit: PROTOCOL.md §3.2 (credentials only when set), §3.3/§3.5 (async init, requests during
 * it, setListener before the reply, a refused init ended by EOF), §4.2/§4.3 (subscription ids
 * around subscribe/unsubscribe, isSnapshotAvailable once per SUB) and §6.1 (keepalives disabled,
 * enabled by a hint, re-armed on every connection at init).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DataProviderServer } from '../../src/sdk/data-provider-server.js';
import { type MetadataControlListener, MetadataProvider } from '../../src/sdk/metadata-provider.js';
import { MetadataProviderServer } from '../../src/sdk/metadata-provider-server.js';
import { CloseRequestedError } from '../../src/session/handshake.js';
import { ConnectionClosedError } from '../../src/transport/errors.js';
import {
  DEFAULT_RAC,
  deferred,
  expectLines,
  FakeDataProvider,
  handshake,
  MemoryLogger,
  TestBed,
} from './harness.js';

const bed = new TestBed();
afterEach(() => bed.cleanup());

describe('§3.2 RAC credentials', () => {
  it.each([
    [{ user: 'my_user' }, '1|RAC|S|user|S|my_user|S|enableClosePacket|S|true'],
    [{ password: 'my password' }, '1|RAC|S|password|S|my+password|S|enableClosePacket|S|true'],
    [{ user: null, password: undefined }, '1|RAC|S|enableClosePacket|S|true'],
  ])('%j → %s', async (credentials, rac) => {
    const proxy = await bed.proxy();
    const server = bed.track(
      new DataProviderServer(new FakeDataProvider(), {
        ...proxy,
        sdkName: null,
        credentials: credentials as never,
      }),
    );
    server.start().catch(() => {});
    const connection = await proxy.accept();
    await expectLines(connection, rac);
  });
});

describe('§3.5 init', () => {
  it('an async init: requests sent meanwhile are served after the DPI reply', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const release = deferred();
    provider.onInit = () => release.promise;
    const server = bed.track(new DataProviderServer(provider, proxy));
    const started = server.start();
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send('ID0|DPI|S|ARI.version|S|1.9.1', 'ID1|SUB|S|early', 'ID2|USB|S|early');
    await provider.called('init');
    expect(connection.unread()).toEqual([]);
    release.resolve();
    await expectLines(
      connection,
      'ID0|DPI|S|ARI.version|S|1.9.1',
      '<ts>|EOS|S|early|S|ID1',
      'ID1|SUB|V',
      'ID2|USB|V',
    );
    await started;
  });

  it('requests sent during an async init are decoded with the negotiated 1.8.3 (table layouts)', async () => {
    const proxy = await bed.proxy();
    const release = deferred();
    const tables: unknown[] = [];
    const provider = {
      init: () => release.promise,
      notifyNewTables: (_user: unknown, _session: unknown, received: readonly unknown[]) => {
        tables.push(...received);
      },
    };
    const logger = new MemoryLogger();
    const server = bed.track(new MetadataProviderServer(provider, { ...proxy, logger }));
    server.start().catch(() => {});
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send(
      'ID0|MPI|S|ARI.version|S|1.8.3',
      'f1|NNT|S|#|S|S8|I|1|M|M|S|nasdaq100_AA_AL|S|short|I|1|I|5|S|#',
      'f2|MSA|S|user|S|S8|I|1|M|M|S|group1|S|schema1|I|1|I|2|P|A|S|appID|S|token|S|#|S|%7B%7D',
      'ID9|MPI|S|ARI.version|S|1.8.3',
    );
    // The late MPI is logged when read: the two requests before it were read during the init.
    await expect
      .poll(() => logger.messages('warn').join('\n'), { timeout: 5_000 })
      .toMatch(/late MPI/);
    release.resolve();
    await expectLines(connection, 'ID0|MPI|S|ARI.version|S|1.8.3');
    expect((await connection.nextLines(2)).sort()).toEqual(['f1|NNT|V', 'f2|MSA|V']);
    expect(tables).toMatchObject([{ winIndex: 1, group: 'nasdaq100_AA_AL', schema: 'short' }]);
  });

  it('a CLOSE during an async init: no init reply, start() rejects with the reason', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const release = deferred();
    provider.onInit = () => release.promise;
    const server = bed.track(new DataProviderServer(provider, proxy));
    const started = server.start();
    started.catch(() => {});
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send('ID0|DPI|S|ARI.version|S|1.9.1', 'ID1|SUB|S|x', '0|CLOSE|S|reason|S|bye');
    await expect(started).rejects.toBeInstanceOf(CloseRequestedError);
    release.resolve();
    await connection.ended;
    expect(connection.unread()).toEqual([]);
    expect((await server.closed).reason).toBe('bye');
    expect(provider.calls).not.toContain('subscribe:x');
  });

  it('the Data Adapter listener is set before the DPI reply, even when setListener is async', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const release = deferred();
    provider.setListener = function (this: FakeDataProvider, listener) {
      this.calls.push('setListener');
      this.listener = listener;
      return release.promise as never;
    };
    const server = bed.track(new DataProviderServer(provider, proxy));
    server.start().catch(() => {});
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send('ID0|DPI|S|ARI.version|S|1.9.1');
    await expect.poll(() => provider.calls, { timeout: 5_000 }).toContain('setListener');
    expect(connection.unread()).toEqual([]);
    release.resolve();
    await expectLines(connection, 'ID0|DPI|S|ARI.version|S|1.9.1');
  });

  it('the Metadata Adapter gets its control listener after init and before the MPI reply', async () => {
    const proxy = await bed.proxy();
    const order: string[] = [];
    class Ordered extends MetadataProvider {
      override init(): void {
        order.push('init');
      }
      override setListener(listener: MetadataControlListener): void {
        order.push(`setListener, replies so far: ${connection?.unread().length ?? 0}`);
        super.setListener(listener);
      }
    }
    let connection: Awaited<ReturnType<typeof proxy.accept>> | undefined;
    const server = bed.track(new MetadataProviderServer(new Ordered(), proxy));
    server.start().catch(() => {});
    connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send('ID0|MPI|S|ARI.version|S|1.9.1');
    await expectLines(connection, 'ID0|MPI|S|ARI.version|S|1.9.1');
    expect(order).toEqual(['init', 'setListener, replies so far: 0']);
  });

  it('init parameters: at 1.8.0 nothing is removed; from 1.8.2 the two reserved ones are', async () => {
    for (const [offer, reply, expected] of [
      ['', 'ID0|MPI|V', { 'keepalive_hint.millis': '5000', 'adapters_conf.id': 'DEMO' }],
      ['|S|ARI.version|S|1.8.2', 'ID0|MPI|S|ARI.version|S|1.8.2', { 'adapters_conf.id': 'DEMO' }],
    ] as const) {
      const proxy = await bed.proxy();
      let received: unknown;
      const server = bed.track(
        new MetadataProviderServer(
          {
            init: (params: unknown) => {
              received = params;
            },
          },
          proxy,
        ),
      );
      const init = `ID0|MPI${offer}|S|keepalive_hint.millis|S|5000|S|adapters_conf.id|S|DEMO`;
      await handshake(proxy, server, init, reply);
      expect({ ...(received as object) }).toEqual(expected);
    }
  });

  it('a refused init keeps the connection, answers nothing more, and EOF then ends it', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const server = bed.track(new DataProviderServer(provider, proxy));
    server.start().catch(() => {});
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send('ID0|DPI|S|ARI.version|S|1.8.3');
    await expectLines(connection, 'ID0|DPI|E|Unsupported+Proxy+Adapter+version');
    connection.send('ID1|SUB|S|x', 'ID2|DPI|S|ARI.version|S|1.9.1');
    expect(server.status).toBe('init-failed');
    connection.end();
    const info = await server.closed;
    expect(info.error).toBeInstanceOf(ConnectionClosedError);
    expect(connection.unread()).toEqual([]);
    expect(provider.calls).toEqual([]);
  });
});

describe('§4.2/§4.3 subscription ids and snapshots', () => {
  it('events from inside subscribe carry the SUB id, after the EOS and before the reply', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    provider.onSubscribe = (item) => {
      provider.listener?.update(item, { f: 'during subscribe' }, false);
    };
    provider.onUnsubscribe = (item) => {
      provider.listener?.update(item, { f: 'during unsubscribe' }, false);
    };
    const server = bed.track(new DataProviderServer(provider, proxy));
    const connection = await handshake(proxy, server);
    connection.send('SUB1|SUB|S|item');
    await expectLines(
      connection,
      '<ts>|EOS|S|item|S|SUB1',
      '<ts>|UD3|S|item|S|SUB1|B|0|S|f|S|during subscribe',
      'SUB1|SUB|V',
    );
    connection.send('USB1|USB|S|item');
    await expectLines(
      connection,
      '<ts>|UD3|S|item|S|SUB1|B|0|S|f|S|during unsubscribe',
      'USB1|USB|V',
    );
    expect(provider.listener?.update('item', { f: 'after' }, false)).toBe(false);
    connection.send('SUB2|SUB|S|item');
    await expectLines(
      connection,
      '<ts>|EOS|S|item|S|SUB2',
      '<ts>|UD3|S|item|S|SUB2|B|0|S|f|S|during subscribe',
      'SUB2|SUB|V',
    );
  });

  it('isSnapshotAvailable is asked once per executed SUB, before subscribe, never for a late one', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const release = deferred();
    provider.snapshot = (item) => {
      provider.calls.push(`isSnapshotAvailable:${item}`);
      return item === 'item';
    };
    let subscribes = 0;
    provider.onSubscribe = (item) =>
      item === 'item' && ++subscribes === 1 ? release.promise : undefined;
    const server = bed.track(new DataProviderServer(provider, proxy));
    const connection = await handshake(proxy, server);
    connection.send('ID1|SUB|S|item');
    await provider.called('subscribe:item');
    connection.send('ID2|USB|S|item', 'ID3|SUB|S|item', 'ID4|USB|S|item', 'ID5|SUB|S|item');
    await waitForRead(connection);
    release.resolve();
    await expectLines(
      connection,
      'ID1|SUB|V',
      'ID2|USB|V',
      'ID3|SUB|EU|Subscribe request come too late',
      'ID4|USB|V',
      'ID5|SUB|V',
    );
    expect(provider.calls.filter((call) => call.endsWith(':item'))).toEqual([
      'isSnapshotAvailable:item',
      'subscribe:item',
      'unsubscribe:item',
      'isSnapshotAvailable:item',
      'subscribe:item',
    ]);
  });
});

/** Resolves once the Remote has read everything sent so far (a request for another item is answered). */
async function waitForRead(connection: Awaited<ReturnType<typeof handshake>>): Promise<void> {
  connection.send('PING|SUB|S|ping-item');
  await expectLines(connection, '<ts>|EOS|S|ping-item|S|PING', 'PING|SUB|V');
}

describe('§6.1 keepalives', () => {
  it('keepaliveMs 0 and an old (1.8.0) Proxy: no keepalives at all', async () => {
    const proxy = await bed.proxy();
    const server = bed.track(
      new MetadataProviderServer(new MetadataProvider(), { ...proxy, keepaliveMs: 0 }),
    );
    const connection = await handshake(proxy, server, 'ID0|MPI', 'ID0|MPI|V');
    const repliedAt = performance.now();
    // The strict 1 s interval of an old Proxy applies only when nothing is configured.
    await expect(connection.nextLine({ keepalives: true, timeoutMs: 2_500 })).rejects.toThrow(
      /Timed out/,
    );
    expect(performance.now() - repliedAt).toBeGreaterThanOrEqual(2_400);
  });

  it('keepaliveMs 0: the Proxy hint enables keepalives', async () => {
    const proxy = await bed.proxy();
    const server = bed.track(
      new MetadataProviderServer(new MetadataProvider(), { ...proxy, keepaliveMs: 0 }),
    );
    const init = 'ID0|MPI|S|ARI.version|S|1.9.1|S|keepalive_hint.millis|S|1000';
    const connection = await handshake(proxy, server, init, 'ID0|MPI|S|ARI.version|S|1.9.1');
    expect(connection.lines).not.toContain('KEEPALIVE');
    expect(await connection.nextLine({ keepalives: true, timeoutMs: 3_000 })).toBe('KEEPALIVE');
  });

  it('two connections: a shorter interval from the hint re-arms the notify connection too', async () => {
    const proxy = await bed.proxy({ notify: true });
    const server = bed.track(
      new DataProviderServer(new FakeDataProvider(), {
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
    rr.send('ID0|DPI|S|ARI.version|S|1.9.0|S|keepalive_hint.millis|S|1000');
    await expectLines(rr, 'ID0|DPI|S|ARI.version|S|1.9.0');
    const repliedAt = performance.now();
    await started;
    // The provisional interval is 10 s: only the re-arming at init brings one this early.
    expect(await ntf.nextLine({ keepalives: true, timeoutMs: 4_000 })).toBe('KEEPALIVE');
    expect(performance.now() - repliedAt).toBeLessThan(4_000);
  });
});

describe('§2.5 encodings of a Data Adapter session', () => {
  it('at 1.8.3 every field is old-encoded: item names, values, FAL, error and late-subscribe texts', async () => {
    const proxy = await bed.proxy({ notify: true });
    const provider = new FakeDataProvider();
    const release = deferred();
    provider.onSubscribe = (item) => {
      if (item === 'err item') throw new Error('An exception');
      if (item === 'slow item') return release.promise;
      return undefined;
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
    await expectLines(rr, DEFAULT_RAC);
    await expectLines(ntf, '<ts>|RAC|S|enableClosePacket|S|true|S|SDK|S|lsadapter');
    rr.send('ID0|DPI|S|ARI.version|S|1.8.3');
    await expectLines(rr, 'ID0|DPI|S|ARI.version|S|1.8.3');
    await started;
    rr.send('ID1|SUB|S|A+B%7Cc+%E2%82%AC');
    await expectLines(rr, 'ID1|SUB|V');
    await expectLines(ntf, '<ts>|EOS|S|A+B%7Cc+%E2%82%AC|S|ID1');
    const listener = provider.listener;
    listener?.update('A B|c €', { 'f 1': 'x+y', f2: '#' }, false);
    listener?.clearSnapshot('A B|c €');
    expect(listener?.declareFieldDiffOrder('A B|c €', { f: ['JSONPATCH'] })).toBe(false);
    listener?.failure(new Error('disk full'));
    await expectLines(
      ntf,
      '<ts>|UD3|S|A+B%7Cc+%E2%82%AC|S|ID1|B|0|S|f+1|S|x%2By|S|f2|S|%23',
      '<ts>|CLS|S|A+B%7Cc+%E2%82%AC|S|ID1',
      '<ts>|FAL|E|disk+full',
    );
    rr.send('ID2|SUB|S|err+item');
    await expectLines(rr, 'ID2|SUB|E|An+exception');
    rr.send('ID3|SUB|S|slow+item');
    await provider.called('subscribe:slow item');
    rr.send('ID4|USB|S|slow+item', 'ID5|SUB|S|slow+item', 'ID6|USB|S|slow+item');
    rr.send('ID7|USB|S|A+B%7Cc+%E2%82%AC');
    await expectLines(rr, 'ID7|USB|V');
    release.resolve();
    await expectLines(
      rr,
      'ID3|SUB|V',
      'ID4|USB|V',
      'ID5|SUB|EU|Subscribe+request+come+too+late',
      'ID6|USB|V',
    );
    expect(ntf.unread().every((line) => /\|EOS\|S\|(err|slow)\+item\|/.test(line))).toBe(true);
  });

  it('at 1.9.1 item names are smart-decoded (a raw + stays +) and smart-encoded back', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const server = bed.track(new DataProviderServer(provider, proxy));
    const connection = await handshake(proxy, server);
    connection.send('ID1|SUB|S|a+b c%7Cd%25€');
    await expectLines(connection, '<ts>|EOS|S|a%2Bb c%7Cd%25€|S|ID1', 'ID1|SUB|V');
    expect(provider.calls).toContain('subscribe:a+b c|d%€');
  });
});

/** §3.4 canonical table, in check order, per role: the offer and the reply's tail after `ID0|<M>|`. */
const REFUSE_SINGLE = 'E|Unsupported+Proxy+Adapter+version';
const NEGOTIATION: Array<[offer: string | null, metadataOrTwo: string, single: string]> = [
  [null, 'V', REFUSE_SINGLE],
  [
    '1.8.0',
    'E|Unexpected+protocol+version+number%3A+1.8.0',
    'E|Unexpected+protocol+version+number%3A+1.8.0',
  ],
  [
    '1.8.1',
    'E|Unsupported+reserved+protocol+version+number%3A+1.8.1',
    'E|Unsupported+reserved+protocol+version+number%3A+1.8.1',
  ],
  ['1.8.2', 'S|ARI.version|S|1.8.2', REFUSE_SINGLE],
  ['1.8.3', 'S|ARI.version|S|1.8.3', REFUSE_SINGLE],
  ['1.8.9', 'S|ARI.version|S|1.8.3', REFUSE_SINGLE],
  ['1.9.0', 'S|ARI.version|S|1.9.0', REFUSE_SINGLE],
  ['1.9.1', 'S|ARI.version|S|1.9.1', 'S|ARI.version|S|1.9.1'],
  ['1.9.100', 'S|ARI.version|S|1.9.1', 'S|ARI.version|S|1.9.1'],
  ['1.10.0', 'S|ARI.version|S|1.9.1', 'S|ARI.version|S|1.9.1'],
  ['2.0', 'S|ARI.version|S|1.9.1', 'S|ARI.version|S|1.9.1'],
  ['not-a-version', 'S|ARI.version|S|1.9.1', 'S|ARI.version|S|1.9.1'],
];

describe('§3.4 version negotiation over the socket, every row and role', () => {
  const offerOf = (offer: string | null) =>
    offer === null
      ? '|S|adapters_conf.id|S|DEMO'
      : `|S|ARI.version|S|${offer}|S|adapters_conf.id|S|DEMO`;

  it.each(NEGOTIATION)('Metadata Adapter, offer %s → %s', async (offer, reply) => {
    const proxy = await bed.proxy();
    const server = bed.track(new MetadataProviderServer(new MetadataProvider(), proxy));
    server.start().catch(() => {});
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send(`ID0|MPI${offerOf(offer)}`);
    await expectLines(connection, `ID0|MPI|${reply}`);
  });

  it.each(NEGOTIATION)('two-connection Data Adapter, offer %s → %s', async (offer, reply) => {
    const proxy = await bed.proxy({ notify: true });
    const provider = new FakeDataProvider();
    const server = bed.track(
      new DataProviderServer(provider, {
        host: proxy.host,
        port: proxy.port,
        notifyPort: proxy.notifyPort,
      }),
    );
    server.start().catch(() => {});
    const rr = await proxy.accept();
    await proxy.acceptNotify();
    await expectLines(rr, DEFAULT_RAC);
    rr.send(`ID0|DPI${offerOf(offer)}`);
    await expectLines(rr, `ID0|DPI|${reply}`);
    expect(provider.calls.includes('init')).toBe(!reply.startsWith('E|'));
  });

  it.each(NEGOTIATION)(
    'single-connection Data Adapter, offer %s → -, %s',
    async (offer, _two, reply) => {
      const proxy = await bed.proxy();
      const provider = new FakeDataProvider();
      const server = bed.track(new DataProviderServer(provider, proxy));
      server.start().catch(() => {});
      const connection = await proxy.accept();
      await expectLines(connection, DEFAULT_RAC);
      connection.send(`ID0|DPI${offerOf(offer)}`);
      await expectLines(connection, `ID0|DPI|${reply}`);
      expect(provider.calls.includes('init')).toBe(!reply.startsWith('E|'));
    },
  );
});
