/**
 * The handshake of one ARI connection (PROTOCOL.md §3, §6.2): the `RAC` line, version
 * negotiation and the init request with its parameters and reply, and the errors that end a
 * handshake (`CLOSE` with its reason, a failed init). `session-core.ts` applies these rules to
 * the lines of a connection.
 */

import { errorReplyFor, messageOf } from '../protocol/error-mapping.js';
import {
  type AdapterRole,
  type Dialect,
  dialectOf,
  encodeCredentials,
  encodeErrorReply,
  encodeInitReply,
  type InitRequest,
  negotiateVersion,
  type Pairs,
  type ProtocolVersion,
  RAC_ID,
} from '../protocol/index.js';
import type { KeepaliveInitInfo } from './keepalive.js';

/** Init parameters the SDK consumes instead of passing them to `init` (§3.3). */
const RESERVED_PARAMS = new Set(['ARI.version', 'keepalive_hint.millis']);
/** Identity parameters copied into the init context when the Proxy sends them (SPEC §5). */
const IDENTITY_PARAMS = ['proxy.instance_id', 'server.instance_id'] as const;

/** What a Proxy may add as hint to a `CLOSE` reason, to say what to fix. */
const CLOSE_HINTS: Record<string, string> = {
  'wrong credentials':
    'check credentials.user and credentials.password against the Proxy Adapter configuration',
  'keepalive timeout':
    'the Proxy Adapter saw no line within its keepalive timeout: lower keepaliveMs or check the network',
};

/**
 * The Proxy Adapter announced that it closes the connection (`0|CLOSE|S|reason|S|…`, §6.2).
 * {@link CloseRequestedError.reason} is the decoded reason (null when none was given).
 */
export class CloseRequestedError extends Error {
  override name = 'CloseRequestedError';
  /** The reason the Proxy gave, e.g. `wrong credentials`, `keepalive timeout`. */
  readonly reason: string | null;

  constructor(reason: string | null) {
    const hint = reason === null ? undefined : CLOSE_HINTS[reason];
    super(
      `Close requested by the Proxy Adapter with reason: ${reason ?? '(none)'}` +
        (hint === undefined ? '' : ` (${hint})`),
    );
    this.reason = reason;
  }
}

/** Why an init failed. */
export type InitFailureKind = 'version-refused' | 'provider-failed';

/**
 * The init request (`DPI`/`MPI`) was answered with an error: the Proxy's protocol version was
 * refused, or the provider's `init` threw (its error is the `cause`).
 */
export class InitError extends Error {
  override name = 'InitError';
  /** Which of the two failures happened. */
  readonly kind: InitFailureKind;
  /** The `ARI.version` the Proxy offered (null when absent). */
  readonly offeredVersion: string | null;

  constructor(
    kind: InitFailureKind,
    offeredVersion: string | null,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      kind === 'version-refused'
        ? `Init refused: ${detail} (the Proxy Adapter offered protocol ${offeredVersion ?? '1.8.0'}; ` +
            'a single-connection Data Adapter needs Server 7.4+, use notifyPort for Server 7.0-7.3)'
        : `The provider's init failed: ${detail}`,
      options,
    );
    this.kind = kind;
    this.offeredVersion = offeredVersion;
  }
}

/** The `RAC` parameters in the canonical order `user`, `password`, `enableClosePacket`, `SDK` (§3.2). */
export function credentialPairs(
  credentials: { user?: string; password?: string } | undefined,
  sdkName: string | null,
): Pairs {
  const pairs: Pairs = [];
  // "Set" means a string: a null from untyped JavaScript leaves the pair out like undefined.
  if (credentials?.user != null) pairs.push(['user', credentials.user]);
  if (credentials?.password != null) pairs.push(['password', credentials.password]);
  pairs.push(['enableClosePacket', 'true']);
  if (sdkName !== null) pairs.push(['SDK', sdkName]);
  return pairs;
}

/** The `RAC` line: id `1` on the request/reply connection, `<ts>` (digits) on a notify one. */
export function credentialsLine(pairs: Pairs, connection: 'request-reply' | 'notify'): string {
  return encodeCredentials(pairs, connection === 'notify' ? String(Date.now()) : RAC_ID);
}

/** Last value of a parameter, or undefined when absent. */
function paramOf(params: Pairs, name: string): string | null | undefined {
  let found: string | null | undefined;
  for (const [key, value] of params) if (key === name) found = value;
  return found;
}

/**
 * The parameters `init` receives (§3.3): the received ones minus `ARI.version` and
 * `keepalive_hint.millis` (nothing removed at 1.8.0), with `local` merged over them.
 * A received null value is dropped (the parameter map holds strings).
 */
export function initParamsOf(
  received: Pairs,
  local: Readonly<Record<string, string>>,
  version: ProtocolVersion,
): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  for (const [name, value] of received) {
    if (value === null || (version !== '1.8.0' && RESERVED_PARAMS.has(name))) continue;
    params[name] = value;
  }
  for (const name of Object.keys(local)) params[name] = local[name] as string;
  return params;
}

/** The keepalive facts of an init request (§6.1): the hint, or the "old Proxy" case. */
export function keepaliveInfoOf(
  received: Pairs,
  accepted: ProtocolVersion | null,
): KeepaliveInitInfo {
  if (accepted === null || accepted === '1.8.0') return { oldProxy: true };
  const hint = paramOf(received, 'keepalive_hint.millis');
  const hintMs = hint === null || hint === undefined ? Number.NaN : Number(hint);
  return Number.isFinite(hintMs) ? { hintMs } : {};
}

/** The result of an init request, reported to the server. */
export type InitOutcome =
  | { ok: true; version: ProtocolVersion; dialect: Dialect; keepalive: KeepaliveInitInfo }
  | { ok: false; error: InitError; keepalive: KeepaliveInitInfo };

/** What the handshake needs from the rest of the session. */
export interface InitDeps {
  /** Which column of the negotiation table applies (§3.4). */
  role: AdapterRole;
  /** Locally configured parameters (they win over forwarded ones). */
  localParams: Readonly<Record<string, string>>;
  /** Base init context (`name`, `kind`, `logger`, …); version and instance ids are added. */
  context: Readonly<Record<string, unknown>>;
  /**
   * Calls the provider's `init`, then hands it its listener. May throw or reject. `dialect` is
   * the negotiated codec settings (the context carries its version too).
   */
  initProvider(
    params: Record<string, string>,
    context: Record<string, unknown>,
    dialect: Dialect,
  ): unknown;
}

/** Runs one init request; never rejects. Returns the reply line to write and the outcome. */
export async function runInit(
  request: InitRequest,
  deps: InitDeps,
): Promise<{ reply: string; outcome: InitOutcome }> {
  const { method, id, params: received } = request;
  const offered = paramOf(received, 'ARI.version') ?? null;
  const negotiation = negotiateVersion(offered, deps.role);
  if (!negotiation.ok) {
    const error = new InitError('version-refused', offered, negotiation.message);
    const reply = encodeErrorReply(method, id, { tag: 'E', message: negotiation.message }, 'old');
    return { reply, outcome: { ok: false, error, keepalive: keepaliveInfoOf(received, null) } };
  }
  const { version } = negotiation;
  const keepalive = keepaliveInfoOf(received, version);
  const context: Record<string, unknown> = { ...deps.context, protocolVersion: version };
  for (const name of IDENTITY_PARAMS) {
    const value = paramOf(received, name);
    if (typeof value === 'string') context[name] = value;
  }
  try {
    const params = initParamsOf(received, deps.localParams, version);
    await deps.initProvider(params, context, dialectOf(version));
  } catch (cause) {
    const error = new InitError('provider-failed', offered, messageOf(cause), { cause });
    // The reply of an init is old-encoded whatever the version (§2.5).
    const reply = encodeErrorReply(method, id, errorReplyFor(cause, method, false), 'old');
    return { reply, outcome: { ok: false, error, keepalive } };
  }
  const reply = encodeInitReply(method, id, negotiation.replyWithVersion ? version : null);
  return { reply, outcome: { ok: true, version, dialect: dialectOf(version), keepalive } };
}
