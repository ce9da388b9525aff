/**
 * The Proxy's protocol state for one connection, over lines (no sockets): RAC check, init and
 * version negotiation, requests and reply matching, subscription ids, FST/FUS answers, and every
 * check on what the Remote writes. {@link ProxyConnection} wires it to sockets and exposes it.
 *
 * Somewhat over the usual module size: every inbound line reads and changes the same state
 * (status, dialect, pending requests, subscriptions) in line order, so the state machine stays
 * one class; its pure parts live in handshake, inbound-checks, subscriptions, pending-requests.
 */
import {
  type ControlRequest,
  type DataNotification,
  type Dialect,
  encodeClose,
  encodeControlReply,
  encodeProxyRequest,
  type Pairs,
  type ProxyRequest,
  RAC_ID,
  type RemoteReply,
} from '../protocol/index.js';
import { answerControlRequest, defaultControlHandler } from './control-answers.js';
import { decodeTolerant } from './entries.js';
import {
  ConnectionNotReadyError,
  InvalidRequestIdError,
  ProxyConnectionClosedError,
} from './errors.js';
import {
  closePacketAllowed,
  credentialsAccepted,
  evaluateInitReply,
  paramValue,
  provisionalDialect,
} from './handshake.js';
import {
  checkControlRequest,
  checkErrorTag,
  checkNotification,
  checkReplyChannel,
  checkReplyContent,
  type Finding,
  framingFinding,
  type InboundContext,
  toViolation,
  unmatchedReply,
} from './inbound-checks.js';
import type { FramingProblem } from './line-framer.js';
import type { ResolvedOptions } from './options.js';
import { PendingRequests } from './pending-requests.js';
import type { Recorder } from './recorder.js';
import { SubscriptionTracker } from './subscriptions.js';
import type {
  Channel,
  ConnectionEnd,
  ConnectionStatus,
  ControlRequestHandler,
  InitReply,
  ProxyConnectionEvents,
  Recorded,
  RecordedKeepalive,
  RecordedNotification,
  ViolationCode,
} from './types.js';

/** What the session needs from its connection. */
export interface SessionPort {
  readonly options: ResolvedOptions;
  readonly connectionId: number;
  /** Every recorder that gets entries: the connection's, then the simulator's. */
  readonly recorders: readonly Recorder[];
  nextSeq(): number;
  nextRequestId(): string;
  /** Writes one line (CR LF added) on a socket. */
  write(channel: Channel, line: string): void;
  /** Turns the Remote away: ends the connection for `reason`. */
  reject(reason: string): void;
  emit<K extends keyof ProxyConnectionEvents>(event: K, ...args: ProxyConnectionEvents[K]): void;
  /** The init succeeded. */
  ready(): void;
}

/** Protocol state of one simulated connection. */
export class ProxySession {
  readonly #port: SessionPort;
  readonly #options: ResolvedOptions;
  readonly #pending = new PendingRequests();
  readonly #subscriptions: SubscriptionTracker;
  readonly #credentials = new Map<Channel, Pairs>();
  readonly #attached = new Set<Channel>();
  readonly #required: readonly Channel[];
  readonly #pendingControl = new Set<string>();
  readonly #lfWarned = new Set<Channel>();
  #status: ConnectionStatus = 'authenticating';
  #offered: string | null;
  #dialect: Dialect;
  #initSent = false;
  #initReply: InitReply | undefined;
  /** The Remote was turned away: its further lines are only recorded. */
  #rejected = false;
  #end: ConnectionEnd | undefined;
  /** Answers `FST`/`FUS`. */
  controlHandler: ControlRequestHandler;

  constructor(port: SessionPort) {
    this.#port = port;
    this.#options = port.options;
    const twoConnections = port.options.kind === 'data-two-connections';
    this.#subscriptions = new SubscriptionTracker(!twoConnections);
    this.#required = twoConnections ? ['main', 'notify'] : ['main'];
    this.#offered = paramValue(port.options.initParams, 'ARI.version') ?? null;
    this.#dialect = provisionalDialect(this.#offered);
    this.controlHandler = port.options.onControlRequest ?? defaultControlHandler;
  }

  /** Where the connection is in its life. */
  get status(): ConnectionStatus {
    return this.#status;
  }
  /** The codec settings in use (the negotiated ones once the init succeeded). */
  get dialect(): Dialect {
    return this.#dialect;
  }
  /** The init reply, once received. */
  get initReply(): InitReply | undefined {
    return this.#initReply;
  }
  /** Whether `DPI`/`MPI` was sent. */
  get initSent(): boolean {
    return this.#initSent;
  }
  /** How the connection ended; undefined while open. */
  get ended(): ConnectionEnd | undefined {
    return this.#end;
  }

  /** The `RAC` parameters received on a socket. */
  credentials(channel: Channel): Pairs | undefined {
    return this.#credentials.get(channel);
  }

  /** Whether a request with this id awaits its reply. */
  isPending(id: string): boolean {
    return this.#pending.has(id);
  }

  /** Items subscribed and not unsubscribed. */
  activeItems(): string[] {
    return this.#subscriptions.activeItems();
  }

  /**
   * Whether the Proxy announces a closure with `CLOSE` now (§6.2): the offered version has it
   * (1.8.3+), and either the `RAC` asked for it or the negotiated version has it too.
   */
  closePacketAllowed(): boolean {
    const rac = this.#credentials.get('main');
    const negotiated = this.#status === 'ready' ? this.#dialect.version : undefined;
    return closePacketAllowed(rac, this.#offered, negotiated);
  }

  /** A socket of the connection is attached: the automatic init may be due (§1.2, §3.1). */
  socketAttached(channel: Channel): void {
    this.#attached.add(channel);
    this.#maybeAutoInit();
  }

  /** Sends the init with `params` (the full list) and resolves with its reply. */
  async init(params: Pairs, id: string, timeoutMs: number | undefined): Promise<RemoteReply> {
    if (this.#end !== undefined) throw new ProxyConnectionClosedError('the init', this.#end.reason);
    if (this.#initSent) {
      const hint = 'use sendRaw() to test a repeated init';
      throw new ConnectionNotReadyError('a second init', this.#status, hint);
    }
    this.#initSent = true;
    this.#offered = paramValue(params, 'ARI.version') ?? null;
    this.#dialect = provisionalDialect(this.#offered);
    const method = this.#options.kind === 'metadata' ? 'MPI' : 'DPI';
    this.#setStatus('initializing');
    return this.send({ kind: 'request', method, id, params }, timeoutMs);
  }

  /**
   * Encodes a request with the current dialect, writes it, and resolves with its reply. Runs
   * synchronously up to the write, so requests go out in call order.
   */
  async send(request: ProxyRequest, timeoutMs: number | undefined): Promise<RemoteReply> {
    if (this.#end !== undefined) {
      throw new ProxyConnectionClosedError(`sending ${request.method}`, this.#end.reason);
    }
    const line = encodeProxyRequest(request, this.#dialect);
    const reply = this.#pending.add(request, timeoutMs ?? this.#options.requestTimeoutMs);
    if (request.method === 'SUB') this.#subscriptions.subscribeSent(request.item, request.id);
    if (request.method === 'USB') this.#subscriptions.unsubscribeSent(request.item, request.id);
    this.#port.write('main', line);
    return reply;
  }

  /** The connection ended: pending requests and waits fail with its reason. */
  end(end: ConnectionEnd): void {
    if (this.#end !== undefined) return;
    this.#end = end;
    this.#pending.rejectAll(end.reason);
    this.#port.recorders[0]?.end({ reason: end.reason });
    this.#setStatus('closed');
  }

  /** A framing problem on a socket. */
  onProblem(problem: FramingProblem, sample: string, channel: Channel): void {
    this.#report([framingFinding(problem)], channel, sample);
  }

  /** A `UD3` line counted without decoding (count mode). */
  onCounted(channel: Channel, bytes: number): void {
    if (this.#end !== undefined || this.#rejected) return;
    if (!this.#credentials.has(channel)) {
      this.#rejectFirstLine(channel, 'a UD3 line', '');
      return;
    }
    for (const recorder of this.#port.recorders) recorder.countUpdate(bytes);
  }

  /** A line received on a socket. */
  onLine(channel: Channel, text: string, crlf: boolean, bytes: number): void {
    if (this.#end !== undefined) return;
    if (!crlf && !this.#lfWarned.has(channel)) {
      this.#lfWarned.add(channel);
      const message = 'lines end with a bare LF; CR LF is canonical (reported once per socket)';
      this.#violation('lf-terminator', message, channel, text);
    }
    const origin = {
      seq: this.#port.nextSeq(),
      at: Date.now(),
      connectionId: this.#port.connectionId,
      channel,
      line: text,
    };
    const { entry, trailingSeparator } = decodeTolerant(origin, this.#dialect);
    for (const recorder of this.#port.recorders) recorder.record(entry, bytes);
    this.#port.emit('line', entry);
    if (this.#rejected) return;
    if (trailingSeparator) {
      const message =
        'the line ends with "|": the Proxy drops the empty token, but write none (§1.4)';
      this.#violation('trailing-separator', message, channel, text);
    }
    if (!this.#credentials.has(channel) && entry.message?.kind !== 'credentials') {
      this.#rejectFirstLine(channel, `"${text.slice(0, 80)}"`, text);
    } else if (entry.message === null) {
      this.#violation('malformed-line', entry.error.message, channel, text);
    } else {
      this.#dispatch(entry, channel);
    }
  }

  #dispatch(entry: Recorded, channel: Channel): void {
    const message = entry.message;
    switch (message.kind) {
      case 'credentials':
        this.#onCredentials(message.id, message.params, channel, entry.line);
        break;
      case 'keepalive':
        this.#port.emit('keepalive', entry as RecordedKeepalive);
        break;
      case 'notification':
        this.#onNotification(entry as Recorded<DataNotification>, channel);
        break;
      case 'reply':
        this.#onReply(message, channel, entry.line);
        break;
      case 'controlRequest':
        this.#onControlRequest(message, channel, entry.line);
        break;
    }
  }

  #context(channel: Channel): InboundContext {
    const initialized = this.#status === 'ready';
    return { kind: this.#options.kind, channel, initialized, dialect: this.#dialect };
  }

  #report(findings: Finding[], channel: Channel, line: string): void {
    for (const f of findings) this.#violation(f.code, f.message, channel, line);
  }

  #onCredentials(id: string, params: Pairs, channel: Channel, line: string): void {
    if (this.#credentials.has(channel)) {
      const message = 'a second RAC on the same connection';
      this.#violation('unexpected-credentials', message, channel, line);
      return;
    }
    this.#credentials.set(channel, params);
    if (channel === 'main' && id !== RAC_ID) {
      const message = `RAC on the request/reply connection must carry id 1, not "${id}"`;
      this.#violation('bad-credentials-id', message, channel, line);
    }
    if (!credentialsAccepted(params, this.#options.credentials)) {
      this.#rejected = true;
      // On the request/reply socket even for a notify RAC: the Remote never reads the other one.
      if (closePacketAllowed(params, this.#offered, undefined)) {
        this.#port.write('main', encodeClose('wrong credentials'));
      }
      this.#port.reject('wrong credentials');
      return;
    }
    if (this.#status === 'authenticating' && this.#required.every((c) => this.#credentials.has(c)))
      this.#setStatus('authenticated');
    this.#maybeAutoInit();
  }

  /**
   * Sends the automatic init once every socket is there and, when the Proxy authenticates
   * Remotes, once each sent a valid `RAC` (§3.1, §3.2).
   */
  #maybeAutoInit(): void {
    if (!this.#options.autoInit || this.#initSent || this.#rejected || this.#end) return;
    if (!this.#required.every((c) => this.#attached.has(c))) return;
    if (this.#options.waitForCredentials && !this.#required.every((c) => this.#credentials.has(c)))
      return;
    let id: string;
    try {
      id = this.#port.nextRequestId();
      InvalidRequestIdError.check(id);
    } catch (error) {
      // A broken id generator: end the connection, so that waits fail saying why.
      this.#rejected = true;
      this.#port.reject(`no init sent: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    // A failed automatic init shows through status, events and waitForInit().
    this.init(this.#options.initParams, id, undefined).catch(() => {});
  }

  #rejectFirstLine(channel: Channel, what: string, line: string): void {
    this.#rejected = true;
    const message = `the first line of a connection must be RAC, not ${what}`;
    this.#violation('credentials-not-first', message, channel, line);
    this.#port.reject('protocol error');
  }

  #onNotification(entry: Recorded<DataNotification>, channel: Channel): void {
    const n = entry.message;
    const ctx = this.#context(channel);
    const findings = checkNotification(n, ctx);
    if (this.#options.kind !== 'metadata' && n.method !== 'FAL' && ctx.initialized) {
      const isSnapshot = n.method === 'UD3' ? n.isSnapshot : undefined;
      const problem = this.#subscriptions.check({ ...n, isSnapshot });
      if (problem !== null) findings.push(problem);
    }
    this.#report(findings, channel, entry.line);
    this.#port.emit('notification', entry as RecordedNotification);
  }

  #onReply(reply: RemoteReply, channel: Channel, line: string): void {
    this.#report(checkReplyChannel(reply, this.#context(channel)), channel, line);
    const settled = this.#pending.settle(reply, line);
    if (settled.outcome !== 'matched') {
      this.#report([unmatchedReply(settled, reply)], channel, line);
      return;
    }
    const request = settled.request;
    this.#report(checkErrorTag(request, reply, this.#dialect), channel, line);
    this.#report(checkReplyContent(request, reply, line, this.#dialect), channel, line);
    let problem = null;
    if (request.method === 'DPI' || request.method === 'MPI') {
      this.#applyInitReply(reply as InitReply, line);
    } else if (request.method === 'SUB') {
      const ok = reply.error === undefined;
      problem = this.#subscriptions.subscribeReplied(request.item, request.id, ok);
    } else if (request.method === 'USB') {
      problem = this.#subscriptions.unsubscribeReplied(request.item, request.id);
    }
    if (problem !== null) this.#report([problem], channel, line);
  }

  #applyInitReply(reply: InitReply, line: string): void {
    const outcome = evaluateInitReply(reply, this.#offered);
    if (outcome.problem !== null) this.#violation('bad-version', outcome.problem, 'main', line);
    this.#initReply = reply;
    // Switch the codec before the next line is decoded: it may already use the new version.
    if (outcome.dialect !== null) this.#dialect = outcome.dialect;
    this.#setStatus(outcome.dialect === null ? 'init-failed' : 'ready');
    this.#port.emit('handshake', reply);
    if (outcome.dialect !== null) this.#port.ready();
  }

  #onControlRequest(request: ControlRequest, channel: Channel, line: string): void {
    const findings = checkControlRequest(request, this.#context(channel), this.#pendingControl);
    this.#report(findings, channel, line);
    if (findings.length === 0) void this.#answerControl(request);
  }

  async #answerControl(request: ControlRequest): Promise<void> {
    this.#pendingControl.add(request.id);
    const answer = await answerControlRequest(this.controlHandler, request);
    // Not answered: from the Remote's side the request stays pending, its id in use.
    if (answer === null || this.#end !== undefined) return;
    this.#pendingControl.delete(request.id);
    this.#port.write('main', encodeControlReply(request.method, request.id, answer, this.#dialect));
  }

  #violation(code: ViolationCode, message: string, channel: Channel, line: string): void {
    const origin = {
      seq: this.#port.nextSeq(),
      connectionId: this.#port.connectionId,
      channel,
      line,
    };
    const violation = toViolation({ code, message }, origin);
    for (const recorder of this.#port.recorders) recorder.recordViolation(violation);
    this.#port.emit('violation', violation);
  }

  #setStatus(status: ConnectionStatus): void {
    const previous = this.#status;
    if (previous === status) return;
    this.#status = status;
    this.#port.emit('status', status, previous);
  }
}
