/**
 * The update producer shared by the SDK contenders: it pushes updates of every subscribed load
 * item, round robin, as fast as the send path allows, the way a busy market-data feed would.
 *
 * Updates go out in batches of {@link PUMP_BATCH}; between batches the pump yields to the event
 * loop (so requests, IPC and the SDK's own flushes run). When the send path says "stop" the pump
 * waits for its drain signal before going on. Each update is a fresh object, as a feed handler
 * makes one per message: field `f0` carries a global sequence number (10 digits), the others
 * ~10-byte values from a fixed pool.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** Updates sent between two yields to the event loop. */
export const PUMP_BATCH = 500;

/** Items whose name starts with this are pumped; other items are only acknowledged. */
export const LOAD_ITEM_PREFIX = 'item';

/** First sequence number minus one: keeps `f0` at 10 characters. */
export const SEQUENCE_BASE = 1_000_000_000;

/** How an SDK contender sends one update. */
export interface UpdateSender {
  /** Sends one update; `false` means "wait for {@link UpdateSender.drained} before the next". */
  send(item: string, fields: Record<string, string>): boolean;
  /** Resolves when sending may go on. */
  drained(): Promise<void>;
}

const VALUE_POOL: readonly string[] = Array.from({ length: 64 }, (_, i) =>
  (1000 + i * 7.123).toFixed(5),
);

/** Makes the field objects: `f0` = sequence number, `f1…` from the value pool. */
export function fieldMaker(count: number): (seq: number) => Record<string, string> {
  const names = Array.from({ length: Math.max(1, count) }, (_, i) => `f${i}`);
  return (seq) => {
    const fields: Record<string, string> = {};
    fields[names[0] as string] = String(SEQUENCE_BASE + seq);
    for (let i = 1; i < names.length; i++) {
      fields[names[i] as string] = VALUE_POOL[(seq + i) & 63] as string;
    }
    return fields;
  };
}

/** Pushes updates of the subscribed load items until stopped. */
export class Pump {
  /** Updates sent so far (also the last sequence number used). */
  updates = 0;
  /** Times the send path said "stop". */
  signals = 0;
  /** Waiting for the send path's drain signal. */
  waiting = false;
  readonly #sender: UpdateSender;
  readonly #makeFields: (seq: number) => Record<string, string>;
  #items: string[] = [];
  #running = false;
  #stopped = false;

  constructor(sender: UpdateSender, fieldCount: number) {
    this.#sender = sender;
    this.#makeFields = fieldMaker(fieldCount);
  }

  /** An item was subscribed: load items join the round robin. */
  add(item: string): void {
    if (!item.startsWith(LOAD_ITEM_PREFIX) || this.#stopped) return;
    this.#items = [...this.#items, item];
    if (!this.#running) {
      this.#running = true;
      // Start after the subscribe call returned, so that its reply goes out first.
      setImmediate(() => void this.#loop());
    }
  }

  /** An item is being unsubscribed: no update of it is sent any more. */
  remove(item: string): void {
    this.#items = this.#items.filter((name) => name !== item);
  }

  /** Stops for good (the current batch ends first). */
  stop(): void {
    this.#stopped = true;
  }

  async #loop(): Promise<void> {
    const sender = this.#sender;
    let next = 0;
    while (!this.#stopped && this.#items.length > 0) {
      const items = this.#items;
      let blocked = false;
      for (let i = 0; i < PUMP_BATCH; i++) {
        if (next >= items.length) next = 0;
        const seq = ++this.updates;
        if (!sender.send(items[next++] as string, this.#makeFields(seq))) {
          blocked = true;
          break;
        }
      }
      if (blocked) {
        this.signals++;
        this.waiting = true;
        await sender.drained();
        this.waiting = false;
      } else {
        await yieldToLoop();
      }
    }
    this.#running = false;
  }
}
