/** Fault switches, reconnection, CLOSE, keepalive timeout, inverted mode, TLS, teardown. */
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ProxyConnectionClosedError,
  ProxySimulator,
  type ProxySimulatorOptions,
  SimulatorDialError,
  SimulatorOptionsError,
  SimulatorStateError,
} from '../../src/testing/index.js';
import { makeTestCertificates } from '../helpers/certs.js';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback.js';
import { destroyAllRemotes, openSession, RAC, wrapSocket } from './raw-remote.js';

const TS = '1700000000000';
let sim: ProxySimulator | undefined;
let server: LoopbackServer | undefined;

afterEach(async () => {
  destroyAllRemotes();
  await sim?.close();
  await server?.close();
  sim = undefined;
  server = undefined;
});

async function start(options: Partial<ProxySimulatorOptions> = {}): Promise<ProxySimulator> {
  sim = await new ProxySimulator({ kind: 'data', ...options }).start();
  return sim;
}

async function subscribeOk(
  remote: Awaited<ReturnType<typeof openSession>>['remote'],
  conn: Awaited<ReturnType<typeof openSession>>['conn'],
  item: string,
  id: string,
) {
  const reply = conn.subscribe(item, { id });
  await remote.waitForLine(`${id}|SUB|S|${item}`);
  remote.send(`${id}|SUB|V`);
  return reply;
}

describe('pause and resume reading', () => {
  it('stops reading so the Remote backs up, then takes everything on resume', async () => {
    const s = await start({ recording: 'count' });
    const { remote, conn } = await openSession(s);
    await subscribeOk(remote, conn, 'item1', 'S1');
    conn.pauseReading();
    const line = `${TS}|UD3|S|item1|S|S1|B|0|S|f|S|${'x'.repeat(8_000)}\r\n`;
    let written = 0;
    // Write until the socket refuses more: the kernel buffers are full because nobody reads.
    while (remote.socket.write(line)) {
      written++;
      if (written > 20_000) throw new Error('the simulator kept reading while paused');
    }
    written++;
    // Nothing is read while paused, so the Remote's socket does not drain (a bounded window).
    const drained = new Promise((resolve) => remote.socket.once('drain', () => resolve('drained')));
    const window = new Promise((resolve) => setTimeout(() => resolve('still full'), 150));
    expect(await Promise.race([drained, window])).toBe('still full');
    expect(conn.counters.updates).toBeLessThan(written);
    conn.resumeReading();
    const counters = await conn.recorder.waitForUpdateCount(written, { timeoutMs: 10_000 });
    expect(counters.updates).toBe(written);
    expect(counters.updateBytes).toBe(written * line.length);
    expect(conn.updates()).toEqual([]);
    expect(conn.violations).toEqual([]);
  });
});

describe('drop and reconnect', () => {
  it('drops abruptly, fails pending requests, and gives a reconnecting Remote a fresh handshake', async () => {
    const s = await start();
    const first = await openSession(s);
    const pending = first.conn.subscribe('item1', { id: 'S1' }).catch((e: unknown) => e);
    await first.remote.waitForLine(/SUB/);
    await first.conn.drop();
    expect(await pending).toBeInstanceOf(ProxyConnectionClosedError);
    expect(first.conn.ended).toEqual({ initiator: 'simulator', reason: 'dropped' });
    await first.remote.waitForEnd();
    const second = await openSession(s);
    expect(second.conn).not.toBe(first.conn);
    expect(await s.waitForConnection({ after: first.conn })).toBe(second.conn);
    expect(second.remote.lines[0]).toMatch(/^[0-9a-f]+\|DPI\|S\|ARI.version\|S\|1.9.1$/);
    expect(s.connection).toBe(second.conn);
    expect(s.connections).toEqual([first.conn, second.conn]);
  });

  it('re-sends the active subscriptions after the new handshake when resubscribeOnReconnect', async () => {
    const s = await start({ resubscribeOnReconnect: true });
    const first = await openSession(s);
    await subscribeOk(first.remote, first.conn, 'item1', 'S1');
    await subscribeOk(first.remote, first.conn, 'item2', 'S2');
    const usb = first.conn.unsubscribe('item2', { id: 'U2' });
    await first.remote.waitForLine(/USB/);
    first.remote.send('U2|USB|V');
    await usb;
    await first.conn.drop();
    const second = await openSession(s);
    const resub = await second.remote.waitForLine(/\|SUB\|/);
    expect(resub).toMatch(/^[0-9a-f]+\|SUB\|S\|item1$/);
    second.remote.send(`${resub.split('|')[0]}|SUB|V`);
    const replies = await second.conn.resubscription;
    expect(replies?.map((r) => r.status)).toEqual(['fulfilled']);
    expect(second.conn.activeItems()).toEqual(['item1']);
  });

  it('reports a Remote that goes away as an eof, and rejects waits on its connection', async () => {
    const s = await start();
    const { remote, conn } = await openSession(s);
    const waiting = conn
      .waitForUpdate({ item: 'never', timeoutMs: 4_000 })
      .catch((e: unknown) => e);
    remote.destroy();
    expect(await conn.waitForClose()).toEqual({ initiator: 'remote', reason: 'eof' });
    expect(await waiting).toBeInstanceOf(ProxyConnectionClosedError);
    expect(conn.status).toBe('closed');
  });
});

describe('CLOSE and the keepalive timeout', () => {
  it('sends CLOSE with the reason, then ends the connection', async () => {
    const s = await start();
    const { remote, conn } = await openSession(s);
    await conn.sendClose('keepalive timeout');
    await remote.waitForEnd();
    expect(remote.lines.at(-1)).toBe('0|CLOSE|S|reason|S|keepalive+timeout');
    expect(conn.ended).toEqual({ initiator: 'simulator', reason: 'keepalive timeout' });
  });

  it('old-encodes the reason (§6.2)', async () => {
    const s = await start();
    const { remote, conn } = await openSession(s);
    await conn.sendClose('a|b € #');
    await remote.waitForEnd();
    expect(remote.lines.at(-1)).toBe('0|CLOSE|S|reason|S|a%7Cb+%E2%82%AC+%23');
  });

  it('closes a silent connection after keepaliveTimeoutMs, not one that sends keepalives', async () => {
    const s = await start({ keepaliveTimeoutMs: 1_000 });
    const { remote, conn } = await openSession(s);
    for (let i = 0; i < 12; i++) {
      remote.send('KEEPALIVE');
      const keepalive = await conn.waitForKeepalive({ after: conn.keepalives().at(-1) });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(keepalive.at).toBeGreaterThan(0);
    }
    expect(conn.ended).toBeUndefined();
    const end = await conn.waitForClose({ timeoutMs: 4_000 });
    expect(end).toEqual({ initiator: 'simulator', reason: 'keepalive timeout' });
    await remote.waitForEnd();
    expect(remote.lines.at(-1)).toBe('0|CLOSE|S|reason|S|keepalive+timeout');
  });
});

describe('inverted mode and TLS', () => {
  it('dials a listening Remote and speaks the same protocol', async () => {
    server = await startLoopbackServer();
    const s = new ProxySimulator({ kind: 'metadata', nextRequestId: () => 'ID0' });
    sim = s;
    const dialled = s.connectTo(server.host, server.port);
    const remote = wrapSocket(await server.nextConnection());
    const conn = await dialled;
    remote.send(RAC);
    expect(await remote.waitForLine(/MPI/)).toBe('ID0|MPI|S|ARI.version|S|1.9.1');
    remote.send('ID0|MPI|S|ARI.version|S|1.9.1');
    expect((await conn.waitForInit()).params).toEqual([['ARI.version', '1.9.1']]);
  });

  it('dials again after a drop: a fresh connection with a fresh handshake', async () => {
    server = await startLoopbackServer();
    const s = new ProxySimulator({ kind: 'metadata' });
    sim = s;
    const first = await s.connectTo(server.host, server.port);
    const one = wrapSocket(await server.nextConnection());
    one.send(RAC);
    const mpi = await one.waitForLine(/MPI/);
    await first.drop();
    await one.waitForEnd();
    const second = await s.connectTo(server.host, server.port);
    const two = wrapSocket(await server.nextConnection());
    two.send(RAC);
    const again = await two.waitForLine(/MPI/);
    expect(again.split('|')[0]).not.toBe(mpi.split('|')[0]);
    two.send(`${again.split('|')[0]}|MPI|S|ARI.version|S|1.9.1`);
    expect((await second.waitForInit()).error).toBeUndefined();
    expect(s.connections).toEqual([first, second]);
  });

  it('reports a Remote that does not listen, and refuses the two-connection kind', async () => {
    server = await startLoopbackServer();
    const port = server.port;
    await server.close();
    sim = new ProxySimulator({ kind: 'data' });
    await expect(sim.connectTo('127.0.0.1', port)).rejects.toBeInstanceOf(SimulatorDialError);
    const two = new ProxySimulator({ kind: 'data-two-connections' });
    await expect(two.connectTo('127.0.0.1', port)).rejects.toBeInstanceOf(SimulatorOptionsError);
  });

  it('serves TLS', async () => {
    const certs = await makeTestCertificates();
    const s = await start({ tls: { cert: certs.certPem, key: certs.keyPem } });
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: s.port,
      ca: certs.caPem,
      servername: 'localhost',
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    const remote = wrapSocket(socket);
    remote.send(RAC);
    const dpi = await remote.waitForLine(/DPI/);
    remote.send(`${dpi.split('|')[0]}|DPI|S|ARI.version|S|1.9.1`);
    expect((await s.waitForConnection({ initialized: true })).status).toBe('ready');
  });
});

describe('lifecycle', () => {
  it('has no port before start, closes idempotently, and cannot restart', async () => {
    const s = new ProxySimulator({ kind: 'data' });
    sim = s;
    expect(() => s.port).toThrow(SimulatorStateError);
    await s.start();
    await expect(s.start()).rejects.toBeInstanceOf(SimulatorStateError);
    const { remote } = await openSession(s);
    const waiting = s.waitForUpdate({ timeoutMs: 4_000 }).catch((e: unknown) => e);
    await Promise.all([s.close(), s.close()]);
    await remote.waitForEnd();
    expect(await waiting).toBeInstanceOf(ProxyConnectionClosedError);
    await expect(s.start()).rejects.toBeInstanceOf(SimulatorStateError);
  });

  it('waits for a connection within a bound, naming what it waited for', async () => {
    const s = await start();
    await expect(s.waitForConnection({ timeoutMs: 30 })).rejects.toThrow(/a Remote to connect/);
  });
});

describe('sendRaw', () => {
  it('writes a string with CR LF and bytes verbatim', async () => {
    const s = await start();
    const { remote, conn } = await openSession(s);
    expect(conn.sendRaw('FAKEID|WHAT|S|An Item Name')).toBe(true);
    expect(conn.sendRaw(Buffer.from('X|Y\n'))).toBe(true);
    expect(conn.sendRaw('nothing', 'notify')).toBe(false);
    await remote.waitForLine('X|Y');
    expect(remote.received().endsWith('FAKEID|WHAT|S|An Item Name\r\nX|Y\n')).toBe(true);
  });
});
