/**
 * DataSession over in-memory writers: the listener's contract (return values, drops, DFD below
 * 1.9.0), the notify connection, and the provider-replacement guards.
 */
import { describe, expect, it } from 'vitest';
import type { ItemEventListener } from '../../src/sdk/item-event-listener.js';
import { SessionItemEventListener } from '../../src/sdk/item-event-listener.js';
import { DataSession } from '../../src/session/data-session.js';
import type { CloseRequestedError, InitOutcome } from '../../src/session/handshake.js';
import { FakeDataProvider, MemoryLogger } from '../sdk/harness.js';

class Writer {
  readonly lines: string[] = [];
  accept = true;
  /** Every line is its own batch here. */
  flushes = 0;
  write(line: string): boolean {
    this.lines.push(line);
    this.flushes++;
    return this.accept;
  }
  writeWith(encodeInto: (buffer: Buffer, position: number) => number): boolean {
    // A small buffer first, so that the encoder's "no room" answer is exercised too.
    let buffer = Buffer.alloc(8);
    let end = encodeInto(buffer, 0);
    while (end < 0) {
      buffer = Buffer.alloc(buffer.length * 2);
      end = encodeInto(buffer, 0);
    }
    const text = buffer.toString('utf8', 0, end);
    expect(text.endsWith('\r\n')).toBe(true);
    return this.write(text.slice(0, -2));
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

async function session(options: { twoConnections?: boolean; version?: string } = {}) {
  const replies = new Writer();
  const notifications = options.twoConnections ? new Writer() : replies;
  const provider = new FakeDataProvider();
  const logger = new MemoryLogger();
  const outcomes: InitOutcome[] = [];
  const closes: CloseRequestedError[] = [];
  const data = new DataSession({
    provider,
    role: options.twoConnections ? 'data-two-connections' : 'data-single',
    replies,
    notifications,
    localParams: {},
    context: { name: 'test', kind: 'data' },
    createListener: (sink) => new SessionItemEventListener(sink),
    events: {
      initialized: (outcome) => outcomes.push(outcome),
      closeRequested: (error) => closes.push(error),
      protocolError: () => {},
    },
    logger,
  });
  data.handleLine(`ID0|DPI|S|ARI.version|S|${options.version ?? '1.9.1'}`);
  await flush();
  const listener = provider.listener as ItemEventListener;
  return { data, replies, notifications, provider, logger, outcomes, closes, listener };
}

describe('DataSession listener', () => {
  it('returns what the connection write returned (backpressure)', async () => {
    const t = await session();
    t.data.handleLine('ID1|SUB|S|item');
    await flush();
    t.replies.accept = false;
    expect(t.listener.update('item', { f: 1 }, false)).toBe(false);
    t.replies.accept = true;
    expect(t.listener.update('item', { f: 2.5, g: true, h: undefined }, false)).toBe(true);
    expect(t.replies.lines.slice(-1)[0]).toMatch(
      /^\d+\|UD3\|S\|item\|S\|ID1\|B\|0\|S\|f\|S\|2\.5\|S\|g\|S\|true$/,
    );
    expect(t.data.counters.updates).toBe(2);
  });

  it('drops events of unsubscribed items with one rate-limited warning', async () => {
    const t = await session();
    expect(t.listener.update('nope', {}, false)).toBe(false);
    expect(t.listener.update('nope', {}, false)).toBe(false);
    expect(t.listener.endOfSnapshot('nope')).toBe(false);
    expect(t.logger.messages('warn')).toHaveLength(1);
    expect(t.logger.messages('warn')[0]).toMatch(/update\("nope"\) not sent/);
    expect(t.data.counters.dropped).toBe(3);
    expect(t.replies.lines).toEqual(['ID0|DPI|S|ARI.version|S|1.9.1']);
  });

  it('writes no DFD below 1.9.0 but still rejects unknown algorithms', async () => {
    const t = await session({ twoConnections: true, version: '1.8.3' });
    t.data.handleLine('ID1|SUB|S|item');
    await flush();
    const before = t.notifications.lines.length;
    expect(t.listener.declareFieldDiffOrder('item', { f: ['JSONPATCH'] })).toBe(false);
    expect(() => t.listener.declareFieldDiffOrder('item', { f: ['XDIFF' as never] })).toThrow(
      TypeError,
    );
    expect(t.notifications.lines.length).toBe(before);
    expect(t.logger.messages('debug').join('\n')).toMatch(/older than 1\.9\.0/);
  });

  it('routes notifications to the notify writer and replies to request/reply', async () => {
    const t = await session({ twoConnections: true, version: '1.9.0' });
    t.data.handleLine('ID1|SUB|S|item');
    await flush();
    t.listener.update('item', { f: 'x' }, false);
    t.listener.failure(new Error('bad'));
    expect(t.replies.lines).toEqual(['ID0|DPI|S|ARI.version|S|1.9.0', 'ID1|SUB|V']);
    expect(t.notifications.lines.map((l) => l.replace(/^\d+/, '<ts>'))).toEqual([
      '<ts>|EOS|S|item|S|ID1',
      '<ts>|UD3|S|item|S|ID1|B|0|S|f|S|x',
      '<ts>|FAL|E|bad',
    ]);
  });
});

describe('DataSession connection handling', () => {
  it('honours a CLOSE on the notify connection and ignores anything else there', async () => {
    const t = await session({ twoConnections: true, version: '1.9.0' });
    t.data.handleNotifyLine('X|SUB|S|item');
    expect(t.closes).toEqual([]);
    t.data.handleNotifyLine('0|CLOSE|S|reason|S|bye');
    expect(t.closes.map((e) => e.reason)).toEqual(['bye']);
    t.data.handleLine('ID1|SUB|S|item');
    await flush();
    expect(t.provider.calls).not.toContain('subscribe:item');
  });

  it('stops serving after close()', async () => {
    const t = await session();
    t.data.close();
    t.data.handleLine('ID1|SUB|S|item');
    await flush();
    expect(t.provider.calls).toEqual(['init', 'setListener']);
  });

  it('refuses to replace the provider before init or twice at once', async () => {
    const t = await session();
    const fresh = new DataSession({
      provider: new FakeDataProvider(),
      role: 'data-single',
      replies: new Writer(),
      notifications: new Writer(),
      localParams: {},
      context: {},
      createListener: (sink) => new SessionItemEventListener(sink),
      events: { initialized: () => {}, closeRequested: () => {}, protocolError: () => {} },
      logger: new MemoryLogger(),
    });
    await expect(fresh.swapProvider(new FakeDataProvider())).rejects.toThrow(/not initialised/);
    const slow = new FakeDataProvider();
    let finish!: () => void;
    slow.onInit = () => new Promise<void>((resolve) => (finish = resolve));
    const first = t.data.swapProvider(slow);
    await expect(t.data.swapProvider(new FakeDataProvider())).rejects.toThrow(/running/);
    finish();
    await first;
    expect(t.data.provider).toBe(slow);
  });

  it('a swap waits for a running subscribe, within its step timeout', async () => {
    const t = await session();
    t.provider.onSubscribe = () => new Promise(() => {});
    t.data.handleLine('ID1|SUB|S|stuck');
    await flush();
    await expect(
      t.data.swapProvider(new FakeDataProvider(), { stepTimeoutMs: 20 }),
    ).rejects.toThrow(/did not finish within 20 ms/);
    // The queue runs again: another item is still served by the old provider.
    t.data.handleLine('ID2|SUB|S|free');
    await flush();
    expect(t.provider.calls).toContain('subscribe:free');
  });
});
