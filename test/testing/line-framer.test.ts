import { describe, expect, it } from 'vitest';
import { type FramingProblem, LineFramer } from '../../src/testing/line-framer.js';
import { chunkings } from '../helpers/chunkings.js';

interface Seen {
  lines: Array<[string, boolean, number]>;
  counted: number[];
  problems: FramingProblem[];
}

function frame(
  bytes: Buffer,
  chunks: Buffer[],
  options = { maxLineBytes: 64, countUpdates: false },
): Seen {
  const seen: Seen = { lines: [], counted: [], problems: [] };
  const framer = new LineFramer(
    {
      line: (text, crlf, n) => seen.lines.push([text, crlf, n]),
      counted: (n) => seen.counted.push(n),
      problem: (problem) => seen.problems.push(problem),
    },
    options,
  );
  for (const chunk of chunks) framer.push(chunk);
  expect(bytes.length).toBeGreaterThan(0);
  return seen;
}

function everyChunking(
  input: Buffer | string,
  options?: { maxLineBytes: number; countUpdates: boolean },
): Seen {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const ways = chunkings(bytes);
  const results = ways.map((way) => frame(bytes, way.chunks, options));
  for (const [i, result] of results.entries()) {
    expect(result, ways[i]?.name).toEqual(results[0]);
  }
  return results[0] as Seen;
}

describe('LineFramer', () => {
  it('reports CR LF and bare LF lines with their byte sizes, keeping the partial tail', () => {
    const seen = everyChunking('1|RAC|S|a|S|b\r\nKEEPALIVE\nvalue€\r\npartial');
    expect(seen.lines).toEqual([
      ['1|RAC|S|a|S|b', true, 15],
      ['KEEPALIVE', false, 10],
      ['value€', true, 10],
    ]);
    expect(seen.problems).toEqual([]);
  });

  it('reports a BOM only at the start, empty lines, double CR, and invalid UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('A\r\n\r\nB\r\r\n'),
      Buffer.from([0x43, 0xff, 0x0d, 0x0a]),
      Buffer.from([0xef, 0xbb, 0xbf, 0x44, 0x0a]),
    ]);
    const seen = everyChunking(bytes);
    expect(seen.problems).toEqual(['bom', 'empty-line', 'bad-terminator', 'invalid-utf8']);
    expect(seen.lines.map(([text]) => text)).toEqual(['A', 'B', 'C\uFFFD', '\uFEFFD']);
  });

  it('drops a line longer than maxLineBytes and resumes at the next one', () => {
    const seen = everyChunking(`${'x'.repeat(100)}\r\nok\r\n`, {
      maxLineBytes: 64,
      countUpdates: false,
    });
    expect(seen.problems).toEqual(['line-too-long']);
    expect(seen.lines).toEqual([['ok', true, 4]]);
  });

  it('only counts UD3 lines in count mode', () => {
    const seen = everyChunking('1|UD3|S|i|S|1|B|0\r\nKEEPALIVE\r\n2|UD3\r\nx|UD3|\r\n', {
      maxLineBytes: 64,
      countUpdates: true,
    });
    expect(seen.counted).toEqual([19, 8]);
    expect(seen.lines.map(([text]) => text)).toEqual(['KEEPALIVE', '2|UD3']);
  });
});
