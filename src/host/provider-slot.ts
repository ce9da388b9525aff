/**
 * The provider objects the host hands to the SDK servers. They forward every call to the user's
 * instance and time it for `lsadapter_requests_total` / `lsadapter_request_duration_seconds`.
 *
 * A Metadata Adapter is served through a {@link MetadataSlot}: the server keeps one object for
 * the life of the connection, and the slot forwards to whichever instance is current, so a hot
 * reload replaces the instance between two requests (SPEC §6 "the new instance serves the next
 * requests"). A Data Adapter's instance is replaced by the server itself (`swapProvider`), which
 * also moves the subscriptions; here it only gets a timing wrapper.
 */
import { performance } from 'node:perf_hooks';
import type { DataProviderLike } from '../sdk/data-provider-server.js';
import type { MetadataProviderLike } from '../sdk/metadata-provider-server.js';

/** Receives one timed call: method name, outcome, duration in seconds. */
export type CallRecorder = (method: string, outcome: 'ok' | 'error', seconds: number) => void;

/** A user method, as found on an instance. */
type Method = (...args: unknown[]) => unknown;

/**
 * Wraps `method` so that each call is reported to `record` when it settles (synchronously for a
 * plain value, on settlement for a Promise). Results and errors pass through unchanged.
 */
export function timed(method: Method, name: string, record: CallRecorder): Method {
  return (...args: unknown[]): unknown => {
    const startedAt = performance.now();
    const report = (outcome: 'ok' | 'error'): void =>
      record(name, outcome, (performance.now() - startedAt) / 1000);
    let result: unknown;
    try {
      result = method(...args);
    } catch (error) {
      report('error');
      throw error;
    }
    if (!isPromiseLike(result)) {
      report('ok');
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        report('ok');
        return value;
      },
      (error: unknown) => {
        report('error');
        throw error;
      },
    );
  };
}

/**
 * The Data Adapter object given to a `DataProviderServer`: `instance`'s methods with `this` =
 * the instance, `subscribe`/`unsubscribe`/`init` timed; optional methods only where the
 * instance has them.
 */
export function dataProviderFor(instance: object, record: CallRecorder): DataProviderLike {
  const source = instance as Record<string, unknown>;
  const bound = (name: string): Method | undefined => {
    const method = source[name];
    return typeof method === 'function' ? (method as Method).bind(instance) : undefined;
  };
  const wrapper: Record<string, unknown> = {};
  for (const name of ['subscribe', 'unsubscribe', 'init']) {
    const method = bound(name);
    if (method !== undefined) wrapper[name] = timed(method, name, record);
  }
  for (const name of ['setListener', 'isSnapshotAvailable']) {
    const method = bound(name);
    if (method !== undefined) wrapper[name] = method;
  }
  return wrapper as unknown as DataProviderLike;
}

/** The arguments `init` was called with on a connection, reused for a replacement instance. */
export type InitArgs = readonly [params: Record<string, string>, context: Record<string, unknown>];

/**
 * A replaceable Metadata Adapter for one connection. {@link provider} is what the server holds;
 * it remembers the `init` arguments and the control listener, so that {@link replace} can
 * initialise a new instance exactly as the live one was.
 */
export class MetadataSlot {
  /** What the server is given: forwards to the current instance. */
  readonly provider: MetadataProviderLike;
  #current: MetadataProviderLike;
  #initArgs: InitArgs | undefined;
  #listener: unknown;
  #wrapped = new Map<PropertyKey, Method>();

  /**
   * @param current - the first instance, with every hook present (see `withDefaults`).
   * @param record - receives each timed call.
   */
  constructor(current: MetadataProviderLike, record: CallRecorder) {
    this.#current = current;
    const hooks = (key: PropertyKey): unknown => {
      if (key === 'init') return (...args: unknown[]) => this.#init(args, record);
      if (key === 'setListener') return (listener: unknown) => this.#setListener(listener);
      const current = this.#current as Record<PropertyKey, unknown>;
      const method = current[key];
      if (typeof method !== 'function') return undefined;
      let wrapped = this.#wrapped.get(key);
      if (wrapped === undefined) {
        wrapped = timed((method as Method).bind(current), String(key), record);
        this.#wrapped.set(key, wrapped);
      }
      return wrapped;
    };
    this.provider = new Proxy({} as MetadataProviderLike, { get: (_target, key) => hooks(key) });
  }

  /** The instance serving now. */
  get current(): MetadataProviderLike {
    return this.#current;
  }

  /**
   * Initialises `next` with the live connection's `init` arguments, hands it the control
   * listener, then makes it serve the next requests. Rejects (and the current instance keeps
   * serving) when its `init` or `setListener` fails, or when the connection was never
   * initialised. Returns the instance it replaced.
   */
  async replace(next: MetadataProviderLike): Promise<MetadataProviderLike> {
    const args = this.#initArgs;
    if (args === undefined)
      throw new Error('Cannot replace the provider: the connection is not initialised');
    await next.init?.({ ...args[0] }, args[1] as never);
    if (this.#listener !== undefined) await next.setListener?.(this.#listener as never);
    const previous = this.#current;
    this.#current = next;
    this.#wrapped = new Map();
    return previous;
  }

  #init(args: unknown[], record: CallRecorder): unknown {
    this.#initArgs = [args[0] as Record<string, string>, args[1] as Record<string, unknown>];
    const current = this.#current;
    const init = current.init as Method | undefined;
    return init === undefined ? undefined : timed(init.bind(current), 'init', record)(...args);
  }

  #setListener(listener: unknown): unknown {
    this.#listener = listener;
    return (this.#current.setListener as Method | undefined)?.call(this.#current, listener);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
