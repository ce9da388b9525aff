import { describe, expect, it } from 'vitest';
import type { Host } from '../../src/host/host.js';
import type { ProxySimulator } from '../../src/testing/index.js';
import { makeTestCertificates } from '../helpers/certs.js';
import { waitUntil } from '../helpers/wait-for.js';
import {
  callsOf,
  dataAdapterSource,
  type MemoryLogger,
  memoryLogger,
  newJournal,
  useHostFixtures,
} from './host-test-kit.js';

const fixtures = useHostFixtures();

function simulator(options: Partial<ConstructorParameters<typeof ProxySimulator>[0]> = {}) {
  return fixtures.simulator({ kind: 'data', ...options });
}

async function listeningHost(
  source: string,
  log: MemoryLogger = memoryLogger(),
  listen: object = {},
  files: Record<string, string> = {},
  watch = false,
): Promise<{ host: Host; port: number; write(source: string): Promise<string> }> {
  const created = await fixtures.project(
    {
      adapters: {
        FEED: { module: './feed.mjs', listen: { port: 0, host: '127.0.0.1', ...listen } },
      },
    },
    { 'feed.mjs': source, ...files },
  );
  const host = await fixtures.startHost(created, log, { watch });
  const port = host.adapter('FEED')?.listenPort ?? 0;
  return { host, port, write: (next) => created.dir.write('feed.mjs', next) };
}

describe('listen mode', () => {
  it('serves each accepted connection as a session of its own; a dropped one ends only itself', async () => {
    const { key, journal } = newJournal();
    const { host, port } = await listeningHost(dataAdapterSource(key, 'A'));
    expect(host.connections()).toEqual([
      { adapter: 'FEED', kind: 'data', server: `127.0.0.1:${port}`, state: 'connecting' },
    ]);
    const simA = await simulator();
    const simB = await simulator();
    const a = await simA.connectTo('127.0.0.1', port);
    const b = await simB.connectTo('127.0.0.1', port);
    await a.waitForInit();
    await b.waitForInit();
    await host.whenReady(5_000);
    expect(host.connections()[0]?.state).toBe('connected');
    expect(callsOf(journal, 'init')).toHaveLength(2);

    await a.subscribe('item1');
    await b.subscribe('item2');
    await a.drop();
    await waitUntil(() => callsOf(journal, 'close').length === 1, { what: 'the close of A' });
    // The other session goes on serving.
    await b.subscribe('item3');
    await b.waitForUpdate({ item: 'item3' });
    expect(callsOf(journal, 'unsubscribe').map((call) => call[1])).toEqual(['item1']);

    // And the port keeps accepting.
    const simC = await simulator();
    const c = await simC.connectTo('127.0.0.1', port);
    await c.waitForInit();
    expect(callsOf(journal, 'init')).toHaveLength(3);
    await b.drop();
    await c.drop();
    await waitUntil(() => host.connections()[0]?.state === 'connecting', {
      what: 'no session left',
    });
  });

  it('refuses a second concurrent connection to a plain-object adapter with a clear log', async () => {
    const { key, journal } = newJournal();
    const log = memoryLogger();
    const { port } = await listeningHost(dataAdapterSource(key, 'A', { object: true }), log);
    const simA = await simulator();
    const simB = await simulator();
    const a = await simA.connectTo('127.0.0.1', port);
    await a.waitForInit();
    const b = await simB.connectTo('127.0.0.1', port);
    await b.waitForClose();
    const refusal = await log.waitFor(
      (r) => r.level === 50 && /serves one connection at a time/.test(String(r.msg)),
      'the refusal',
    );
    expect(String(refusal.msg)).toMatch(/connection refused/);
    expect(callsOf(journal, 'init')).toHaveLength(1);
    // The first session is not disturbed.
    await a.subscribe('item1');
    await a.waitForUpdate({ item: 'item1' });
  });

  it('accepts TLS connections when listen.tls is set', async () => {
    const certs = await makeTestCertificates();
    const { key } = newJournal();
    const { host, port } = await listeningHost(
      dataAdapterSource(key, 'A'),
      memoryLogger(),
      { tls: { cert: './cert.pem', key: './key.pem' } },
      { 'cert.pem': certs.certPem, 'key.pem': certs.keyPem },
    );
    const sim = await simulator();
    const connection = await sim.connectTo('127.0.0.1', port, {
      tls: { ca: certs.caPem, servername: 'localhost' },
    });
    await connection.waitForInit();
    await host.whenReady(5_000);
  });

  it('swaps a reloaded module into every session', async () => {
    const { key, journal } = newJournal();
    const source = dataAdapterSource(key, 'A');
    const { port, write } = await listeningHost(source, memoryLogger(), {}, {}, true);
    const simA = await simulator();
    const simB = await simulator();
    const a = await simA.connectTo('127.0.0.1', port);
    const b = await simB.connectTo('127.0.0.1', port);
    await a.waitForInit();
    await b.waitForInit();
    await a.subscribe('item1');
    await b.subscribe('item2');
    await write(dataAdapterSource(key, 'B'));
    const fresh = {
      predicate: (u: { fields: Record<string, unknown> }) => String(u.fields.v).startsWith('B-'),
      timeoutMs: 5_000,
    };
    await a.waitForUpdate({ item: 'item1', ...fresh });
    await b.waitForUpdate({ item: 'item2', ...fresh });
    expect(callsOf(journal, 'close').map((c) => c[0])).toEqual(['A', 'A']);
    expect(a.ended).toBeUndefined();
    expect(b.ended).toBeUndefined();
  });
});
