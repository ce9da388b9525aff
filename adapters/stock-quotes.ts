/**
 * Example Data Adapter: a dozen stocks whose prices follow a random walk, in the spirit of the
 * classic StockList demo. Items `item1` … `item12`; fields `stock_name`, `last_price`, `time`,
 * `pct_change`, `bid`, `ask`, `bid_quantity`, `ask_quantity`, `min`, `max`, `ref_price`,
 * `open_price`. Every item has a snapshot (its current values).
 *
 * Params: `updateIntervalMs` (mean pause between two updates of one item, default 1000).
 */
import { DataProvider, type ItemEventListener, SubscribeError } from 'lsadapter';

const NAMES = [
  'Anduct',
  'Ations Europe',
  'Bagies Consulting',
  'BAY Corporation',
  'CON Consulting',
  'Corcor PLC',
  'CVS Asia',
  'Datio PLC',
  'Dentems',
  'ELE Manufacturing',
  'Exacktum Systems',
  'Fapebook Inc.',
];

interface Stock {
  name: string;
  ref: number;
  open: number;
  last: number;
  min: number;
  max: number;
  timer: NodeJS.Timeout | undefined;
}

function twoDecimals(n: number): string {
  return n.toFixed(2);
}

/** The stock-quote feed. */
export default class StockQuotes extends DataProvider {
  readonly #stocks = new Map<string, Stock>();
  #intervalMs = 1000;

  override init(params: Record<string, string | null>): void {
    const interval = Number(params.updateIntervalMs ?? 1000);
    if (!Number.isFinite(interval) || interval < 10) {
      throw new Error(`updateIntervalMs must be a number >= 10, got "${params.updateIntervalMs}"`);
    }
    this.#intervalMs = interval;
    NAMES.forEach((name, i) => {
      const ref = 10 + ((i * 7.3) % 30);
      this.#stocks.set(`item${i + 1}`, {
        name,
        ref,
        open: ref,
        last: ref,
        min: ref,
        max: ref,
        timer: undefined,
      });
    });
  }

  override isSnapshotAvailable(): boolean {
    return true;
  }

  override subscribe(item: string): void {
    const stock = this.#stocks.get(item);
    if (!stock) throw new SubscribeError(`No such stock: ${item} (use item1 … item12)`);
    const listener = this.listener as ItemEventListener;
    listener.update(item, this.#fields(stock), true);
    listener.endOfSnapshot(item);
    this.#schedule(item, stock);
  }

  override unsubscribe(item: string): void {
    const stock = this.#stocks.get(item);
    if (stock?.timer) clearTimeout(stock.timer);
    if (stock) stock.timer = undefined;
  }

  override close(): void {
    for (const item of this.#stocks.keys()) this.unsubscribe(item);
  }

  #schedule(item: string, stock: Stock, slowDown = 1): void {
    const pause = this.#intervalMs * (0.5 + Math.random()) * slowDown;
    stock.timer = setTimeout(() => {
      this.#step(stock);
      const accepted = (this.listener as ItemEventListener).update(
        item,
        this.#fields(stock),
        false,
      );
      // update() returns false when the outbound queue is full: a live price feed can skip ticks.
      if (stock.timer) this.#schedule(item, stock, accepted ? 1 : 4);
    }, pause);
  }

  #step(stock: Stock): void {
    const move = (Math.random() - 0.5) * stock.last * 0.02;
    stock.last = Math.max(0.01, stock.last + move);
    stock.min = Math.min(stock.min, stock.last);
    stock.max = Math.max(stock.max, stock.last);
  }

  #fields(stock: Stock): Record<string, string | number> {
    const spread = stock.last * 0.002;
    return {
      stock_name: stock.name,
      last_price: twoDecimals(stock.last),
      time: new Date().toISOString().slice(11, 19),
      pct_change: twoDecimals(((stock.last - stock.ref) / stock.ref) * 100),
      bid: twoDecimals(stock.last - spread),
      ask: twoDecimals(stock.last + spread),
      bid_quantity: Math.floor(Math.random() * 90 + 10) * 100,
      ask_quantity: Math.floor(Math.random() * 90 + 10) * 100,
      min: twoDecimals(stock.min),
      max: twoDecimals(stock.max),
      ref_price: twoDecimals(stock.ref),
      open_price: twoDecimals(stock.open),
    };
  }
}
