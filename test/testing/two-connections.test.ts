/** The two-connection Data mode of Servers 7.0–7.3 (PROTOCOL.md §1.2, V21, V37). */
import { afterEach, describe, expect, it } from 'vitest';
import { ProxySimulator } from '../../src/testing/index.js';
import { connectRemote, destroyAllRemotes, RAC, type RawRemote } from './raw-remote.js';

const TS = '1700000000000';
const NOTIFY_RAC = `${TS}|RAC|S|enableClosePacket|S|true|S|SDK|S|Node.js+Adapter+SDK`;
let sim: ProxySimulator | undefined;

afterEach(async () => {
  destroyAllRemotes();
  await sim?.close();
  sim = undefined;
});

async function start(): Promise<ProxySimulator> {
  sim = await new ProxySimulator({
    kind: 'data-two-connections',
    version: '1.9.0',
    keepaliveHintMs: 8000,
    initParams: [
      ['P1', 'V1'],
      ['P2', 'V2'],
    ],
    nextRequestId: () => 'ID0',
  }).start();
  return sim;
}

async function handshake(s: ProxySimulator): Promise<{ rr: RawRemote; ntf: RawRemote }> {
  const rr = await connectRemote(s.port);
  rr.send(RAC);
  const ntf = await connectRemote(s.notifyPort ?? 0);
  ntf.send(NOTIFY_RAC);
  const dpi = await rr.waitForLine(/DPI/);
  rr.send(`${dpi.split('|')[0]}|DPI|S|ARI.version|S|1.9.0`);
  await (await s.waitForConnection()).waitForInit();
  return { rr, ntf };
}

describe('two-connection Data mode', () => {
  it('sends the DPI only once both connections are up (V21)', async () => {
    const s = await start();
    expect(s.address).toEqual({ host: '127.0.0.1', port: s.port, notifyPort: s.notifyPort });
    const rr = await connectRemote(s.port);
    rr.send(RAC);
    const conn = await s.waitForConnection();
    await conn.recorder.waitForLine((e) => e.message?.kind === 'credentials');
    expect(conn.status).toBe('authenticating');
    expect(rr.received()).toBe('');
    const ntf = await connectRemote(s.notifyPort ?? 0);
    const dpi = await rr.waitForLine(/DPI/);
    ntf.send(NOTIFY_RAC);
    await conn.recorder.waitForLine((e) => e.channel === 'notify');
    expect(conn.recorder.credentials().map((c) => c.channel)).toEqual(['main', 'notify']);
    expect(rr.lines).toEqual([dpi]);
    expect(dpi).toBe(
      'ID0|DPI|S|ARI.version|S|1.9.0|S|keepalive_hint.millis|S|8000|S|P1|S|V1|S|P2|S|V2',
    );
    rr.send('ID0|DPI|S|ARI.version|S|1.9.0');
    await conn.waitForInit();
    expect(conn.status).toBe('ready');
    expect(ntf.received()).toBe('');
    expect(conn.violations).toEqual([]);
  });

  it('pairs a notify connection that arrives before its request/reply partner', async () => {
    const s = await start();
    const ntf = await connectRemote(s.notifyPort ?? 0);
    ntf.send(NOTIFY_RAC);
    const rr = await connectRemote(s.port);
    rr.send(RAC);
    expect(await rr.waitForLine(/DPI/)).toMatch(/^ID0\|DPI\|/);
    expect((await s.waitForConnection()).hasNotifyConnection).toBe(true);
  });

  it('takes replies on request/reply and notifications on notify (V37)', async () => {
    const s = await start();
    const { rr, ntf } = await handshake(s);
    const conn = await s.waitForConnection();
    const sub = conn.subscribe('An Item Name', { id: 'FAKEID' });
    expect(await rr.waitForLine(/SUB/)).toBe('FAKEID|SUB|S|An Item Name');
    ntf.send(`${TS}|EOS|S|An Item Name|S|FAKEID`);
    rr.send('FAKEID|SUB|V');
    await sub;
    ntf.send(`${TS}|UD3|S|An Item Name|S|FAKEID|B|0|S|f|S|x`);
    ntf.send('KEEPALIVE');
    const update = await conn.waitForUpdate({ item: 'An Item Name' });
    expect(update.channel).toBe('notify');
    expect(update.fields).toEqual({ f: 'x' });
    await conn.waitForKeepalive();
    expect(conn.violations).toEqual([]);
  });

  it('accepts events of an older subscription racing its USB reply, reports unknown ids', async () => {
    const s = await start();
    const { rr, ntf } = await handshake(s);
    const conn = await s.waitForConnection();
    const sub = conn.subscribe('item1', { id: 'S1' });
    await rr.waitForLine(/SUB/);
    rr.send('S1|SUB|V');
    await sub;
    const usb = conn.unsubscribe('item1', { id: 'U1' });
    await rr.waitForLine(/USB/);
    rr.send('U1|USB|V');
    await usb;
    ntf.send(`${TS}|UD3|S|item1|S|S1|B|0|S|f|S|written before the USB reply`);
    ntf.send(`${TS}|UD3|S|item1|S|S9|B|0|S|f|S|unknown`);
    const violation = await conn.waitForViolation();
    expect(conn.violations.map((v) => v.code)).toEqual(['unsubscribed-item']);
    expect(violation.line).toContain('|S9|');
  });

  it('reports notifications on request/reply and replies on notify', async () => {
    const s = await start();
    const { rr, ntf } = await handshake(s);
    const conn = await s.waitForConnection();
    const sub = conn.subscribe('item1', { id: 'S1' });
    await rr.waitForLine(/SUB/);
    ntf.send('S1|SUB|V');
    await sub;
    rr.send(`${TS}|EOS|S|item1|S|S1`);
    await conn.waitForViolation({ code: 'notification-on-wrong-connection' });
    expect(conn.violations.map((v) => v.code)).toEqual([
      'reply-on-notify-connection',
      'notification-on-wrong-connection',
    ]);
  });

  it('ends the whole connection when the notify socket closes', async () => {
    const s = await start();
    const { rr, ntf } = await handshake(s);
    ntf.destroy();
    const conn = s.connections[0];
    expect(await conn?.waitForClose()).toEqual({ initiator: 'remote', reason: 'eof' });
    await rr.waitForEnd();
  });
});
