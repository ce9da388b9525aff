import { describe, expect, it } from 'vitest';
import { type ConnectionSnapshot, createHostMetrics } from '../../src/host/metrics.js';

/** A connection source whose counters the test moves by hand. */
function fakeConnection(initial: Partial<ConnectionSnapshot> = {}) {
  const state: ConnectionSnapshot = {
    up: true,
    updatesSent: 0,
    bytesSent: 0,
    queuedBytes: 0,
    activeItems: 0,
    ...initial,
  };
  let reads = 0;
  return {
    set(changes: Partial<ConnectionSnapshot>) {
      Object.assign(state, changes);
    },
    snapshot: (): ConnectionSnapshot => {
      reads++;
      return { ...state };
    },
    reads: () => reads,
  };
}

/** The value of one sample line, e.g. `lsadapter_active_items{adapter="Q"}`; undefined if absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('createHostMetrics', () => {
  it('exposes every metric of the spec, all named lsadapter_*', async () => {
    const metrics = createHostMetrics();
    metrics.registerConnection('QUOTES', 'ls1:6661', fakeConnection().snapshot);
    metrics.recordReconnect('QUOTES', 'ls1:6661');
    metrics.recordRequest('QUOTES', 'SUB', 'ok', 0.002);
    const text = await metrics.metrics();
    for (const name of [
      'lsadapter_connection_up',
      'lsadapter_reconnects_total',
      'lsadapter_requests_total',
      'lsadapter_request_duration_seconds',
      'lsadapter_updates_sent_total',
      'lsadapter_bytes_sent_total',
      'lsadapter_outbound_queue_bytes',
      'lsadapter_active_items',
      'lsadapter_process_cpu_seconds_total',
      'lsadapter_nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    const names = text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.split(/[{ ]/, 1)[0]);
    expect(names.every((name) => name?.startsWith('lsadapter_'))).toBe(true);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('gives each instance a registry of its own', async () => {
    const a = createHostMetrics({ defaultMetrics: false });
    const b = createHostMetrics({ defaultMetrics: false });
    a.recordReconnect('A', 's:1');
    expect(await b.metrics()).not.toContain('adapter="A"');
    expect(a.registry).not.toBe(b.registry);
  });

  it('reads connection gauges from the snapshot at scrape time', async () => {
    const metrics = createHostMetrics({ defaultMetrics: false });
    const one = fakeConnection({ queuedBytes: 100, activeItems: 3 });
    const two = fakeConnection({ up: false, queuedBytes: 20, activeItems: 1 });
    metrics.registerConnection('QUOTES', 'ls1:6661', one.snapshot);
    metrics.registerConnection('QUOTES', 'ls2:6661', two.snapshot);
    let text = await metrics.metrics();
    expect(sample(text, 'lsadapter_connection_up{adapter="QUOTES",server="ls1:6661"}')).toBe(1);
    expect(sample(text, 'lsadapter_connection_up{adapter="QUOTES",server="ls2:6661"}')).toBe(0);
    expect(sample(text, 'lsadapter_outbound_queue_bytes{adapter="QUOTES"}')).toBe(120);
    expect(sample(text, 'lsadapter_active_items{adapter="QUOTES"}')).toBe(4);
    one.set({ activeItems: 0 });
    text = await metrics.metrics();
    expect(sample(text, 'lsadapter_active_items{adapter="QUOTES"}')).toBe(1);
  });

  it('does not read snapshots between scrapes (nothing per update)', async () => {
    const metrics = createHostMetrics({ defaultMetrics: false });
    const connection = fakeConnection();
    metrics.registerConnection('QUOTES', 'ls1:6661', connection.snapshot);
    for (let i = 1; i <= 1000; i++) connection.set({ updatesSent: i });
    expect(connection.reads()).toBe(0);
    const text = await metrics.metrics();
    expect(sample(text, 'lsadapter_updates_sent_total{adapter="QUOTES"}')).toBe(1000);
  });

  it('sums updates and bytes over the connections of an adapter', async () => {
    const metrics = createHostMetrics({ defaultMetrics: false });
    metrics.registerConnection(
      'Q',
      'a:1',
      fakeConnection({ updatesSent: 5, bytesSent: 50 }).snapshot,
    );
    metrics.registerConnection(
      'Q',
      'b:1',
      fakeConnection({ updatesSent: 7, bytesSent: 70 }).snapshot,
    );
    metrics.registerConnection('M', 'a:2', fakeConnection({ bytesSent: 9 }).snapshot);
    const text = await metrics.metrics();
    expect(sample(text, 'lsadapter_updates_sent_total{adapter="Q"}')).toBe(12);
    expect(sample(text, 'lsadapter_bytes_sent_total{adapter="Q"}')).toBe(120);
    expect(sample(text, 'lsadapter_bytes_sent_total{adapter="M"}')).toBe(9);
  });

  it('keeps counters monotonic when a connection is unregistered or replaced', async () => {
    const metrics = createHostMetrics({ defaultMetrics: false });
    const first = fakeConnection({ updatesSent: 10, bytesSent: 100 });
    const unregister = metrics.registerConnection('Q', 'a:1', first.snapshot);
    first.set({ updatesSent: 15, bytesSent: 150 });
    unregister();
    let text = await metrics.metrics();
    expect(sample(text, 'lsadapter_updates_sent_total{adapter="Q"}')).toBe(15);
    expect(sample(text, 'lsadapter_connection_up{adapter="Q",server="a:1"}')).toBeUndefined();

    const second = fakeConnection({ updatesSent: 2, bytesSent: 20 });
    metrics.registerConnection('Q', 'a:1', second.snapshot);
    const third = fakeConnection({ updatesSent: 1, bytesSent: 10 });
    metrics.registerConnection('Q', 'a:1', third.snapshot); // replaces the second
    text = await metrics.metrics();
    expect(sample(text, 'lsadapter_updates_sent_total{adapter="Q"}')).toBe(18);
    expect(sample(text, 'lsadapter_bytes_sent_total{adapter="Q"}')).toBe(180);
  });

  it('carries totals over when a snapshot source restarts from zero', async () => {
    const metrics = createHostMetrics({ defaultMetrics: false });
    const connection = fakeConnection({ updatesSent: 40 });
    metrics.registerConnection('Q', 'a:1', connection.snapshot);
    expect(sample(await metrics.metrics(), 'lsadapter_updates_sent_total{adapter="Q"}')).toBe(40);
    connection.set({ updatesSent: 3 }); // a new SDK server after a reconnect
    expect(sample(await metrics.metrics(), 'lsadapter_updates_sent_total{adapter="Q"}')).toBe(43);
  });

  it('ignores a stale unregister function after a replacement', async () => {
    const metrics = createHostMetrics({ defaultMetrics: false });
    const stale = metrics.registerConnection('Q', 'a:1', fakeConnection().snapshot);
    metrics.registerConnection('Q', 'a:1', fakeConnection({ activeItems: 2 }).snapshot);
    stale();
    const text = await metrics.metrics();
    expect(sample(text, 'lsadapter_connection_up{adapter="Q",server="a:1"}')).toBe(1);
    expect(sample(text, 'lsadapter_active_items{adapter="Q"}')).toBe(2);
  });

  it('counts reconnects and requests, and observes durations', async () => {
    const metrics = createHostMetrics({ defaultMetrics: false });
    metrics.recordReconnect('Q', 'a:1');
    metrics.recordReconnect('Q', 'a:1');
    metrics.recordRequest('M', 'NUS', 'ok', 0.0003);
    metrics.recordRequest('M', 'NUS', 'error', 0.2);
    metrics.recordRequest('M', 'NUS', 'ok', 3);
    const text = await metrics.metrics();
    expect(sample(text, 'lsadapter_reconnects_total{adapter="Q",server="a:1"}')).toBe(2);
    expect(sample(text, 'lsadapter_requests_total{adapter="M",method="NUS",outcome="ok"}')).toBe(2);
    expect(sample(text, 'lsadapter_requests_total{adapter="M",method="NUS",outcome="error"}')).toBe(
      1,
    );
    expect(
      sample(
        text,
        'lsadapter_request_duration_seconds_bucket{le="0.0005",adapter="M",method="NUS"}',
      ),
    ).toBe(1);
    expect(
      sample(text, 'lsadapter_request_duration_seconds_bucket{le="0.25",adapter="M",method="NUS"}'),
    ).toBe(2);
    expect(sample(text, 'lsadapter_request_duration_seconds_count{adapter="M",method="NUS"}')).toBe(
      3,
    );
  });
});
