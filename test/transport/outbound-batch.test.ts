/** The outbound batch buffer: appending, growing, and when a handed-off buffer may be written again. */
import { describe, expect, it } from 'vitest';
import { writeLineText } from '../../src/protocol/index.js';
import { type EncodeInto, OutboundBatch } from '../../src/transport/outbound-batch.js';

const line =
  (text: string): EncodeInto =>
  (buffer, position) =>
    writeLineText(buffer, position, text);

/** Whether two views share memory (small buffers come from Node's shared pool). */
function overlap(a: Buffer, b: Buffer): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;
}

describe('OutboundBatch', () => {
  it('appends whole lines and refuses one that does not fit, leaving the batch as it was', () => {
    const batch = new OutboundBatch(16);
    expect(batch.tryAppend(line('abc'))).toBe(true);
    expect(batch.tryAppend(line('défg'))).toBe(true);
    expect(batch.length).toBe(5 + 7);
    expect(batch.tryAppend(line('xyz'))).toBe(false);
    expect(batch.length).toBe(12);
    expect(batch.take().toString()).toBe('abc\r\ndéfg\r\n');
    expect(batch.length).toBe(0);
  });

  it('grows only while empty, doubling up to the bound', () => {
    const batch = new OutboundBatch(8);
    batch.tryAppend(line('a'));
    expect(batch.grow(100)).toBe(false);
    batch.take();
    batch.handedOff(false);
    expect(batch.grow(100)).toBe(true);
    expect(batch.capacity).toBe(16);
    expect(batch.grow(20)).toBe(true);
    expect(batch.capacity).toBe(20);
    expect(batch.grow(20)).toBe(false);
    expect(batch.tryAppend(line('x'.repeat(18)))).toBe(true);
  });

  it('reuses the buffer after a hand-off the socket did not keep', () => {
    const batch = new OutboundBatch(64);
    batch.tryAppend(line('first'));
    const first = batch.take();
    batch.handedOff(false);
    batch.tryAppend(line('second'));
    const second = batch.take();
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteOffset).toBe(first.byteOffset);
    expect(second.toString()).toBe('second\r\n');
  });

  it('never writes again into a view the socket kept', () => {
    const batch = new OutboundBatch(64);
    batch.tryAppend(line('kept line'));
    const kept = batch.take();
    batch.handedOff(true);
    batch.tryAppend(line('later line'));
    const later = batch.take();
    expect(overlap(later, kept)).toBe(false);
    expect(kept.toString()).toBe('kept line\r\n');
  });

  it('goes back to its initial size after a hand-off of a grown buffer', () => {
    const batch = new OutboundBatch(8);
    batch.grow(1024);
    batch.tryAppend(line('x'.repeat(12)));
    batch.take();
    batch.handedOff(false);
    expect(batch.capacity).toBe(8);
  });
});
