import { afterEach, describe, expect, it } from 'vitest';
import {
  ProxySimulator,
  type ProxySimulatorOptions,
  WaitTimeoutError,
} from '../../src/testing/index.js';
import { RingBuffer } from '../../src/testing/ring-buffer.js';
import { destroyAllRemotes, openSession } from './raw-remote.js';

const TS = '1700000000000';
let sim: ProxySimulator | undefined;

afterEach(async () => {
  destroyAllRemotes();
  await sim?.close();
  sim = undefined;
});

async function subscribedSession(options: Partial<ProxySimulatorOptions> = {}) {
  sim = await new ProxySimulator({ kind: 'data', ...options }).start();
  const { remote, conn } = await openSession(sim);
  const sub = conn.subscribe('item1', { id: 'S1' });
  await remote.waitForLine(/SUB/);
  remote.send('S1|SUB|V');
  await sub;
  return { remote, conn };
}

const update = (value: string, item = 'item1') => `${TS}|UD3|S|${item}|S|S1|B|0|S|f|S|${value}`;

describe('RingBuffer', () => {
  it('keeps the newest entries in order and counts the dropped ones', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.last(2)).toEqual([4, 5]);
    expect(ring.dropped).toBe(2);
    ring.clear();
    expect(ring.size).toBe(0);
    ring.push(6);
    expect([...ring]).toEqual([6]);
  });
});

describe('waits', () => {
  it('resolves from what was already received, and from what arrives later', async () => {
    const { remote, conn } = await subscribedSession();
    remote.send(update('a'));
    const first = await conn.waitForUpdate({ item: 'item1' });
    const next = conn.waitForUpdate({ item: 'item1', after: first });
    remote.send(update('b'));
    expect((await next).fields.f).toBe('b');
    expect((await conn.waitForUpdate()).fields.f).toBe('a');
    const both = await conn.waitForUpdates(2, { predicate: (u) => u.fields.f !== 'c' });
    expect(both.map((u) => u.fields.f)).toEqual(['a', 'b']);
    expect(conn.updates('item1')).toHaveLength(2);
    expect(conn.updates('other')).toEqual([]);
  });

  it('times out naming what was awaited and the last lines received', async () => {
    const { remote, conn } = await subscribedSession();
    remote.send(update('a'));
    await conn.waitForUpdate();
    const error = await conn
      .waitForUpdate({ item: 'missing', timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain('an update of item "missing"');
    expect((error as Error).message).toContain(update('a'));
  });

  it('clears the log without restarting the sequence', async () => {
    const { remote, conn } = await subscribedSession();
    remote.send(update('a'));
    const a = await conn.waitForUpdate();
    conn.clear();
    expect(conn.lines()).toEqual([]);
    remote.send(update('b'));
    const b = await conn.waitForUpdate();
    expect(b.fields.f).toBe('b');
    expect(b.seq).toBeGreaterThan(a.seq);
  });

  it('sees every connection from the simulator', async () => {
    const first = await subscribedSession();
    const second = await openSession(sim as ProxySimulator);
    first.remote.send(update('from 1'));
    second.remote.send('KEEPALIVE');
    const s = sim as ProxySimulator;
    expect((await s.waitForUpdate()).connectionId).toBe(first.conn.id);
    expect((await s.waitForKeepalive()).connectionId).toBe(second.conn.id);
    expect(first.conn.keepalives()).toEqual([]);
  });
});

describe('bounds and counting', () => {
  it('keeps at most maxRecordedLines and counts what it dropped', async () => {
    const { remote, conn } = await subscribedSession({ maxRecordedLines: 3 });
    for (let i = 0; i < 5; i++) remote.send(update(String(i)));
    await conn.waitForUpdate({ predicate: (u) => u.fields.f === '4' });
    expect(conn.updates().map((u) => u.fields.f)).toEqual(['2', '3', '4']);
    const counters = conn.counters;
    expect(counters.updates).toBe(5);
    expect(counters.dropped).toBeGreaterThanOrEqual(2);
    expect(counters.lines).toBe(counters.dropped + 3);
  });

  it('counts UD3 lines without decoding them in count mode, and still decodes the rest', async () => {
    const { remote, conn } = await subscribedSession({ recording: 'count' });
    const lines = Array.from({ length: 1_000 }, (_, i) => update(String(i)));
    remote.sendRaw(`${lines.join('\r\n')}\r\n${TS}|EOS|S|item1|S|S1\r\n`);
    const counters = await conn.recorder.waitForUpdateCount(1_000);
    expect(counters.updateBytes).toBe(lines.reduce((n, l) => n + l.length + 2, 0));
    await conn.waitForNotification('EOS');
    expect(conn.updates()).toEqual([]);
    expect(conn.violations).toEqual([]);
  });
});
