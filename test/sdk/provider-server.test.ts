/**
 * What the servers share at the end of a connection: in two-connection mode `close()` delivers
 * the notify backlog before the request/reply connection ends, and the log tells expected ends
 * (EOF, the Proxy's CLOSE, nobody listening) from unexpected ones.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DataProviderServer } from '../../src/sdk/data-provider-server.js';
import type { RawConnection, RawProxy } from '../helpers/raw-proxy.js';
import { waitForEvent } from '../helpers/wait-for.js';
import { expectLines, FakeDataProvider, handshake, MemoryLogger, TestBed } from './harness.js';

const bed = new TestBed();
const timers = new Set<NodeJS.Timeout>();
afterEach(async () => {
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
  await bed.cleanup();
});

/** Handshake of a two-connection Data Adapter at 1.9.0, with `item` subscribed as ID1. */
async function twoConnections(proxy: RawProxy, server: DataProviderServer) {
  const started = server.start();
  const rr = await proxy.accept();
  const ntf = await proxy.acceptNotify();
  await rr.nextLine();
  await ntf.nextLine();
  rr.send('ID0|DPI|S|ARI.version|S|1.9.0');
  await expectLines(rr, 'ID0|DPI|S|ARI.version|S|1.9.0');
  await started;
  rr.send('ID1|SUB|S|item');
  await expectLines(ntf, '<ts>|EOS|S|item|S|ID1');
  await expectLines(rr, 'ID1|SUB|V');
  return { rr, ntf };
}

/** Reads `socket` in small steps: after each chunk it stops for a millisecond. */
function readSlowly(socket: Socket): void {
  socket.on('data', () => {
    socket.pause();
    const timer = setTimeout(() => {
      timers.delete(timer);
      socket.resume();
    }, 1);
    timers.add(timer);
  });
}

describe('close() in two-connection mode', () => {
  it('delivers every update queued on the notify connection before the sockets end', async () => {
    const proxy = await bed.proxy({ notify: true });
    const provider = new FakeDataProvider();
    const server = bed.track(
      new DataProviderServer(provider, {
        host: proxy.host,
        port: proxy.port,
        notifyPort: proxy.notifyPort,
        highWaterMark: 64 * 1024,
        closeTimeoutMs: 20_000,
      }),
    );
    const { rr, ntf } = await twoConnections(proxy, server);
    // Like a Proxy, drop the notify connection as soon as the request/reply one is gone.
    const ends: string[] = [];
    void ntf.ended.then(() => ends.push('notify'));
    void rr.ended.then(() => {
      ends.push('request/reply');
      ntf.drop();
    });
    ntf.pauseReading();
    const payload = 'p'.repeat(1000);
    let sent = 0;
    let accepted = true;
    // Until the backlog is past the kernel buffers and the high-water mark (bounded for safety).
    while (accepted && sent < 50_000) {
      accepted = provider.listener?.update('item', { n: sent++, payload }, false) ?? false;
    }
    expect(accepted).toBe(false);
    expect(server.queuedBytes).toBeGreaterThanOrEqual(64 * 1024);
    const closing = server.close();
    readSlowly(ntf.socket);
    ntf.resumeReading();
    await closing;
    await Promise.all([ntf.ended, rr.ended]);
    expect(ends).toEqual(['notify', 'request/reply']);
    const lines = ntf.unread();
    expect(lines).toHaveLength(sent);
    const wrong = lines.filter(
      (line, n) => !line.endsWith(`|UD3|S|item|S|ID1|B|0|S|n|S|${n}|S|payload|S|${payload}`),
    );
    expect(wrong.map((line) => line.slice(0, 60))).toEqual([]);
  }, 30_000);
});

describe('logging of ended connections', () => {
  async function connectedWithLogger() {
    const logger = new MemoryLogger();
    const proxy = await bed.proxy();
    const server = bed.track(
      new DataProviderServer(new FakeDataProvider(), {
        host: proxy.host,
        port: proxy.port,
        logger,
      }),
    );
    const connection: RawConnection = await handshake(proxy, server);
    return { logger, server, connection };
  }

  function ended(logger: MemoryLogger) {
    return logger.records.filter((r) => /Connection ended|Close requested/.test(r.message));
  }

  it("the Proxy's EOF is logged at info, without an error or stack", async () => {
    const { logger, server, connection } = await connectedWithLogger();
    connection.end();
    await server.closed;
    const records = ended(logger);
    expect(records.map((r) => r.level)).toEqual(['info']);
    expect(records[0]?.message).toMatch(/closed by the peer/);
    expect(records[0]?.fields).not.toHaveProperty('err');
  });

  it("the Proxy's CLOSE is logged at info with its reason", async () => {
    const { logger, server, connection } = await connectedWithLogger();
    connection.send('0|CLOSE|S|reason|S|keepalive+timeout');
    await server.closed;
    const records = ended(logger);
    expect(records.map((r) => r.level)).toEqual(['info']);
    expect(records[0]?.fields).toEqual({ reason: 'keepalive timeout' });
    expect(records[0]?.message).toMatch(/keepalive timeout/);
  });

  it('a refused connect is logged at info with its code', async () => {
    const logger = new MemoryLogger();
    const gone = await bed.proxy();
    await gone.close();
    const server = bed.track(
      new DataProviderServer(new FakeDataProvider(), { host: gone.host, port: gone.port, logger }),
    );
    await server.start().catch(() => {});
    await server.closed;
    const records = ended(logger);
    expect(records.map((r) => r.level)).toEqual(['info']);
    expect(records[0]?.fields).toEqual({ code: 'ECONNREFUSED' });
  });

  it('an unexpected end (a reset) stays a warning with the error', async () => {
    const { logger, server, connection } = await connectedWithLogger();
    const closed = waitForEvent(server, 'close');
    connection.socket.resetAndDestroy();
    await closed;
    const records = ended(logger);
    expect(records.map((r) => r.level)).toEqual(['warn']);
    expect(records[0]?.fields).toHaveProperty('err');
  });
});
