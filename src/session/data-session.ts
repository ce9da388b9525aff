/**
 * The protocol session of a Data Adapter connection (PROTOCOL.md §4): `DPI` → `setListener` →
 * `SUB`/`USB` through per-item queues, notifications through the listener; over one connection,
 * or two (replies on request/reply, notifications on notify).
 *
 * The session knows lines, not sockets: it reads what it is given and writes to two
 * {@link LineWriter}s. It also offers what the host needs to replace the provider on a live
 * connection (hot reload, SPEC §6) and to stop a provider after a drop.
 */
import { type Dialect, decodeProxyLine, encodeClearSnapshot } from '../protocol/index.js';
import { CloseRequestedError } from './handshake.js';
import {
  type DataCounters,
  ItemEventSink,
  type LineWriter,
  type NotificationWriter,
  notificationId,
} from './item-events.js';
import { ItemQueue } from './item-queue.js';
import type { Logger } from './logger.js';
import { SessionCore, type SessionEvents } from './session-core.js';
import { settleWithin } from './settle.js';
import { type DataAdapter, SubscriptionRunner } from './subscription-runner.js';

export { type DataAdapter, LATE_SUBSCRIBE_MESSAGE } from './subscription-runner.js';

/** Options of {@link DataSession}. */
export interface DataSessionOptions {
  /** The provider serving the connection. */
  provider: DataAdapter;
  /** One connection (Server 7.4+) or two (7.0–7.3). */
  role: 'data-single' | 'data-two-connections';
  /** The request/reply connection. */
  replies: LineWriter;
  /** The notify connection, or `replies` again with one connection. */
  notifications: NotificationWriter;
  /** Locally configured init parameters (they win). */
  localParams: Readonly<Record<string, string>>;
  /** Base init context (`name`, `kind`, `logger`, …). */
  context: Readonly<Record<string, unknown>>;
  /** Makes the listener handed to a provider instance, writing through `sink`. */
  createListener(sink: ItemEventSink): unknown;
  /** Events for the owner of the connection. */
  events: SessionEvents;
  /** The session's logger. */
  logger: Logger;
}

/** An active subscription as the host sees it. */
export interface ActiveItem {
  /** Item name. */
  item: string;
  /** Id of the `SUB` that started it. */
  subscriptionId: string;
  /** What `isSnapshotAvailable` answered. */
  snapshot: boolean;
  /** `subscribe` has succeeded (false while it runs). */
  active: boolean;
}

/** Options of {@link DataSession.swapProvider}. */
export interface SwapOptions {
  /**
   * Bound on each step (waiting for running requests, unsubscribing the old instance,
   * subscribing the new one), in ms; a step that does not finish in time is logged and skipped.
   * @default 10000
   */
  stepTimeoutMs?: number;
}

const DEFAULT_STEP_TIMEOUT_MS = 10_000;

/** One Data Adapter connection's protocol state. */
export class DataSession {
  readonly #options: DataSessionOptions;
  readonly #core: SessionCore;
  readonly #queue: ItemQueue;
  readonly #runner: SubscriptionRunner;
  readonly #counters: DataCounters = { updates: 0, dropped: 0 };
  readonly #logger: Logger;
  #initArgs: [Record<string, string>, Record<string, unknown>] | undefined;
  #swapping = false;

  constructor(options: DataSessionOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#runner = new SubscriptionRunner(options, options.provider);
    this.#queue = new ItemQueue(this.#runner);
    this.#core = new SessionCore({
      initMethod: 'DPI',
      role: options.role,
      localParams: options.localParams,
      context: options.context,
      initProvider: (params, context, dialect) => this.#initProvider(params, context, dialect),
      writeReply: (line) => options.replies.write(line),
      ready: () => {},
      serve: (message) => {
        if (message.kind === 'request' && (message.method === 'SUB' || message.method === 'USB')) {
          this.#queue.enqueue(message);
          return;
        }
        this.#logger.warn(
          { method: message.method, id: message.id },
          `Request ${message.method} is not for a Data Adapter: ignored`,
        );
      },
      events: options.events,
      logger: options.logger,
    });
  }

  /** Where the handshake stands. */
  get state(): SessionCore['state'] {
    return this.#core.state;
  }

  /** The negotiated codec settings (1.9.1 until the init). */
  get dialect(): Dialect {
    return this.#core.dialect;
  }

  /** The provider instance currently serving. */
  get provider(): DataAdapter {
    return this.#runner.provider;
  }

  /** Counters of updates sent and events dropped. */
  get counters(): Readonly<DataCounters> {
    return this.#counters;
  }

  /** Handles a line of the request/reply connection. */
  handleLine(line: string): void {
    this.#core.handleLine(line);
  }

  /** Handles a line of the notify connection, which only a `CLOSE` may meaningfully use. */
  handleNotifyLine(line: string): void {
    if (this.#core.state === 'closed') return;
    try {
      const message = decodeProxyLine(line, this.#core.dialect);
      if (message.kind === 'close') {
        this.#core.close();
        this.#options.events.closeRequested(new CloseRequestedError(message.reason));
        return;
      }
    } catch {
      // Not even a CLOSE: reported below like any other line.
    }
    this.#logger.debug({ line: line.slice(0, 200) }, 'Line on the notify connection ignored');
  }

  /** The subscriptions the provider currently serves (including ones whose `subscribe` runs). */
  activeItems(): ActiveItem[] {
    return [...this.#runner.subscriptions.values()].map((sub) => ({
      item: sub.item,
      subscriptionId: sub.id,
      snapshot: sub.snapshot,
      active: sub.active,
    }));
  }

  /** Stops serving the connection: later lines and queued requests are dropped. */
  close(): void {
    this.#core.close();
    this.#queue.clear();
  }

  /**
   * Calls `unsubscribe` on the provider for every subscription (for a connection that dropped:
   * the provider stops producing) and forgets them. Errors are logged. Resolves when every call
   * settled, or after `timeoutMs`.
   */
  async unsubscribeAll(timeoutMs = DEFAULT_STEP_TIMEOUT_MS): Promise<void> {
    const runner = this.#runner;
    const subs = [...runner.subscriptions.values()];
    runner.subscriptions.clear();
    this.#queue.clear();
    if (runner.sink) runner.sink.attached = false;
    const provider = runner.provider;
    await settleWithin(
      subs.map((sub) => ({ name: sub.item, run: () => provider.unsubscribe(sub.item) })),
      timeoutMs,
      this.#logger,
      'unsubscribe',
    );
  }

  /**
   * Replaces the provider on the live connection (hot reload, SPEC §6): `init` and
   * `setListener` on `next` (an error rejects and the old instance keeps serving), then, with
   * SUB/USB held back, every active item is unsubscribed on the old instance, gets a `CLS` if it
   * has a snapshot, and is subscribed on `next`, whose events for these subscriptions are then
   * sent as real-time updates with no `EOS`. The old instance's listener is disconnected; its
   * `close()` is the caller's business.
   */
  async swapProvider(next: DataAdapter, options: SwapOptions = {}): Promise<void> {
    const dialect = this.#core.dialect;
    if (this.#core.state !== 'ready' || this.#initArgs === undefined) {
      throw new Error('Cannot replace the provider: the connection is not initialised');
    }
    if (this.#swapping) throw new Error('Cannot replace the provider: a replacement is running');
    this.#swapping = true;
    try {
      const [params, context] = this.#initArgs;
      await next.init?.({ ...params }, context);
      const sink = this.#newSink(dialect);
      await next.setListener?.(this.#options.createListener(sink));
      const stepMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
      await this.#pauseQueue(stepMs);
      try {
        await this.#moveSubscriptions(next, sink, stepMs);
      } finally {
        this.#queue.resume();
      }
    } finally {
      this.#swapping = false;
    }
  }

  async #pauseQueue(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.#queue.pause(), timedOut]).finally(() =>
      clearTimeout(timer),
    );
    if (result === 'timeout') {
      this.#queue.resume();
      throw new Error(
        `Cannot replace the provider: a subscribe/unsubscribe did not finish within ${timeoutMs} ms`,
      );
    }
  }

  async #moveSubscriptions(next: DataAdapter, sink: ItemEventSink, stepMs: number): Promise<void> {
    const runner = this.#runner;
    const old = runner.provider;
    const subs = [...runner.subscriptions.values()].filter((sub) => sub.active);
    await settleWithin(
      subs.map((sub) => ({ name: sub.item, run: () => old.unsubscribe(sub.item) })),
      stepMs,
      this.#logger,
      'unsubscribe (old instance)',
    );
    if (runner.sink) runner.sink.attached = false;
    runner.provider = next;
    runner.sink = sink;
    for (const sub of subs) {
      if (runner.subscriptions.get(sub.item) !== sub) continue;
      if (sub.snapshot) {
        this.#options.notifications.write(
          encodeClearSnapshot(notificationId(), sub.item, sub.id, runner.encoding),
        );
      }
      sub.owner = sink;
      sub.realTimeOnly = true;
    }
    await settleWithin(
      subs.map((sub) => ({ name: sub.item, run: () => next.subscribe(sub.item) })),
      stepMs,
      this.#logger,
      'subscribe (new instance)',
    );
  }

  #newSink(dialect: Dialect): ItemEventSink {
    return new ItemEventSink({
      subscriptions: this.#runner.subscriptions,
      out: this.#options.notifications,
      encoding: dialect.smart ? 'smart' : 'old',
      v190: dialect.v190,
      counters: this.#counters,
      logger: this.#logger,
    });
  }

  async #initProvider(
    params: Record<string, string>,
    context: Record<string, unknown>,
    dialect: Dialect,
  ): Promise<void> {
    this.#runner.encoding = dialect.smart ? 'smart' : 'old';
    this.#initArgs = [{ ...params }, context];
    const provider = this.#runner.provider;
    await provider.init?.(params, context);
    const sink = this.#newSink(dialect);
    // Before the DPI reply is written, as every SDK does (§3.5).
    await provider.setListener?.(this.#options.createListener(sink));
    this.#runner.sink = sink;
  }
}
