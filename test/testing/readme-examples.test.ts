/**
 * The examples of the `lsadapter/testing` README section, as users run them: imports through the
 * package names (`lsadapter`, `lsadapter/testing`, resolved by package.json "exports" to the
 * built dist, which `npm test` builds first) and the example adapters of `adapters/`. Keep the
 * test bodies identical to the README code blocks.
 */
import { DataProviderServer, MetadataProviderServer } from 'lsadapter';
import { ProxySimulator } from 'lsadapter/testing';
import { afterEach, describe, expect, it } from 'vitest';
import AuthMetadata from '../../adapters/auth-metadata.js';
import StockQuotes from '../../adapters/stock-quotes.js';

let sim: ProxySimulator | undefined;
let server: DataProviderServer | MetadataProviderServer | undefined;

afterEach(async () => {
  await server?.close();
  await sim?.close();
  server = undefined;
  sim = undefined;
});

describe('README: lsadapter/testing', () => {
  it('sends a snapshot, then real-time updates', async () => {
    sim = await new ProxySimulator({ kind: 'data' }).start(); // 127.0.0.1, a free port
    server = new DataProviderServer(new StockQuotes(), {
      host: '127.0.0.1',
      port: sim.port,
      params: { updateIntervalMs: '50' },
    });
    await server.start(); // RAC → DPI → init reply

    const reply = await sim.subscribe('item1'); // SUB, resolves with the decoded reply
    expect(reply.error).toBeUndefined();

    const snapshot = await sim.waitForUpdate({ item: 'item1', predicate: (u) => u.isSnapshot });
    expect(snapshot.fields.stock_name).toBe('Anduct');
    await sim.waitForUpdate({ item: 'item1', predicate: (u) => !u.isSnapshot, after: snapshot });

    expect((await sim.unsubscribe('item1')).error).toBeUndefined();
    expect(sim.violations).toEqual([]); // nothing that breaks the protocol
  });

  it('authenticates users and resolves item groups', async () => {
    sim = await new ProxySimulator({ kind: 'metadata' }).start();
    server = new MetadataProviderServer(new AuthMetadata(), {
      host: '127.0.0.1',
      port: sim.port,
      params: { users: 'alice:secret', items: '^item\\d+$' },
    });
    await server.start();

    const ok = await sim.notifyUser('alice', 'secret', { 'user-agent': 'vitest' });
    expect(ok).toMatchObject({ maxBandwidth: 0, wantsTablesNotification: false });
    expect((await sim.notifyUser('alice', 'wrong')).error?.tag).toBe('EA'); // AccessError

    const items = await sim.getItems('alice', 'item1  item2', 'S1');
    expect(items.names).toEqual(['item1', 'item2']);
    expect((await sim.getItems('alice', 'bogus', 'S1')).error?.tag).toBe('EI'); // ItemsError

    const message = await sim.notifyUserMessage('alice', 'S1', '');
    expect(message.error).toMatchObject({
      tag: 'EC',
      clientCode: -1,
      clientMessage: 'Say something',
    });
    expect(sim.violations).toEqual([]);
  });

  it('configures versions, credentials, old servers and faults', async () => {
    sim = await new ProxySimulator({
      kind: 'data', // 'metadata' | 'data' | 'data-two-connections' (Server 7.0–7.3)
      version: '1.9.1', // ARI.version offered; null = Server 7.0
      keepaliveHintMs: 3000, // keepalive_hint.millis
      initParams: { 'adapters_conf.id': 'DEMO', 'data_provider.name': 'QUOTES' },
      credentials: { user: 'u', password: 'p' }, // otherwise 0|CLOSE|S|reason|S|wrong+credentials
      keepaliveTimeoutMs: 5000, // CLOSE "keepalive timeout" after 5 s with nothing received
      resubscribeOnReconnect: true, // re-send SUBs after a reconnection, like a Robust Proxy
    }).start();
    server = new DataProviderServer(new StockQuotes(), {
      host: '127.0.0.1',
      port: sim.port,
      credentials: { user: 'u', password: 'p' },
    });
    await server.start();
    const connection = await sim.waitForConnection({ initialized: true });
    expect(connection.dialect.version).toBe('1.9.1');
    expect(sim.violations).toEqual([]);
  });
});
