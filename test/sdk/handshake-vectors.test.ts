/**
 * PROTOCOL.md §8.2 and §8.5 vectors for a Data Adapter (V07–V16, V21, V58, V59, V61, V62) run
 * against a real DataProviderServer over loopback with a raw fake Proxy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DataProviderServer } from '../../src/sdk/data-provider-server.js';
import { DataProviderError } from '../../src/sdk/errors.js';
import type { ServerOptions } from '../../src/sdk/server-options.js';
import { CloseRequestedError, InitError } from '../../src/session/handshake.js';
import type { RawProxy } from '../helpers/raw-proxy.js';
import { DEFAULT_RAC, expectLines, FakeDataProvider, handshake, TestBed } from './harness.js';

const bed = new TestBed();
afterEach(() => bed.cleanup());

const NODE_RAC = '1|RAC|S|enableClosePacket|S|true|S|SDK|S|Node.js+Adapter+SDK';

function serverFor(
  proxy: RawProxy,
  provider: FakeDataProvider,
  options: Partial<ServerOptions> = {},
): DataProviderServer {
  return bed.track(
    new DataProviderServer(provider, { host: proxy.host, port: proxy.port, ...options }),
  );
}

describe.each([
  ['CR LF', '\r\n'],
  ['LF', '\n'],
] as const)('handshake vectors, input terminated by %s', (_name, terminator) => {
  /** Starts a server, accepts its connection and consumes the RAC. */
  async function opened(provider = new FakeDataProvider(), options: Partial<ServerOptions> = {}) {
    const proxy = await bed.proxy({ terminator });
    const server = serverFor(proxy, provider, options);
    const started = server.start();
    started.catch(() => {}); // each test asserts on it
    const connection = await proxy.accept();
    return { proxy, server, started, connection, provider };
  }

  it('V07 RAC without credentials is the first line', async () => {
    const { connection } = await opened(undefined, { sdkName: 'Node.js Adapter SDK' });
    await expectLines(connection, NODE_RAC);
  });

  it('V08 RAC with credentials', async () => {
    const { connection } = await opened(undefined, {
      sdkName: 'Node.js Adapter SDK',
      credentials: { user: 'my_user', password: 'my_password' },
    });
    await expectLines(
      connection,
      '1|RAC|S|user|S|my_user|S|password|S|my_password|S|enableClosePacket|S|true|S|SDK|S|Node.js+Adapter+SDK',
    );
  });

  it('RAC leaves out the SDK pair when sdkName is null', async () => {
    const { connection } = await opened(undefined, { sdkName: null, credentials: { user: 'u' } });
    await expectLines(connection, '1|RAC|S|user|S|u|S|enableClosePacket|S|true');
  });

  it.each([
    [
      'V10 1.9.1 with hint and parameters',
      'ID0|DPI|S|P1|S|V1|S|ARI.version|S|1.9.1|S|P2|S|V2|S|keepalive_hint.millis|S|8000',
      'ID0|DPI|S|ARI.version|S|1.9.1',
      { P1: 'V1', P2: 'V2' },
    ],
    [
      'V11 a future version',
      'FAKEID|DPI|S|P1|S|V1|S|ARI.version|S|1.9.100|S|P2|S|V2|S|keepalive_hint.millis|S|8000',
      'FAKEID|DPI|S|ARI.version|S|1.9.1',
      { P1: 'V1', P2: 'V2' },
    ],
    [
      'V12 old-encoded parameters',
      'FAKEID|DPI|S|P1+%0D|S|V1+%F0%A9%A5%AA|S|P2+%24|S|%23|S|ARI.version|S|1.9.100|S|P3+%2B|S|V3+%C8%AC|S|P4+%7C|S|V4+%E2%82%AC',
      'FAKEID|DPI|S|ARI.version|S|1.9.1',
      { 'P1 \r': 'V1 𩥪', 'P2 $': '#', 'P3 +': 'V3 Ȭ', 'P4 |': 'V4 €' },
    ],
    [
      'V13 the Server 7.4 transcript',
      '1000001853f9ac178|DPI|S|ARI.version|S|1.9.1|S|data_provider.name|S|DEFAULT|S|adapters_conf.id|S|PROXY_HELLOWORLD_SOCKETS',
      '1000001853f9ac178|DPI|S|ARI.version|S|1.9.1',
      { 'data_provider.name': 'DEFAULT', 'adapters_conf.id': 'PROXY_HELLOWORLD_SOCKETS' },
    ],
  ])('%s', async (_title, dpi, reply, params) => {
    const { connection, started, provider } = await opened();
    await expectLines(connection, DEFAULT_RAC);
    connection.send(dpi);
    await expectLines(connection, reply);
    await started;
    expect(provider.initParams).toEqual(params);
    expect(provider.calls.slice(0, 2)).toEqual(['init', 'setListener']);
  });

  it('V14 local parameters override received ones', async () => {
    const { connection, started, provider } = await opened(undefined, {
      params: { 'data_provider.name': 'my_local_provider' },
    });
    await connection.nextLine();
    connection.send(
      '10000010c3e4d0462|DPI|S|ARI.version|S|1.9.1|S|adapters_conf.id|S|DEMO|S|data_provider.name|S|STOCKLIST',
    );
    await expectLines(connection, '10000010c3e4d0462|DPI|S|ARI.version|S|1.9.1');
    await started;
    expect(provider.initParams).toEqual({
      'adapters_conf.id': 'DEMO',
      'data_provider.name': 'my_local_provider',
    });
  });

  it('init context carries name, kind, logger, version, instance ids and extra fields', async () => {
    const { connection, started, provider } = await opened(undefined, {
      name: 'QUOTES',
      context: { configPath: '/etc/lsadapter.json' },
    });
    await connection.nextLine();
    connection.send(
      'ID0|DPI|S|ARI.version|S|1.9.1|S|proxy.instance_id|S|p1|S|server.instance_id|S|s1',
    );
    await expectLines(connection, 'ID0|DPI|S|ARI.version|S|1.9.1');
    await started;
    expect(provider.initContext).toMatchObject({
      name: 'QUOTES',
      kind: 'data',
      configPath: '/etc/lsadapter.json',
      protocolVersion: '1.9.1',
      'proxy.instance_id': 'p1',
      'server.instance_id': 's1',
    });
    const logger = provider.initContext?.logger as { warn?: unknown } | undefined;
    expect(typeof logger?.warn).toBe('function');
  });

  it.each([
    [
      'a Data-Provider error',
      () => new DataProviderError('An exception'),
      'ID0|DPI|ED|An+exception',
    ],
    ['any other error', () => new Error('An exception'), 'ID0|DPI|E|An+exception'],
    ['a rejection', () => Promise.reject(new Error('An exception')), 'ID0|DPI|E|An+exception'],
  ])(
    'V15 init throws %s: error reply, start() rejects, the connection stays',
    async (_k, make, reply) => {
      const provider = new FakeDataProvider();
      provider.onInit = () => {
        const outcome = make();
        if (outcome instanceof Error) throw outcome;
        return outcome;
      };
      const { connection, started, server } = await opened(provider);
      await connection.nextLine();
      connection.send('ID0|DPI|S|ARI.version|S|1.9.1');
      await expectLines(connection, reply);
      const error = await started.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InitError);
      expect((error as InitError).kind).toBe('provider-failed');
      expect(server.status).toBe('init-failed');
      // Nothing more is answered; the Proxy's CLOSE then ends the connection.
      connection.send('ID1|SUB|S|item', '0|CLOSE|S|reason|S|init+failed');
      const info = await server.closed;
      expect(info.reason).toBe('init failed');
      await connection.ended;
      expect(connection.unread()).toEqual([]);
      expect(provider.calls).not.toContain('subscribe:item');
    },
  );

  it.each([
    ['ID0|DPI|S|ARI.version|S|1.9.0', 'ID0|DPI|E|Unsupported+Proxy+Adapter+version'],
    [
      '10000010c3e4d0462|DPI|S|ARI.version|S|1.8.1|S|adapters_conf.id|S|DEMO|S|data_provider.name|S|STOCKLIST',
      '10000010c3e4d0462|DPI|E|Unsupported+reserved+protocol+version+number%3A+1.8.1',
    ],
    ['ID0|DPI|S|ARI.version|S|1.8.0', 'ID0|DPI|E|Unexpected+protocol+version+number%3A+1.8.0'],
    ['ID0|DPI|S|adapters_conf.id|S|DEMO', 'ID0|DPI|E|Unsupported+Proxy+Adapter+version'],
  ])('V16 version refusal: %s', async (dpi, reply) => {
    const { connection, started, provider, server } = await opened();
    await connection.nextLine();
    connection.send(dpi);
    await expectLines(connection, reply);
    const error = await started.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InitError);
    expect((error as InitError).kind).toBe('version-refused');
    expect(provider.calls).toEqual([]);
    expect(server.status).toBe('init-failed');
  });

  it('V21 two-connection Data Adapter against a 7.3 Proxy', async () => {
    const proxy = await bed.proxy({ terminator, notify: true });
    const server = serverFor(proxy, new FakeDataProvider(), {
      notifyPort: proxy.notifyPort,
      sdkName: 'Node.js Adapter SDK',
    });
    const started = server.start();
    const rr = await proxy.accept();
    const ntf = await proxy.acceptNotify();
    await expectLines(rr, NODE_RAC);
    await expectLines(ntf, '<ts>|RAC|S|enableClosePacket|S|true|S|SDK|S|Node.js+Adapter+SDK');
    rr.send('ID0|DPI|S|P1|S|V1|S|ARI.version|S|1.9.0|S|P2|S|V2|S|keepalive_hint.millis|S|8000');
    await expectLines(rr, 'ID0|DPI|S|ARI.version|S|1.9.0');
    await started;
    expect(ntf.unread()).toEqual([]);
  });

  it.each([
    ['0|CLOSE|S|reason|S|keepalive+timeout', 'keepalive timeout'],
    ['0|CLOSE|S|reason|S|keepalive timeout', 'keepalive timeout'],
    ['0|CLOSE|S|reason|S|any-reason', 'any-reason'],
  ])('V61 CLOSE after init: %s', async (close, reason) => {
    const proxy = await bed.proxy({ terminator });
    const server = serverFor(proxy, new FakeDataProvider());
    const connection = await handshake(proxy, server);
    const closeEvents: unknown[] = [];
    server.on('close', (info) => closeEvents.push(info));
    connection.send(close);
    const info = await server.closed;
    expect(info.reason).toBe(reason);
    expect(info.error).toBeInstanceOf(CloseRequestedError);
    expect((info.error as CloseRequestedError).reason).toBe(reason);
    expect(closeEvents).toEqual([info]);
    await connection.ended;
    expect(connection.unread()).toEqual([]);
    expect(server.status).toBe('closed');
  });

  it('V61 CLOSE before any DPI (wrong credentials) rejects start()', async () => {
    const { connection, started, server } = await opened(undefined, {
      credentials: { user: 'u', password: 'bad' },
    });
    await connection.nextLine();
    connection.send('0|CLOSE|S|reason|S|wrong credentials');
    const error = await started.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CloseRequestedError);
    expect((error as CloseRequestedError).reason).toBe('wrong credentials');
    expect((error as Error).message).toMatch(/credentials\.user/);
    expect((await server.closed).reason).toBe('wrong credentials');
    await connection.ended;
    expect(connection.unread()).toEqual([]);
  });

  it('V62 malformed and unknown input is dropped and the connection goes on', async () => {
    const proxy = await bed.proxy({ terminator });
    const provider = new FakeDataProvider();
    const server = serverFor(proxy, provider);
    const errors: Error[] = [];
    server.on('protocolError', (error) => errors.push(error));
    const connection = await handshake(proxy, server);
    connection.send(
      'FAKEID|WHAT|S|An Item Name',
      'FAKEID|WHAT|An Item Name',
      'KEEPALIVE',
      '1|CLOSE|S|reason|S|x',
      'ID9|SUB|S|sentinel',
    );
    await expectLines(connection, '<ts>|EOS|S|sentinel|S|ID9', 'ID9|SUB|V');
    expect(errors).toHaveLength(3);
    expect(errors.map((e) => e.name)).toEqual(['ProtocolError', 'ProtocolError', 'ProtocolError']);
    expect(server.status).toBe('connected');
  });

  it('V62 a request before init gets no reply and no adapter call; a second init is ignored', async () => {
    const { connection, started, provider } = await opened();
    await connection.nextLine();
    connection.send('FAKEID|SUB|S|An Item Name', 'ID0|DPI|S|ARI.version|S|1.9.1');
    await expectLines(connection, 'ID0|DPI|S|ARI.version|S|1.9.1');
    await started;
    connection.send('ID1|DPI|S|ARI.version|S|1.9.1', 'ID2|SUB|S|sentinel');
    await expectLines(connection, '<ts>|EOS|S|sentinel|S|ID2', 'ID2|SUB|V');
    expect(provider.calls).toEqual(['init', 'setListener', 'subscribe:sentinel']);
  });
});

describe('keepalives', () => {
  it('V58 KEEPALIVE follows RAC on an idle connection (provisional interval)', async () => {
    const proxy = await bed.proxy();
    const server = serverFor(proxy, new FakeDataProvider(), { keepaliveMs: 50 });
    server.start().catch(() => {});
    const connection = await proxy.accept();
    expect(await connection.nextLine({ keepalives: true })).toBe(DEFAULT_RAC);
    expect(await connection.nextLine({ keepalives: true })).toBe('KEEPALIVE');
  });

  it('V59 keepalive follows the Proxy hint (idle-based, no immediate keepalive)', async () => {
    const proxy = await bed.proxy();
    const server = serverFor(proxy, new FakeDataProvider());
    const started = server.start();
    const connection = await proxy.accept();
    await connection.nextLine();
    connection.send('ID0|DPI|S|ARI.version|S|1.9.1|S|keepalive_hint.millis|S|3000');
    expect(await connection.nextLine({ keepalives: true })).toBe('ID0|DPI|S|ARI.version|S|1.9.1');
    const repliedAt = performance.now();
    await started;
    expect(await connection.nextLine({ keepalives: true, timeoutMs: 6_000 })).toBe('KEEPALIVE');
    const elapsed = performance.now() - repliedAt;
    expect(elapsed).toBeGreaterThanOrEqual(2_500);
    // 3500 ms in the vector, plus slack for timer jitter on a loaded machine.
    expect(elapsed).toBeLessThan(4_500);
  });

  it('a refused version switches to the strict 1 s interval', async () => {
    const proxy = await bed.proxy();
    const server = serverFor(proxy, new FakeDataProvider());
    server.start().catch(() => {});
    const connection = await proxy.accept();
    await connection.nextLine();
    connection.send('ID0|DPI|S|ARI.version|S|1.9.0');
    await expectLines(connection, 'ID0|DPI|E|Unsupported+Proxy+Adapter+version');
    const repliedAt = performance.now();
    expect(await connection.nextLine({ keepalives: true, timeoutMs: 3_000 })).toBe('KEEPALIVE');
    expect(performance.now() - repliedAt).toBeLessThan(2_500);
  });

  it('two connections: both get keepalives, each on its own idle timer', async () => {
    const proxy = await bed.proxy({ notify: true });
    const provider = new FakeDataProvider();
    const server = serverFor(proxy, provider, { notifyPort: proxy.notifyPort });
    const started = server.start();
    const rr = await proxy.accept();
    const ntf = await proxy.acceptNotify();
    await rr.nextLine();
    await ntf.nextLine();
    // 1.8.0 (no ARI.version): old Proxy, strict 1 s keepalives on both connections.
    rr.send('ID0|DPI|S|adapters_conf.id|S|DEMO');
    await expectLines(rr, 'ID0|DPI|V');
    await started;
    expect(await rr.nextLine({ keepalives: true, timeoutMs: 3_000 })).toBe('KEEPALIVE');
    expect(await ntf.nextLine({ keepalives: true, timeoutMs: 3_000 })).toBe('KEEPALIVE');
  });
});
