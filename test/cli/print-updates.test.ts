/**
 * The rendering of `lsadapter dev`'s output: columns, field selection and order, growing widths,
 * escaping, colours, JSON lines, and the batching writer.
 */
import { describe, expect, it } from 'vitest';
import {
  clockTime,
  createLineWriter,
  type DevEvent,
  shouldUseColor,
  toDevEvent,
  UpdatePrinter,
} from '../../src/cli/print-updates.js';
import type { RecordedNotification } from '../../src/testing/index.js';

const AT = new Date(2026, 0, 2, 12, 1, 2, 345).getTime();

function update(
  item: string,
  fields: Array<[string, string | null]>,
  options: { adapter?: string; isSnapshot?: boolean } = {},
): DevEvent {
  return {
    type: 'update',
    at: AT,
    adapter: options.adapter ?? 'QUOTES',
    item,
    isSnapshot: options.isSnapshot ?? false,
    fields: new Map(fields),
  };
}

describe('UpdatePrinter (text)', () => {
  it('lays out time, adapter, item, snapshot tag and every field in the order sent', () => {
    const printer = new UpdatePrinter({ adapterWidth: 6, itemWidth: 9 });
    const line = printer.format(
      update(
        'item1',
        [
          ['stock_name', 'Anduct'],
          ['last_price', '12.34'],
        ],
        { isSnapshot: true },
      ),
    );
    expect(line).toBe('12:01:02.345  QUOTES  item1      snap  stock_name=Anduct  last_price=12.34');
  });

  it('leaves the tag column blank for a real-time update, so that items stay aligned', () => {
    const printer = new UpdatePrinter({ adapterWidth: 6, itemWidth: 5 });
    const snap = printer.format(update('item1', [['bid', '1']], { isSnapshot: true }));
    const live = printer.format(update('item1', [['bid', '2']]));
    expect(live).toBe('12:01:02.345  QUOTES  item1        bid=2');
    expect(live.indexOf('bid=')).toBe(snap.indexOf('bid='));
  });

  it('prints only the selected fields, in the selection order, skipping absent ones', () => {
    const printer = new UpdatePrinter({ fields: ['ask', 'missing', 'bid'] });
    const line = printer.format(
      update('i', [
        ['bid', '1'],
        ['ask', '2'],
        ['time', '3'],
      ]),
    );
    expect(line).toMatch(/ {2}ask=2 {2}bid=1$/);
    expect(line).not.toContain('time=');
    expect(printer.format(update('i', [['time', '3']]))).toMatch(
      /\(none of the --schema fields\)$/,
    );
  });

  it('keeps the wire order of numeric-looking field names', () => {
    const printer = new UpdatePrinter();
    const line = printer.format(
      update('i', [
        ['b', 'x'],
        ['2', 'y'],
        ['1', 'z'],
      ]),
    );
    expect(line).toMatch(/b=x {2}2=y {2}1=z$/);
  });

  it('pads each field to the widest value seen so far (capped), never the last one', () => {
    const printer = new UpdatePrinter({ itemWidth: 1, maxPadWidth: 6 });
    printer.format(
      update('i', [
        ['p', '100.25'],
        ['q', 'x'],
      ]),
    );
    const narrow = printer.format(
      update('i', [
        ['p', '9.5'],
        ['q', 'y'],
      ]),
    );
    expect(narrow).toMatch(/ p=9\.5 {5}q=y$/);
    printer.format(
      update('i', [
        ['p', 'a-very-long-value'],
        ['q', 'x'],
      ]),
    );
    // Capped at 6: the long value pushed the line once but does not widen later ones.
    expect(
      printer.format(
        update('i', [
          ['p', '1'],
          ['q', 'x'],
        ]),
      ),
    ).toMatch(/ p=1 {7}q=x$/);
  });

  it('widens the adapter and item columns for longer names, from then on', () => {
    const printer = new UpdatePrinter({ adapterWidth: 2, itemWidth: 2 });
    expect(printer.format(update('ab', [['f', '1']], { adapter: 'QQ' }))).toBe(
      '12:01:02.345  QQ  ab        f=1',
    );
    expect(printer.format(update('abcd', [['f', '1']], { adapter: 'QQQ' }))).toBe(
      '12:01:02.345  QQQ  abcd        f=1',
    );
    expect(printer.format(update('ab', [['f', '1']], { adapter: 'QQ' }))).toBe(
      '12:01:02.345  QQ   ab          f=1',
    );
  });

  it('makes nulls, empty values, edge spaces and line breaks visible on one line', () => {
    const printer = new UpdatePrinter();
    const line = printer.format(
      update('i', [
        ['n', null],
        ['e', ''],
        ['s', ' x'],
        ['m', 'a\nb'],
        ['ok', 'Ations Europe'],
      ]),
    );
    expect(line).toMatch(/n=null {2}e="" {2}s=" x" {2}m="a\\nb" {2}ok=Ations Europe$/);
    expect(line).not.toContain('\n');
  });

  it('cuts very long values and says how much was left out', () => {
    const printer = new UpdatePrinter({ maxValueLength: 5 });
    expect(printer.format(update('i', [['f', 'abcdefgh']]))).toMatch(/f=abcde…\(\+3\)$/);
  });

  it('prints end-of-snapshot, clear-snapshot, failure and diff-order lines in the same columns', () => {
    const printer = new UpdatePrinter({ adapterWidth: 6, itemWidth: 5 });
    const base = { at: AT, adapter: 'QUOTES' };
    expect(printer.format({ ...base, type: 'eos', item: 'item1' })).toBe(
      '12:01:02.345  QUOTES  item1  EOS   end of snapshot',
    );
    expect(printer.format({ ...base, type: 'cls', item: 'item1' })).toBe(
      '12:01:02.345  QUOTES  item1  CLS   snapshot cleared',
    );
    expect(printer.format({ ...base, type: 'failure', message: 'feed down' })).toBe(
      '12:01:02.345  QUOTES         FAIL  feed down',
    );
    expect(
      printer.format({
        ...base,
        type: 'dfd',
        item: 'item1',
        fields: [
          ['doc', ['JSONPATCH']],
          ['txt', null],
        ],
      }),
    ).toBe('12:01:02.345  QUOTES  item1  DFD   doc=JSONPATCH  txt=none');
  });

  it('colours only when asked, and the text without escapes stays the same', () => {
    const plain = new UpdatePrinter({ adapterWidth: 6, itemWidth: 5 });
    const colored = new UpdatePrinter({ adapterWidth: 6, itemWidth: 5, color: true });
    const event = update('item1', [['bid', '1']], { isSnapshot: true });
    const line = colored.format(event);
    expect(plain.format(event)).not.toContain('\u001b[');
    expect(line).toContain('\u001b[');
    expect(line.replace(/\u001b\[\d+m/g, '')).toBe(plain.format(event));
  });
});

describe('UpdatePrinter (JSON)', () => {
  it('prints one JSON object per event, with the selected fields only', () => {
    const printer = new UpdatePrinter({ json: true, fields: ['b', 'a'] });
    const line = printer.format(
      update(
        'item1',
        [
          ['a', '1'],
          ['b', null],
          ['c', '3'],
        ],
        { isSnapshot: true },
      ),
    );
    expect(JSON.parse(line)).toEqual({
      time: new Date(AT).toISOString(),
      adapter: 'QUOTES',
      event: 'update',
      item: 'item1',
      snapshot: true,
      fields: { b: null, a: '1' },
    });
    const eos = JSON.parse(printer.format({ type: 'eos', at: AT, adapter: 'Q', item: 'i' }));
    expect(eos).toEqual({
      time: new Date(AT).toISOString(),
      adapter: 'Q',
      event: 'eos',
      item: 'i',
    });
  });
});

describe('toDevEvent', () => {
  it('turns recorded notifications into printable events', () => {
    const recorded = (message: unknown): RecordedNotification =>
      ({ seq: 1, at: AT, connectionId: 1, channel: 'main', line: '', message }) as never;
    expect(
      toDevEvent(
        'Q',
        recorded({
          kind: 'notification',
          method: 'UD3',
          id: '0',
          item: 'i',
          subscriptionId: '1',
          isSnapshot: true,
          fields: [
            ['a', '1'],
            ['a', '2'],
            ['b', null],
          ],
        }),
      ),
    ).toEqual({
      type: 'update',
      at: AT,
      adapter: 'Q',
      item: 'i',
      isSnapshot: true,
      fields: new Map([
        ['a', '2'],
        ['b', null],
      ]),
    });
    const fal = recorded({ kind: 'notification', method: 'FAL', id: '0', message: 'boom' });
    expect(toDevEvent('Q', fal)).toEqual({
      type: 'failure',
      at: AT,
      adapter: 'Q',
      message: 'boom',
    });
    const cls = recorded({
      kind: 'notification',
      method: 'CLS',
      id: '0',
      item: 'i',
      subscriptionId: '1',
    });
    expect(toDevEvent('Q', cls)).toEqual({ type: 'cls', at: AT, adapter: 'Q', item: 'i' });
  });
});

describe('shouldUseColor', () => {
  it('colours a terminal unless NO_COLOR is set to something', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
  });
});

describe('clockTime', () => {
  it('formats local time with milliseconds', () => {
    expect(clockTime(new Date(2026, 0, 2, 3, 4, 5, 6).getTime())).toBe('03:04:05.006');
  });
});

describe('createLineWriter', () => {
  it('gathers the lines of one turn into a single write', async () => {
    const writes: string[] = [];
    const writer = createLineWriter({ write: (text: string) => writes.push(text) });
    writer.write('a');
    writer.write('b');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n']);
    writer.write('c');
    writer.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
  });
});
