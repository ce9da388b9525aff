/**
 * Options of the proxy simulator, their defaults in one place, and their normalisation.
 */
import type { TlsOptions } from 'node:tls';
import type { Pairs } from '../protocol/index.js';
import { SimulatorOptionsError } from './errors.js';
import type { ControlRequestHandler, ParamsInput, SimulatorKind } from './types.js';

/** Options of {@link ProxySimulator}. */
export interface ProxySimulatorOptions {
  /** Which Proxy Adapter to play: a Metadata one, a single-connection Data one, or a two-connection Data one. */
  kind: SimulatorKind;
  /**
   * Address to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Request/reply port; 0 lets the OS pick one (read it from `sim.port`).
   * @default 0
   */
  port?: number;
  /**
   * Notify port of `'data-two-connections'`; 0 lets the OS pick one (`sim.notifyPort`).
   * @default 0
   */
  notifyPort?: number;
  /**
   * Serve TLS with these options (at least `cert` and `key`); also used by `connectTo`.
   * @default undefined (plain TCP)
   */
  tls?: TlsOptions;
  /**
   * Credentials the Remote's `RAC` must carry. A wrong or missing pair gets
   * `0|CLOSE|S|reason|S|wrong+credentials` (when the `RAC` asked for close packets and the offered
   * version is 1.8.3 or later, as the real Proxy does), then the connection is closed.
   * @default undefined (any credentials are accepted)
   */
  credentials?: { user: string; password: string };
  /**
   * `ARI.version` offered in `DPI`/`MPI`; `null` leaves it out, as a Server 7.0 Proxy does.
   * @default '1.9.1'
   */
  version?: string | null;
  /**
   * `keepalive_hint.millis` sent in `DPI`/`MPI`.
   * @default undefined (not sent)
   */
  keepaliveHintMs?: number;
  /**
   * Further init parameters (e.g. `adapters_conf.id`, `data_provider.name`, `proxy.instance_id`),
   * sent after `ARI.version` and `keepalive_hint.millis`. A pair named `ARI.version` or
   * `keepalive_hint.millis` here is sent in its place instead of the `version`/`keepaliveHintMs` one.
   * @default {} (none)
   */
  initParams?: ParamsInput;
  /**
   * Send `DPI`/`MPI` as soon as the credentials are accepted; otherwise call `connection.init()`.
   * @default true
   */
  autoInit?: boolean;
  /**
   * How long a request waits for its reply, in ms (the real Proxy's `timeout`).
   * @default 10000
   */
  requestTimeoutMs?: number;
  /**
   * Re-send `SUB` for the items that were subscribed on a connection that ended, once the next
   * connection's init succeeds (what a Robust Proxy does after a reconnection, SPEC §6).
   * @default false
   */
  resubscribeOnReconnect?: boolean;
  /**
   * Close a connection with `0|CLOSE|S|reason|S|keepalive+timeout` when nothing arrives on it for
   * this long, in ms (the real Proxy's keepalive timeout).
   * @default undefined (no activity check)
   */
  keepaliveTimeoutMs?: number;
  /**
   * `'full'` decodes and records every line; `'count'` only counts `UD3` lines and bytes (no
   * decoding, no checks on them) for throughput runs. Other lines are recorded either way.
   * @default 'full'
   */
  recording?: 'full' | 'count';
  /**
   * Most lines each recorder keeps; the oldest are dropped (and counted) beyond it.
   * @default 10000
   */
  maxRecordedLines?: number;
  /**
   * Most violations and warnings each recorder keeps; the oldest are dropped beyond it.
   * @default 1000
   */
  maxRecordedViolations?: number;
  /**
   * Longest accepted inbound line, in bytes; longer ones are dropped and reported.
   * @default 16777216 (16 MiB)
   */
  maxLineBytes?: number;
  /**
   * After `sendClose()`, how long to wait for the Remote to close its side before destroying the
   * socket, in ms.
   * @default 2000
   */
  closeTimeoutMs?: number;
  /**
   * Answers a Metadata Adapter's `FST`/`FUS`.
   * @default answers `FST` with `V` and `FUS` with `B|1`
   */
  onControlRequest?: ControlRequestHandler;
  /**
   * Generates request ids.
   * @default hex ids like the real Proxy's (`1000001` + 10 hex digits fixed per simulator)
   */
  nextRequestId?: () => string;
}

/** Default request timeout: the real Proxy's `timeout`, 10 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Default log size of a recorder. */
export const DEFAULT_MAX_RECORDED_LINES = 10_000;
/** Default violation log size of a recorder. */
export const DEFAULT_MAX_RECORDED_VIOLATIONS = 1_000;
/** Default maximum inbound line: 16 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Default wait for the Remote to close after a `CLOSE`: 2 s. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;
/** Default offered protocol version. */
export const DEFAULT_VERSION = '1.9.1';

/** Options with every default applied. */
export interface ResolvedOptions {
  readonly kind: SimulatorKind;
  readonly host: string;
  readonly port: number;
  readonly notifyPort: number;
  readonly tls: TlsOptions | undefined;
  readonly credentials: { user: string; password: string } | undefined;
  readonly initParams: Pairs;
  readonly autoInit: boolean;
  readonly requestTimeoutMs: number;
  readonly resubscribeOnReconnect: boolean;
  readonly keepaliveTimeoutMs: number | undefined;
  readonly countOnly: boolean;
  readonly maxRecordedLines: number;
  readonly maxRecordedViolations: number;
  readonly maxLineBytes: number;
  readonly closeTimeoutMs: number;
  readonly onControlRequest: ControlRequestHandler | undefined;
}

/** Turns an object or pairs into pairs, keeping order. */
export function toPairs(params: ParamsInput | undefined): Pairs {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params.map(([name, value]) => [name, value]);
  return Object.entries(params as Record<string, string | null>);
}

/** The full init parameter list: version, hint, then the extra parameters (§3.3). */
export function buildInitParams(options: ProxySimulatorOptions): Pairs {
  const extra = toPairs(options.initParams);
  const names = new Set(extra.map(([name]) => name));
  const params: Pairs = [];
  const version = options.version === undefined ? DEFAULT_VERSION : options.version;
  if (version !== null && !names.has('ARI.version')) params.push(['ARI.version', version]);
  if (options.keepaliveHintMs !== undefined && !names.has('keepalive_hint.millis')) {
    params.push(['keepalive_hint.millis', String(options.keepaliveHintMs)]);
  }
  return params.concat(extra);
}

const KINDS: readonly SimulatorKind[] = ['metadata', 'data', 'data-two-connections'];

function checkInteger(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SimulatorOptionsError(
      name,
      `expected an integer from ${min} to ${max}, got ${value}`,
    );
  }
}

/** Rejects unusable options with a message naming the option. */
export function validateOptions(options: ProxySimulatorOptions): void {
  if (!KINDS.includes(options.kind)) {
    throw new SimulatorOptionsError(
      'kind',
      `expected one of ${KINDS.join(', ')}, got ${String(options.kind)}`,
    );
  }
  checkInteger('port', options.port, 0, 65_535);
  checkInteger('notifyPort', options.notifyPort, 0, 65_535);
  checkInteger('requestTimeoutMs', options.requestTimeoutMs, 1, 2 ** 31 - 1);
  checkInteger('keepaliveTimeoutMs', options.keepaliveTimeoutMs, 1, 2 ** 31 - 1);
  checkInteger('closeTimeoutMs', options.closeTimeoutMs, 0, 2 ** 31 - 1);
  checkInteger('maxRecordedLines', options.maxRecordedLines, 1, 2 ** 31 - 1);
  checkInteger('maxRecordedViolations', options.maxRecordedViolations, 1, 2 ** 31 - 1);
  checkInteger('maxLineBytes', options.maxLineBytes, 1, 2 ** 31 - 1);
  if (options.credentials !== undefined) {
    const { user, password } = options.credentials;
    if (typeof user !== 'string' || typeof password !== 'string') {
      throw new SimulatorOptionsError('credentials', 'expected { user: string, password: string }');
    }
  }
}

/** Validates and applies the defaults. */
export function resolveOptions(options: ProxySimulatorOptions): ResolvedOptions {
  validateOptions(options);
  return {
    kind: options.kind,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    notifyPort: options.notifyPort ?? 0,
    tls: options.tls,
    credentials: options.credentials,
    initParams: buildInitParams(options),
    autoInit: options.autoInit ?? true,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    resubscribeOnReconnect: options.resubscribeOnReconnect ?? false,
    keepaliveTimeoutMs: options.keepaliveTimeoutMs,
    countOnly: options.recording === 'count',
    maxRecordedLines: options.maxRecordedLines ?? DEFAULT_MAX_RECORDED_LINES,
    maxRecordedViolations: options.maxRecordedViolations ?? DEFAULT_MAX_RECORDED_VIOLATIONS,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
    onControlRequest: options.onControlRequest,
  };
}
