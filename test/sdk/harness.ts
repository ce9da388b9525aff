/**
 * Shared pieces of the server tests: a recording fake Data Adapter whose answers the test
 * controls, deferred promises, and a test bed that connects a server to a raw fake Proxy and
 * cleans everything up.
 */
import { EventEmitter } from 'node:events';
import type { ItemEventListener } from '../../src/sdk/item-event-listener.js';
import type { Logger } from '../../src/sdk/logger.js';
import type { ProviderServer } from '../../src/sdk/provider-server.js';
import type { Awaitable } from '../../src/sdk/types.js';
import {
  type RawConnection,
  type RawProxy,
  type RawProxyOptions,
  startRawProxy,
} from '../helpers/raw-proxy.js';
import { waitForEvent } from '../helpers/wait-for.js';

/** A promise with its settle functions exposed. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Makes a {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A Data Adapter that records every call and answers as the test says. */
export class FakeDataProvider extends EventEmitter<{ call: [name: string, arg: unknown] }> {
  /** Calls in order, e.g. `init`, `setListener`, `subscribe:item1`. */
  readonly calls: string[] = [];
  listener: ItemEventListener | null = null;
  initParams: Record<string, string> | undefined;
  initContext: Record<string, unknown> | undefined;
  /** Answer of `isSnapshotAvailable`. */
  snapshot: (item: string) => Awaitable<boolean> = () => false;
  /** Behaviour of `init` (default: succeed). */
  onInit: (params: Record<string, string>, context: Record<string, unknown>) => Awaitable<void> =
    () => {};
  /** Behaviour of `subscribe` (default: succeed). */
  onSubscribe: (item: string) => Awaitable<void> = () => {};
  /** Behaviour of `unsubscribe` (default: succeed). */
  onUnsubscribe: (item: string) => Awaitable<void> = () => {};

  init(params: Record<string, string>, context: Record<string, unknown>): Awaitable<void> {
    this.#record('init', params);
    this.initParams = { ...params };
    this.initContext = context;
    return this.onInit(params, context);
  }

  setListener(listener: ItemEventListener): void {
    this.#record('setListener', undefined);
    this.listener = listener;
  }

  isSnapshotAvailable(item: string): Awaitable<boolean> {
    return this.snapshot(item);
  }

  subscribe(item: string): Awaitable<void> {
    this.#record(`subscribe:${item}`, item);
    return this.onSubscribe(item);
  }

  unsubscribe(item: string): Awaitable<void> {
    this.#record(`unsubscribe:${item}`, item);
    return this.onUnsubscribe(item);
  }

  /** Resolves when `name` is called (or at once if it already was). */
  async called(name: string, timeoutMs = 5_000): Promise<void> {
    if (this.calls.includes(name)) return;
    await waitForEvent(this, 'call', {
      timeoutMs,
      what: `a call of ${name}`,
      filter: (called: string) => called === name,
    });
  }

  #record(name: string, arg: unknown): void {
    this.calls.push(name);
    this.emit('call', name, arg);
  }
}

/** A logger that keeps its records, to assert on warnings. */
export class MemoryLogger implements Logger {
  readonly records: Array<{ level: string; message: string; fields: object }> = [];
  debug = this.#log('debug');
  info = this.#log('info');
  warn = this.#log('warn');
  error = this.#log('error');

  /** Messages logged at `level`. */
  messages(level: string): string[] {
    return this.records.filter((r) => r.level === level).map((r) => r.message);
  }

  #log(level: string) {
    return (fieldsOrMessage: object | string, message?: string): void => {
      if (typeof fieldsOrMessage === 'string') {
        this.records.push({ level, message: fieldsOrMessage, fields: {} });
      } else this.records.push({ level, message: message ?? '', fields: fieldsOrMessage });
    };
  }
}

/** Owns the proxies and servers of one test; `cleanup()` in `afterEach`. */
export class TestBed {
  readonly #proxies: RawProxy[] = [];
  readonly #servers: ProviderServer[] = [];

  /** Starts a raw fake Proxy. */
  async proxy(options: RawProxyOptions = {}): Promise<RawProxy> {
    const proxy = await startRawProxy(options);
    this.#proxies.push(proxy);
    return proxy;
  }

  /** Registers a server for cleanup and returns it. */
  track<S extends ProviderServer>(server: S): S {
    this.#servers.push(server);
    return server;
  }

  /** Closes every server, then every proxy. */
  async cleanup(): Promise<void> {
    await Promise.all(this.#servers.map((server) => server.close()));
    await Promise.all(this.#proxies.map((proxy) => proxy.close()));
  }
}

/** Matches the `<ts>` id of a notification (PROTOCOL.md §8.0). */
export const TS = /^[0-9]+$/;

/**
 * Checks `actual` against a vector line, where a leading `<ts>` stands for any digits.
 * Returns an error message, or null when it matches.
 */
export function mismatch(actual: string, expected: string): string | null {
  if (!expected.startsWith('<ts>|')) {
    return actual === expected ? null : `expected ${expected}\n     got ${actual}`;
  }
  const bar = actual.indexOf('|');
  const id = actual.slice(0, bar);
  const ok = bar > 0 && TS.test(id) && actual.slice(bar) === expected.slice(4);
  return ok ? null : `expected ${expected}\n     got ${actual}`;
}

/** Reads the next lines of `connection` and checks each against the vector's `expected` lines. */
export async function expectLines(connection: RawConnection, ...expected: string[]): Promise<void> {
  for (const line of expected) {
    const problem = mismatch(await connection.nextLine(), line);
    if (problem !== null) throw new Error(problem);
  }
}

/** The RAC a server with default options writes (SDK `lsadapter`). */
export const DEFAULT_RAC = '1|RAC|S|enableClosePacket|S|true|S|SDK|S|lsadapter';

/**
 * Starts `server`, accepts its connection, reads its RAC, sends `init` and checks the reply;
 * returns the connection once `start()` resolved.
 */
export async function handshake(
  proxy: RawProxy,
  server: ProviderServer,
  init = 'ID0|DPI|S|ARI.version|S|1.9.1',
  reply = 'ID0|DPI|S|ARI.version|S|1.9.1',
): Promise<RawConnection> {
  const started = server.start();
  started.catch(() => {}); // asserted below; keeps an early rejection from going unhandled
  const connection = await proxy.accept();
  await connection.nextLine(); // RAC
  connection.send(init);
  const line = await connection.nextLine();
  if (line !== reply) throw new Error(`Expected the init reply ${reply}, got ${line}`);
  await started;
  return connection;
}
