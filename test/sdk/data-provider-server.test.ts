/**
 * DataProviderServer life cycle over real loopback sockets: start/close, failures to connect,
 * TLS, drops, the init timeout warning, providers that misbehave, backpressure, inverted mode.
 */
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataProviderServer } from '../../src/sdk/data-provider-server.js';
import { ServerClosedError, ServerStateError } from '../../src/sdk/provider-server.js';
import { ServerOptionsError } from '../../src/sdk/server-options.js';
import { ConnectError, ConnectionClosedError } from '../../src/transport/errors.js';
import { makeTestCertificates } from '../helpers/certs.js';
import { RawConnection } from '../helpers/raw-proxy.js';
import { waitForEvent, waitUntil, withTimeout } from '../helpers/wait-for.js';
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
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await bed.cleanup();
});

async function connected(provider = new FakeDataProvider(), options = {}) {
  const proxy = await bed.proxy();
  const server = bed.track(
    new DataProviderServer(provider, { host: proxy.host, port: proxy.port, ...options }),
  );
  const connection = await handshake(proxy, server);
  return { proxy, server, connection, provider };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('start and close', () => {
  it('reports every status and resolves closed with no error after close()', async () => {
    const proxy = await bed.proxy();
    const server = bed.track(new DataProviderServer(new FakeDataProvider(), proxy));
    const statuses: string[] = [];
    server.on('status', (status) => statuses.push(status));
    const connection = await handshake(proxy, server);
    expect(server.protocolVersion).toBe('1.9.1');
    await server.close();
    await server.close(); // idempotent
    expect(await server.closed).toEqual({});
    expect(statuses).toEqual(['connecting', 'handshaking', 'connected', 'closing', 'closed']);
    await connection.ended;
  });

  it('a throwing event listener is logged and breaks nothing', async () => {
    const logger = new MemoryLogger();
    const proxy = await bed.proxy();
    const server = bed.track(new DataProviderServer(new FakeDataProvider(), { ...proxy, logger }));
    server.on('status', () => {
      throw new Error('listener bug');
    });
    server.on('close', () => {
      throw new Error('listener bug');
    });
    const connection = await handshake(proxy, server);
    await server.close();
    expect(server.status).toBe('closed');
    await connection.ended;
    expect(logger.messages('error').filter((m) => m.includes('listener threw'))).toHaveLength(6);
  });

  it('refuses to start twice', async () => {
    const { server } = await connected();
    const error = await rejection(server.start());
    expect(error).toBeInstanceOf(ServerStateError);
    expect((error as Error).message).toMatch(/create a new one/);
  });

  it('close() before start() ends it; start() afterwards is refused', async () => {
    const server = new DataProviderServer(new FakeDataProvider(), { host: '127.0.0.1', port: 1 });
    await server.close();
    expect(server.status).toBe('closed');
    expect(await rejection(server.start())).toBeInstanceOf(ServerStateError);
  });

  it('close() during the handshake rejects start() with ServerClosedError', async () => {
    const proxy = await bed.proxy();
    const server = bed.track(new DataProviderServer(new FakeDataProvider(), proxy));
    const started = server.start();
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    const outcome = rejection(started);
    await server.close();
    expect(await outcome).toBeInstanceOf(ServerClosedError);
    await connection.ended;
  });

  it('close() flushes lines written just before it', async () => {
    const { server, connection, provider } = await connected();
    connection.send('ID1|SUB|S|item');
    await expectLines(connection, '<ts>|EOS|S|item|S|ID1', 'ID1|SUB|V');
    provider.listener?.update('item', { f: 'last words' }, false);
    await server.close();
    await expectLines(connection, '<ts>|UD3|S|item|S|ID1|B|0|S|f|S|last words');
  });

  it.each([
    ['after init', true],
    ['during the handshake', false],
  ])('leaves no sockets or timers behind when closed %s', async (_when, init) => {
    const before = countResources();
    const proxy = await bed.proxy();
    // Timers are unref'd (invisible to getActiveResourcesInfo): count them with fake ones.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const server = new DataProviderServer(new FakeDataProvider(), {
        ...proxy,
        initTimeoutMs: 60_000,
      });
      if (init) await handshake(proxy, server);
      else {
        server.start().catch(() => {});
        await (await proxy.accept()).nextLine();
      }
      expect(vi.getTimerCount()).toBeGreaterThan(0);
      await server.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    await proxy.close();
    await waitUntil(() => sameResources(before, countResources()), {
      what: `resources back to ${JSON.stringify(before)} (now ${JSON.stringify(countResources())})`,
    });
  });

  it('rejects bad options at construction', () => {
    const provider = new FakeDataProvider();
    expect(() => new DataProviderServer(provider, { host: 'h', port: 0 })).toThrow(
      ServerOptionsError,
    );
    expect(() => new DataProviderServer(provider, { host: 'h', port: 1, keepaliveMs: -1 })).toThrow(
      /keepaliveMs/,
    );
    expect(() => new DataProviderServer({} as never, { host: 'h', port: 1 })).toThrow(TypeError);
  });
});

describe('connection failures', () => {
  it('rejects start() with ConnectError when nothing listens', async () => {
    const gone = await bed.proxy();
    await gone.close();
    const server = bed.track(new DataProviderServer(new FakeDataProvider(), gone));
    const error = await rejection(server.start());
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).reason).toBe('refused');
    expect((await server.closed).error).toBe(error);
  });

  it('reports a drop after init on close, and on error only when listened to', async () => {
    const { server, connection } = await connected();
    const errors: Error[] = [];
    server.on('error', (error) => errors.push(error));
    connection.drop();
    const info = await server.closed;
    expect(info.error).toBeInstanceOf(ConnectionClosedError);
    expect(errors).toEqual([info.error]);
  });

  it('a drop with no error listener emits no unhandled error', async () => {
    const { server, connection } = await connected();
    connection.end();
    const info = await server.closed;
    expect(info.error).toBeInstanceOf(ConnectionClosedError);
    expect(server.status).toBe('closed');
  });

  it('warns when no init arrives in time (notify-port mismatch)', async () => {
    const logger = new MemoryLogger();
    const proxy = await bed.proxy();
    const server = bed.track(
      new DataProviderServer(new FakeDataProvider(), { ...proxy, logger, initTimeoutMs: 30 }),
    );
    server.start().catch(() => {});
    await proxy.accept();
    await waitUntil(() => logger.messages('warn').find((m) => m.startsWith('No DPI request')), {
      what: 'the init timeout warning',
    });
    expect(logger.messages('warn').join('\n')).toMatch(/set notifyPort/);
  });
});

describe('TLS', () => {
  it('completes the handshake over TLS with the CA given', async () => {
    const certs = await makeTestCertificates();
    const proxy = await bed.proxy({ tls: { cert: certs.certPem, key: certs.keyPem } });
    const server = bed.track(
      new DataProviderServer(new FakeDataProvider(), {
        host: 'localhost',
        port: proxy.port,
        tls: { ca: certs.caPem },
      }),
    );
    await handshake(proxy, server);
    expect(server.status).toBe('connected');
  });

  it('rejects start() when the server certificate does not verify', async () => {
    const certs = await makeTestCertificates();
    const proxy = await bed.proxy({ tls: { cert: certs.certPem, key: certs.keyPem } });
    const server = bed.track(
      new DataProviderServer(new FakeDataProvider(), {
        host: 'localhost',
        port: proxy.port,
        tls: true,
      }),
    );
    const error = await rejection(server.start());
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).reason).toBe('tls');
  });
});

describe('misbehaving providers', () => {
  it('a subscribe that never answers blocks only its own item', async () => {
    const provider = new FakeDataProvider();
    provider.onSubscribe = (item) => (item === 'stuck' ? new Promise(() => {}) : undefined);
    const { connection } = await connected(provider);
    connection.send('ID1|SUB|S|stuck', 'ID2|SUB|S|free');
    await expectLines(connection, '<ts>|EOS|S|stuck|S|ID1', '<ts>|EOS|S|free|S|ID2', 'ID2|SUB|V');
  });

  it('isSnapshotAvailable that throws or rejects answers the SUB with an error', async () => {
    const provider = new FakeDataProvider();
    provider.snapshot = (item) => {
      if (item === 'a') throw new Error('no snapshot info');
      return Promise.reject(new Error('later'));
    };
    const { connection } = await connected(provider);
    connection.send('ID1|SUB|S|a', 'ID2|SUB|S|b');
    await expectLines(connection, 'ID1|SUB|E|no snapshot info', 'ID2|SUB|E|later');
    expect(provider.calls).not.toContain('subscribe:a');
  });

  it('an async isSnapshotAvailable is awaited', async () => {
    const provider = new FakeDataProvider();
    provider.snapshot = async () => true;
    const { connection } = await connected(provider);
    connection.send('ID1|SUB|S|a');
    await expectLines(connection, 'ID1|SUB|V');
  });

  it('an init that never answers leaves start() pending until close()', async () => {
    const provider = new FakeDataProvider();
    provider.onInit = () => new Promise(() => {});
    const proxy = await bed.proxy();
    const server = bed.track(new DataProviderServer(provider, proxy));
    const started = server.start();
    const connection = await proxy.accept();
    await connection.nextLine();
    connection.send('ID0|DPI|S|ARI.version|S|1.9.1');
    await provider.called('init');
    const outcome = rejection(started);
    await server.close();
    expect(await outcome).toBeInstanceOf(ServerClosedError);
  });

  it('USB for an item never subscribed gets no reply', async () => {
    const logger = new MemoryLogger();
    const { connection } = await connected(undefined, { logger });
    connection.send('ID1|USB|S|ghost', 'ID2|SUB|S|sentinel');
    await expectLines(connection, '<ts>|EOS|S|sentinel|S|ID2', 'ID2|SUB|V');
    expect(logger.messages('warn').join('\n')).toMatch(/ghost/);
  });

  it('after a successful unsubscribe no event of the subscription is sent', async () => {
    const { connection, provider } = await connected();
    connection.send('ID1|SUB|S|item');
    await expectLines(connection, '<ts>|EOS|S|item|S|ID1', 'ID1|SUB|V');
    connection.send('ID2|USB|S|item');
    await expectLines(connection, 'ID2|USB|V');
    expect(provider.listener?.update('item', { f: 'late' }, false)).toBe(false);
    provider.listener?.failure('sentinel');
    await expectLines(connection, '<ts>|FAL|E|sentinel');
  });

  it('declareFieldDiffOrder with an unknown algorithm throws and writes nothing', async () => {
    const { connection, provider } = await connected();
    connection.send('ID1|SUB|S|item');
    await expectLines(connection, '<ts>|EOS|S|item|S|ID1', 'ID1|SUB|V');
    expect(() =>
      provider.listener?.declareFieldDiffOrder('item', { f: ['NONEXISTENT' as never] }),
    ).toThrow(/unknown diff algorithm/);
    provider.listener?.failure('sentinel');
    await expectLines(connection, '<ts>|FAL|E|sentinel');
  });
});

describe('backpressure', () => {
  it('update() returns false above the high-water mark, drain follows, nothing is lost', async () => {
    const { server, connection, provider } = await connected(undefined, {
      highWaterMark: 64 * 1024,
    });
    connection.send('ID1|SUB|S|item');
    await expectLines(connection, '<ts>|EOS|S|item|S|ID1', 'ID1|SUB|V');
    connection.pauseReading();
    const payload = 'x'.repeat(4096);
    let sent = 0;
    let accepted = true;
    // Loopback buffers hold a few MB; the cap keeps a broken implementation from looping forever.
    while (accepted && sent < 20_000) {
      accepted = provider.listener?.update('item', { n: sent, payload }, false) ?? false;
      sent++;
    }
    expect(accepted).toBe(false);
    expect(server.queuedBytes).toBeGreaterThanOrEqual(64 * 1024);
    const drained = waitForEvent(server, 'drain', { timeoutMs: 10_000 });
    connection.resumeReading();
    await drained;
    const lines = await connection.nextLines(sent, 10_000);
    lines.forEach((line, n) => {
      expect(line.startsWith(`${line.split('|')[0]}|UD3|S|item|S|ID1|B|0|S|n|S|${n}|`)).toBe(true);
    });
  });
});

describe('provider replacement and unsubscribe-all (host support)', () => {
  it('swapProvider moves active items: CLS for snapshot items, real-time updates, no EOS', async () => {
    const first = new FakeDataProvider();
    first.snapshot = (item) => item === 'A';
    const { server, connection } = await connected(first);
    connection.send('ID1|SUB|S|A', 'ID2|SUB|S|B');
    await expectLines(connection, 'ID1|SUB|V', '<ts>|EOS|S|B|S|ID2', 'ID2|SUB|V');
    const next = new FakeDataProvider();
    next.snapshot = () => true;
    next.onSubscribe = (item) => {
      // The new instance sends its current values as a snapshot: they must go out as real time.
      next.listener?.update(item, { v: 'new' }, true);
      next.listener?.endOfSnapshot(item);
    };
    await server.swapProvider(next);
    expect(server.provider).toBe(next);
    expect(first.calls.slice(-2).sort()).toEqual(['unsubscribe:A', 'unsubscribe:B']);
    expect(next.calls).toEqual(['init', 'setListener', 'subscribe:A', 'subscribe:B']);
    expect(next.initContext?.kind).toBe('data');
    await expectLines(
      connection,
      '<ts>|CLS|S|A|S|ID1',
      '<ts>|UD3|S|A|S|ID1|B|0|S|v|S|new',
      '<ts>|UD3|S|B|S|ID2|B|0|S|v|S|new',
    );
    expect(first.listener?.update('A', { v: 'old' }, false)).toBe(false);
    // New subscriptions on the new instance follow the normal rules again.
    connection.send('ID3|SUB|S|C');
    await expectLines(
      connection,
      '<ts>|UD3|S|C|S|ID3|B|1|S|v|S|new',
      '<ts>|EOS|S|C|S|ID3',
      'ID3|SUB|V',
    );
    connection.send('ID4|USB|S|A');
    await expectLines(connection, 'ID4|USB|V');
    expect(next.calls).toContain('unsubscribe:A');
    expect(
      server
        .activeItems()
        .map((i) => i.item)
        .sort(),
    ).toEqual(['B', 'C']);
  });

  it('swapProvider rejects when the new init fails, and the old instance keeps serving', async () => {
    const first = new FakeDataProvider();
    const { server, connection } = await connected(first);
    const next = new FakeDataProvider();
    next.onInit = () => {
      throw new Error('bad config');
    };
    await expect(server.swapProvider(next)).rejects.toThrow('bad config');
    connection.send('ID1|SUB|S|A');
    await expectLines(connection, '<ts>|EOS|S|A|S|ID1', 'ID1|SUB|V');
    expect(first.calls).toContain('subscribe:A');
    expect(next.calls).not.toContain('subscribe:A');
  });

  it('unsubscribeAll after a drop stops the provider for every active item', async () => {
    const provider = new FakeDataProvider();
    const { server, connection } = await connected(provider);
    connection.send('ID1|SUB|S|A', 'ID2|SUB|S|B');
    await expectLines(
      connection,
      '<ts>|EOS|S|A|S|ID1',
      'ID1|SUB|V',
      '<ts>|EOS|S|B|S|ID2',
      'ID2|SUB|V',
    );
    expect(server.activeItems()).toEqual([
      { item: 'A', subscriptionId: 'ID1', snapshot: false, active: true },
      { item: 'B', subscriptionId: 'ID2', snapshot: false, active: true },
    ]);
    connection.drop();
    await server.closed;
    await server.unsubscribeAll();
    expect(provider.calls.filter((c) => c.startsWith('unsubscribe')).sort()).toEqual([
      'unsubscribe:A',
      'unsubscribe:B',
    ]);
    expect(server.activeItems()).toEqual([]);
    expect(server.counters.updates).toBe(0);
  });
});

describe('inverted mode', () => {
  it('runs on a socket accepted from a Proxy that dials us', async () => {
    const accepted = deferred<Socket>();
    const listener = createServer((socket) => accepted.resolve(socket));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise((resolve) => listener.close(resolve)));
    const address = listener.address() as { port: number };
    const { connect } = await import('node:net');
    const proxySide = connect(address.port, '127.0.0.1');
    cleanups.push(() => proxySide.destroy());
    const socket = await withTimeout(accepted.promise, 5_000, 'the accepted socket');
    cleanups.push(() => socket.destroy());
    const connection = new RawConnection(proxySide, '\r\n');
    const provider = new FakeDataProvider();
    const server = bed.track(
      new DataProviderServer(provider, { host: 'ignored', port: 1, socket }),
    );
    const started = server.start();
    await expectLines(connection, DEFAULT_RAC);
    connection.send('ID0|DPI|S|ARI.version|S|1.9.1');
    await expectLines(connection, 'ID0|DPI|S|ARI.version|S|1.9.1');
    await started;
    connection.send('ID1|SUB|S|item');
    await expectLines(connection, '<ts>|EOS|S|item|S|ID1', 'ID1|SUB|V');
  });
});

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) {
    if (name === 'TCPSocketWrap' || name === 'TCPServerWrap' || name === 'Timeout') {
      counts[name] = (counts[name] ?? 0) + 1;
    }
  }
  return counts;
}

function sameResources(a: Record<string, number>, b: Record<string, number>): boolean {
  return ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'].every((k) => (a[k] ?? 0) >= (b[k] ?? 0));
}
