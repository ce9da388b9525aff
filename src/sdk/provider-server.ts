/**
 * What the Data and the Metadata server share: options → socket(s) → line channel(s) → `RAC` →
 * keepalives → a protocol session; one status, one end path, and events that never go unheard
 * as an unhandled `'error'`.
 *
 * A server connects once and reports how the connection ended (`closed`, `'close'`); reconnecting
 * is the host's business.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { AdapterRole, ProtocolError, ProtocolVersion } from '../protocol/index.js';
import {
  CloseRequestedError,
  credentialPairs,
  credentialsLine,
  type InitOutcome,
} from '../session/handshake.js';
import {
  type IdleKeepalive,
  provisionalKeepaliveInterval,
  selectKeepaliveInterval,
} from '../session/keepalive.js';
import type { SessionEvents } from '../session/session-core.js';
import { type ConnectionStatus, StatusHolder } from '../session/status.js';
import { ConnectError, ConnectionClosedError, formatHostPort } from '../transport/errors.js';
import { LineChannel } from '../transport/line-channel.js';
import { childLogger, type Logger, silentLogger } from './logger.js';
import { initTimeoutMessage, openSockets, startKeepalives } from './server-connection.js';
import {
  type ResolvedServerOptions,
  resolveServerOptions,
  type ServerOptions,
} from './server-options.js';
import type { AdapterKind } from './types.js';

/** How a connection ended. */
export interface CloseInfo {
  /** The reason of the Proxy's `CLOSE`, when it sent one. */
  reason?: string;
  /** What ended the connection; absent after a local `close()`. */
  error?: Error;
}

/** Events of a provider server. */
export interface ServerEvents {
  /** The status changed. */
  status: [status: ConnectionStatus, previous: ConnectionStatus];
  /** The connection ended (emitted once). */
  close: [info: CloseInfo];
  /** The connection failed after `start()` resolved; emitted only when someone listens. */
  error: [error: Error];
  /** The outbound queue fell below the high-water mark after a write returned `false`. */
  drain: [];
  /** An inbound line was malformed and dropped (it was logged); the connection goes on. */
  protocolError: [error: ProtocolError];
}

/** A server object was used in a way it does not allow (e.g. started twice). */
export class ServerStateError extends Error {
  override name = 'ServerStateError';
}

/** `close()` was called before the handshake completed: `start()` rejects with this. */
export class ServerClosedError extends Error {
  override name = 'ServerClosedError';
  constructor() {
    super('The server was closed before the init handshake completed');
  }
}

/** The connections a session writes to. */
export interface SessionChannels {
  /** The request/reply connection. */
  replies: LineChannel;
  /** The notify connection (two-connection mode), else `replies`. */
  notifications: LineChannel;
}

/** What the base class needs from a protocol session. */
export interface ServedSession {
  /** A line of the request/reply connection. */
  handleLine(line: string): void;
  /** A line of the notify connection (two-connection mode). */
  handleNotifyLine(line: string): void;
  /** Stops serving (the connection is ending). */
  close(error: Error | undefined): void;
}

/** The shared machinery of {@link DataProviderServer} and {@link MetadataProviderServer}. */
export abstract class ProviderServer extends EventEmitter<ServerEvents> {
  /** `'data'` or `'metadata'`. */
  readonly kind: AdapterKind;
  /** Resolves once the connection has ended, telling how; never rejects. */
  readonly closed: Promise<CloseInfo>;
  /** The options with defaults applied. */
  protected readonly options: ResolvedServerOptions;
  /** The adapter's logger. */
  protected readonly logger: Logger;
  readonly #status: StatusHolder;
  readonly #abort = new AbortController();
  #resolveClosed!: (info: CloseInfo) => void;
  #start: { resolve(): void; reject(error: Error): void } | undefined;
  #started = false;
  #channels: LineChannel[] = [];
  #keepalives: IdleKeepalive[] = [];
  #session: ServedSession | undefined;
  #initTimer: NodeJS.Timeout | undefined;
  #ending: Promise<void> | undefined;
  #version: ProtocolVersion | undefined;

  protected constructor(kind: AdapterKind, options: ServerOptions) {
    super();
    this.kind = kind;
    this.options = resolveServerOptions(options, kind);
    this.logger = childLogger(options.logger ?? silentLogger, {
      peer: formatHostPort(this.options.host, this.options.port),
    });
    this.#status = new StatusHolder(this.logger, (status, previous) =>
      this.#emitSafely('status', status, previous),
    );
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /** The connection's status. */
  get status(): ConnectionStatus {
    return this.#status.value;
  }

  /** The negotiated protocol version, once the init succeeded. */
  get protocolVersion(): ProtocolVersion | undefined {
    return this.#version;
  }

  /** Outbound bytes not yet taken by the kernel, over every connection. */
  get queuedBytes(): number {
    let total = 0;
    for (const channel of this.#channels) total += channel.queuedBytes;
    return total;
  }

  /** Bytes written so far, over every connection. */
  get bytesWritten(): number {
    let total = 0;
    for (const channel of this.#channels) total += channel.bytesWritten;
    return total;
  }

  /**
   * Connects (or takes the given socket), writes `RAC`, and resolves once the init request was
   * answered successfully. Rejects with `ConnectError` when the connection fails,
   * `CloseRequestedError` on the Proxy's `CLOSE` (its `reason` says why), `InitError` when the
   * init was answered with an error (the connection then stays open, answering nothing, until
   * the Proxy closes it or `close()` is called), `ConnectionClosedError` when the connection
   * drops first, `ServerClosedError` after `close()`. A server starts once.
   */
  start(): Promise<void> {
    if (this.#started) {
      return Promise.reject(
        new ServerStateError(
          `This ${this.constructor.name} was already started (or closed): create a new one to connect again`,
        ),
      );
    }
    this.#started = true;
    const started = new Promise<void>((resolve, reject) => {
      this.#start = { resolve, reject };
    });
    this.#connect().catch((error: unknown) => this.#end({ error: asError(error) }));
    return started;
  }

  /**
   * Flushes pending writes, closes the connection(s) and clears timers; resolves when the
   * sockets are closed. Calls nothing on the provider. Idempotent.
   */
  close(): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      this.#ending = Promise.resolve();
      this.#status.set('closed');
      this.#resolveClosed({});
      this.#emitSafely('close', {});
      return this.#ending;
    }
    return this.#end({});
  }

  /** Builds the protocol session on the connected channels. */
  protected abstract createSession(
    channels: SessionChannels,
    events: SessionEvents,
    context: Record<string, unknown>,
  ): ServedSession;

  /** The negotiation role (§3.4). */
  protected abstract role(): AdapterRole;

  async #connect(): Promise<void> {
    this.#status.set('connecting');
    const sockets = await openSockets(this.options, this.#abort.signal);
    if (this.#ending !== undefined) {
      for (const socket of sockets) socket.destroy();
      return;
    }
    this.#setup(sockets[0], sockets[1]);
  }

  #setup(repliesSocket: Socket, notifySocket: Socket | undefined): void {
    const o = this.options;
    const pairs = credentialPairs(o.credentials, o.sdkName);
    const replies = this.#openChannel(repliesSocket, o.port);
    // RAC is the very first line of each connection, written before anything is read (§3.2).
    replies.write(credentialsLine(pairs, 'request-reply'));
    let notifications = replies;
    if (notifySocket !== undefined) {
      notifications = this.#openChannel(notifySocket, o.notifyPort ?? notifySocket.remotePort);
      notifications.write(credentialsLine(pairs, 'notify'));
    }
    const events: SessionEvents = {
      initialized: (outcome) => this.#initialized(outcome),
      closeRequested: (error) => void this.#end({ reason: error.reason ?? undefined, error }),
      protocolError: (error) => this.#emitSafely('protocolError', error),
    };
    const context = { ...o.context, name: o.name, kind: this.kind, logger: this.logger };
    const session = this.createSession({ replies, notifications }, events, context);
    this.#session = session;
    replies.on('line', (line) => this.#guard(() => session.handleLine(line)));
    if (notifications !== replies) {
      notifications.on('line', (line) => this.#guard(() => session.handleNotifyLine(line)));
    }
    notifications.on('drain', () => this.#emitSafely('drain'));
    // Keepalives start right after RAC, with the provisional interval (§6.1).
    this.#keepalives = startKeepalives(this.#channels, provisionalKeepaliveInterval(o.keepaliveMs));
    this.#status.set('handshaking');
    if (o.initTimeoutMs > 0) {
      const message = initTimeoutMessage(this.kind, o);
      this.#initTimer = setTimeout(() => this.logger.warn(message), o.initTimeoutMs).unref();
    }
  }

  #openChannel(socket: Socket, port: number | undefined): LineChannel {
    const o = this.options;
    const channel = new LineChannel(socket, {
      highWaterMark: o.highWaterMark,
      maxQueuedBytes: o.maxQueuedBytes,
      maxLineBytes: o.maxLineBytes,
      closeTimeoutMs: o.closeTimeoutMs,
      label: formatHostPort(o.host, port),
    });
    this.#channels.push(channel);
    channel.on('protocolError', (error) => {
      this.logger.warn({ line: error.line }, `Discarding inbound line: ${error.message}`);
      this.#emitSafely('protocolError', error);
    });
    channel.on('close', (error) => void this.#end(error === undefined ? {} : { error }));
    return channel;
  }

  #initialized(outcome: InitOutcome): void {
    clearTimeout(this.#initTimer);
    const interval = selectKeepaliveInterval(this.options.keepaliveMs, outcome.keepalive);
    // A new interval applies at once to every connection of the adapter (§6.1).
    for (const keepalive of this.#keepalives) keepalive.setInterval(interval);
    this.logger.debug({ keepaliveMs: interval }, 'Keepalive interval selected');
    if (!outcome.ok) {
      this.#status.set('init-failed');
      this.#settleStart(outcome.error);
      return;
    }
    this.#version = outcome.version;
    this.#status.set('connected');
    this.logger.info({ protocolVersion: outcome.version }, 'Connected: init completed');
    this.#settleStart(undefined);
  }

  #settleStart(error: Error | undefined): void {
    const start = this.#start;
    this.#start = undefined;
    if (start === undefined) return;
    if (error === undefined) start.resolve();
    else start.reject(error);
  }

  #end(info: CloseInfo): Promise<void> {
    if (this.#ending !== undefined) return this.#ending;
    // #finish does not throw (listeners are guarded); the catch keeps that a guarantee.
    this.#ending = this.#finish(info).catch((error: unknown) =>
      this.logger.error({ err: error }, 'Closing the connection failed'),
    );
    return this.#ending;
  }

  async #finish(info: CloseInfo): Promise<void> {
    const wasConnected = this.#status.value === 'connected';
    this.#status.set('closing');
    this.#abort.abort();
    clearTimeout(this.#initTimer);
    for (const keepalive of this.#keepalives) keepalive.stop();
    this.#session?.close(info.error);
    this.#settleStart(info.error ?? new ServerClosedError());
    this.#logEnd(info);
    // The notify connection goes first, and fully: a Proxy drops the notify connection when the
    // request/reply one ends, which would lose the updates still queued on it.
    for (const channel of [...this.#channels].reverse()) await channel.close();
    this.#status.set('closed');
    this.#resolveClosed(info);
    this.#emitSafely('close', info);
    if (wasConnected && info.error !== undefined && this.listenerCount('error') > 0) {
      this.#emitSafely('error', info.error);
    }
  }

  /**
   * Expected ends (the Proxy's CLOSE, its EOF, a refused or timed-out connect) are logged at info
   * without a stack: the host reconnects after them and logs its own line. Anything else is a
   * warning with the error and its stack.
   */
  #logEnd(info: CloseInfo): void {
    const error = info.error;
    if (error === undefined) {
      this.logger.debug('Connection closed locally');
    } else if (error instanceof CloseRequestedError) {
      this.logger.info({ reason: info.reason }, error.message);
    } else if (isExpectedEnd(error)) {
      const code = error instanceof ConnectError ? error.code : undefined;
      this.logger.info({ code }, `Connection ended: ${error.message}`);
    } else {
      this.logger.warn({ err: error }, `Connection ended: ${error.message}`);
    }
  }

  /** Runs a handler of inbound data; a throw is logged instead of reaching the socket. */
  #guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.logger.error({ err: error }, 'Handling an inbound line failed');
    }
  }

  /** Emits an event; a throwing listener is logged, never allowed to break the connection. */
  #emitSafely<K extends keyof ServerEvents>(event: K, ...args: ServerEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: ServerEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.logger.error({ err: error, event }, `A '${String(event)}' listener threw`);
    }
  }
}

/** The peer closed the connection, or nobody answered: part of a Proxy's normal life. */
function isExpectedEnd(error: Error): error is ConnectionClosedError | ConnectError {
  if (error instanceof ConnectionClosedError) return error.reason === 'eof';
  return (
    error instanceof ConnectError && (error.reason === 'refused' || error.reason === 'timeout')
  );
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
