/**
 * Types shared by the SDK's public surface (SPEC §3, §5): field values, init parameters and
 * context, diff-algorithm declarations.
 */
import type { DiffAlgorithm, FieldValue, ProtocolVersion } from '../protocol/index.js';
import type { Logger } from './logger.js';

export type { DiffAlgorithm, FieldValue, ProtocolVersion };

/** A value, or a Promise of it: every provider method may answer either way. */
export type Awaitable<T> = T | PromiseLike<T>;

/** The two kinds of adapter. */
export type AdapterKind = 'data' | 'metadata';

/**
 * The fields of one update: name → value (SPEC §3). A field whose value is `undefined` is left out
 * of the update; `null` is sent as null.
 */
export type ItemFields = Readonly<Record<string, FieldValue>>;

/**
 * Diff algorithms to try per field, in preference order (`declareFieldDiffOrder`): `null` adds no
 * information, `[]` forbids every algorithm.
 */
export type FieldDiffOrder = Readonly<Record<string, readonly DiffAlgorithm[] | null>>;

/**
 * Parameters `init` receives: those the Proxy Adapter forwards (minus `ARI.version` and
 * `keepalive_hint.millis`), with the locally configured ones merged over them (a local value wins).
 */
export type InitParams = Readonly<Record<string, string>>;

/** What `init` receives besides the parameters (SPEC §5). */
export interface InitContext {
  /** The adapter's name (its key in the config file, or the server's `name` option). */
  readonly name: string;
  /** Whether the adapter is a Data or a Metadata Adapter. */
  readonly kind: AdapterKind;
  /** The adapter's logger. */
  readonly logger: Logger;
  /** The ARI protocol version negotiated with the Proxy Adapter, e.g. `'1.9.1'`. */
  readonly protocolVersion: ProtocolVersion;
  /** Path of the host's config file, when run by the host. */
  readonly configPath?: string;
  /** Identity of the Robust Proxy instance, when the Proxy sends it. */
  readonly 'proxy.instance_id'?: string;
  /** Identity of the Server instance, when the Proxy sends it. */
  readonly 'server.instance_id'?: string;
  /** Extra fields given with the server's `context` option. */
  readonly [key: string]: unknown;
}
