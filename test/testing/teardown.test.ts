/**
 * `close()` tears everything down: sockets, listeners, timers, pending waits, dials in flight,
 * TLS handshakes that never complete, and a start() still under way.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ProxyConnectionClosedError,
  ProxySimulator,
  SimulatorDialError,
  SimulatorStateError,
} from '../../src/testing/index.js';
import { makeTestCertificates } from '../helpers/certs.js';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback.js';
import { connectRemote, destroyAllRemotes, openSession, RAC } from './raw-remote.js';

const TS = '1700000000000';
const WATCHED = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'];
let server: LoopbackServer | undefined;

afterEach(async () => {
  destroyAllRemotes();
  await server?.close();
  server = undefined;
});

/**
 * Lets libuv run its close phase: a closed handle leaves the active list only there, one loop
 * turn after its 'close' event (timers run in the next turn, after that phase).
 */
async function closePhase(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Active handles and timers of the kinds the simulator creates, by kind, once closes settled. */
async function activeResources(): Promise<Record<string, number>> {
  await closePhase();
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (WATCHED.includes(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** Resolves once the socket is closed. */
function closed(socket: { destroyed: boolean; once(e: 'close', f: () => void): unknown }) {
  return new Promise<void>((resolve) => {
    socket.once('close', resolve);
  });
}

describe('close()', () => {
  it('leaves no socket, listener or timer behind', async () => {
    const before = await activeResources();
    const sim = await new ProxySimulator({
      kind: 'data-two-connections',
      keepaliveTimeoutMs: 60_000,
      requestTimeoutMs: 60_000,
    }).start();
    const rr = await connectRemote(sim.port);
    rr.send(RAC);
    const ntf = await connectRemote(sim.notifyPort ?? 0);
    ntf.send(`${TS}|RAC|S|enableClosePacket|S|true`);
    const dpi = await rr.waitForLine(/DPI/);
    rr.send(`${dpi.split('|')[0]}|DPI|S|ARI.version|S|1.9.0`);
    const conn = await sim.waitForConnection({ initialized: true });
    // Things that hold timers or sockets: a pending request, waits, a paused socket, a lone
    // notify socket waiting for its partner.
    const pending = conn.subscribe('item1').catch((e: unknown) => e);
    const waits = [
      sim.waitForUpdate({ timeoutMs: 60_000 }),
      conn.waitForKeepalive({ timeoutMs: 60_000 }),
      sim.waitForConnection({ after: conn, timeoutMs: 60_000 }),
    ].map((wait) => wait.catch((e: unknown) => e));
    conn.pauseReading('notify');
    const lonely = await connectRemote(sim.notifyPort ?? 0);
    await rr.waitForLine(/SUB/);
    expect(await activeResources()).not.toEqual(before);

    await sim.close();
    expect(await pending).toBeInstanceOf(ProxyConnectionClosedError);
    for (const result of await Promise.all(waits)) {
      expect(result).toBeInstanceOf(ProxyConnectionClosedError);
    }
    await Promise.all([rr.waitForEnd(), ntf.waitForEnd(), lonely.waitForEnd()]);
    for (const remote of [rr, ntf, lonely]) remote.destroy();
    await Promise.all(
      [rr, ntf, lonely].map((r) => (r.socket.destroyed ? undefined : closed(r.socket))),
    );
    expect(await activeResources()).toEqual(before);
  });

  it('ends a TLS handshake that never completes', async () => {
    const certs = await makeTestCertificates();
    const before = await activeResources();
    const sim = await new ProxySimulator({
      kind: 'data',
      tls: { cert: certs.certPem, key: certs.keyPem },
    }).start();
    // A plain TCP client on the TLS port: the handshake never starts, the server waits.
    const socket = connect({ host: '127.0.0.1', port: sim.port });
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    const end = closed(socket);
    await sim.close();
    await end;
    expect(await activeResources()).toEqual(before);
  });

  it('stops a dial in flight and refuses to adopt a late connection', async () => {
    // A listener that never accepts quickly enough is hard to make; a closed simulator must
    // refuse even a dial that succeeds.
    server = await startLoopbackServer();
    const sim = new ProxySimulator({ kind: 'metadata' });
    const dialling = sim.connectTo(server.host, server.port).catch((e: unknown) => e);
    await sim.close();
    const result = await dialling;
    expect(result instanceof SimulatorDialError || result instanceof SimulatorStateError).toBe(
      true,
    );
    expect(sim.connections).toEqual([]);
    await expect(sim.connectTo(server.host, server.port)).rejects.toBeInstanceOf(
      SimulatorStateError,
    );
  });

  it('stops a start() still under way', async () => {
    const before = await activeResources();
    const sim = new ProxySimulator({ kind: 'data-two-connections' });
    const starting = sim.start().catch((e: unknown) => e);
    await sim.close();
    expect(await starting).toBeInstanceOf(SimulatorStateError);
    expect(await activeResources()).toEqual(before);
  });

  it('rejects requests and waits for a connection made after close() at once', async () => {
    const sim = await new ProxySimulator({ kind: 'data' }).start();
    await openSession(sim);
    await sim.close();
    const startedAt = Date.now();
    await expect(sim.subscribe('item1', { timeoutMs: 60_000 })).rejects.toBeInstanceOf(
      ProxyConnectionClosedError,
    );
    await expect(sim.waitForConnection({ timeoutMs: 60_000 })).rejects.toBeInstanceOf(
      ProxyConnectionClosedError,
    );
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  });
});
