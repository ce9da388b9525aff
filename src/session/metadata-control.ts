/**
 * The requests a Metadata Adapter sends to the Proxy (PROTOCOL.md §5.3, protocol 1.9.0+): `FST`
 * (force session termination), `FUS` (force unsubscription) and the metadata `FAL`.
 *
 * The control sees its connection through a narrow port: a line writer, the negotiated dialect
 * (null before init) and a logger. Request ids are the lower-case hex of a counter starting at 100,
 * as in the Java SDK, so they never collide with the reserved ids 0, 1 and 2.
 */

import { messageOf } from '../protocol/error-mapping.js';
import {
  type ControlReply,
  type ControlRequestMethod,
  type Dialect,
  encodeForceSessionTermination,
  encodeForceUnsubscription,
  encodeMetadataFailure,
} from '../protocol/index.js';
import type { Logger } from './logger.js';
import type { MetadataControlListener } from './metadata-types.js';

/** First request id (hex `64`). */
export const FIRST_CONTROL_REQUEST_ID = 100;

/** The metadata connection, as far as control requests are concerned. */
export interface MetadataControlPort {
  /** Writes one line (without terminator). */
  writeLine(line: string): void;
  /** The negotiated dialect; null until the `MPI` has been answered. */
  dialect(): Dialect | null;
  /** Where failures and stray replies are logged. */
  logger: Logger;
}

/** Why a control request failed. */
export type MetadataControlErrorKind =
  /** The Proxy answered with an error. */
  | 'refused'
  /** Not available: protocol below 1.9.0, or called before init. */
  | 'unsupported'
  /** The connection closed before the Proxy answered. */
  | 'closed';

/** A `forceSessionTermination` / `forceUnsubscription` that did not succeed. */
export class MetadataControlError extends Error {
  override name = 'MetadataControlError';
  /** Why it failed. */
  readonly kind: MetadataControlErrorKind;
  /** `FST` (force session termination) or `FUS` (force unsubscription). */
  readonly method: ControlRequestMethod;

  constructor(
    kind: MetadataControlErrorKind,
    method: ControlRequestMethod,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.kind = kind;
    this.method = method;
  }
}

const CALL_NAMES: Record<ControlRequestMethod, string> = {
  FST: 'forceSessionTermination',
  FUS: 'forceUnsubscription',
};

interface Pending {
  method: ControlRequestMethod;
  resolve(reply: ControlReply): void;
  reject(error: Error): void;
}

/** Sends control requests and matches the Proxy's replies to them. */
export class MetadataControl {
  /** The listener handed to `provider.setListener` after init. Its methods are bound. */
  readonly listener: MetadataControlListener;
  readonly #port: MetadataControlPort;
  readonly #pending = new Map<string, Pending>();
  #nextId = FIRST_CONTROL_REQUEST_ID;
  #closedBy: Error | null = null;

  constructor(port: MetadataControlPort) {
    this.#port = port;
    this.listener = Object.freeze({
      forceSessionTermination: (
        sessionId: string,
        cause?: { code: number; message?: string | null },
      ) => this.#forceSessionTermination(sessionId, cause),
      forceUnsubscription: (sessionId: string, winIndex: number) =>
        this.#forceUnsubscription(sessionId, winIndex),
      failure: (error: Error | string) => this.#failure(error),
    });
  }

  /** Requests sent and not answered yet. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Settles the request a `FST`/`FUS` reply answers; a reply nobody waits for is logged. */
  handleReply(reply: ControlReply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined || pending.method !== reply.method) {
      this.#port.logger.warn(
        { id: reply.id, method: reply.method },
        `Ignoring a ${reply.method} reply that answers no pending request`,
      );
      return;
    }
    this.#pending.delete(reply.id);
    pending.resolve(reply);
  }

  /** Rejects every pending request with `reason` as the cause; later requests reject at once. */
  close(reason: Error): void {
    this.#closedBy ??= reason;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) {
      request.reject(this.#closedError(request.method, reason));
    }
  }

  async #forceSessionTermination(
    sessionId: string,
    cause?: { code: number; message?: string | null },
  ): Promise<void> {
    if (typeof sessionId !== 'string') throw badArgument('FST', 'sessionId', 'a string');
    if (cause != null && !Number.isSafeInteger(cause.code)) {
      throw badArgument('FST', 'cause.code', 'an integer (0 or negative)');
    }
    const reply = await this.#request('FST', (id) =>
      encodeForceSessionTermination(id, sessionId, cause ?? null, 'smart'),
    );
    if (reply.value !== undefined) throw unexpectedReply(reply);
  }

  async #forceUnsubscription(sessionId: string, winIndex: number): Promise<boolean> {
    if (typeof sessionId !== 'string') throw badArgument('FUS', 'sessionId', 'a string');
    if (!Number.isSafeInteger(winIndex)) throw badArgument('FUS', 'winIndex', 'an integer');
    const reply = await this.#request('FUS', (id) =>
      encodeForceUnsubscription(id, sessionId, winIndex, 'smart'),
    );
    if (reply.value === undefined) throw unexpectedReply(reply);
    return reply.value;
  }

  /** Writes a request and waits for its successful reply; an error reply rejects. */
  #request(method: ControlRequestMethod, encode: (id: string) => string): Promise<ControlReply> {
    const unavailable = this.#unavailable(method);
    if (unavailable !== null) return Promise.reject(unavailable);
    const id = this.#allocateId();
    const line = encode(id);
    return new Promise<ControlReply>((resolve, reject) => {
      this.#pending.set(id, { method, resolve, reject });
      try {
        this.#port.writeLine(line);
      } catch (error) {
        this.#pending.delete(id);
        reject(
          this.#closedError(method, error instanceof Error ? error : new Error(String(error))),
        );
      }
    }).then((reply) => {
      if (reply.error === undefined) return reply;
      const message = reply.error.message ?? `The Proxy refused ${method} without a message`;
      throw new MetadataControlError('refused', method, message);
    });
  }

  #unavailable(method: ControlRequestMethod): MetadataControlError | null {
    if (this.#closedBy !== null) return this.#closedError(method, this.#closedBy);
    const dialect = this.#port.dialect();
    const name = CALL_NAMES[method];
    if (dialect === null) {
      return new MetadataControlError(
        'unsupported',
        method,
        `${name} was called before the Metadata Adapter's init completed; call it once setListener has been called`,
      );
    }
    if (!dialect.v190) {
      return new MetadataControlError(
        'unsupported',
        method,
        `${name} needs ARI protocol 1.9.0 or later (Lightstreamer Server 7.3+), but the Proxy negotiated ${dialect.version}`,
      );
    }
    return null;
  }

  #closedError(method: ControlRequestMethod, reason: Error): MetadataControlError {
    return new MetadataControlError(
      'closed',
      method,
      `${CALL_NAMES[method]} got no answer: the metadata connection closed (${reason.message})`,
      { cause: reason },
    );
  }

  #allocateId(): string {
    let id: string;
    do {
      id = (this.#nextId++).toString(16);
    } while (this.#pending.has(id));
    return id;
  }

  #failure(error: Error | string): void {
    const message = messageOf(error);
    const dialect = this.#port.dialect();
    // Metadata FAL exists from 1.9.0 on (§5.3); below, or once closed, it can only be logged.
    const send = dialect?.v190 === true && this.#closedBy === null;
    this.#port.logger.error(
      { err: error },
      `Metadata Adapter failure${send ? '' : ' (not sent: the Proxy cannot receive it)'}: ${message}`,
    );
    if (!send) return;
    try {
      this.#port.writeLine(encodeMetadataFailure(message, 'smart'));
    } catch (writeError) {
      this.#port.logger.error({ err: writeError }, 'Could not send the Metadata Adapter failure');
    }
  }
}

function badArgument(method: ControlRequestMethod, name: string, expected: string): TypeError {
  return new TypeError(`${CALL_NAMES[method]}: ${name} must be ${expected}`);
}

function unexpectedReply(reply: ControlReply): MetadataControlError {
  return new MetadataControlError(
    'refused',
    reply.method,
    `Unexpected ${reply.method} reply from the Proxy (value ${String(reply.value)})`,
  );
}
