/**
 * What every provider receives at init, whatever its kind (SPEC §5). The session hands these to
 * the provider; the SDK re-exports them as part of its public surface.
 */
import type { ProtocolVersion } from '../protocol/index.js';
import type { Logger } from './logger.js';

/** A value, or a Promise of it: every provider method may answer either way. */
export type Awaitable<T> = T | PromiseLike<T>;

/** The two kinds of adapter. */
export type AdapterKind = 'data' | 'metadata';

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
