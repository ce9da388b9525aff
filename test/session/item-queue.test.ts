import { describe, expect, it } from 'vitest';
import type { ItemRequest } from '../../src/protocol/index.js';
import { ItemQueue, type ItemQueuePort } from '../../src/session/item-queue.js';

interface Deferred {
  promise: Promise<boolean>;
  resolve(ok: boolean): void;
}

/** A port that records what the queue asks and lets the test settle each call. */
class FakePort implements ItemQueuePort {
  readonly log: string[] = [];
  readonly pending = new Map<string, Deferred>();
  /** Items whose calls stay pending until settled by the test. */
  readonly hold = new Set<string>();

  subscribe(request: ItemRequest): Promise<boolean> {
    this.log.push(`subscribe ${request.id}`);
    return this.#answer(request.id, true);
  }
  async unsubscribe(request: ItemRequest, subscribed: boolean): Promise<void> {
    this.log.push(`unsubscribe ${request.id} ${subscribed ? 'call' : 'skip'}`);
    await this.#answer(request.id, true);
  }
  refuseLate(request: ItemRequest): void {
    this.log.push(`late ${request.id}`);
  }
  unknownItem(request: ItemRequest): void {
    this.log.push(`unknown ${request.id}`);
  }
  settle(id: string, ok = true): void {
    const deferred = this.pending.get(id);
    if (deferred === undefined) throw new Error(`${id} is not pending`);
    this.pending.delete(id);
    deferred.resolve(ok);
  }
  #answer(id: string, ok: boolean): Promise<boolean> {
    if (!this.hold.has(id)) return Promise.resolve(ok);
    let resolve!: (ok: boolean) => void;
    const promise = new Promise<boolean>((r) => {
      resolve = r;
    });
    this.pending.set(id, { promise, resolve });
    return promise;
  }
}

const sub = (id: string, item = 'item1'): ItemRequest => ({
  kind: 'request',
  method: 'SUB',
  id,
  item,
});
const usb = (id: string, item = 'item1'): ItemRequest => ({
  kind: 'request',
  method: 'USB',
  id,
  item,
});

/** Lets every queued microtask and promise continuation run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ItemQueue', () => {
  it('starts a SUB synchronously and runs one request of an item at a time', async () => {
    const port = new FakePort();
    port.hold.add('ID1');
    const queue = new ItemQueue(port);
    queue.enqueue(sub('ID1'));
    expect(port.log).toEqual(['subscribe ID1']);
    queue.enqueue(usb('ID2'));
    await flush();
    expect(port.log).toEqual(['subscribe ID1']);
    port.settle('ID1');
    await flush();
    expect(port.log).toEqual(['subscribe ID1', 'unsubscribe ID2 call']);
    expect(queue.size).toBe(0);
  });

  it('runs different items concurrently', async () => {
    const port = new FakePort();
    port.hold.add('A1');
    const queue = new ItemQueue(port);
    queue.enqueue(sub('A1', 'a'));
    queue.enqueue(sub('B1', 'b'));
    queue.enqueue(usb('B2', 'b'));
    await flush();
    expect(port.log).toEqual(['subscribe A1', 'subscribe B1', 'unsubscribe B2 call']);
  });

  it('applies the late-subscribe rules (V33 order)', async () => {
    const port = new FakePort();
    port.hold.add('ID1');
    const queue = new ItemQueue(port);
    for (const request of [
      sub('ID1'),
      usb('ID2'),
      sub('ID3'),
      usb('ID4'),
      sub('ID5'),
      usb('ID6'),
    ]) {
      queue.enqueue(request);
    }
    port.settle('ID1');
    await flush();
    expect(port.log).toEqual([
      'subscribe ID1',
      'unsubscribe ID2 call',
      'late ID3',
      'unsubscribe ID4 skip',
      'late ID5',
      'unsubscribe ID6 skip',
    ]);
    expect(queue.size).toBe(0);
  });

  it('skips the provider for the USB of a failed SUB', async () => {
    const port = new FakePort();
    port.hold.add('ID1');
    const queue = new ItemQueue(port);
    queue.enqueue(sub('ID1'));
    port.settle('ID1', false);
    await flush();
    queue.enqueue(usb('ID2'));
    await flush();
    expect(port.log).toEqual(['subscribe ID1', 'unsubscribe ID2 skip']);
  });

  it('reports a USB for an item with no subscription', () => {
    const port = new FakePort();
    const queue = new ItemQueue(port);
    queue.enqueue(usb('ID1', 'ghost'));
    expect(port.log).toEqual(['unknown ID1']);
    expect(queue.size).toBe(0);
  });

  it('pause waits for running requests and holds new ones until resume', async () => {
    const port = new FakePort();
    port.hold.add('A1');
    const queue = new ItemQueue(port);
    queue.enqueue(sub('A1', 'a'));
    let paused = false;
    const pausing = queue.pause().then(() => {
      paused = true;
    });
    queue.enqueue(sub('B1', 'b'));
    await flush();
    expect(paused).toBe(false);
    expect(port.log).toEqual(['subscribe A1']);
    port.settle('A1');
    await pausing;
    expect(port.log).toEqual(['subscribe A1']);
    queue.resume();
    await flush();
    expect(port.log).toEqual(['subscribe A1', 'subscribe B1']);
  });

  it('clear() forgets queued requests', async () => {
    const port = new FakePort();
    port.hold.add('ID1');
    const queue = new ItemQueue(port);
    queue.enqueue(sub('ID1'));
    queue.enqueue(usb('ID2'));
    queue.clear();
    port.settle('ID1');
    await flush();
    expect(port.log).toEqual(['subscribe ID1']);
  });
});
