/**
 * The simulator against an independent Remote: the official Node.js SDK `lightstreamer-adapter`
 * 1.5.3 (a dev dependency). It speaks 1.8.3 whatever the offer, writes LF-only lines, uses two
 * connections for a Data Adapter and percent-encodes the old way: the simulator must follow it
 * to 1.8.3 and report nothing but the LF warnings; the SDK in turn must understand every line
 * the simulator writes, CLOSE included.
 */
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProxySimulator } from '../../src/testing/index.js';

interface Response {
  success(...args: unknown[]): void;
  error(message: string, type?: string): void;
}
interface OfficialDataProvider {
  on(event: 'subscribe' | 'unsubscribe', f: (item: string, response: Response) => void): void;
  update(item: string, isSnapshot: boolean, fields: Record<string, string>): void;
}
interface OfficialSdk {
  DataProvider: new (
    rr: Socket,
    notify: Socket,
    isSnapshotAvailable?: (item: string) => boolean,
    credentials?: { user: string; password: string },
  ) => OfficialDataProvider;
  MetadataProvider: new (stream: Socket, params?: Record<string, unknown>) => unknown;
}

const sdk = createRequire(import.meta.url)('lightstreamer-adapter') as OfficialSdk;
const sockets: Socket[] = [];
let sim: ProxySimulator | undefined;

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await sim?.close();
  sim = undefined;
});

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    socket.once('error', reject);
    socket.once('connect', () => resolve(socket));
  });
}

/** The error a socket is destroyed with (the SDK destroys it with the CLOSE reason). */
function destroyedWith(socket: Socket): Promise<Error | undefined> {
  return new Promise((resolve) => {
    let error: Error | undefined;
    socket.on('error', (e) => {
      error = e;
    });
    socket.once('close', () => resolve(error));
  });
}

describe('the official Node.js SDK 1.5.3 as the Remote', () => {
  it('serves a two-connection Data Adapter at 1.8.3 after a 1.9.0 offer', async () => {
    sim = await new ProxySimulator({ kind: 'data-two-connections' }).start();
    const rr = await dial(sim.port);
    const ntf = await dial(sim.notifyPort ?? 0);
    const provider = new sdk.DataProvider(rr, ntf, (item) => item === 'with snapshot');
    provider.on('subscribe', (item, response) => {
      response.success();
      if (item === 'with snapshot') provider.update(item, true, { f: 'first | value' });
      provider.update(item, false, { f: 'a b+c €', empty: '' });
    });
    provider.on('unsubscribe', (_, response) => response.success());

    const conn = await sim.waitForConnection({ initialized: true });
    expect(conn.initReply?.params).toEqual([['ARI.version', '1.8.3']]);
    expect(conn.dialect.version).toBe('1.8.3');
    expect((await sim.subscribe('item one')).error).toBeUndefined();
    const update = await sim.waitForUpdate({ item: 'item one' });
    expect(update.fields).toEqual({ f: 'a b+c €', empty: '' });
    expect(update.channel).toBe('notify');
    expect(await sim.waitForNotification('EOS', { item: 'item one' })).toMatchObject({
      channel: 'notify',
    });
    expect((await sim.subscribe('with snapshot')).error).toBeUndefined();
    const snapshot = await sim.waitForUpdate({ item: 'with snapshot' });
    expect(snapshot).toMatchObject({ isSnapshot: true, fields: { f: 'first | value' } });
    // An update without fields: Node writes it with a trailing "|", which the Proxy tolerates.
    provider.update('with snapshot', false, {});
    const bare = await sim.waitForUpdate({ predicate: (u) => u.pairs.length === 0 });
    expect(bare.line.endsWith('|B|0|')).toBe(true);
    expect((await sim.unsubscribe('item one')).error).toBeUndefined();
    await sim.waitForKeepalive();

    expect(sim.violations).toEqual([]);
    expect(sim.warnings.map((w) => [w.code, w.channel])).toEqual([
      ['lf-terminator', 'main'],
      ['lf-terminator', 'notify'],
      ['trailing-separator', 'notify'],
    ]);
  });

  it('serves a Metadata Adapter with its default handlers at 1.8.3', async () => {
    sim = await new ProxySimulator({
      kind: 'metadata',
      initParams: { 'adapters_conf.id': 'DEMO' },
    }).start();
    const socket = await dial(sim.port);
    new sdk.MetadataProvider(socket, { maxBandwidth: 12.5, notifyTables: true });
    const conn = await sim.waitForConnection({ initialized: true });
    expect(conn.dialect.version).toBe('1.8.3');
    expect(await sim.notifyUser('user 1', 'pass|word', { 'user-agent': 'a b' })).toMatchObject({
      maxBandwidth: 12.5,
      wantsTablesNotification: true,
    });
    expect((await sim.getItems('user 1', 'item1 item+2', 'S1')).names).toEqual(['item1', 'item+2']);
    expect((await sim.getItemData(['item1', 'item+2'])).itemData).toHaveLength(2);
    expect((await sim.getItemData([])).itemData).toEqual([]);
    const table = { winIndex: 1, mode: 'MERGE' as const, group: 'item1 item+2', schema: 'f' };
    expect((await sim.notifyNewTables('user 1', 'S1', [table])).error).toBeUndefined();
    expect((await sim.notifyTablesClose('S1', [table])).error).toBeUndefined();
    expect((await sim.notifySessionClose('S1')).error).toBeUndefined();
    expect(sim.violations).toEqual([]);
    expect(sim.warnings.map((w) => w.code)).toEqual(['lf-terminator', 'trailing-separator']);
  });

  it('understands the CLOSE of a wrong-credentials refusal and of sendClose()', async () => {
    sim = await new ProxySimulator({
      kind: 'data-two-connections',
      credentials: { user: 'u', password: 'right' },
    }).start();
    const rr = await dial(sim.port);
    const ntf = await dial(sim.notifyPort ?? 0);
    const refused = destroyedWith(rr);
    new sdk.DataProvider(rr, ntf, undefined, { user: 'u', password: 'wrong' });
    expect((await refused)?.message).toBe(
      'Close requested by the counterpart with reason: wrong credentials',
    );
    const again = await dial(sim.port);
    const againNotify = await dial(sim.notifyPort ?? 0);
    const closedLater = destroyedWith(again);
    new sdk.DataProvider(again, againNotify, undefined, { user: 'u', password: 'right' });
    const conn = await sim.waitForConnection({ initialized: true, after: sim.connections[0] });
    await conn.sendClose('keepalive timeout');
    expect((await closedLater)?.message).toBe(
      'Close requested by the counterpart with reason: keepalive timeout',
    );
  });
});
