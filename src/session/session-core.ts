/**
 * The handshake rules applied to the lines of a request/reply connection (PROTOCOL.md §3.5,
 * §6.2, §6.3), shared by the Data and the Metadata session: decode each inbound line, honour
 * `CLOSE` at any time, answer the init first and once, and hand the session only the requests
 * that may be served; malformed lines are reported and dropped.
 */
import {
  type ControlReply,
  type Dialect,
  decodeProxyLine,
  dialectOf,
  type InitRequest,
  ProtocolError,
  type ProxyRequest,
} from '../protocol/index.js';
import { CloseRequestedError, type InitDeps, type InitOutcome, runInit } from './handshake.js';
import type { Logger } from './logger.js';

/** State of a session's handshake. */
export type HandshakeState = 'awaiting-init' | 'initializing' | 'ready' | 'init-failed' | 'closed';

/** What {@link SessionCore} reports to the owner of the connection. */
export interface SessionEvents {
  /** The init was answered (reply already written). */
  initialized(outcome: InitOutcome): void;
  /** The Proxy sent `CLOSE`: close the connection(s). */
  closeRequested(error: CloseRequestedError): void;
  /** A line could not be decoded; it was dropped. */
  protocolError(error: ProtocolError): void;
}

/** The session-specific part {@link SessionCore} drives. */
export interface SessionCorePort extends InitDeps {
  /** The init method of this kind of adapter. */
  initMethod: 'DPI' | 'MPI';
  /** Writes a reply on the request/reply connection. */
  writeReply(line: string): void;
  /** The init succeeded and its reply was written; requests follow. */
  ready(dialect: Dialect): void;
  /** A request (or FST/FUS reply) after a successful init. */
  serve(message: ProxyRequest | ControlReply): void;
  /** Events for the owner of the connection. */
  events: SessionEvents;
  /** The session's logger. */
  logger: Logger;
}

/** Before the init, lines are decoded as 1.9.1: the init and CLOSE are old-encoded anyway. */
const PRE_INIT_DIALECT = dialectOf('1.9.1');

/**
 * Decodes the lines of a request/reply connection and applies the handshake rules: CLOSE at any
 * time, the init first and once, other requests only after a successful init (§3.5, §6.3).
 */
export class SessionCore {
  readonly #port: SessionCorePort;
  #state: HandshakeState = 'awaiting-init';
  #dialect: Dialect = PRE_INIT_DIALECT;
  /**
   * Lines of requests (or lines that 1.9.1 could not decode) that arrived while the provider's
   * init was running: decoded again with the negotiated dialect and served once it succeeds.
   */
  #early: string[] = [];

  constructor(port: SessionCorePort) {
    this.#port = port;
  }

  /** Where the handshake stands. */
  get state(): HandshakeState {
    return this.#state;
  }

  /** The negotiated codec settings (1.9.1 until the init). */
  get dialect(): Dialect {
    return this.#dialect;
  }

  /** Stops serving: later lines are ignored. */
  close(): void {
    this.#state = 'closed';
    this.#early = [];
  }

  /** Handles one inbound line of the request/reply connection. */
  handleLine(line: string): void {
    if (this.#state === 'closed') return;
    let message: ReturnType<typeof decodeProxyLine>;
    try {
      message = decodeProxyLine(line, this.#dialect);
    } catch (error) {
      if (this.#state === 'initializing') {
        // The version is not negotiated yet: a line 1.9.1 cannot read may be valid in the version
        // the init settles on (the 1.8.x table layouts); it is decoded again once that is known.
        this.#early.push(line);
        return;
      }
      this.#reportMalformed(error, line);
      return;
    }
    switch (message.kind) {
      case 'keepalive':
        return; // the Proxy does not send them, but one costs nothing to ignore (§6.1)
      case 'close':
        this.#state = 'closed';
        this.#early = [];
        this.#port.events.closeRequested(new CloseRequestedError(message.reason));
        return;
      default:
        this.#route(message, line);
    }
  }

  #route(message: ProxyRequest | ControlReply, line: string): void {
    const { logger, initMethod } = this.#port;
    const isInit = message.kind === 'request' && message.method === initMethod;
    switch (this.#state) {
      case 'awaiting-init':
        if (isInit) {
          this.#init(message as InitRequest).catch((error: unknown) =>
            logger.error({ err: error }, `Handling the ${initMethod} request failed`),
          );
          return;
        }
        logger.warn(
          { method: message.method, id: message.id },
          `Unexpected request ${message.method} while waiting for a ${initMethod} request: ignored`,
        );
        return;
      case 'initializing':
        if (isInit) this.#lateInit(message);
        else this.#early.push(line);
        return;
      case 'ready':
        if (isInit) this.#lateInit(message);
        else this.#port.serve(message);
        return;
      default:
        logger.warn(
          { method: message.method, id: message.id },
          `Request ${message.method} ignored: the ${initMethod} request failed`,
        );
    }
  }

  #lateInit(message: ProxyRequest | ControlReply): void {
    this.#port.logger.warn(
      { id: message.id },
      `Unexpected late ${this.#port.initMethod} request: ignored`,
    );
  }

  async #init(request: InitRequest): Promise<void> {
    this.#state = 'initializing';
    const { reply, outcome } = await runInit(request, this.#port);
    // close() may have run while the provider's init was pending.
    if ((this.#state as HandshakeState) === 'closed') return;
    this.#port.writeReply(reply);
    if (!outcome.ok) {
      this.#state = 'init-failed';
      this.#early = [];
      this.#port.logger.error({ err: outcome.error }, outcome.error.message);
      this.#port.events.initialized(outcome);
      return;
    }
    this.#state = 'ready';
    this.#dialect = outcome.dialect;
    this.#port.ready(outcome.dialect);
    this.#port.events.initialized(outcome);
    const early = this.#early;
    this.#early = [];
    for (const line of early) this.handleLine(line);
  }

  #reportMalformed(error: unknown, line: string): void {
    const protocolError =
      error instanceof ProtocolError
        ? error
        : new ProtocolError(`Cannot decode line: ${String(error)}`, line, { cause: error });
    this.#port.logger.warn(
      { line: protocolError.line },
      `Discarding malformed or unknown line: ${protocolError.message}`,
    );
    this.#port.events.protocolError(protocolError);
  }
}
