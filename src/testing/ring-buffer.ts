/**
 * A fixed-capacity FIFO that drops its oldest entry when full: the recorder's memory bound.
 */

/** Bounded FIFO; `dropped` counts what fell off the front. */
export class RingBuffer<T> {
  /** Most entries held. */
  readonly capacity: number;
  #items: Array<T | undefined>;
  #head = 0;
  #size = 0;
  #dropped = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** Entries dropped because the buffer was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Appends, dropping the oldest entry when full; returns true when one was dropped. */
  push(item: T): boolean {
    const index = (this.#head + this.#size) % this.capacity;
    this.#items[index] = item;
    if (this.#size < this.capacity) {
      this.#size++;
      return false;
    }
    this.#head = (this.#head + 1) % this.capacity;
    this.#dropped++;
    return true;
  }

  /** The entries, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (const item of this) out.push(item);
    return out;
  }

  /** The last `n` entries, oldest first. */
  last(n: number): T[] {
    const out: T[] = [];
    const count = Math.min(n, this.#size);
    for (let i = this.#size - count; i < this.#size; i++) {
      out.push(this.#items[(this.#head + i) % this.capacity] as T);
    }
    return out;
  }

  /** Empties the buffer (the dropped counter is kept). */
  clear(): void {
    this.#items = new Array<T | undefined>(this.capacity);
    this.#head = 0;
    this.#size = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#size; i++) {
      yield this.#items[(this.#head + i) % this.capacity] as T;
    }
  }
}
