/**
 * Opens the TCP or TLS connection to a Proxy Adapter port (PROTOCOL.md §1.1).
 *
 * A failure becomes one {@link ConnectError} that names `host:port` and the cause (refused,
 * timed out, TLS verification with OpenSSL's reason, …). A connected socket has Nagle's
 * algorithm off (a small reply must not wait for the previous one to be acknowledged) and TCP
 * keep-alive on (dead peers behind NATs are noticed even while the adapter is silent).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { ConnectError, type ConnectFailureReason } from './errors.js';
import { resolveTlsOptions, type TlsOptions, toTlsConnectOptions } from './tls-options.js';

/** Default bound on TCP connect plus TLS handshake: 10 s. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Idle time before the OS sends the first TCP keep-alive probe: 30 s. */
export const TCP_KEEPALIVE_INITIAL_DELAY_MS = 30_000;

/** What a {@link Connector} is asked to open. */
export interface ConnectRequest {
  /** Host to connect to. */
  host: string;
  /** Port to connect to. */
  port: number;
  /** `tls.connect()` options, or `null` for plain TCP. */
  tls: ConnectionOptions | null;
}

/**
 * Starts a connection and returns its socket at once. {@link dial} then waits for
 * `'secureConnect'` (TLS requests) or `'connect'` (plain TCP). Injected by tests.
 */
export type Connector = (request: ConnectRequest) => Socket;

/** The real connector: `net.connect()` or `tls.connect()`. */
export const defaultConnector: Connector = ({ host, port, tls }) =>
  tls === null ? netConnect({ host, port }) : tlsConnect({ ...tls, host, port });

/** Options of {@link dial}. */
export interface DialOptions {
  /** Host name or IP address of the Proxy Adapter. */
  host: string;
  /** Port of the Proxy Adapter. */
  port: number;
  /**
   * TLS configuration; file paths in it are read on every call.
   * @default false (plain TCP)
   */
  tls?: TlsOptions;
  /**
   * Directory that relative TLS file paths are resolved against.
   * @default process.cwd()
   */
  baseDir?: string;
  /**
   * Bound on the TCP connect plus the TLS handshake, in milliseconds.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Aborts the attempt; the promise then rejects with a `ConnectError` of reason `aborted`.
   * @default none
   */
  signal?: AbortSignal;
  /**
   * Opens the socket; replace it in tests.
   * @default defaultConnector
   */
  connector?: Connector;
}

/**
 * Connects to `host:port`, over TLS when `tls` asks for it, within `connectTimeoutMs`.
 *
 * @returns the connected socket (a `TLSSocket` for TLS), with no-delay and keep-alive set.
 * @throws {ConnectError} when the connection cannot be established.
 * @throws {TlsOptionsError} when a TLS file cannot be read.
 */
export async function dial(options: DialOptions): Promise<Socket> {
  const { host, port } = options;
  const resolved = await resolveTlsOptions(options.tls, { baseDir: options.baseDir });
  if (options.signal?.aborted) {
    throw new ConnectError(host, port, 'aborted', 'aborted before connecting', {
      cause: options.signal.reason,
    });
  }
  const request: ConnectRequest = {
    host,
    port,
    tls: resolved === null ? null : toTlsConnectOptions(resolved),
  };
  const socket = (options.connector ?? defaultConnector)(request);
  await awaitConnected(
    socket,
    request,
    options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    options.signal,
  );
  socket.setNoDelay(true);
  socket.setKeepAlive(true, TCP_KEEPALIVE_INITIAL_DELAY_MS);
  // Until the owner attaches its own 'error' listener, an error must not crash the process;
  // the socket keeps it in `socket.errored` and closes, which the owner sees.
  socket.on('error', keepErrorForOwner);
  return socket;
}

function keepErrorForOwner(): void {}

function awaitConnected(
  socket: Socket,
  request: ConnectRequest,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { host, port } = request;
  const isTls = request.tls !== null;
  let tcpConnected = false;
  return new Promise<void>((resolve, reject) => {
    const fail = (error: ConnectError): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onTcpConnect = (): void => {
      tcpConnected = true;
      if (!isTls) succeed();
    };
    const succeed = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void =>
      fail(classifyConnectError(error, request, tcpConnected));
    const onClose = (): void =>
      fail(
        new ConnectError(host, port, 'closed', 'the connection closed before it was established'),
      );
    const onAbort = (): void =>
      fail(
        new ConnectError(host, port, 'aborted', 'aborted while connecting', {
          cause: signal?.reason,
        }),
      );
    const onTimeout = (): void => {
      const what = tcpConnected ? 'TLS handshake not completed' : 'no connection';
      fail(
        new ConnectError(
          host,
          port,
          'timeout',
          `${what} within ${timeoutMs} ms (check the host, the port and any firewall in between)`,
        ),
      );
    };
    const timer = setTimeout(onTimeout, timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      socket.off('connect', onTcpConnect);
      socket.off('secureConnect', succeed);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    }
    socket.on('connect', onTcpConnect);
    if (isTls) socket.on('secureConnect', succeed);
    socket.on('error', onError);
    socket.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const SYSTEM_REASONS: Record<string, [ConnectFailureReason, string]> = {
  ECONNREFUSED: ['refused', 'connection refused (is the Proxy Adapter listening on that port?)'],
  ENOTFOUND: ['dns', 'host name not found (check the host)'],
  EAI_AGAIN: ['dns', 'host name lookup failed temporarily (check DNS)'],
  EHOSTUNREACH: ['unreachable', 'host unreachable (check the network route)'],
  ENETUNREACH: ['unreachable', 'network unreachable (check the network route)'],
  ETIMEDOUT: ['timeout', 'timed out in the operating system (check the host and firewalls)'],
};

// OpenSSL verification failures (X509_V_ERR_* names) and Node's host name check.
const TLS_VERIFY_CODE = /CERT|ISSUER|SELF_SIGNED|LEAF_SIGNATURE|HOSTNAME|_CA$/;

/** Turns a socket error seen while connecting into a {@link ConnectError} that says what to fix. */
export function classifyConnectError(
  error: Error,
  request: ConnectRequest,
  tcpConnected: boolean,
): ConnectError {
  const { host, port } = request;
  const code = errorCode(error);
  const known = code === undefined ? undefined : SYSTEM_REASONS[code];
  if (known !== undefined && !tcpConnected) {
    return new ConnectError(host, port, known[0], known[1], { cause: error, code });
  }
  if (request.tls !== null && code !== undefined && TLS_VERIFY_CODE.test(code)) {
    const hint = code.includes('ALTNAME')
      ? 'set tls.servername to a name the certificate carries, or dial that name'
      : 'set tls.ca to the CA that signed the server certificate (the certificate itself if self-signed)';
    return new ConnectError(
      host,
      port,
      'tls',
      `TLS verification failed: ${error.message} (${code}); ${hint}`,
      {
        cause: error,
        code,
      },
    );
  }
  if (request.tls !== null && tcpConnected) {
    return new ConnectError(
      host,
      port,
      'tls',
      `TLS handshake failed: ${error.message} (does that port speak TLS?)`,
      { cause: error, code },
    );
  }
  return new ConnectError(host, port, 'other', error.message, { cause: error, code });
}

function errorCode(error: Error): string | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  // With several addresses to try (happy eyeballs), Node reports an AggregateError.
  if (error instanceof AggregateError) {
    const first = error.errors.find((e): e is Error => e instanceof Error);
    return first === undefined ? undefined : errorCode(first);
  }
  return undefined;
}
