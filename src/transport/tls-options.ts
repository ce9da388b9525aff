/**
 * TLS settings as users write them (SPEC §5: `true`, or `{ ca, cert, key, servername,
 * rejectUnauthorized }`) and their resolution into the PEM strings Node's `tls` module takes.
 *
 * `ca`, `cert` and `key` are either PEM text or a path to a PEM file. Files are read once, at
 * resolution time, so a missing file is reported before any connection attempt.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { ConnectionOptions, TlsOptions as NodeTlsServerOptions } from 'node:tls';
import { type TlsOptionName, TlsOptionsError } from './errors.js';

/** TLS settings given as an object. */
export interface TlsSettings {
  /**
   * Trusted CA certificate(s): PEM text or a path to a PEM file. Replaces the system CAs.
   * @default the system CA store
   */
  ca?: string;
  /**
   * Certificate to present (client certificate when dialling, server certificate when
   * listening): PEM text or a path to a PEM file.
   * @default none
   */
  cert?: string;
  /**
   * Private key of `cert`: PEM text or a path to a PEM file.
   * @default none
   */
  key?: string;
  /**
   * Name to send in SNI and to verify the server certificate against.
   * @default the dialled host, unless it is an IP address
   */
  servername?: string;
  /**
   * Verify the peer certificate against the CAs; `false` accepts any certificate (tests only).
   * @default true
   */
  rejectUnauthorized?: boolean;
}

/** TLS configuration: `false` = plain TCP, `true` = TLS with default verification, or settings. */
export type TlsOptions = boolean | TlsSettings;

/** {@link TlsSettings} with every file read: what the `tls` module is given. */
export interface ResolvedTlsOptions {
  /** Trusted CA PEM text, when configured. */
  ca?: string;
  /** Certificate PEM text, when configured. */
  cert?: string;
  /** Private key PEM text, when configured. */
  key?: string;
  /** SNI / verification name, when configured. */
  servername?: string;
  /** Whether the peer certificate must verify. */
  rejectUnauthorized: boolean;
}

/** Options of {@link resolveTlsOptions}. */
export interface ResolveTlsOptionsOptions {
  /**
   * Directory that relative file paths are resolved against (the config file's directory).
   * @default process.cwd()
   */
  baseDir?: string;
}

const PEM_MARKER = '-----BEGIN';

/** Whether a string is PEM text rather than a file path. */
export function isPem(value: string): boolean {
  return value.trimStart().startsWith(PEM_MARKER);
}

/**
 * Resolves user TLS settings: returns `null` for plain TCP (`false` or `undefined`), otherwise
 * the settings with `ca`/`cert`/`key` file paths replaced by the files' PEM text.
 *
 * @throws {TlsOptionsError} when a file cannot be read or holds no PEM block, or when only one
 *   of `cert`/`key` is given.
 */
export async function resolveTlsOptions(
  tls: TlsOptions | undefined,
  options: ResolveTlsOptionsOptions = {},
): Promise<ResolvedTlsOptions | null> {
  if (tls === undefined || tls === false) return null;
  if (tls === true) return { rejectUnauthorized: true };
  const baseDir = options.baseDir ?? process.cwd();
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    const missing = tls.cert === undefined ? 'cert' : 'key';
    throw new TlsOptionsError(missing, `missing: "cert" and "key" must be given together`);
  }
  const resolved: ResolvedTlsOptions = { rejectUnauthorized: tls.rejectUnauthorized ?? true };
  if (tls.ca !== undefined) resolved.ca = await loadPem('ca', tls.ca, baseDir);
  if (tls.cert !== undefined) resolved.cert = await loadPem('cert', tls.cert, baseDir);
  if (tls.key !== undefined) resolved.key = await loadPem('key', tls.key, baseDir);
  if (tls.servername !== undefined) resolved.servername = tls.servername;
  return resolved;
}

/** Maps resolved options onto `tls.connect()` options for dialling `host`. */
export function toTlsConnectOptions(resolved: ResolvedTlsOptions): ConnectionOptions {
  const out: ConnectionOptions = { rejectUnauthorized: resolved.rejectUnauthorized };
  if (resolved.ca !== undefined) out.ca = resolved.ca;
  if (resolved.cert !== undefined) out.cert = resolved.cert;
  if (resolved.key !== undefined) out.key = resolved.key;
  // Left unset, Node uses the host name (never an IP address) for SNI and verification.
  if (resolved.servername !== undefined) out.servername = resolved.servername;
  return out;
}

/**
 * Maps resolved options onto `tls.createServer()` options for the listening side (inverted
 * connection mode). `cert` and `key` are required. When a `ca` is given, connecting peers must
 * present a client certificate signed by it (unless `rejectUnauthorized` is `false`).
 *
 * @throws {TlsOptionsError} when `cert` or `key` is missing.
 */
export function toTlsServerOptions(resolved: ResolvedTlsOptions): NodeTlsServerOptions {
  if (resolved.cert === undefined || resolved.key === undefined) {
    throw new TlsOptionsError(
      resolved.cert === undefined ? 'cert' : 'key',
      'missing: accepting TLS connections needs the server certificate ("cert") and its key ("key")',
    );
  }
  const out: NodeTlsServerOptions = { cert: resolved.cert, key: resolved.key };
  if (resolved.ca !== undefined) {
    out.ca = resolved.ca;
    out.requestCert = true;
    out.rejectUnauthorized = resolved.rejectUnauthorized;
  }
  return out;
}

async function loadPem(option: TlsOptionName, value: string, baseDir: string): Promise<string> {
  if (isPem(value)) return value;
  const path = resolvePath(baseDir, value);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new TlsOptionsError(
      option,
      `cannot read file ${path} (${why}); give a readable PEM file path or the PEM text itself`,
      { path, cause: error },
    );
  }
  if (!text.includes(PEM_MARKER)) {
    throw new TlsOptionsError(
      option,
      `file ${path} holds no PEM block (no "${PEM_MARKER}" line); convert it to PEM`,
      { path },
    );
  }
  return text;
}
