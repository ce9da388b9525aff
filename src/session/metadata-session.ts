/**
 * The protocol session of a Metadata Adapter connection (PROTOCOL.md §5): `MPI` →
 * `setListener(control listener)`, then every request is served concurrently by its handler and
 * answered with its own id, except that the `NNS`/`NNT`/`NTC`/`NSC` of one client session reach
 * the provider in arrival order. The Proxy's replies to `FST`/`FUS` go to the control.
 */
import type { ControlReply, Dialect, MetadataRequest, ProxyRequest } from '../protocol/index.js';
import type { LineWriter } from './item-events.js';
import type { Logger } from './logger.js';
import { MetadataControl } from './metadata-control.js';
import { handleMetadataRequest, type MetadataProviderLike } from './metadata-handlers.js';
import { SessionCore, type SessionEvents } from './session-core.js';
import { orderedSessionOf, SessionOrder } from './session-order.js';

/** Options of {@link MetadataSession}. */
export interface MetadataSessionOptions {
  /** The provider serving the connection (missing hooks get the documented defaults). */
  provider: MetadataProviderLike;
  /** The metadata connection. */
  channel: LineWriter;
  /** Locally configured init parameters (they win). */
  localParams: Readonly<Record<string, string>>;
  /** Base init context (`name`, `kind`, `logger`, …). */
  context: Readonly<Record<string, unknown>>;
  /** Events for the owner of the connection. */
  events: SessionEvents;
  /** The session's logger. */
  logger: Logger;
}

/** Requests that only a Data Adapter receives. */
const DATA_METHODS: ReadonlySet<string> = new Set(['DPI', 'SUB', 'USB']);

/** One Metadata Adapter connection's protocol state. */
export class MetadataSession {
  readonly #options: MetadataSessionOptions;
  readonly #core: SessionCore;
  readonly #control: MetadataControl;
  readonly #order = new SessionOrder();
  #ready = false;
  #closed = false;

  constructor(options: MetadataSessionOptions) {
    this.#options = options;
    this.#control = new MetadataControl({
      writeLine: (line) => void options.channel.write(line),
      dialect: () => (this.#ready ? this.#core.dialect : null),
      logger: options.logger,
    });
    this.#core = new SessionCore({
      initMethod: 'MPI',
      role: 'metadata',
      localParams: options.localParams,
      context: options.context,
      initProvider: async (params, context) => {
        await options.provider.init?.(params, context as never);
        // Java hands the control listener over after init, before any other call (§5.3).
        if (typeof options.provider.setListener === 'function') {
          await options.provider.setListener(this.#control.listener);
        }
      },
      writeReply: (line) => void options.channel.write(line),
      ready: () => {
        this.#ready = true;
      },
      serve: (message) => this.#serve(message),
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

  /** Handles a line of the metadata connection. */
  handleLine(line: string): void {
    this.#core.handleLine(line);
  }

  /** A Metadata Adapter has no notify connection; nothing arrives here. */
  handleNotifyLine(line: string): void {
    this.#core.handleLine(line);
  }

  /** Stops serving; pending `FST`/`FUS` calls reject with `error` as the cause. */
  close(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#core.close();
    this.#control.close(error ?? new Error('the metadata connection was closed locally'));
  }

  #serve(message: ProxyRequest | ControlReply): void {
    if (message.kind === 'controlReply') {
      this.#control.handleReply(message);
      return;
    }
    if (DATA_METHODS.has(message.method)) {
      this.#options.logger.warn(
        { method: message.method, id: message.id },
        `Request ${message.method} is not for a Metadata Adapter: ignored`,
      );
      return;
    }
    const request = message as MetadataRequest;
    const context = { dialect: this.#core.dialect, logger: this.#options.logger };
    const run = () => handleMetadataRequest(this.#options.provider, request, context);
    const key = orderedSessionOf(request);
    const reply = key === null ? run() : this.#order.run(key, run);
    reply.then(
      (line) => {
        if (!this.#closed) this.#options.channel.write(line);
      },
      (error: unknown) =>
        this.#options.logger.error({ err: error, id: request.id }, 'Serving a request failed'),
    );
  }
}
