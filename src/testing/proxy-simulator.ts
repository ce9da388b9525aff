/**
 * The proxy simulator: the server side of ARI in-process. It listens on loopback like a Proxy
 * Adapter (one port, or two for the two-connection Data mode), or dials a listening Remote, and
 * turns every Remote connection into a {@link ProxyConnection}. Its request and recorder API
 * forwards to the latest open connection, and its log sees every connection.
 */
import type { Server, Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import {
  ProxyConnectionClosedError,
  SimulatorOptionsError,
  SimulatorStateError,
} from './errors.js';
import { onceWithin } from './once-within.js';
import { type ProxySimulatorOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { ProxyApi } from './proxy-api.js';
import { type ConnectionHost, ProxyConnection } from './proxy-connection.js';
import { Recorder } from './recorder.js';
import { requestIdGenerator } from './request-ids.js';
import { dial, listen, stopListening } from './sockets.js';
import type {
  ConnectionEnd,
  InitReply,
  ProxyRequestInput,
  RecordedKeepalive,
  RecordedNotification,
  ReplyOf,
  RequestOptions,
  SimulatorKind,
  Violation,
} from './types.js';
import { DEFAULT_WAIT_TIMEOUT_MS } from './waiters.js';

/** Events of a {@link ProxySimulator}: those of every connection, with the connection. */
export interface ProxySimulatorEvents {
  /** A Remote connected (in two-connection mode: on the request/reply port). */
  connection: [connection: ProxyConnection];
  handshake: [reply: InitReply, connection: ProxyConnection];
  notification: [notification: RecordedNotification, connection: ProxyConnection];
  keepalive: [keepalive: RecordedKeepalive, connection: ProxyConnection];
  violation: [violation: Violation, connection: ProxyConnection];
  close: [end: ConnectionEnd, connection: ProxyConnection];
}

/** Options of {@link ProxySimulator.waitForConnection}. */
export interface WaitForConnectionOptions {
  /**
   * Wait for a connection made after this one (e.g. the reconnection after a drop).
   * @default the latest connection that is still open, or the next one
   */
  after?: ProxyConnection;
  /**
   * Also wait for its init reply (success or error reply).
   * @default false
   */
  initialized?: boolean;
  /**
   * Bound of the whole wait, in ms.
   * @default 4000
   */
  timeoutMs?: number;
}

/** A simulated Lightstreamer Proxy Adapter. */
export class ProxySimulator extends ProxyApi<ProxySimulatorEvents> {
  /** The kind of Proxy Adapter simulated. */
  readonly kind: SimulatorKind;
  readonly #options: ResolvedOptions;
  readonly #recorder: Recorder;
  readonly #host: ConnectionHost;
  readonly #connections: ProxyConnection[] = [];
  readonly #waitingNotify: Socket[] = [];
  readonly #servers: Server[] = [];
  #port: number | undefined;
  #notifyPort: number | undefined;
  #carryOver = new Set<string>();
  #closePromise: Promise<void> | undefined;
  #started = false;
  /** Aborted by close(): ends pending waits and dials at once. */
  readonly #closing = new AbortController();
  #seq = 0;

  constructor(options: ProxySimulatorOptions) {
    super();
    this.#options = resolveOptions(options);
    this.kind = this.#options.kind;
    this.#recorder = new Recorder({
      maxLines: this.#options.maxRecordedLines,
      maxViolations: this.#options.maxRecordedViolations,
    });
    const nextRequestId = options.nextRequestId ?? requestIdGenerator();
    this.#host = {
      options: this.#options,
      recorder: this.#recorder,
      nextSeq: () => ++this.#seq,
      nextRequestId,
      onReady: (connection) => this.#onReady(connection),
    };
  }

  /** Listens on the configured port(s) (port 0: the OS picks). Resolves with the simulator. */
  async start(): Promise<this> {
    if (this.#closePromise)
      throw new SimulatorStateError('The simulator is closed; create a new one');
    if (this.#started) throw new SimulatorStateError('The simulator is already started');
    this.#started = true;
    const { port, notifyPort } = this.#options;
    this.#port = await this.#listen(port, (socket) => this.#onMainSocket(socket));
    if (this.kind === 'data-two-connections') {
      this.#notifyPort = await this.#listen(notifyPort, (s) => this.#onNotifySocket(s));
    }
    return this;
  }

  /** Listens on one port; a close() that came meanwhile stops it again. */
  async #listen(port: number, onSocket: (socket: Socket) => void): Promise<number> {
    const { host, tls } = this.#options;
    const listening = await listen(host, port, tls, onSocket);
    if (this.#closePromise) {
      await stopListening(listening.server);
      throw new SimulatorStateError('The simulator was closed while it was starting');
    }
    this.#servers.push(listening.server);
    return listening.port;
  }

  /** The request/reply port the simulator listens on. */
  get port(): number {
    if (this.#port === undefined)
      throw new SimulatorStateError('The simulator has no port: await start() first');
    return this.#port;
  }

  /** The notify port (two-connection mode only). */
  get notifyPort(): number | undefined {
    return this.#notifyPort;
  }

  /** Where a Remote should connect: `{ host, port, notifyPort? }`. */
  get address(): { host: string; port: number; notifyPort?: number } {
    const notify = this.#notifyPort === undefined ? {} : { notifyPort: this.#notifyPort };
    return { host: this.#options.host, port: this.port, ...notify };
  }

  /** Every connection so far, oldest first (ended ones included). */
  get connections(): readonly ProxyConnection[] {
    return this.#connections;
  }

  /** The latest connection that is still open, if any. */
  get connection(): ProxyConnection | undefined {
    return this.#connections.findLast((c) => c.ended === undefined);
  }

  /** The simulator-wide log: every line of every connection. */
  get recorder(): Recorder {
    return this.#recorder;
  }

  /**
   * Inverted mode (SPEC §5 `listen`): dials a listening Remote; the protocol on the connection is
   * the same. Resolves once the TCP (or TLS) connection is up; the handshake follows.
   */
  async connectTo(
    host: string,
    port: number,
    options: { tls?: ConnectionOptions; timeoutMs?: number } = {},
  ): Promise<ProxyConnection> {
    if (this.kind === 'data-two-connections') {
      throw new SimulatorOptionsError(
        'kind',
        'connectTo() needs a single-connection kind (the inverted mode has one connection)',
      );
    }
    if (this.#closePromise)
      throw new SimulatorStateError('The simulator is closed; create a new one');
    const tls = options.tls ?? (this.#options.tls as ConnectionOptions | undefined);
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    const socket = await dial(host, port, tls, timeoutMs, this.#closing.signal);
    return this.#adopt(socket);
  }

  /** Waits for a connection (see {@link WaitForConnectionOptions}). */
  async waitForConnection(options: WaitForConnectionOptions = {}): Promise<ProxyConnection> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    const after = options.after;
    let connection =
      after === undefined ? this.connection : this.#connections.find((c) => c.id > after.id);
    const what = after === undefined ? 'a Remote to connect' : `a connection after #${after.id}`;
    connection ??= await onceWithin(this, 'connection', {
      timeoutMs,
      what,
      accept: (c: ProxyConnection) => (after === undefined || c.id > after.id ? c : undefined),
      recent: () => this.#recorder.recentLines(),
      abort: {
        signal: this.#closing.signal,
        error: () => new ProxyConnectionClosedError(what, 'simulator closed'),
      },
    });
    if (options.initialized)
      await connection.waitForInit({ timeoutMs: Math.max(1, deadline - Date.now()) });
    return connection;
  }

  /** Sends a request on the latest open connection (waiting for one if there is none yet). */
  async request<R extends ProxyRequestInput>(
    input: R,
    options: RequestOptions = {},
  ): Promise<ReplyOf<R['method']>> {
    const timeoutMs = options.timeoutMs ?? this.#options.requestTimeoutMs;
    const connection = this.connection ?? (await this.waitForConnection({ timeoutMs }));
    return connection.request(input, options);
  }

  /** Closes every connection and stops listening. Idempotent. */
  close(): Promise<void> {
    this.#closePromise ??= this.#closeAll();
    return this.#closePromise;
  }

  async #closeAll(): Promise<void> {
    this.#closing.abort();
    for (const socket of this.#waitingNotify.splice(0)) socket.destroy();
    await Promise.all(this.#connections.map((c) => c.close()));
    await Promise.all(this.#servers.map(stopListening));
    this.#recorder.end({ reason: 'simulator closed' });
  }

  #onMainSocket(socket: Socket): void {
    if (this.#closePromise) {
      socket.destroy();
      return;
    }
    this.#adopt(socket);
  }

  #onNotifySocket(socket: Socket): void {
    if (this.#closePromise) {
      socket.destroy();
      return;
    }
    const connection = this.#connections.find(
      (c) => !c.hasNotifyConnection && c.ended === undefined,
    );
    if (connection !== undefined) {
      connection.attachNotify(socket);
      return;
    }
    // The notify connection came first: it waits (unread) for its request/reply partner.
    socket.on('error', () => {});
    socket.once('close', () => {
      const index = this.#waitingNotify.indexOf(socket);
      if (index !== -1) this.#waitingNotify.splice(index, 1);
    });
    this.#waitingNotify.push(socket);
  }

  #adopt(socket: Socket): ProxyConnection {
    if (this.#closePromise) {
      socket.destroy();
      throw new SimulatorStateError('The simulator was closed while connecting');
    }
    const connection = new ProxyConnection(this.#connections.length + 1, this.#host, socket);
    this.#connections.push(connection);
    connection.on('handshake', (reply) => this.emit('handshake', reply, connection));
    connection.on('notification', (n) => this.emit('notification', n, connection));
    connection.on('keepalive', (k) => this.emit('keepalive', k, connection));
    connection.on('violation', (v) => this.emit('violation', v, connection));
    connection.on('close', (end) => this.#onConnectionClosed(end, connection));
    const waiting = this.kind === 'data-two-connections' ? this.#waitingNotify.shift() : undefined;
    if (waiting !== undefined) connection.attachNotify(waiting, false);
    this.emit('connection', connection);
    connection.begin();
    return connection;
  }

  #onConnectionClosed(end: ConnectionEnd, connection: ProxyConnection): void {
    if (this.#options.resubscribeOnReconnect) {
      for (const item of connection.activeItems()) this.#carryOver.add(item);
    }
    this.emit('close', end, connection);
  }

  #onReady(connection: ProxyConnection): void {
    if (
      !this.#options.resubscribeOnReconnect ||
      this.kind === 'metadata' ||
      this.#carryOver.size === 0
    )
      return;
    const items = [...this.#carryOver];
    this.#carryOver = new Set();
    connection.resubscribe(items);
  }
}
