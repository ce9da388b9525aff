/**
 * The SDK servers against the proxy simulator of `lsadapter/testing`: one round trip per mode,
 * checked by the simulator's own protocol checks (no violations).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DataProviderServer } from '../../src/sdk/data-provider-server.js';
import { MetadataProvider } from '../../src/sdk/metadata-provider.js';
import { MetadataProviderServer } from '../../src/sdk/metadata-provider-server.js';
import type { ProviderServer } from '../../src/sdk/provider-server.js';
import { CloseRequestedError } from '../../src/session/handshake.js';
import { ProxySimulator, type ProxySimulatorOptions } from '../../src/testing/index.js';
import { FakeDataProvider } from './harness.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(options: ProxySimulatorOptions): Promise<ProxySimulator> {
  const sim = await new ProxySimulator(options).start();
  cleanups.push(() => sim.close());
  return sim;
}

function tracked<S extends ProviderServer>(server: S): S {
  cleanups.push(() => server.close());
  return server;
}

describe('against the proxy simulator', () => {
  it.each([
    ['single connection', 'data' as const],
    ['two connections', 'data-two-connections' as const],
  ])('serves a Data Adapter over %s', async (_mode, kind) => {
    const sim = await simulator({ kind });
    const provider = new FakeDataProvider();
    provider.onSubscribe = (item) => {
      provider.listener?.update(item, { price: 12.5, open: true }, false);
    };
    const server = tracked(
      new DataProviderServer(provider, {
        host: '127.0.0.1',
        port: sim.port,
        notifyPort: sim.notifyPort,
      }),
    );
    await server.start();
    const reply = await sim.subscribe('item1');
    expect(reply.error).toBeUndefined();
    const update = await sim.waitForUpdate({ item: 'item1' });
    expect(update.fields).toEqual({ price: '12.5', open: 'true' });
    expect(update.isSnapshot).toBe(false);
    expect((await sim.unsubscribe('item1')).error).toBeUndefined();
    expect(sim.violations).toEqual([]);
  });

  it('serves a Metadata Adapter', async () => {
    const sim = await simulator({ kind: 'metadata' });
    const server = tracked(
      new MetadataProviderServer(new MetadataProvider(), { host: '127.0.0.1', port: sim.port }),
    );
    await server.start();
    const reply = await sim.getItems('user', 'a  b', 'S1');
    expect(reply.names).toEqual(['a', 'b']);
    expect(sim.violations).toEqual([]);
  });

  it('wrong credentials: the CLOSE rejects start() with its reason', async () => {
    const sim = await simulator({ kind: 'data', credentials: { user: 'u', password: 'right' } });
    const server = tracked(
      new DataProviderServer(new FakeDataProvider(), {
        host: '127.0.0.1',
        port: sim.port,
        credentials: { user: 'u', password: 'wrong' },
      }),
    );
    const error = await server.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CloseRequestedError);
    expect((error as CloseRequestedError).reason).toBe('wrong credentials');
  });
});
