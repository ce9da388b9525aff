/**
 * Errors raised by the transport layer: connecting, TLS configuration and the life of a
 * connected line channel.
 *
 * Callers branch on `instanceof` (and on {@link ConnectError.reason}), never on message
 * text; every message names the peer and says what to check or change.
 */

/** Why a connection attempt failed. */
export type ConnectFailureReason =
  | 'refused'
  | 'timeout'
  | 'tls'
  | 'dns'
  | 'unreachable'
  | 'aborted'
  | 'closed'
  | 'other';

/** A TCP or TLS connection to `host:port` could not be established. */
export class ConnectError extends Error {
  override name = 'ConnectError';
  /** The host that was dialled. */
  readonly host: string;
  /** The port that was dialled. */
  readonly port: number;
  /** The failure class, for retry decisions and metrics. */
  readonly reason: ConnectFailureReason;
  /** The system or OpenSSL error code of the cause, when there is one (e.g. `ECONNREFUSED`). */
  readonly code: string | undefined;

  constructor(
    host: string,
    port: number,
    reason: ConnectFailureReason,
    detail: string,
    options?: { cause?: unknown; code?: string | undefined },
  ) {
    super(`Cannot connect to ${formatHostPort(host, port)}: ${detail}`, { cause: options?.cause });
    this.host = host;
    this.port = port;
    this.reason = reason;
    this.code = options?.code;
  }
}

/** Which TLS option a {@link TlsOptionsError} is about. */
export type TlsOptionName = 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized';

/** A TLS option is unusable: a file that cannot be read, or content that is not PEM. */
export class TlsOptionsError extends Error {
  override name = 'TlsOptionsError';
  /** The option at fault. */
  readonly option: TlsOptionName;
  /** The absolute file path the option named, when it named one. */
  readonly path: string | undefined;

  constructor(
    option: TlsOptionName,
    message: string,
    options?: { path?: string | undefined; cause?: unknown },
  ) {
    super(`TLS option "${option}": ${message}`, { cause: options?.cause });
    this.option = option;
    this.path = options?.path;
  }
}

/** How an established connection ended without being closed locally. */
export type ConnectionClosedReason = 'eof' | 'error';

/**
 * An established connection ended without a local `close()`: the peer closed it (EOF) or the
 * socket failed (reset, timeout). The socket error, if any, is the `cause`.
 */
export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
  /** `eof` when the peer closed the connection, `error` when the socket failed. */
  readonly reason: ConnectionClosedReason;
  /** The peer, as `host:port` (or a label given by the owner of the connection). */
  readonly peer: string;

  constructor(peer: string, reason: ConnectionClosedReason, options?: { cause?: unknown }) {
    const what =
      reason === 'eof'
        ? 'closed by the peer (end of stream)'
        : `lost: ${errorMessage(options?.cause)}`;
    super(`Connection to ${peer} ${what}`, { cause: options?.cause });
    this.reason = reason;
    this.peer = peer;
  }
}

/**
 * The outbound queue of a connection grew past its hard cap: the peer stopped reading while
 * the adapter kept writing. The connection is failed instead of growing memory without bound.
 */
export class OutboundQueueOverflowError extends Error {
  override name = 'OutboundQueueOverflowError';
  /** The peer, as `host:port` (or the connection's label). */
  readonly peer: string;
  /** Bytes queued when the cap was crossed. */
  readonly queuedBytes: number;
  /** The configured cap, in bytes. */
  readonly maxQueuedBytes: number;

  constructor(peer: string, queuedBytes: number, maxQueuedBytes: number) {
    super(
      `Outbound queue to ${peer} reached ${queuedBytes} bytes, above the cap of ${maxQueuedBytes} bytes: ` +
        'the server stopped reading. Slow the producer down when update() returns false ' +
        "(resume on the server's 'drain' event), or raise maxQueuedBytes",
    );
    this.peer = peer;
    this.queuedBytes = queuedBytes;
    this.maxQueuedBytes = maxQueuedBytes;
  }
}

/** Formats a host and port as `host:port`, bracketing IPv6 literals (`[::1]:6661`). */
export function formatHostPort(host: string, port: number | undefined): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? shown : `${shown}:${port}`;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'unknown error' : String(error);
}
