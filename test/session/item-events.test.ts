/**
 * ItemEventSink: the `<ts>` id read once per outbound batch, and updates encoded straight into
 * the writer's buffer with the subscription's head encoded once, in both encodings.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ItemEventSink,
  type NotificationWriter,
  type Subscription,
} from '../../src/session/item-events.js';
import { MemoryLogger } from '../sdk/harness.js';

/** A writer whose batches the test ends by hand. */
class BatchWriter implements NotificationWriter {
  readonly lines: string[] = [];
  flushes = 0;
  write(line: string): boolean {
    this.lines.push(line);
    return true;
  }
  writeWith(encodeInto: (buffer: Buffer, position: number) => number): boolean {
    const buffer = Buffer.alloc(1024);
    const end = encodeInto(buffer, 5);
    expect(end).toBeGreaterThan(5);
    const text = buffer.toString('utf8', 5, end);
    expect(text.endsWith('\r\n')).toBe(true);
    return this.write(text.slice(0, -2));
  }
}

function makeSink(encoding: 'smart' | 'old') {
  const out = new BatchWriter();
  const subscriptions = new Map<string, Subscription>();
  const sink = new ItemEventSink({
    subscriptions,
    out,
    encoding,
    v190: encoding === 'smart',
    counters: { updates: 0, dropped: 0 },
    logger: new MemoryLogger(),
  });
  const sub: Subscription = {
    item: 'An Item|1',
    id: 'FAKEID',
    owner: sink,
    snapshot: false,
    active: true,
    realTimeOnly: false,
    updateHead: undefined,
  };
  subscriptions.set(sub.item, sub);
  return { out, sink, sub };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ItemEventSink timestamp', () => {
  it('reads the clock once per outbound batch, not per event', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    const { out, sink } = makeSink('smart');
    expect(sink.timestamp()).toBe('1700000000000');
    vi.setSystemTime(1_700_000_000_555);
    expect(sink.timestamp()).toBe('1700000000000');
    out.flushes++;
    expect(sink.timestamp()).toBe('1700000000555');
    expect(sink.timestamp()).toMatch(/^[0-9]+$/);
  });
});

describe('ItemEventSink writeUpdate', () => {
  it('smart: the head is encoded once per subscription and the line is V27-style', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    const { out, sink, sub } = makeSink('smart');
    expect(sink.writeUpdate(sub, true, { 'f|1': 'a+b', g: null, h: undefined, i: 2 })).toBe(true);
    const head = sub.updateHead;
    expect(head).toBeDefined();
    out.flushes++;
    vi.setSystemTime(1_700_000_000_001);
    sink.writeUpdate(sub, false, { f: '' });
    expect(sub.updateHead).toBe(head);
    expect(out.lines).toEqual([
      '1700000000000|UD3|S|An Item%7C1|S|FAKEID|B|1|S|f%7C1|S|a%2Bb|S|g|S|#|S|i|S|2',
      '1700000000001|UD3|S|An Item%7C1|S|FAKEID|B|0|S|f|S|$',
    ]);
  });

  it('old (1.8.x): every field old-encoded (V38)', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    const { out, sink, sub } = makeSink('old');
    sink.writeUpdate(sub, false, { field1: 'A symbol to encode ©' });
    expect(out.lines).toEqual([
      '1700000000000|UD3|S|An+Item%7C1|S|FAKEID|B|0|S|field1|S|A+symbol+to+encode+%C2%A9',
    ]);
  });
});
