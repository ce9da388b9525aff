/**
 * One simulated Proxy connection: a {@link ProxySession} wired to one socket (two in the
 * two-connection Data mode), with the request API, the waits, and the fault switches (pause
 * reading, drop, CLOSE, keepalive timeout). A little over the usual module size because that
 * surface is the test kit's API; the protocol itself lives in the session.
 */
import type { Socket } from 'node:net';
import { type Dialect, encodeClose, type Pairs, type ProxyRequest } from '../protocol/index.js';
import { defaultControlHandler } from './control-answers.js';
import {
  ConnectionNotReadyError,
  DuplicateRequestIdError,
  InvalidRequestIdError,
  ProxyConnectionClosedError,
  UnsupportedRequestError,
} from './errors.js';
import { onceWithin } from './once-within.js';
import { type ResolvedOptions, toPairs } from './options.js';
import { ProxyApi } from './proxy-api.js';
import { ProxySession } from './proxy-session.js';
import { Recorder } from './recorder.js';
import { SocketEndpoint } from './socket-endpoint.js';
import type {
  Channel,
  ConnectionEnd,
  ConnectionStatus,
  ControlRequestHandler,
  InitReply,
  ParamsInput,
  ProxyConnectionEvents,
  ProxyRequestInput,
  ReplyOf,
  RequestOptions,
  SimulatorKind,
} from './types.js';
import { DEFAULT_WAIT_TIMEOUT_MS } from './waiters.js';

/** What a connection needs from its simulator (a narrow port). */
export interface ConnectionHost {
  readonly options: ResolvedOptions;
  /** The simulator-wide log, which also gets every entry. */
  readonly recorder: Recorder;
  nextSeq(): number;
  nextRequestId(): string;
  /** The connection's init succeeded. */
  onReady(connection: ProxyConnection): void;
}

/** A simulated Proxy connection. The simulator creates it for each Remote that connects. */
export class ProxyConnection extends ProxyApi<ProxyConnectionEvents> {
  /** Number of the connection within its simulator (1, 2, …). */
  readonly id: number;
  /** The kind of Proxy Adapter simulated. */
  readonly kind: SimulatorKind;
  /** Replies to the `SUB`s re-sent after a reconnection (`resubscribeOnReconnect`), if any. */
  resubscription: Promise<PromiseSettledResult<ReplyOf<'SUB'>>[]> | undefined;
  readonly #options: ResolvedOptions;
  readonly #recorder: Recorder;
  readonly #session: ProxySession;
  readonly #endpoints = new Map<Channel, SocketEndpoint>();
  readonly #nextRequestId: () => string;
  #closing: string | undefined;
  /** One activity timer per socket: the Proxy checks each connection on its own (§6.1). */
  readonly #activityTimers = new Map<Channel, NodeJS.Timeout>();

  /**
   * @internal Created by the simulator for an accepted or dialled socket; `begin()` starts the
   * protocol once the simulator has wired its listeners.
   */
  constructor(id: number, host: ConnectionHost, socket: Socket) {
    super();
    this.id = id;
    this.kind = host.options.kind;
    this.#options = host.options;
    this.#nextRequestId = () => host.nextRequestId();
    this.#recorder = new Recorder({
      maxLines: host.options.maxRecordedLines,
      maxViolations: host.options.maxRecordedViolations,
    });
    this.#session = new ProxySession({
      options: host.options,
      connectionId: id,
      recorders: [this.#recorder, host.recorder],
      nextSeq: () => host.nextSeq(),
      nextRequestId: this.#nextRequestId,
      write: (channel, line) => this.#endpoints.get(channel)?.writeLine(line),
      reject: (reason) => void this.#shutdown(reason, 'end'),
      emit: (event, ...args) => {
        (this.emit as (name: string, ...values: unknown[]) => boolean)(event, ...args);
      },
      ready: () => host.onReady(this),
    });
    this.#attach(socket, 'main');
  }

  /** @internal Starts the protocol on the attached socket(s): the init may be due at once. */
  begin(): void {
    for (const channel of this.#endpoints.keys()) this.#session.socketAttached(channel);
  }

  /** This connection's own log. */
  get recorder(): Recorder {
    return this.#recorder;
  }

  /** Where the connection is in its life (`authenticating` … `ready` … `closed`). */
  get status(): ConnectionStatus {
    return this.#session.status;
  }

  /** The codec settings in use: the negotiated version once the init succeeded. */
  get dialect(): Dialect {
    return this.#session.dialect;
  }

  /** The init reply, once received. */
  get initReply(): InitReply | undefined {
    return this.#session.initReply;
  }

  /** The `RAC` parameters received on the request/reply socket. */
  get credentials(): Pairs | undefined {
    return this.#session.credentials('main');
  }

  /** How the connection ended; undefined while it is open. */
  get ended(): ConnectionEnd | undefined {
    return this.#session.ended;
  }

  /** Whether the notify socket is attached (two-connection mode). */
  get hasNotifyConnection(): boolean {
    return this.#endpoints.has('notify');
  }

  /** Items subscribed and not unsubscribed (their `SUB` did not fail). */
  activeItems(): string[] {
    return this.#session.activeItems();
  }

  /** Replaces the answerer of `FST`/`FUS` (undefined restores the default: `V`, `B|1`). */
  setControlHandler(handler: ControlRequestHandler | undefined): void {
    this.#session.controlHandler = handler ?? defaultControlHandler;
  }

  /** @internal Attaches the notify socket (two-connection mode); `started`: begin() was called. */
  attachNotify(socket: Socket, started = true): void {
    if (this.#closing !== undefined || this.ended !== undefined) {
      socket.destroy();
      return;
    }
    this.#attach(socket, 'notify');
    if (started) this.#session.socketAttached('notify');
  }

  /**
   * Sends `DPI`/`MPI` (done automatically unless `autoInit: false`) and resolves with the reply,
   * an error reply included. `params` replaces the configured list (`ARI.version` included).
   */
  async init(params?: ParamsInput, options: RequestOptions = {}): Promise<InitReply> {
    const list = params === undefined ? this.#options.initParams : toPairs(params);
    const id = options.id ?? this.#nextRequestId();
    InvalidRequestIdError.check(id);
    return (await this.#session.init(list, id, options.timeoutMs)) as InitReply;
  }

  /** Sends a request (the init excepted) once the init succeeded; resolves with the reply. */
  async request<R extends ProxyRequestInput>(
    input: R,
    options: RequestOptions = {},
  ): Promise<ReplyOf<R['method']>> {
    UnsupportedRequestError.check(input.method, this.kind);
    await this.#whenReady(`a ${input.method} request`, options.timeoutMs);
    const id = options.id ?? this.#nextRequestId();
    InvalidRequestIdError.check(id);
    if (this.#session.isPending(id)) throw new DuplicateRequestIdError(id);
    const request = { ...input, kind: 'request', id } as ProxyRequest;
    return (await this.#session.send(request, options.timeoutMs)) as ReplyOf<R['method']>;
  }

  /** Writes on a socket as is: a string gets CR LF appended, bytes are written verbatim. */
  sendRaw(data: string | Uint8Array, channel: Channel = 'main'): boolean {
    const endpoint = this.#endpoints.get(channel);
    if (endpoint === undefined) return false;
    return typeof data === 'string' ? endpoint.writeLine(data) : endpoint.writeRaw(data);
  }

  /** Stops reading (one socket, or all), so the Remote's writes back up. */
  pauseReading(channel?: Channel): void {
    for (const endpoint of this.#select(channel)) endpoint.pause();
  }

  /** Resumes reading after {@link pauseReading}. */
  resumeReading(channel?: Channel): void {
    for (const endpoint of this.#select(channel)) endpoint.resume();
  }

  /** Destroys the socket(s) abruptly; resolves once closed. */
  drop(): Promise<void> {
    return this.#shutdown('dropped', 'destroy');
  }

  /**
   * Sends `0|CLOSE|S|reason|S|<reason>` (old-encoded), then ends the connection; resolves once
   * closed. It is sent whatever the protocol version: to close as an old Proxy would (1.8.0,
   * 1.8.2 have no `CLOSE`), use `drop()`.
   */
  sendClose(reason = 'closed by the simulator'): Promise<void> {
    if (this.#closing === undefined && this.ended === undefined) {
      this.#endpoints.get('main')?.writeLine(encodeClose(reason));
    }
    return this.#shutdown(reason, 'end');
  }

  /** Closes the connection at once (what the simulator's `close()` does). */
  close(): Promise<void> {
    return this.#shutdown('simulator closed', 'destroy');
  }

  /** Waits for the init reply (success or error reply). */
  waitForInit(options: { timeoutMs?: number } = {}): Promise<InitReply> {
    const reply = this.initReply;
    if (reply !== undefined) return Promise.resolve(reply);
    const end = this.ended;
    if (end !== undefined) {
      return Promise.reject(new ProxyConnectionClosedError('the init reply', end.reason));
    }
    return onceWithin(this, 'handshake', {
      timeoutMs: options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
      what: `the init reply on connection #${this.id}`,
      accept: (received: InitReply) => received,
      failOn: {
        event: 'close',
        error: (e: ConnectionEnd) => new ProxyConnectionClosedError('the init reply', e.reason),
      },
      recent: () => this.#recorder.recentLines(),
    });
  }

  /** Waits until the connection ends. */
  waitForClose(options: { timeoutMs?: number } = {}): Promise<ConnectionEnd> {
    const end = this.ended;
    if (end !== undefined) return Promise.resolve(end);
    return onceWithin(this, 'close', {
      timeoutMs: options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
      what: `the end of connection #${this.id}`,
      accept: (received: ConnectionEnd) => received,
      recent: () => this.#recorder.recentLines(),
    });
  }

  /** @internal Re-sends `SUB` for the items of a previous connection (Robust Proxy behaviour). */
  resubscribe(items: readonly string[]): void {
    this.resubscription = Promise.allSettled(items.map((item) => this.subscribe(item)));
  }

  #select(channel: Channel | undefined): SocketEndpoint[] {
    const all = [...this.#endpoints.values()];
    return channel === undefined ? all : all.filter((e) => e.channel === channel);
  }

  async #whenReady(what: string, timeoutMs: number | undefined): Promise<void> {
    const end = this.ended;
    if (end !== undefined) throw new ProxyConnectionClosedError(`sending ${what}`, end.reason);
    if (this.status === 'ready') return;
    if (!this.#session.initSent && !this.#options.autoInit) {
      const hint = 'call init() first (autoInit is false), or use sendRaw()';
      throw new ConnectionNotReadyError(what, this.status, hint);
    }
    if (this.status !== 'init-failed') {
      await this.waitForInit({ timeoutMs: timeoutMs ?? this.#options.requestTimeoutMs });
    }
    if (this.#session.status !== 'ready') {
      const hint = 'the Remote refused the init (see initReply)';
      throw new ConnectionNotReadyError(what, this.status, hint);
    }
  }

  #attach(socket: Socket, channel: Channel): void {
    const session = this.#session;
    const sink = {
      line: (text: string, crlf: boolean, bytes: number) =>
        session.onLine(channel, text, crlf, bytes),
      counted: (bytes: number) => session.onCounted(channel, bytes),
      problem: (problem: Parameters<ProxySession['onProblem']>[0], sample: string) =>
        session.onProblem(problem, sample, channel),
      activity: () => this.#activityTimers.get(channel)?.refresh(),
      closed: (end: { error: Error | undefined }) => this.#onSocketClosed(end.error),
    };
    const framing = {
      maxLineBytes: this.#options.maxLineBytes,
      countUpdates: this.#options.countOnly,
    };
    const endpoint = new SocketEndpoint(socket, channel, sink, framing);
    this.#endpoints.set(channel, endpoint);
    this.#watchActivity(endpoint);
  }

  /** The Proxy's keepalive timeout on one socket (`keepaliveTimeoutMs`). */
  #watchActivity(endpoint: SocketEndpoint): void {
    const ms = this.#options.keepaliveTimeoutMs;
    if (ms === undefined || endpoint.closed) return;
    const timer = setTimeout(() => {
      // While reading is paused nothing can be seen arriving: that is the test's doing.
      if (endpoint.paused) timer.refresh();
      else void this.#closeForInactivity();
    }, ms);
    this.#activityTimers.set(endpoint.channel, timer);
  }

  #closeForInactivity(): Promise<void> {
    const reason = 'keepalive timeout';
    if (
      this.#closing === undefined &&
      this.ended === undefined &&
      this.#session.closePacketAllowed()
    )
      this.#endpoints.get('main')?.writeLine(encodeClose(reason));
    return this.#shutdown(reason, 'end');
  }

  #shutdown(reason: string, how: 'end' | 'destroy'): Promise<void> {
    this.#closing ??= reason;
    const timeoutMs = this.#options.closeTimeoutMs;
    const closing = this.#select(undefined).map((e) =>
      how === 'end' ? e.end(timeoutMs) : e.destroy(),
    );
    return Promise.all(closing).then(() => undefined);
  }

  #onSocketClosed(error: Error | undefined): void {
    if (this.ended !== undefined) return;
    const end: ConnectionEnd =
      this.#closing !== undefined
        ? { initiator: 'simulator', reason: this.#closing }
        : {
            initiator: 'remote',
            reason: error ? 'socket error' : 'eof',
            ...(error ? { error } : {}),
          };
    for (const timer of this.#activityTimers.values()) clearTimeout(timer);
    this.#activityTimers.clear();
    // One socket gone ends the session: the other one of a two-connection pair goes too.
    for (const endpoint of this.#endpoints.values()) void endpoint.destroy();
    this.#session.end(end);
    this.emit('close', end);
  }
}
