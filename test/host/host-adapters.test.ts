/**
 * The host with adapter modules as users write them (SPEC §4, §5, §6): what `init` receives,
 * kind detection with another copy of `lsadapter`, adapters that throw, readiness and metrics
 * while a connection comes and goes.
 */
import { describe, expect, it } from 'vitest';
import { startHealthServer } from '../../src/host/health.js';
import { Host } from '../../src/host/host.js';
import { loadConfig } from '../../src/host/load-config.js';
import { createHostMetrics } from '../../src/host/metrics.js';
import { ProxySimulator } from '../../src/testing/index.js';
import {
  callsOf,
  dataAdapterSource,
  FAST_RECONNECT,
  memoryLogger,
  newJournal,
  useHostFixtures,
} from './host-test-kit.js';

const { defer, simulator, project, startHost } = useHostFixtures({
  host: '127.0.0.1',
  reconnect: FAST_RECONNECT,
});

/** `const log = …` for a module writing to the journal `key`. */
function journalHead(key: string): string {
  return `const log = (...call) => globalThis.__lsadapterTest['${key}'].calls.push(call);\n`;
}

/** An `init` that records what it received, and logs through the context's logger. */
const RECORDING_INIT = `init(params, context) {
    context.logger.info({ probe: true }, 'hello from init');
    log('init', { ...params }, {
      name: context.name,
      kind: context.kind,
      configPath: context.configPath,
      proxy: context['proxy.instance_id'],
      server: context['server.instance_id'],
      loggerMethods: ['debug', 'info', 'warn', 'error', 'child'].filter((m) => typeof context.logger?.[m] === 'function'),
    });
  }`;

describe('init(params, context)', () => {
  it('gives a data adapter the merged params and { name, kind, configPath, logger } plus the instance ids', async () => {
    const sim = await simulator({
      kind: 'data',
      initParams: { 'proxy.instance_id': 'P-7', 'server.instance_id': 'S-9', fwd: 'x', k: 'proxy' },
    });
    const { key, journal } = newJournal();
    const created = await project(
      { adapters: { FEED: { port: sim.port, module: './feed.mjs', params: { k: 'config' } } } },
      {
        'feed.mjs': `${journalHead(key)}export default class Feed {
  ${RECORDING_INIT}
  subscribe() {}
  unsubscribe() {}
}\n`,
      },
    );
    const log = memoryLogger();
    const host = await startHost(created, log);
    await host.whenReady(5_000);
    const [[params, context] = []] = callsOf(journal, 'init');
    expect(params).toMatchObject({ fwd: 'x', k: 'config' });
    expect(context).toEqual({
      name: 'FEED',
      kind: 'data',
      configPath: created.configPath,
      proxy: 'P-7',
      server: 'S-9',
      loggerMethods: ['debug', 'info', 'warn', 'error', 'child'],
    });
    // The context's logger is the host's, bound to the adapter.
    const line = await log.waitFor((r) => r.msg === 'hello from init', 'the line logged by init');
    expect(line).toMatchObject({ adapter: 'FEED', probe: true });
  });

  it('gives a metadata adapter the same context, without instance ids when the Proxy sends none', async () => {
    const sim = await simulator({ kind: 'metadata', initParams: { fwd: 'y' } });
    const { key, journal } = newJournal();
    const created = await project(
      { adapters: { AUTH: { port: sim.port, module: './auth.mjs', params: { own: 'z' } } } },
      { 'auth.mjs': `${journalHead(key)}export default {\n  ${RECORDING_INIT}\n};\n` },
    );
    const host = await startHost(created);
    await host.whenReady(5_000);
    const [[params, context] = []] = callsOf(journal, 'init');
    expect(params).toMatchObject({ fwd: 'y', own: 'z' });
    expect(context).toMatchObject({
      name: 'AUTH',
      kind: 'metadata',
      configPath: created.configPath,
      proxy: undefined,
      server: undefined,
    });
  });
});

describe('kind detection', () => {
  /** A copy of `lsadapter` of the project's own, not the one the host runs. */
  const otherCopy = {
    'node_modules/lsadapter/package.json': JSON.stringify({
      name: 'lsadapter',
      version: '0.0.1-other',
      type: 'module',
      exports: './index.js',
    }),
    'node_modules/lsadapter/index.js': `export class DataProvider {
  setListener(listener) { this.listener = listener; }
  isSnapshotAvailable() { return false; }
}
export class MetadataProvider {}
`,
  };

  it('does not depend on the module importing the host’s copy of lsadapter', async () => {
    const data = await simulator({ kind: 'data' });
    const metadata = await simulator({ kind: 'metadata' });
    const created = await project(
      {
        adapters: {
          FEED: { port: data.port, module: './feed.mjs' },
          AUTH: { port: metadata.port, module: './auth.mjs' },
        },
      },
      {
        ...otherCopy,
        'feed.mjs': `import { DataProvider } from 'lsadapter';
export default class Feed extends DataProvider {
  subscribe(item) { this.listener.update(item, { v: 'from-' + item }, false); }
  unsubscribe() {}
}\n`,
        'auth.mjs': `import { MetadataProvider } from 'lsadapter';
export default class Auth extends MetadataProvider {
  getItems(user, sessionId, group) { return ['only-' + group]; }
}\n`,
      },
    );
    const host = await startHost(created);
    await host.whenReady(5_000);
    expect(host.connections().map((c) => [c.adapter, c.kind])).toEqual([
      ['FEED', 'data'],
      ['AUTH', 'metadata'],
    ]);
    await data.subscribe('item1');
    expect((await data.waitForUpdate({ item: 'item1' })).fields).toEqual({ v: 'from-item1' });
    expect((await metadata.getItems('u', 'g', 's1')).names).toEqual(['only-g']);
    // Hooks the class lacks get the default behaviour: the schema split on runs of spaces.
    expect((await metadata.getSchema('u', 'g', 'a  b', 's1')).names).toEqual(['a', 'b']);
    expect(data.violations).toEqual([]);
    expect(metadata.violations).toEqual([]);
  });
});

describe('adapters that throw', () => {
  it('answers every throwing method with an error reply and keeps serving; close() errors are logged', async () => {
    const sim = await simulator({ kind: 'data' });
    const created = await project(
      { adapters: { FEED: { port: sim.port, module: './feed.mjs' } } },
      {
        'feed.mjs': `export default class Feed {
  setListener(listener) { this.listener = listener; }
  isSnapshotAvailable(item) { if (item === 'bad-snapshot') throw new Error('no snapshot today'); return false; }
  subscribe(item) {
    if (item === 'sync') throw new Error('sync failure');
    if (item === 'async') return Promise.reject(new Error('async failure'));
    if (item === 'string') throw 'a bare string';
    this.listener.update(item, { v: 'ok' }, false);
  }
  unsubscribe(item) { throw new Error('unsubscribe failure ' + item); }
  close() { throw new Error('close failure'); }
}\n`,
      },
    );
    const log = memoryLogger();
    const host = await startHost(created, log);
    await host.whenReady(5_000);
    const replies = new Map<string, unknown>();
    for (const item of ['sync', 'async', 'string', 'bad-snapshot']) {
      replies.set(item, (await sim.subscribe(item)).error);
    }
    expect(Object.fromEntries(replies)).toEqual({
      sync: { tag: 'E', message: 'sync failure' },
      async: { tag: 'E', message: 'async failure' },
      string: { tag: 'E', message: 'a bare string' },
      'bad-snapshot': { tag: 'E', message: 'no snapshot today' },
    });
    expect((await sim.subscribe('fine')).error).toBeUndefined();
    expect((await sim.unsubscribe('fine')).error).toEqual({
      tag: 'E',
      message: 'unsubscribe failure fine',
    });
    // Still the same connection, still serving.
    expect((await sim.subscribe('fine2')).error).toBeUndefined();
    expect((await sim.waitForUpdate({ item: 'fine2' })).fields).toEqual({ v: 'ok' });
    expect(sim.connections).toHaveLength(1);
    expect(host.connections()[0]?.state).toBe('connected');
    await host.stop();
    await log.waitFor(
      (r) => r.level === 50 && /close\(\) of adapter "FEED" failed/.test(String(r.msg)),
      'the close() error',
    );
  });

  it('logs an init that throws, and retries on a fresh instance once the Proxy ends that connection', async () => {
    const sim = await simulator({ kind: 'data' });
    const { key, journal } = newJournal();
    const created = await project(
      { adapters: { FEED: { port: sim.port, module: './feed.mjs' } } },
      {
        'feed.mjs': `${journalHead(key)}let instances = 0;
export default class Feed {
  constructor() { this.id = ++instances; }
  init() {
    log('init', this.id);
    if (this.id === 1) throw new Error('database unreachable');
  }
  subscribe() {}
  unsubscribe() {}
  close() { log('close', this.id); }
}\n`,
      },
    );
    const log = memoryLogger();
    const host = await startHost(created, log);
    const failure = await log.waitFor(
      (r) => r.level === 50 && /database unreachable/.test(String(r.msg)),
      'the init error',
    );
    expect(failure.adapter).toBe('FEED');
    // PROTOCOL.md §3.5: after the error reply the Proxy ends the connection; then the host retries.
    const first = await sim.waitForConnection({});
    await first.close();
    await log.waitFor((r) => r.to === 'backoff', 'a backoff after the failed init');
    await host.whenReady(5_000);
    expect(callsOf(journal, 'init')).toEqual([[1], [2]]);
    expect(callsOf(journal, 'close')).toEqual([[1]]);
  });

  it('retries when the class constructor throws at connection time', async () => {
    const sim = await simulator({ kind: 'data' });
    const { key, journal } = newJournal();
    const created = await project(
      { adapters: { FEED: { port: sim.port, module: './feed.mjs' } } },
      {
        'feed.mjs': `${journalHead(key)}let instances = 0;
export default class Feed {
  constructor() { if (++instances === 1) throw new Error('not yet'); }
  init() { log('init'); }
  subscribe() {}
  unsubscribe() {}
}\n`,
      },
    );
    const log = memoryLogger();
    const host = await startHost(created, log);
    await log.waitFor(
      (r) => r.to === 'backoff' && /not yet/.test(String(r.reason)),
      'a backoff naming the constructor error',
    );
    await host.whenReady(5_000);
    expect(callsOf(journal, 'init')).toHaveLength(1);
  });

  it('refuses to start, as a module error, a class whose constructor throws when its shape is checked', async () => {
    const created = await project(
      { adapters: { FEED: { port: 1, kind: 'data', module: './feed.mjs' } } },
      {
        'feed.mjs':
          "export default class Feed {\n  constructor() { throw new Error('missing API key'); }\n}\n",
      },
    );
    const loaded = await loadConfig({ configPath: created.configPath });
    await expect(Host.create({ ...loaded, logger: memoryLogger().logger })).rejects.toMatchObject({
      name: 'ModuleShapeError',
      adapter: 'FEED',
      message: expect.stringMatching(/constructing the adapter failed: missing API key/),
    });
  });
});

describe('readiness and metrics of a live host', () => {
  it('answers /readyz 503 while a connection is down and 200 once it is up; counts reconnects', async () => {
    const probe = await new ProxySimulator({ kind: 'data' }).start();
    const port = probe.port;
    await probe.close();
    const { key } = newJournal();
    const created = await project(
      { adapters: { FEED: { port, module: './feed.mjs' } } },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    const metrics = createHostMetrics({ defaultMetrics: false });
    const log = memoryLogger();
    const host = await startHost(created, log, { metrics });
    const health = await startHealthServer({
      port: 0,
      metrics,
      readiness: () => ({ connections: host.connections() }),
    });
    defer(() => health.close());
    const server = `127.0.0.1:${port}`;

    await log.waitFor((r) => r.to === 'backoff', 'a backoff');
    const down = await fetch(`${health.url}/readyz`);
    expect(down.status).toBe(503);
    const downBody = (await down.json()) as { ready: boolean; connections: { state: string }[] };
    expect(downBody.ready).toBe(false);
    expect(downBody.connections).toHaveLength(1);
    expect(downBody.connections[0]).toMatchObject({ adapter: 'FEED', kind: 'data', server });
    expect(['connecting', 'handshaking', 'backoff']).toContain(downBody.connections[0]?.state);
    expect(await metricsText(health.url)).toContain(
      `lsadapter_connection_up{adapter="FEED",server="${server}"} 0`,
    );

    await simulator({ kind: 'data', port });
    await host.whenReady(5_000);
    const up = await fetch(`${health.url}/readyz`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({
      ready: true,
      connections: [{ adapter: 'FEED', kind: 'data', server, state: 'connected' }],
    });
    const text = await metricsText(health.url);
    expect(text).toContain(`lsadapter_connection_up{adapter="FEED",server="${server}"} 1`);
    expect(reconnects(text, server)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(
      /^lsadapter_request_duration_seconds_count\{adapter="FEED",method="init"\} 1$/m,
    );
    expect(text).toMatch(/^lsadapter_bytes_sent_total\{adapter="FEED"\} [1-9]\d*$/m);
    expect(text).toMatch(/^lsadapter_outbound_queue_bytes\{adapter="FEED"\} \d+$/m);
  });
});

async function metricsText(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

function reconnects(text: string, server: string): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`lsadapter_reconnects_total{adapter="FEED",server="${server}"} `));
  return Number(line?.split(' ')[1] ?? 0);
}
