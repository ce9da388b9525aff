import { describe, expect, it } from 'vitest';
import { Host } from '../../src/host/host.js';
import { loadConfig } from '../../src/host/load-config.js';
import { createHostMetrics } from '../../src/host/metrics.js';
import { ProxySimulator } from '../../src/testing/index.js';
import { waitForEvent, waitUntil } from '../helpers/wait-for.js';
import {
  callsOf,
  dataAdapterSource,
  FAST_RECONNECT,
  memoryLogger,
  newJournal,
  useHostFixtures,
} from './host-test-kit.js';

const { defer, simulator, project, startHost } = useHostFixtures();

describe('Host', () => {
  it('connects a data adapter, serves subscriptions, and passes params and context to init', async () => {
    const sim = await simulator({
      kind: 'data',
      initParams: { 'proxy.instance_id': 'P1', fwd: 'x', k: 'proxy' },
    });
    const { key, journal } = newJournal();
    const created = await project(
      {
        host: '127.0.0.1',
        adapters: { FEED: { port: sim.port, module: './feed.mjs', params: { k: 'config' } } },
        reconnect: FAST_RECONNECT,
      },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    const host = await startHost(created);
    await host.whenReady(5_000);
    expect(host.connections()).toEqual([
      { adapter: 'FEED', kind: 'data', server: `127.0.0.1:${sim.port}`, state: 'connected' },
    ]);
    await sim.subscribe('item1');
    const update = await sim.waitForUpdate({ item: 'item1' });
    expect(update.fields).toEqual({ v: 'A-item1' });
    const [init] = callsOf(journal, 'init');
    expect(init?.[1]).toMatchObject({ fwd: 'x', k: 'config', 'proxy.instance_id': 'P1' });
    expect(init?.slice(2)).toEqual(['FEED', 'data', created.configPath]);
    expect(sim.violations).toEqual([]);
  });

  it('keeps retrying while the server is down at startup, then connects when it comes up', async () => {
    const probe = await new ProxySimulator({ kind: 'data' }).start();
    const port = probe.port;
    await probe.close();
    const { key } = newJournal();
    const created = await project(
      {
        host: '127.0.0.1',
        adapters: { FEED: { port, module: './feed.mjs' } },
        reconnect: FAST_RECONNECT,
      },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    const log = memoryLogger();
    const host = await startHost(created, log);
    await log.waitFor((r) => r.to === 'backoff', 'a backoff after a refused connection');
    const sim = await simulator({ kind: 'data', port });
    await host.whenReady(5_000);
    await sim.waitForConnection({ initialized: true });
    expect(host.connections()[0]?.state).toBe('connected');
  });

  it('after a drop: unsubscribes and closes the old instance, reconnects, re-handshakes and serves the re-sent subscriptions', async () => {
    const sim = await simulator({ kind: 'data', resubscribeOnReconnect: true });
    const { key, journal } = newJournal();
    const created = await project(
      {
        host: '127.0.0.1',
        adapters: { FEED: { port: sim.port, module: './feed.mjs' } },
        reconnect: FAST_RECONNECT,
      },
      { 'feed.mjs': dataAdapterSource(key, 'A', { intervalMs: 20 }) },
    );
    const host = await startHost(created);
    const first = await sim.waitForConnection({ initialized: true });
    await sim.subscribe('item1');
    await sim.subscribe('snap1');
    await sim.waitForUpdate({ item: 'snap1' });
    await first.drop();
    const second = await sim.waitForConnection({
      after: first,
      initialized: true,
      timeoutMs: 5_000,
    });
    await second.resubscription;
    await second.waitForUpdate({ item: 'snap1', predicate: (u) => u.connectionId === second.id });
    await second.waitForUpdate({ item: 'item1', predicate: (u) => u.connectionId === second.id });
    const methods = journal.calls.map((call) => call[0]);
    const secondInit = methods.lastIndexOf('init');
    // Both items were unsubscribed and the instance closed before the new session's init.
    expect(methods.slice(0, secondInit).filter((m) => m === 'unsubscribe')).toHaveLength(2);
    expect(methods.slice(0, secondInit)).toContain('close');
    expect(callsOf(journal, 'init')).toHaveLength(2);
    await host.whenReady();
    expect(host.connections()[0]?.state).toBe('connected');
    expect(sim.violations).toEqual([]);
  });

  it('logs a credentials refusal as an error that says to check credentials, keeps retrying, and never logs the password', async () => {
    const sim = await simulator({
      kind: 'data',
      credentials: { user: 'u', password: 'right-secret' },
    });
    const { key } = newJournal();
    const created = await project(
      {
        host: '127.0.0.1',
        credentials: { user: 'u', password: 'wrong-secret-42' },
        adapters: { FEED: { port: sim.port, module: './feed.mjs' } },
        reconnect: FAST_RECONNECT,
      },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    const log = memoryLogger();
    await startHost(created, log);
    const refusal = await log.waitFor(
      (r) => r.level === 50 && /credentials/.test(String(r.msg)),
      'an error about the credentials',
    );
    expect(String(refusal.msg)).toMatch(/check "credentials"/);
    await waitUntil(() => sim.connections.length >= 3, { what: 'three connection attempts' });
    expect(log.text()).not.toContain('wrong-secret-42');
  });

  it('logs a CLOSE reason and reconnects', async () => {
    const sim = await simulator({ kind: 'data' });
    const { key } = newJournal();
    const created = await project(
      {
        host: '127.0.0.1',
        adapters: { FEED: { port: sim.port, module: './feed.mjs' } },
        reconnect: FAST_RECONNECT,
      },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    const log = memoryLogger();
    await startHost(created, log);
    const first = await sim.waitForConnection({ initialized: true });
    await first.sendClose('keepalive timeout');
    await log.waitFor(
      (r) => /keepalive timeout/.test(String(r.msg)),
      'the CLOSE reason in the log',
    );
    await sim.waitForConnection({ after: first, initialized: true, timeoutMs: 5_000 });
  });

  it('connects every adapter to every server of a cluster, each connection with its own instance', async () => {
    const sim1 = await simulator({ kind: 'data', host: '127.0.0.1' });
    const sim2 = await simulator({ kind: 'data', host: '127.0.0.2', port: sim1.port });
    const { key, journal } = newJournal();
    const created = await project(
      {
        servers: [{ host: '127.0.0.1' }, { host: '127.0.0.2' }],
        adapters: { FEED: { port: sim1.port, module: './feed.mjs' } },
        reconnect: FAST_RECONNECT,
      },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    const host = await startHost(created);
    await host.whenReady(5_000);
    expect(host.connections().map((c) => c.server)).toEqual([
      `127.0.0.1:${sim1.port}`,
      `127.0.0.2:${sim1.port}`,
    ]);
    await sim1.subscribe('item1');
    await sim2.subscribe('item2');
    await sim1.waitForUpdate({ item: 'item1' });
    await sim2.waitForUpdate({ item: 'item2' });
    expect(callsOf(journal, 'init')).toHaveLength(2);
  });

  it('stops a connection for good after reconnect.maxAttempts and reports failure when every connection stopped', async () => {
    const probe = await new ProxySimulator({ kind: 'data' }).start();
    const port = probe.port;
    await probe.close();
    const { key } = newJournal();
    const created = await project(
      {
        host: '127.0.0.1',
        adapters: { FEED: { port, module: './feed.mjs' } },
        reconnect: { initialDelayMs: 10, maxDelayMs: 20, factor: 2, maxAttempts: 2 },
      },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    const log = memoryLogger();
    const loaded = await loadConfig({ configPath: created.configPath });
    const host = await Host.create({ ...loaded, logger: log.logger });
    defer(() => host.stop());
    const failed = waitForEvent<[Error]>(host, 'failed');
    await host.start();
    const [error] = await failed;
    expect(error.message).toMatch(/gave up/);
    expect(host.connections()[0]?.state).toBe('stopped');
    await log.waitFor((r) => r.level === 50 && /gave up/.test(String(r.msg)), 'the give-up error');
  });

  it('re-initialises a plain-object adapter on reconnection', async () => {
    const sim = await simulator({ kind: 'data' });
    const { key, journal } = newJournal();
    const created = await project(
      {
        host: '127.0.0.1',
        adapters: { FEED: { port: sim.port, module: './feed.mjs' } },
        reconnect: FAST_RECONNECT,
      },
      { 'feed.mjs': dataAdapterSource(key, 'A', { object: true }) },
    );
    await startHost(created);
    const first = await sim.waitForConnection({ initialized: true });
    await first.drop();
    await sim.waitForConnection({ after: first, initialized: true, timeoutMs: 5_000 });
    expect(callsOf(journal, 'init')).toHaveLength(2);
    expect(callsOf(journal, 'close')).toHaveLength(1);
  });

  it('stops within the deadline during a backoff, closing the adapters', async () => {
    const probe = await new ProxySimulator({ kind: 'data' }).start();
    const port = probe.port;
    await probe.close();
    const { key } = newJournal();
    const created = await project(
      {
        host: '127.0.0.1',
        adapters: { FEED: { port, module: './feed.mjs' } },
        reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, factor: 2, maxAttempts: null },
      },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    const log = memoryLogger();
    const host = await startHost(created, log);
    await log.waitFor((r) => r.to === 'backoff', 'a backoff');
    const startedAt = Date.now();
    await host.stop();
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(host.connections()[0]?.state).toBe('stopped');
  });

  it('refuses to start with a config error naming the adapter when a module is missing', async () => {
    const created = await project({ adapters: { FEED: { port: 1, module: './missing.mjs' } } });
    const loaded = await loadConfig({ configPath: created.configPath });
    await expect(Host.create({ ...loaded, logger: memoryLogger().logger })).rejects.toMatchObject({
      name: 'ModuleNotFoundError',
      adapter: 'FEED',
    });
  });

  it('starts a module of adaptersDir that declares itself with settings, and skips helpers', async () => {
    const sim = await simulator({ kind: 'data' });
    const { key } = newJournal();
    const created = await project(
      { host: '127.0.0.1', reconnect: FAST_RECONNECT },
      {
        'adapters/feed.mjs': dataAdapterSource(key, 'A', {
          settings: { kind: 'data', port: sim.port },
        }),
        'adapters/helper.mjs': 'export default { subscribe() {}, unsubscribe() {} };\n',
      },
    );
    const host = await startHost(created);
    expect(host.adapterNames()).toEqual(['feed']);
    await host.whenReady(5_000);
  });

  it('feeds the metrics: connection up, requests by method and outcome, updates sent', async () => {
    const sim = await simulator({ kind: 'data' });
    const { key } = newJournal();
    const created = await project(
      { host: '127.0.0.1', adapters: { FEED: { port: sim.port, module: './feed.mjs' } } },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    const loaded = await loadConfig({ configPath: created.configPath });
    const metrics = createHostMetrics({ defaultMetrics: false });
    const host = await Host.create({ ...loaded, logger: memoryLogger().logger, metrics });
    defer(() => host.stop());
    await host.start();
    await host.whenReady(5_000);
    await sim.subscribe('item1');
    await sim.waitForUpdate({ item: 'item1' });
    const text = await metrics.metrics();
    const server = `127.0.0.1:${sim.port}`;
    expect(text).toContain(`lsadapter_connection_up{adapter="FEED",server="${server}"} 1`);
    expect(text).toContain(
      'lsadapter_requests_total{adapter="FEED",method="subscribe",outcome="ok"} 1',
    );
    expect(text).toContain('lsadapter_updates_sent_total{adapter="FEED"} 1');
    expect(text).toContain('lsadapter_active_items{adapter="FEED"} 1');
  });

  it('refuses to start a plain-object adapter that connects to several servers', async () => {
    const { key } = newJournal();
    const created = await project(
      {
        servers: [{ host: '127.0.0.1' }, { host: '127.0.0.2' }],
        adapters: { FEED: { port: 1, module: './feed.mjs' } },
      },
      { 'feed.mjs': dataAdapterSource(key, 'A', { object: true }) },
    );
    const loaded = await loadConfig({ configPath: created.configPath });
    await expect(Host.create({ ...loaded, logger: memoryLogger().logger })).rejects.toMatchObject({
      name: 'ModuleShapeError',
      message: expect.stringMatching(/export a class/),
    });
  });
});
