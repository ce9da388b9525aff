/**
 * Errors of the proxy simulator. Each names what was being done or awaited, so a failing test
 * explains itself.
 */

/** An option of the simulator is unusable. */
export class SimulatorOptionsError extends Error {
  override name = 'SimulatorOptionsError';
  /** The option at fault. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`ProxySimulator option "${option}": ${message}`);
    this.option = option;
  }
}

/** A request got no reply within its timeout (the real Proxy would fail it towards the Server). */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
  /** The request's method. */
  readonly method: string;
  /** The request's id. */
  readonly requestId: string;
  /** How long the reply was awaited, in ms. */
  readonly timeoutMs: number;

  constructor(method: string, requestId: string, timeoutMs: number, description: string) {
    super(
      `No reply to ${description} within ${timeoutMs} ms: the Remote must answer with the same id and method (${requestId}|${method}|…); raise timeoutMs if it is just slow`,
    );
    this.method = method;
    this.requestId = requestId;
    this.timeoutMs = timeoutMs;
  }
}

/** The Remote answered a request with the right id but another method name. */
export class ReplyMismatchError extends Error {
  override name = 'ReplyMismatchError';
  /** The request's method. */
  readonly expectedMethod: string;
  /** The method the reply named. */
  readonly receivedMethod: string;

  constructor(description: string, expected: string, received: string, line: string) {
    super(
      `The reply to ${description} names method ${received} instead of ${expected}: a reply repeats its request's method ("${line}")`,
    );
    this.expectedMethod = expected;
    this.receivedMethod = received;
  }
}

/** The connection ended while a request or a wait was pending. */
export class ProxyConnectionClosedError extends Error {
  override name = 'ProxyConnectionClosedError';
  /** Why the connection ended (`eof`, `dropped`, `wrong credentials`, …). */
  readonly reason: string;

  constructor(what: string, reason: string) {
    super(`The connection ended (${reason}) while waiting for ${what}`);
    this.reason = reason;
  }
}

/** A request was attempted on a connection that cannot carry it yet (or any more). */
export class ConnectionNotReadyError extends Error {
  override name = 'ConnectionNotReadyError';
  /** The connection status at the time. */
  readonly status: string;

  constructor(what: string, status: string, hint: string) {
    super(`Cannot send ${what}: the connection is ${status}; ${hint}`);
    this.status = status;
  }
}

/** A bounded wait ran out: what was awaited, and the last lines received, are in the message. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
  /** How long the wait lasted, in ms. */
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number, recentLines: readonly string[] = []) {
    const recent =
      recentLines.length === 0
        ? 'nothing was received'
        : `last lines received:\n  ${recentLines.join('\n  ')}`;
    super(`Timed out after ${timeoutMs} ms waiting for ${what}; ${recent}`);
    this.timeoutMs = timeoutMs;
  }
}

/** A request that `request()` does not send on this kind of connection (e.g. `SUB` to Metadata). */
export class UnsupportedRequestError extends Error {
  override name = 'UnsupportedRequestError';

  /** Throws when `method` cannot go through `request()` on a `kind` connection. */
  static check(method: string, kind: 'metadata' | 'data' | 'data-two-connections'): void {
    if (method === 'DPI' || method === 'MPI') {
      throw new UnsupportedRequestError(`Send ${method} with init(), not request()`);
    }
    const isItemRequest = method === 'SUB' || method === 'USB';
    if (isItemRequest === (kind === 'metadata')) {
      const other = kind === 'metadata' ? 'a data' : 'a metadata';
      throw new UnsupportedRequestError(
        `A ${kind} Proxy never sends ${method}: use ${other} simulator, or sendRaw() to send it anyway`,
      );
    }
  }
}

/** A request id that is already waiting for its reply was given again. */
export class DuplicateRequestIdError extends Error {
  override name = 'DuplicateRequestIdError';

  constructor(id: string) {
    super(`Request id "${id}" is already pending on this connection; pass a different id`);
  }
}

/**
 * A request id the simulator cannot send: empty, one of the reserved ids `0` (CLOSE), `1` (RAC),
 * `2` (metadata FAL), or containing `|`, CR or LF (PROTOCOL.md §1.5).
 */
export class InvalidRequestIdError extends Error {
  override name = 'InvalidRequestIdError';
  /** The id refused. */
  readonly requestId: string;

  constructor(id: string, why: string) {
    super(
      `Request id ${JSON.stringify(id)} cannot be used: ${why}; pass another id (or write the line with sendRaw())`,
    );
    this.requestId = id;
  }

  /** Throws when `id` cannot be a Proxy request id. */
  static check(id: string): void {
    if (typeof id !== 'string' || id === '') throw new InvalidRequestIdError(String(id), 'empty');
    if (id === '0' || id === '1' || id === '2') {
      throw new InvalidRequestIdError(id, 'ids 0, 1 and 2 are reserved for CLOSE, RAC and FAL');
    }
    if (/[|\r\n]/.test(id)) {
      throw new InvalidRequestIdError(id, 'it contains a field separator or a line break');
    }
  }
}

/** The simulator was used in a state that does not allow it (not started, closed, …). */
export class SimulatorStateError extends Error {
  override name = 'SimulatorStateError';

  constructor(message: string) {
    super(message);
  }
}

/** `connectTo()` could not reach the listening Remote. */
export class SimulatorDialError extends Error {
  override name = 'SimulatorDialError';
  /** The host dialled. */
  readonly host: string;
  /** The port dialled. */
  readonly port: number;

  constructor(host: string, port: number, detail: string, options?: { cause?: unknown }) {
    super(
      `The simulator cannot connect to the Remote at ${host}:${port}: ${detail}; is it listening there?`,
      options,
    );
    this.host = host;
    this.port = port;
  }
}
