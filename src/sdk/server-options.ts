/**
 * Options of {@link DataProviderServer} and {@link MetadataProviderServer} (SPEC §3), their
 * defaults in one place ({@link DEFAULTS}), and their validation.
 */
import type { Socket } from 'node:net';
import type { TlsOptions } from '../transport/tls-options.js';
import type { Logger } from './logger.js';

/** Credentials the Proxy Adapter checks when its Remote authentication is enabled (`RAC`). */
export interface Credentials {
  /**
   * User name; left out of the `RAC` when not set.
   * @default none
   */
  user?: string;
  /**
   * Password; left out of the `RAC` when not set. Never logged.
   * @default none
   */
  password?: string;
}

/** Options of a provider server. */
export interface ServerOptions {
  /** Host of the Lightstreamer Server's Proxy Adapter. */
  host: string;
  /** Request/reply port of the Proxy Adapter. */
  port: number;
  /**
   * Notify port of a two-connection Data Adapter (Server 7.0–7.3); without it the single
   * connection of Server 7.4+ is used. Data Adapters only.
   * @default none (single connection)
   */
  notifyPort?: number;
  /**
   * TLS: `true` for default verification, or `{ ca, cert, key, servername, rejectUnauthorized }`.
   * @default false (plain TCP)
   */
  tls?: TlsOptions;
  /**
   * Credentials sent in the `RAC` line.
   * @default none
   */
  credentials?: Credentials;
  /**
   * Idle time after which a `KEEPALIVE` is written, in ms; `0` disables keepalives unless the
   * Proxy asks for them (PROTOCOL.md §6.1). The Proxy's hint may shorten it.
   * @default 10000 until the init, then per the Proxy's hint
   */
  keepaliveMs?: number;
  /**
   * Adapter name, shown in logs and passed to `init` as `context.name`.
   * @default 'data' or 'metadata'
   */
  name?: string;
  /**
   * Logger (pino or compatible).
   * @default a logger that drops everything
   */
  logger?: Logger;
  /**
   * Local init parameters, merged over those the Proxy forwards (a local value wins, PROTOCOL.md §3.3).
   * @default {}
   */
  params?: Readonly<Record<string, string>>;
  /**
   * Extra fields of the `context` that `init` receives (the host passes `configPath` here).
   * @default {}
   */
  context?: Readonly<Record<string, unknown>>;
  /**
   * Library name sent as `SDK` in the `RAC` line; `null` leaves the pair out (for Servers older
   * than 7.3, which may not know it).
   * @default 'lsadapter'
   */
  sdkName?: string | null;
  /**
   * Bound on the TCP connect plus the TLS handshake, in ms.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Time after connecting without an init request (`DPI`/`MPI`) after which a warning is logged:
   * a Proxy configured with a notify port waits for both connections, and one with
   * authentication waits for valid credentials. `0` disables the warning.
   * @default 15000
   */
  initTimeoutMs?: number;
  /**
   * Outbound bytes queued at or above which `update()` returns `false` (wait for `'drain'`).
   * @default 1048576 (1 MiB)
   */
  highWaterMark?: number;
  /**
   * Outbound bytes queued above which the connection is failed (the Server stopped reading).
   * @default 33554432 (32 MiB)
   */
  maxQueuedBytes?: number;
  /**
   * Longest accepted inbound line, in bytes; longer lines are dropped and logged.
   * @default 16777216 (16 MiB)
   */
  maxLineBytes?: number;
  /**
   * Bound on a graceful `close()` (flush, then end the connection), in ms; after it the socket
   * is destroyed.
   * @default 5000
   */
  closeTimeoutMs?: number;
  /**
   * Directory that relative TLS file paths are resolved against.
   * @default process.cwd()
   */
  baseDir?: string;
  /**
   * An already-connected request/reply socket (the Proxy dialled us: inverted mode, or a socket
   * made by the caller). `host`/`port` then only name the peer in logs.
   * @default none (dial `host:port`)
   */
  socket?: Socket;
  /**
   * An already-connected notify socket, with `socket`, for a two-connection Data Adapter.
   * @default none (dial `host:notifyPort` when `notifyPort` is set)
   */
  notifySocket?: Socket;
}

/** Every default of {@link ServerOptions}, with units in the names. */
export const DEFAULTS = {
  sdkName: 'lsadapter',
  connectTimeoutMs: 10_000,
  initTimeoutMs: 15_000,
  highWaterMark: 1024 * 1024,
  maxQueuedBytes: 32 * 1024 * 1024,
  maxLineBytes: 16 * 1024 * 1024,
  closeTimeoutMs: 5_000,
} as const;

/** {@link ServerOptions} with every default applied. */
export interface ResolvedServerOptions
  extends Required<
    Pick<
      ServerOptions,
      | 'host'
      | 'port'
      | 'name'
      | 'params'
      | 'context'
      | 'connectTimeoutMs'
      | 'initTimeoutMs'
      | 'highWaterMark'
      | 'maxQueuedBytes'
      | 'maxLineBytes'
      | 'closeTimeoutMs'
    >
  > {
  notifyPort: number | undefined;
  tls: TlsOptions | undefined;
  credentials: Credentials | undefined;
  keepaliveMs: number | undefined;
  sdkName: string | null;
  baseDir: string | undefined;
  socket: Socket | undefined;
  notifySocket: Socket | undefined;
}

/** An option has a value the server cannot work with; the message names the option. */
export class ServerOptionsError extends TypeError {
  override name = 'ServerOptionsError';
  /** The option at fault. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`Server option "${option}": ${message}`);
    this.option = option;
  }
}

/** Validates `options` and applies {@link DEFAULTS}; `kind` decides the default name. */
export function resolveServerOptions(
  options: ServerOptions,
  kind: 'data' | 'metadata',
): ResolvedServerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ServerOptionsError('options', 'expected an object with at least host and port');
  }
  const given = options.socket !== undefined;
  if (!given && (typeof options.host !== 'string' || options.host === '')) {
    throw new ServerOptionsError('host', 'expected the host name of the Proxy Adapter');
  }
  if (!given || options.port !== undefined) checkPort('port', options.port);
  if (options.notifyPort !== undefined) {
    if (kind === 'metadata') {
      throw new ServerOptionsError('notifyPort', 'a Metadata Adapter has one connection only');
    }
    if (options.notifySocket === undefined) checkPort('notifyPort', options.notifyPort);
  }
  if (options.notifySocket !== undefined && !given) {
    throw new ServerOptionsError('notifySocket', 'give the request/reply socket as "socket" too');
  }
  checkMillis('keepaliveMs', options.keepaliveMs);
  for (const key of ['connectTimeoutMs', 'initTimeoutMs', 'closeTimeoutMs'] as const) {
    checkMillis(key, options[key]);
  }
  for (const key of ['highWaterMark', 'maxQueuedBytes', 'maxLineBytes'] as const) {
    checkPositive(key, options[key]);
  }
  return {
    host: options.host ?? options.socket?.remoteAddress ?? 'unknown',
    port: options.port ?? options.socket?.remotePort ?? 0,
    notifyPort: options.notifyPort,
    tls: options.tls,
    credentials: options.credentials,
    keepaliveMs: options.keepaliveMs,
    name: options.name ?? kind,
    params: options.params ?? {},
    context: options.context ?? {},
    sdkName: options.sdkName === undefined ? DEFAULTS.sdkName : options.sdkName,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    initTimeoutMs: options.initTimeoutMs ?? DEFAULTS.initTimeoutMs,
    highWaterMark: options.highWaterMark ?? DEFAULTS.highWaterMark,
    maxQueuedBytes: options.maxQueuedBytes ?? DEFAULTS.maxQueuedBytes,
    maxLineBytes: options.maxLineBytes ?? DEFAULTS.maxLineBytes,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs,
    baseDir: options.baseDir,
    socket: options.socket,
    notifySocket: options.notifySocket,
  };
}

function checkPort(option: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535) {
    throw new ServerOptionsError(option, `expected a port number (1-65535), got ${String(value)}`);
  }
}

function checkMillis(option: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ServerOptionsError(
      option,
      `expected a number of milliseconds >= 0, got ${String(value)}`,
    );
  }
}

function checkPositive(option: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ServerOptionsError(
      option,
      `expected a positive number of bytes, got ${String(value)}`,
    );
  }
}
