import { describe, expect, it } from 'vitest';
import { LineSplitter, LineTooLongError } from '../../src/protocol/index.js';
import { chunkings } from '../helpers/chunkings.js';

function split(chunks: Buffer[], maxLineBytes?: number) {
  const lines: string[] = [];
  const errors: LineTooLongError[] = [];
  const splitter = new LineSplitter(
    { line: (l) => lines.push(l), error: (e) => errors.push(e) },
    maxLineBytes === undefined ? {} : { maxLineBytes },
  );
  for (const chunk of chunks) splitter.push(chunk);
  return { lines, errors, pending: splitter.pendingBytes };
}

const cases: Array<{ name: string; input: string; lines: string[]; pending?: number }> = [
  { name: 'CRLF lines', input: 'a|B\r\nc|D\r\n', lines: ['a|B', 'c|D'] },
  { name: 'LF lines', input: 'a|B\nc|D\n', lines: ['a|B', 'c|D'] },
  { name: 'empty lines skipped', input: '\r\n\na\r\n\r\n', lines: ['a'] },
  { name: 'several CRs stripped', input: 'x\r\r\n', lines: ['x'] },
  { name: 'partial tail kept', input: 'one\ntw', lines: ['one'], pending: 2 },
  { name: 'BOM at stream start', input: '\uFEFF1|DPI|S|a|S|b\r\n', lines: ['1|DPI|S|a|S|b'] },
  { name: 'BOM later is kept', input: 'a\n\uFEFFb\n', lines: ['a', '\uFEFFb'] },
  {
    name: 'multi-byte UTF-8',
    input: 'ID|SUB|S|value 𩥪 €\r\nID2|USB|S|Ȭ\r\n',
    lines: ['ID|SUB|S|value 𩥪 €', 'ID2|USB|S|Ȭ'],
  },
  { name: 'KEEPALIVE', input: 'KEEPALIVE\r\n', lines: ['KEEPALIVE'] },
];

describe('LineSplitter', () => {
  for (const c of cases) {
    it(`${c.name}: same lines for every chunking`, () => {
      for (const way of chunkings(Buffer.from(c.input, 'utf8'))) {
        const result = split(way.chunks);
        expect(result.lines, way.name).toEqual(c.lines);
        expect(result.pending, way.name).toBe(c.pending ?? 0);
      }
    });
  }

  it('reports a line over the maximum once, drops it, and keeps going', () => {
    const input = Buffer.from(`ok\r\n${'x'.repeat(50)}\r\nafter\r\n`);
    for (const way of chunkings(input)) {
      const result = split(way.chunks, 20);
      expect(result.lines, way.name).toEqual(['ok', 'after']);
      expect(result.errors, way.name).toHaveLength(1);
      expect(result.errors[0]).toBeInstanceOf(LineTooLongError);
      expect(result.errors[0]?.message).toMatch(/maximum of 20 bytes/);
    }
  });

  it('keeps memory bounded while an endless line streams in', () => {
    const lines: string[] = [];
    const errors: unknown[] = [];
    const splitter = new LineSplitter(
      { line: (l) => lines.push(l), error: (e) => errors.push(e) },
      {
        maxLineBytes: 1024,
      },
    );
    for (let i = 0; i < 1000; i++) splitter.push(Buffer.alloc(512, 0x61));
    expect(splitter.pendingBytes).toBeLessThanOrEqual(1024);
    expect(errors).toHaveLength(1);
    splitter.push(Buffer.from('\nnext\n'));
    expect(lines).toEqual(['next']);
  });

  it('does not keep references to the caller buffer', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter({ line: (l) => lines.push(l), error: () => {} });
    const chunk = Buffer.from('abc');
    splitter.push(chunk);
    chunk.fill(0x7a);
    splitter.push(Buffer.from('\n'));
    expect(lines).toEqual(['abc']);
  });
});
