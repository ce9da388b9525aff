/**
 * Providers that throw, reject or answer garbage from every method, synchronously and
 * asynchronously (SPEC §3): every request still gets its one answer (the generic `E` unless the
 * thrown class says otherwise, with `error.message` or `String(value)` as message), the connection
 * goes on, and nothing escapes as an unhandled rejection or exception.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UNREADABLE_MESSAGE } from '../../src/protocol/error-mapping.js';
import { DataProviderServer } from '../../src/sdk/data-provider-server.js';
import { MetadataProviderServer } from '../../src/sdk/metadata-provider-server.js';
import { DEFAULT_RAC, expectLines, FakeDataProvider, handshake, TestBed } from './harness.js';

const bed = new TestBed();
const escaped: unknown[] = [];
const record = (error: unknown): void => {
  escaped.push(error);
};
beforeAll(() => {
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
});
afterAll(() => {
  process.off('unhandledRejection', record);
  process.off('uncaughtException', record);
});
afterEach(async () => {
  await bed.cleanup();
  // Rejections are reported once the microtask queue drained: give them a turn to show up.
  await new Promise((resolve) => setImmediate(resolve));
  expect(escaped.splice(0)).toEqual([]);
});

/** A value with a `message` getter that throws, as a hostile Error. */
function unreadableError(): Error {
  const error = new Error('x');
  Object.defineProperty(error, 'message', {
    get() {
      throw new Error('no message for you');
    },
  });
  return error;
}

/** Thrown values and the message their `E` reply carries (smart-encoded, 1.9.1). */
const THROWN: Array<[what: string, make: () => unknown, message: string]> = [
  ['an Error', () => new Error('An exception'), 'An exception'],
  ["'boom'", () => 'boom', 'boom'],
  ['42', () => 42, '42'],
  ['null', () => null, 'null'],
  ['undefined', () => undefined, 'undefined'],
  ['a plain object with a message', () => ({ message: 'm' }), '[object Object]'],
  ['an object without a prototype', () => Object.create(null), UNREADABLE_MESSAGE],
  ['an Error whose message getter throws', unreadableError, UNREADABLE_MESSAGE],
];

/** Ways a method can fail: sync throw, rejected Promise, non-Promise thenable that rejects. */
const FAILING: Array<[how: string, fail: (error: unknown) => unknown]> = [
  [
    'throws',
    (error) => {
      throw error;
    },
  ],
  ['rejects', (error) => Promise.reject(error)],
  [
    'returns a thenable that rejects',
    (error) => ({
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise is the point
      then: (_ok: unknown, ko: (e: unknown) => void) => setImmediate(() => ko(error)),
    }),
  ],
  [
    'returns a thenable whose then throws',
    (error) => ({
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise is the point
      then() {
        throw error;
      },
    }),
  ],
];

const CASES = THROWN.flatMap(([what, make, message]) =>
  FAILING.map(([how, fail]) => [`${how} ${what}`, () => fail(make()), message] as const),
);

describe('a Data Adapter that fails', () => {
  it.each(CASES)('init %s: DPI|E, the connection stays', async (_name, failure, message) => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    provider.onInit = () => failure() as never;
    const server = bed.track(new DataProviderServer(provider, proxy));
    const started = server.start();
    started.catch(() => {});
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send('ID0|DPI|S|ARI.version|S|1.9.1');
    const old = encodeURIComponent(message).replace(/%20/g, '+');
    await expectLines(connection, `ID0|DPI|E|${old}`);
    await expect(started).rejects.toThrow(/init failed/);
    expect(server.status).toBe('init-failed');
  });

  it.each(CASES)('setListener %s: DPI|E', async (_name, failure, message) => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    provider.setListener = () => failure() as never;
    const server = bed.track(new DataProviderServer(provider, proxy));
    server.start().catch(() => {});
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send('ID0|DPI|S|ARI.version|S|1.9.1');
    await expectLines(connection, `ID0|DPI|E|${encodeURIComponent(message).replace(/%20/g, '+')}`);
  });

  it.each(CASES)('isSnapshotAvailable %s: SUB|E without EOS', async (_name, failure, message) => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    provider.snapshot = (item) => (item === 'bad' ? (failure() as never) : false);
    const server = bed.track(new DataProviderServer(provider, proxy));
    const connection = await handshake(proxy, server);
    connection.send('ID1|SUB|S|bad');
    await expectLines(connection, `ID1|SUB|E|${message}`);
    connection.send('ID2|USB|S|bad', 'ID3|SUB|S|ok');
    await expectLines(connection, 'ID2|USB|V', '<ts>|EOS|S|ok|S|ID3', 'ID3|SUB|V');
    expect(provider.calls).not.toContain('subscribe:bad');
    expect(provider.calls).not.toContain('unsubscribe:bad');
  });

  it.each(CASES)('subscribe %s: EOS then SUB|E', async (_name, failure, message) => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    provider.onSubscribe = () => failure() as never;
    const server = bed.track(new DataProviderServer(provider, proxy));
    const connection = await handshake(proxy, server);
    connection.send('ID1|SUB|S|item');
    await expectLines(connection, '<ts>|EOS|S|item|S|ID1', `ID1|SUB|E|${message}`);
    connection.send('ID2|USB|S|item');
    await expectLines(connection, 'ID2|USB|V');
    expect(provider.calls).not.toContain('unsubscribe:item');
  });

  it.each(CASES)('unsubscribe %s: USB|E, events stop', async (_name, failure, message) => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    provider.onUnsubscribe = () => failure() as never;
    const server = bed.track(new DataProviderServer(provider, proxy));
    const connection = await handshake(proxy, server);
    connection.send('ID1|SUB|S|item', 'ID2|USB|S|item');
    await expectLines(connection, '<ts>|EOS|S|item|S|ID1', 'ID1|SUB|V', `ID2|USB|E|${message}`);
    expect(provider.listener?.update('item', { f: 'late' }, false)).toBe(false);
    connection.send('ID3|SUB|S|item');
    await expectLines(connection, '<ts>|EOS|S|item|S|ID3', 'ID3|SUB|V');
  });

  it.each(THROWN)('failure(%s) sends FAL with its message', async (_what, make, message) => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const server = bed.track(new DataProviderServer(provider, proxy));
    const connection = await handshake(proxy, server);
    provider.listener?.failure(make() as Error);
    await expectLines(connection, `<ts>|FAL|E|${message}`);
  });

  it('garbage answers: a truthy non-boolean snapshot flag, results that are not promises', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    provider.snapshot = (item) => (item === 'yes' ? ('yes' as never) : (0 as never));
    provider.onSubscribe = () => 42 as never;
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise is the point
    provider.onUnsubscribe = () => ({ then: (ok: () => void) => ok() }) as never;
    const server = bed.track(new DataProviderServer(provider, proxy));
    const connection = await handshake(proxy, server);
    connection.send('ID1|SUB|S|yes', 'ID2|SUB|S|no', 'ID3|USB|S|no');
    await expectLines(connection, 'ID1|SUB|V', '<ts>|EOS|S|no|S|ID2', 'ID2|SUB|V', 'ID3|USB|V');
  });

  it('listener calls with garbage arguments never throw into the provider', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const server = bed.track(new DataProviderServer(provider, proxy));
    const connection = await handshake(proxy, server);
    const listener = provider.listener as unknown as Record<
      string,
      (...args: unknown[]) => unknown
    >;
    expect(listener.update?.(undefined, undefined, undefined)).toBe(false);
    expect(listener.update?.(Object.create(null), {}, true)).toBe(false);
    expect(listener.endOfSnapshot?.(null)).toBe(false);
    expect(listener.clearSnapshot?.(42)).toBe(false);
    connection.send('ID1|SUB|S|item');
    await expectLines(connection, '<ts>|EOS|S|item|S|ID1', 'ID1|SUB|V');
    expect(listener.update?.('item', null, false)).toBe(true);
    await expectLines(connection, '<ts>|UD3|S|item|S|ID1|B|0');
  });
});

/** Every hook a metadata request calls, with a request line that calls it. */
const METADATA_HOOKS: Array<[hook: string, line: string]> = [
  ['notifyUser', 'R|NUS|S|user|S|password'],
  ['notifyUserWithPrincipal', 'R|NUA|S|user|S|password|S|principal'],
  ['getAllowedMaxBandwidth', 'R|NUS|S|user|S|password'],
  ['wantsTablesNotification', 'R|NUS|S|user|S|password'],
  ['getItems', 'R|GIS|S|user|S|group|S|S1'],
  ['getSchema', 'R|GSC|S|user|S|group|S|schema|S|S1'],
  ['modeMayBeAllowed', 'R|GIT|S|item'],
  ['getDistinctSnapshotLength', 'R|GIT|S|item'],
  ['getMinSourceFrequency', 'R|GIT|S|item'],
  ['isModeAllowed', 'R|GUI|S|user|S|item'],
  ['getAllowedBufferSize', 'R|GUI|S|user|S|item'],
  ['getAllowedMaxItemFrequency', 'R|GUI|S|user|S|item'],
  ['notifyUserMessage', 'R|NUM|S|user|S|S1|S|message'],
  ['notifyNewSession', 'R|NNS|S|user|S|S1'],
  ['getSessionTimeToLive', 'R|NNS|S|user|S|S1'],
  ['notifySessionClose', 'R|NSC|S|S1'],
  ['notifyNewTables', 'R|NNT|S|user|S|S1|I|1|M|M|S|g|S|da|S|s|I|1|I|1|S|#|I|1|S|g'],
  ['enableTableUnsubscription', 'R|NNT|S|user|S|S1|I|1|M|M|S|g|S|da|S|s|I|1|I|1|S|#|I|1|S|g'],
  ['wantsFinalTableStatistics', 'R|NNT|S|user|S|S1|I|1|M|M|S|g|S|da|S|s|I|1|I|1|S|#|I|1|S|g'],
  ['notifyTablesClose', 'R|NTC|S|S1|I|1|M|M|S|g|S|da|S|s|I|1|I|1|S|#|I|1|S|g|I|0'],
  ['notifyMpnDeviceAccess', 'R|MDA|S|user|S|S1|P|A|S|app|S|token'],
  [
    'notifyMpnSubscriptionActivation',
    'R|MSA|S|user|S|S1|I|1|M|M|S|g|S|da|S|s|I|1|I|1|I|1|S|g|P|A|S|app|S|token|S|#|S|{}',
  ],
  ['notifyMpnDeviceTokenChange', 'R|MDC|S|user|S|S1|P|G|S|app|S|token|S|token2'],
];

/** Garbage answers of hooks whose answer the reply carries. */
const GARBAGE: Array<[hook: string, value: unknown]> = [
  ['getItems', 'a b'],
  ['getItems', [1, 2]],
  ['getSchema', null],
  ['getAllowedMaxBandwidth', -1],
  ['getAllowedMaxBandwidth', Number.NaN],
  ['getAllowedMaxBandwidth', '5'],
  ['wantsTablesNotification', 1],
  ['modeMayBeAllowed', undefined],
  ['getDistinctSnapshotLength', 1.5],
  ['getMinSourceFrequency', Number.POSITIVE_INFINITY],
  ['isModeAllowed', 'yes'],
  ['getAllowedBufferSize', -3],
  ['getAllowedMaxItemFrequency', {}],
  ['getSessionTimeToLive', 'an hour'],
  ['enableTableUnsubscription', null],
  ['wantsFinalTableStatistics', 0],
];

describe('a Metadata Adapter that fails', () => {
  const sharedBed = new TestBed();
  const hooks: Record<string, unknown> = {};
  let send: (line: string) => Promise<string>;

  beforeAll(async () => {
    const proxy = await sharedBed.proxy();
    const provider = new Proxy({}, { get: (_target, name) => hooks[name as string] });
    const server = sharedBed.track(new MetadataProviderServer(provider, proxy));
    const init = 'ID0|MPI|S|ARI.version|S|1.9.1';
    const connection = await handshake(proxy, server, init, init);
    send = async (line) => {
      connection.send(line);
      return connection.nextLine();
    };
  });
  afterAll(() => sharedBed.cleanup());

  const cases = METADATA_HOOKS.flatMap(([hook, line]) =>
    CASES.map(([name, failure, message]) => [hook, name, line, failure, message] as const),
  );
  it.each(cases)('%s %s: E with the message', async (hook, _name, line, failure, message) => {
    for (const key of Object.keys(hooks)) delete hooks[key];
    hooks[hook] = () => failure();
    const method = line.split('|')[1] as string;
    expect(await send(line)).toBe(`R|${method}|E|${message}`);
  });

  it.each(GARBAGE)('%s answering %s: E saying what was wrong', async (hook, value) => {
    for (const key of Object.keys(hooks)) delete hooks[key];
    hooks[hook] = async () => value;
    const entry = METADATA_HOOKS.find(([name]) => name === hook) as [string, string];
    const reply = await send(entry[1]);
    expect(reply).toMatch(new RegExp(`^R\\|${entry[1].split('|')[1]}\\|E\\|.*${hook}`));
  });

  it('a hook that is not a function: E naming it', async () => {
    for (const key of Object.keys(hooks)) delete hooks[key];
    hooks.getItems = 42;
    expect(await send('R|GIS|S|user|S|group|S|S1')).toMatch(/^R\|GIS\|E\|.*getItems/);
  });

  it.each(CASES)('init %s: MPI|E', async (_name, failure, message) => {
    const proxy = await bed.proxy();
    const server = bed.track(new MetadataProviderServer({ init: () => failure() as never }, proxy));
    server.start().catch(() => {});
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send('ID0|MPI|S|ARI.version|S|1.9.1');
    await expectLines(connection, `ID0|MPI|E|${encodeURIComponent(message).replace(/%20/g, '+')}`);
  });
});
