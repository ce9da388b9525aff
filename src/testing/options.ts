/**
 * Options of the proxy simulator, their defaults in one place, and their normalisation.
 */
import type { TlsOptions } from 'node:tls';
import { compareVersions, type Pairs } from '../protocol/index.js';
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
   * Credentials the Remote's `RAC` must carry (Remote authentication). A wrong or missing pair gets
   * `0|CLOSE|S|reason|S|wrong+credentials` (when the `RAC` asked for close packets and the offered
   * version is 1.8.3 or later, as the real Proxy does), then the connection is closed. Needs an
   * offered version of 1.8.2 or later (`RAC` does not exist before).
   * @default undefined (no authentication: any `RAC` is accepted)
   */
  credentials?: { user: string; password: string };
  /**
   * Hold `DPI`/`MPI` back until a `RAC` arrived on every socket. A real Proxy does so only with
   * Remote authentication; without it, it sends the init as soon as the Remote is connected
   * (PROTOCOL.md §3.1), so a Remote must write its `RAC` before it reads anything.
   * @default true when `credentials` is set, else false
   */
  waitForCredentials?: boolean;
  /**
   * `ARI.version` offered in `DPI`/`MPI`; `null` leaves it out, as a Server 7.0 Proxy does.
   * What real Proxies offer: `null` (Server 7.0), `'1.8.2'` (7.1), `'1.8.3'` (7.2), `'1.9.0'`
   * (7.3), `'1.9.1'` (7.4+). Servers before 7.4 need two connections for a Data Adapter; a 7.4+
   * Proxy still accepts two when configured with a notify port, and then offers 1.9.1. Other
   * pairs are allowed on purpose: offering less than 1.9.1 to a single-connection Data Adapter
   * tests its refusal (`DPI|E|Unsupported+Proxy+Adapter+version`, PROTOCOL.md §3.4).
   * @default '1.9.0' for `'data-two-connections'` (Server 7.3), else '1.9.1'
   */
  version?: string | null;
  /**
   * `keepalive_hint.millis` sent in `DPI`/`MPI` (an integer; `<= 0` asks for nothing, as a real
   * Proxy without keepalive timeout sends `-1`); `null` never sends it.
   * @default derived from `keepaliveTimeoutMs` as a real Proxy does (half of it below 4000 ms,
   * else 2000 ms less); not sent when `keepaliveTimeoutMs` is not set
   */
  keepaliveHintMs?: number | null;
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
   * The real Proxy's keepalive timeout, in ms: when nothing arrives on a socket for this long
   * (each socket of a two-connection pair is watched on its own, §6.1), the connection is closed,
   * announced with `0|CLOSE|S|reason|S|keepalive+timeout` where the protocol has `CLOSE` (§6.2).
   * Unless `keepaliveHintMs` is given, the init also carries the hint a real Proxy derives from it.
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
/** Default offered protocol version (Server 7.4+). */
export const DEFAULT_VERSION = '1.9.1';
/** Default offered protocol version of `'data-two-connections'` (Server 7.3). */
export const DEFAULT_TWO_CONNECTION_VERSION = '1.9.0';

/** Options with every default applied. */
export interface ResolvedOptions {
  readonly kind: SimulatorKind;
  readonly host: string;
  readonly port: number;
  readonly notifyPort: number;
  readonly tls: TlsOptions | undefined;
  readonly credentials: { user: string; password: string } | undefined;
  readonly waitForCredentials: boolean;
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

/** The version offered by default to a kind. */
function offeredVersion(options: ProxySimulatorOptions): string | null {
  if (options.version !== undefined) return options.version;
  return options.kind === 'data-two-connections' ? DEFAULT_TWO_CONNECTION_VERSION : DEFAULT_VERSION;
}

/**
 * The hint a real Proxy derives from its keepalive timeout when none is configured (§3.3): half
 * of it below 4 s, else the timeout minus 2 s.
 */
export function derivedKeepaliveHint(keepaliveTimeoutMs: number): number {
  return keepaliveTimeoutMs < 4_000
    ? Math.floor(keepaliveTimeoutMs / 2)
    : keepaliveTimeoutMs - 2_000;
}

function keepaliveHint(options: ProxySimulatorOptions): number | null {
  if (options.keepaliveHintMs !== undefined) return options.keepaliveHintMs;
  const timeout = options.keepaliveTimeoutMs;
  return timeout === undefined ? null : derivedKeepaliveHint(timeout);
}

/** The full init parameter list: version, hint, then the extra parameters (§3.3). */
export function buildInitParams(options: ProxySimulatorOptions): Pairs {
  const extra = toPairs(options.initParams);
  const names = new Set(extra.map(([name]) => name));
  const params: Pairs = [];
  const version = offeredVersion(options);
  if (version !== null && !names.has('ARI.version')) params.push(['ARI.version', version]);
  const hint = keepaliveHint(options);
  if (hint !== null && !names.has('keepalive_hint.millis')) {
    params.push(['keepalive_hint.millis', String(hint)]);
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
  if (options.keepaliveHintMs !== null) {
    checkInteger('keepaliveHintMs', options.keepaliveHintMs, -(2 ** 31), 2 ** 31 - 1);
  }
  const version = options.version;
  if (
    version !== undefined &&
    version !== null &&
    (typeof version !== 'string' || version === '')
  ) {
    throw new SimulatorOptionsError(
      'version',
      `expected a version such as '1.9.1', or null for none, got ${JSON.stringify(version)}`,
    );
  }
  if (options.credentials !== undefined) checkCredentials(options);
}

function checkCredentials(options: ProxySimulatorOptions): void {
  const { user, password } = options.credentials ?? {};
  if (typeof user !== 'string' || typeof password !== 'string') {
    throw new SimulatorOptionsError('credentials', 'expected { user: string, password: string }');
  }
  const version = offeredVersion(options);
  if (version === null || compareVersions(version, '1.8.2') < 0) {
    throw new SimulatorOptionsError(
      'credentials',
      `a Proxy offering ${version ?? 'no version (Server 7.0)'} has no Remote authentication (RAC exists since 1.8.2): drop credentials or offer 1.8.2 or later`,
    );
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
    waitForCredentials: options.waitForCredentials ?? options.credentials !== undefined,
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
