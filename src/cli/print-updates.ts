/**
 * How `lsadapter dev` shows what the Data Adapters send: one line per event, in columns that
 * stay aligned as the stream goes on, e.g.
 *
 * ```text
 * 12:01:02.345  QUOTES  item1      snap  stock_name=Anduct  last_price=12.34  pct_change=0.12
 * 12:01:02.346  QUOTES  item1      EOS   end of snapshot
 * ```
 *
 * Each line is formatted once, as its event arrives, and never redrawn: column widths only grow,
 * so earlier lines keep their layout and the cost per event is one short string. `--json` prints
 * one JSON object per event instead.
 */
import type { RecordedNotification } from '../testing/index.js';

/** One event a Data Adapter sent, as `lsadapter dev` prints it. */
export type DevEvent =
  | {
      readonly type: 'update';
      /** Receive time, `Date.now()` milliseconds. */
      readonly at: number;
      /** The Data Adapter's name. */
      readonly adapter: string;
      readonly item: string | null;
      readonly isSnapshot: boolean;
      /** Fields by name, in the order the adapter sent them (a repeated field: its last value). */
      readonly fields: ReadonlyMap<string, string | null>;
    }
  | {
      readonly type: 'eos' | 'cls';
      readonly at: number;
      readonly adapter: string;
      readonly item: string | null;
    }
  | {
      readonly type: 'dfd';
      readonly at: number;
      readonly adapter: string;
      readonly item: string | null;
      /** Each field with its diff algorithms, in order of preference (null: none). */
      readonly fields: ReadonlyArray<readonly [name: string, algorithms: readonly string[] | null]>;
    }
  | {
      readonly type: 'failure';
      readonly at: number;
      readonly adapter: string;
      readonly message: string | null;
    };

/** Options of {@link UpdatePrinter}. */
export interface UpdatePrinterOptions {
  /**
   * Print only these fields of an update, in this order (`--schema`).
   * @default undefined (every field, in the order the adapter sent them)
   */
  fields?: readonly string[] | undefined;
  /**
   * Colour the output with ANSI escapes (see {@link shouldUseColor}).
   * @default false
   */
  color?: boolean;
  /**
   * One JSON object per event instead of aligned text.
   * @default false
   */
  json?: boolean;
  /**
   * Starting width of the adapter column (e.g. the longest Data Adapter name).
   * @default 0 (grows with the names seen)
   */
  adapterWidth?: number;
  /**
   * Starting width of the item column (e.g. the longest subscribed item).
   * @default 0 (grows with the names seen)
   */
  itemWidth?: number;
  /**
   * Widest a field value is padded to; longer values simply push the line on.
   * @default 20
   */
  maxPadWidth?: number;
  /**
   * Longest value shown; longer ones are cut, with the number of characters left out.
   * @default 200
   */
  maxValueLength?: number;
}

/** Default of {@link UpdatePrinterOptions.maxPadWidth}. */
export const DEFAULT_MAX_PAD_WIDTH = 20;
/** Default of {@link UpdatePrinterOptions.maxValueLength}. */
export const DEFAULT_MAX_VALUE_LENGTH = 200;

/** Width of the column that says what a line is (`snap`, `EOS`, …). */
const TAG_WIDTH = 4;
const GAP = '  ';

const STYLES = {
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  magenta: '\u001b[35m',
  cyan: '\u001b[36m',
} as const;
const RESET = '\u001b[0m';

type Style = keyof typeof STYLES;

/**
 * Whether output to `stream` should be coloured: only on a terminal, and never when the
 * `NO_COLOR` environment variable is set to a non-empty value (https://no-color.org).
 */
export function shouldUseColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/** Turns a simulator's recorded notification into the event printed for it. */
export function toDevEvent(adapter: string, recorded: RecordedNotification): DevEvent {
  const { at, message } = recorded;
  switch (message.method) {
    case 'UD3':
      return {
        type: 'update',
        at,
        adapter,
        item: message.item,
        isSnapshot: message.isSnapshot,
        // A Map keeps the wire order even for names like "1" that a plain object would reorder.
        fields: new Map(message.fields),
      };
    case 'EOS':
    case 'CLS':
      return { type: message.method === 'EOS' ? 'eos' : 'cls', at, adapter, item: message.item };
    case 'DFD':
      return { type: 'dfd', at, adapter, item: message.item, fields: message.fields };
    case 'FAL':
      return { type: 'failure', at, adapter, message: message.message };
  }
}

/** Formats {@link DevEvent}s as aligned, optionally coloured lines (or JSON lines). */
export class UpdatePrinter {
  readonly #fields: readonly string[] | undefined;
  readonly #color: boolean;
  readonly #json: boolean;
  readonly #maxPadWidth: number;
  readonly #maxValueLength: number;
  #adapterWidth: number;
  #itemWidth: number;
  /** Widest value seen per field name (capped), so that a field's values line up. */
  readonly #fieldWidths = new Map<string, number>();

  constructor(options: UpdatePrinterOptions = {}) {
    this.#fields = options.fields;
    this.#color = options.color ?? false;
    this.#json = options.json ?? false;
    this.#adapterWidth = options.adapterWidth ?? 0;
    this.#itemWidth = options.itemWidth ?? 0;
    this.#maxPadWidth = options.maxPadWidth ?? DEFAULT_MAX_PAD_WIDTH;
    this.#maxValueLength = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
  }

  /** The line for `event`, without the newline. */
  format(event: DevEvent): string {
    if (this.#json) return JSON.stringify(this.#jsonOf(event));
    const item = event.type === 'failure' ? '' : displayName(event.item);
    const head = this.#head(event.at, event.adapter, item);
    switch (event.type) {
      case 'update': {
        const tag = this.#tag(event.isSnapshot ? 'snap' : '', 'yellow');
        return `${head}${tag}${GAP}${this.#fieldsText(event.fields)}`.trimEnd();
      }
      case 'eos':
        return `${head}${this.#tag('EOS', 'magenta')}${GAP}${this.#paint('end of snapshot', 'dim')}`;
      case 'cls':
        return `${head}${this.#tag('CLS', 'magenta')}${GAP}${this.#paint('snapshot cleared', 'dim')}`;
      case 'dfd': {
        const orders = event.fields.map(([name, algorithms]) =>
          this.#pair(name, algorithms === null ? 'none' : algorithms.join(',')),
        );
        return `${head}${this.#tag('DFD', 'magenta')}${GAP}${orders.join(GAP)}`;
      }
      case 'failure': {
        const text = event.message === null ? '(no message)' : this.#value(event.message);
        return `${head}${this.#tag('FAIL', 'red')}${GAP}${this.#paint(text, 'red')}`;
      }
    }
  }

  /** Time, adapter and item columns, each followed by the gap. */
  #head(at: number, adapter: string, item: string): string {
    this.#adapterWidth = Math.max(this.#adapterWidth, adapter.length);
    this.#itemWidth = Math.max(this.#itemWidth, item.length);
    return (
      this.#paint(clockTime(at), 'dim') +
      GAP +
      this.#paint(adapter.padEnd(this.#adapterWidth), 'cyan') +
      GAP +
      this.#paint(item.padEnd(this.#itemWidth), 'bold') +
      GAP
    );
  }

  #tag(text: string, style: Style): string {
    return this.#paint(text.padEnd(TAG_WIDTH), style);
  }

  #fieldsText(fields: ReadonlyMap<string, string | null>): string {
    const names = this.#fields?.filter((name) => fields.has(name)) ?? [...fields.keys()];
    if (names.length === 0) {
      const why = this.#fields === undefined ? '(no fields)' : '(none of the --schema fields)';
      return this.#paint(why, 'dim');
    }
    const last = names.length - 1;
    return names
      .map((name, index) => {
        const value = fields.get(name);
        const text = value === null || value === undefined ? 'null' : this.#value(value);
        const width = Math.min(
          this.#maxPadWidth,
          Math.max(this.#fieldWidths.get(name) ?? 0, text.length),
        );
        this.#fieldWidths.set(name, width);
        // The last value is not padded: the line would only end in spaces.
        const padded = index === last ? text : text.padEnd(width);
        return this.#pair(name, padded, value === null || value === undefined);
      })
      .join(GAP);
  }

  #pair(name: string, value: string, isNull = false): string {
    const shown = isNull ? this.#paint(value, 'dim') : value;
    return `${this.#paint(`${name}=`, 'dim')}${shown}`;
  }

  /** A value on one line: control characters escaped, long ones cut. */
  #value(value: string): string {
    const cut =
      value.length > this.#maxValueLength
        ? `${value.slice(0, this.#maxValueLength)}…(+${value.length - this.#maxValueLength})`
        : value;
    // JSON quoting makes line breaks and other control characters visible; an empty value or
    // one with edge spaces is quoted too, so that it can be seen at all.
    const needsQuotes = cut === '' || /[\u0000-\u001f\u007f]/.test(cut) || cut.trim() !== cut;
    return needsQuotes ? JSON.stringify(cut) : cut;
  }

  #paint(text: string, style: Style): string {
    return this.#color && text !== '' ? `${STYLES[style]}${text}${RESET}` : text;
  }

  #jsonOf(event: DevEvent): Record<string, unknown> {
    const base = { time: new Date(event.at).toISOString(), adapter: event.adapter };
    switch (event.type) {
      case 'update':
        return {
          ...base,
          event: 'update',
          item: event.item,
          snapshot: event.isSnapshot,
          fields: this.#selected(event.fields),
        };
      case 'eos':
      case 'cls':
        return { ...base, event: event.type, item: event.item };
      case 'dfd':
        return {
          ...base,
          event: 'dfd',
          item: event.item,
          fields: Object.fromEntries(event.fields),
        };
      case 'failure':
        return { ...base, event: 'failure', message: event.message };
    }
  }

  #selected(fields: ReadonlyMap<string, string | null>): Record<string, string | null> {
    if (this.#fields === undefined) return Object.fromEntries(fields);
    const selected: Record<string, string | null> = {};
    for (const name of this.#fields) {
      const value = fields.get(name);
      if (value !== undefined) selected[name] = value;
    }
    return selected;
  }
}

/** `HH:MM:SS.mmm` in local time. */
export function clockTime(at: number): string {
  const date = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

function displayName(item: string | null): string {
  return item ?? '(null)';
}

/** Writes lines to a stream, batched (see {@link createLineWriter}). */
export interface LineWriter {
  /** Queues one line (without its newline). */
  write(line: string): void;
  /** Writes what is queued now. */
  flush(): void;
}

/**
 * A writer that gathers the lines of one turn of the event loop into a single `write`, so that
 * a burst of updates (a snapshot of many items) costs one system call instead of one per line.
 */
export function createLineWriter(stream: { write(text: string): unknown }): LineWriter {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    stream.write(text);
  };
  return {
    write(line) {
      pending += `${line}\n`;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
