/**
 * Table info layouts of `NNT`, `NTC` and `MSA` (PROTOCOL.md §5.2), both directions.
 */
import type { StringEncoding } from './escaping.js';
import { encodeString } from './escaping.js';
import type { TableInfo } from './messages.js';
import type { TokenReader } from './token-reader.js';
import { decodeMode, encodeMode } from './values.js';

/** Which table layout a message uses. */
export type TableLayout = 'NNT' | 'NTC' | 'MSA';

/** Reads one table info at the reader's position. */
export function readTable(
  reader: TokenReader,
  layout: TableLayout,
  v190: boolean,
  encoding: StringEncoding,
): TableInfo {
  const winIndex = reader.integer();
  const mode = reader.typed('M', decodeMode);
  const group = reader.string(encoding);
  const dataAdapter = v190 ? reader.string(encoding) : null;
  const schema = reader.string(encoding);
  const firstItemIndex = reader.integer();
  const lastItemIndex = reader.integer();
  const selector = layout === 'MSA' ? null : reader.string(encoding);
  const table: TableInfo = {
    winIndex,
    mode,
    group,
    dataAdapter,
    schema,
    firstItemIndex,
    lastItemIndex,
    selector,
    items: [],
    statistics: null,
  };
  if (!v190) return table;
  const count = reader.integer();
  if (count < 0) reader.fail('Negative item count');
  for (let i = 0; i < count; i++) {
    const item = reader.string(encoding);
    table.items.push(item ?? '');
  }
  if (layout === 'NTC') {
    const statsCount = reader.integer();
    if (statsCount < 0) reader.fail('Negative statistics count');
    if (statsCount > 0) {
      table.statistics = [];
      for (let i = 0; i < statsCount; i++) {
        table.statistics.push({
          realTime: reader.integer('L'),
          lost: reader.integer('L'),
          filtered: reader.integer('L'),
        });
      }
    }
  }
  return table;
}

/** Reads table infos up to the end of the line. */
export function readTablesToEnd(
  reader: TokenReader,
  layout: 'NNT' | 'NTC',
  v190: boolean,
  encoding: StringEncoding,
): TableInfo[] {
  const tables: TableInfo[] = [];
  while (!reader.done) tables.push(readTable(reader, layout, v190, encoding));
  return tables;
}

/** Writes one table info (the simulator's side). */
export function writeTable(
  table: TableInfo,
  layout: TableLayout,
  v190: boolean,
  encoding: StringEncoding,
): string {
  let out = `I|${table.winIndex}|M|${encodeMode(table.mode)}|S|${encodeString(table.group, encoding)}`;
  if (v190) out += `|S|${encodeString(table.dataAdapter, encoding)}`;
  out += `|S|${encodeString(table.schema, encoding)}|I|${table.firstItemIndex}|I|${table.lastItemIndex}`;
  if (layout !== 'MSA') out += `|S|${encodeString(table.selector, encoding)}`;
  if (!v190) return out;
  out += `|I|${table.items.length}`;
  for (const item of table.items) out += `|S|${encodeString(item, encoding)}`;
  if (layout === 'NTC') {
    const stats = table.statistics ?? [];
    out += `|I|${stats.length}`;
    for (const s of stats) out += `|L|${s.realTime}|L|${s.lost}|L|${s.filtered}`;
  }
  return out;
}
