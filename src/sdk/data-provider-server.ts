/**
 * DataProviderServer (SPEC §3): connects one Data Adapter to one Proxy Adapter, over one
 * connection (Server 7.4+) or two (`notifyPort`, Server 7.0–7.3).
 */
import type { AdapterRole } from '../protocol/index.js';
import {
  type ActiveItem,
  type DataAdapter,
  DataSession,
  type SwapOptions,
} from '../session/data-session.js';
import type { DataCounters } from '../session/item-events.js';
import type { SessionEvents } from '../session/session-core.js';
import type { DataProvider } from './data-provider.js';
import { SessionItemEventListener } from './item-event-listener.js';
import { ProviderServer, type ServedSession, type SessionChannels } from './provider-server.js';
import type { ServerOptions } from './server-options.js';

/**
 * A Data Adapter as the server accepts it: a {@link DataProvider} subclass, or any object with
 * `subscribe` and `unsubscribe` (the other methods are optional).
 */
export type DataProviderLike = Pick<DataProvider, 'subscribe' | 'unsubscribe'> &
  Partial<Pick<DataProvider, 'init' | 'setListener' | 'isSnapshotAvailable' | 'close'>>;

/**
 * Serves a Data Adapter on one Proxy Adapter connection.
 *
 * ```ts
 * const server = new DataProviderServer(new MyProvider(), { host: 'localhost', port: 6661 });
 * await server.start();
 * ```
 *
 * Events: `'status'`, `'close'` ({ reason?, error? }), `'drain'` (updates may flow again after
 * `update()` returned false), `'protocolError'`, and `'error'` (only when listened to).
 */
export class DataProviderServer extends ProviderServer {
  #provider: DataProviderLike;
  #session: DataSession | undefined;

  /** @throws {TypeError} when `provider` lacks `subscribe`/`unsubscribe`; `ServerOptionsError` for bad options. */
  constructor(provider: DataProviderLike, options: ServerOptions) {
    super('data', options);
    assertDataProvider(provider);
    this.#provider = provider;
  }

  /** The provider instance currently serving (changes with {@link swapProvider}). */
  get provider(): DataProviderLike {
    return (this.#session?.provider as DataProviderLike | undefined) ?? this.#provider;
  }

  /** Updates sent and events dropped so far. */
  get counters(): Readonly<DataCounters> {
    return this.#session?.counters ?? { updates: 0, dropped: 0 };
  }

  /** The items the provider currently serves, with their subscription ids. */
  activeItems(): ActiveItem[] {
    return this.#session?.activeItems() ?? [];
  }

  /**
   * Replaces the provider on the live connection (hot reload, SPEC §6): calls `init` and
   * `setListener` on `next` (if that fails, the promise rejects and the current provider keeps
   * serving), unsubscribes every active item on the current provider, sends a clear-snapshot for
   * items with a snapshot, and subscribes them on `next`, whose updates for them are sent as
   * real-time, with no end-of-snapshot. Requests arriving meanwhile wait. The replaced
   * provider's `close()` is not called.
   */
  async swapProvider(next: DataProviderLike, options?: SwapOptions): Promise<void> {
    assertDataProvider(next);
    if (this.#session === undefined) {
      throw new Error('Cannot replace the provider: the server is not connected');
    }
    await this.#session.swapProvider(next as DataAdapter, options);
    this.#provider = next;
  }

  /**
   * Calls `unsubscribe` on the provider for every active item and forgets them (after a drop,
   * so that the provider stops producing). Errors are logged; resolves within `timeoutMs`.
   */
  async unsubscribeAll(timeoutMs?: number): Promise<void> {
    await this.#session?.unsubscribeAll(timeoutMs);
  }

  protected override role(): Extract<AdapterRole, `data-${string}`> {
    return this.options.notifyPort === undefined && this.options.notifySocket === undefined
      ? 'data-single'
      : 'data-two-connections';
  }

  protected override createSession(
    channels: SessionChannels,
    events: SessionEvents,
    context: Record<string, unknown>,
  ): ServedSession {
    const session = new DataSession({
      provider: this.#provider as DataAdapter,
      role: this.role(),
      replies: channels.replies,
      notifications: channels.notifications,
      localParams: this.options.params,
      context,
      createListener: (sink) => new SessionItemEventListener(sink),
      events,
      logger: this.logger,
    });
    this.#session = session;
    return session;
  }
}

function assertDataProvider(provider: unknown): asserts provider is DataProviderLike {
  const candidate = provider as Partial<DataProviderLike> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.subscribe !== 'function' ||
    typeof candidate.unsubscribe !== 'function'
  ) {
    throw new TypeError(
      'A Data Adapter must be an object with subscribe(item) and unsubscribe(item) methods',
    );
  }
}
