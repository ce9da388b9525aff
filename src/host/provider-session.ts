/**
 * One protocol session of an adapter, as the supervisor and the listener drive it: an SDK
 * server (`DataProviderServer` / `MetadataProviderServer`) on a fresh provider instance, its end
 * described for the logs, and the retirement of its instance when it is over (unsubscribe every
 * active item, then `close()`). While connected it is a {@link LiveSession} of its adapter, so
 * that a reload swaps the new module version in.
 */
import type { Socket } from 'node:net';
import { DataProviderServer } from '../sdk/data-provider-server.js';
import { MetadataProviderServer } from '../sdk/metadata-provider-server.js';
import { type CloseInfo, ServerClosedError } from '../sdk/provider-server.js';
import type { ServerOptions } from '../sdk/server-options.js';
import { CloseRequestedError, InitError } from '../session/handshake.js';
import { ConnectError } from '../transport/errors.js';
import {
  type AdapterRuntime,
  type Lease,
  type LiveSession,
  metadataProviderOf,
  OneConnectionOnlyError,
  type ProjectContext,
} from './adapter-runtime.js';
import type { Credentials, TlsSetting } from './config-schema.js';
import { dataProviderFor, MetadataSlot } from './provider-slot.js';
import type { SessionEnd, SessionHooks, SupervisedSession } from './supervisor.js';

/** Where a session connects (or, with `socket`, the connection it was given). */
export interface SessionTarget {
  /** `host:port`, for logs. */
  readonly label: string;
  readonly host: string;
  readonly port: number;
  readonly notifyPort?: number | undefined;
  readonly tls?: TlsSetting | undefined;
  readonly credentials?: Credentials | undefined;
  readonly keepaliveMs?: number | undefined;
  /** An accepted socket (listen mode): no dialling. */
  readonly socket?: Socket | undefined;
}

/**
 * Bound on unsubscribing every item of a session that ended: 2 s. Short enough that, when an
 * `unsubscribe` hangs during a shutdown, the instance's `close()` still runs within the stop's
 * deadline (`SHUTDOWN_DEADLINE_MS`).
 */
export const UNSUBSCRIBE_ALL_TIMEOUT_MS = 2_000;

type Server = DataProviderServer | MetadataProviderServer;

/** A session of one adapter on one connection. */
export class ProviderSession implements SupervisedSession, LiveSession {
  readonly #runtime: AdapterRuntime;
  readonly #project: ProjectContext;
  readonly #target: SessionTarget;
  readonly #hooks: SessionHooks;
  #server: Server | undefined;
  #lease: Lease | undefined;
  #slot: MetadataSlot | undefined;
  #replacing: Promise<void> = Promise.resolve();
  #retired = false;

  constructor(
    runtime: AdapterRuntime,
    project: ProjectContext,
    target: SessionTarget,
    hooks: SessionHooks,
  ) {
    this.#runtime = runtime;
    this.#project = project;
    this.#target = target;
    this.#hooks = hooks;
  }

  /** The module version of the instance serving now. */
  get version(): number {
    return this.#lease?.version ?? 0;
  }

  /** The SDK server, once started. */
  get server(): Server | undefined {
    return this.#server;
  }

  get ended(): Promise<SessionEnd> {
    if (this.#server === undefined) return Promise.resolve(STOPPED);
    return this.#server.closed.then(describeEnd);
  }

  async start(): Promise<void> {
    const lease = this.#runtime.acquire();
    this.#lease = lease;
    const server = this.#createServer(lease.instance);
    this.#server = server;
    server.on('status', (status) => {
      if (status === 'handshaking') this.#hooks.connected();
    });
    server.on('close', () => this.#runtime.unregister(this));
    try {
      await server.start();
    } catch (error) {
      // After a refused init the connection stays open until the Proxy ends it (PROTOCOL.md §3.5).
      if (error instanceof InitError) await server.closed;
      throw error;
    }
    this.#runtime.register(this);
    if (lease.version !== this.#runtime.version) this.#catchUp();
  }

  close(): Promise<void> {
    if (this.#server !== undefined) return this.#server.close();
    // Refused before a server took the accepted socket (listen mode): end it here.
    this.#target.socket?.destroy();
    return Promise.resolve();
  }

  replace(lease: Lease): Promise<void> {
    const run = this.#replacing.then(() => this.#replace(lease));
    this.#replacing = run.catch(() => undefined);
    return run;
  }

  async retire(): Promise<void> {
    this.#retired = true;
    this.#runtime.unregister(this);
    await this.#replacing;
    const server = this.#server;
    if (server instanceof DataProviderServer)
      await server.unsubscribeAll(UNSUBSCRIBE_ALL_TIMEOUT_MS);
    const lease = this.#lease;
    if (lease === undefined) return;
    await this.#runtime.closeInstance(lease.instance);
    this.#runtime.release(lease.instance);
  }

  /** A reload that finished while this session was handshaking did not reach it: do it now. */
  #catchUp(): void {
    const failed = (error: unknown): void =>
      this.#runtime.logger.error(
        { err: error },
        `Putting the reloaded version on a new connection failed: ${String(error)}`,
      );
    try {
      this.replace(this.#runtime.acquire()).catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  async #replace(lease: Lease): Promise<void> {
    const server = this.#server;
    const old = this.#lease;
    try {
      if (this.#retired || server === undefined) throw new Error('the connection has ended');
      if (server instanceof DataProviderServer) {
        await server.swapProvider(dataProviderFor(lease.instance, this.#runtime.record));
      } else {
        await this.#slot?.replace(metadataProviderOf(lease.instance));
      }
    } catch (error) {
      await this.#runtime.closeInstance(lease.instance);
      this.#runtime.release(lease.instance);
      throw error;
    }
    this.#lease = lease;
    if (old !== undefined && old.instance !== lease.instance) {
      await this.#runtime.closeInstance(old.instance);
      this.#runtime.release(old.instance);
    }
  }

  #createServer(instance: object): Server {
    const runtime = this.#runtime;
    const target = this.#target;
    const { adapter } = runtime.definition;
    const options: ServerOptions = {
      host: target.host,
      port: target.port,
      notifyPort: target.notifyPort,
      tls: target.tls,
      credentials: target.credentials,
      keepaliveMs: target.keepaliveMs,
      name: runtime.name,
      logger: runtime.logger.child({ server: target.label }),
      params: adapter.params,
      context: { configPath: this.#project.configPath },
      baseDir: this.#project.configDir,
      socket: target.socket,
    };
    if (runtime.kind === 'data') {
      return new DataProviderServer(dataProviderFor(instance, runtime.record), options);
    }
    this.#slot = new MetadataSlot(metadataProviderOf(instance), runtime.record);
    return new MetadataProviderServer(this.#slot.provider, options);
  }
}

const STOPPED: SessionEnd = { reason: 'stopped', severity: 'warn' };

/** Describes how an established connection ended. */
export function describeEnd(info: CloseInfo): SessionEnd {
  if (info.error === undefined) return { reason: 'closed', severity: 'warn' };
  return describeFailure(info.error);
}

/**
 * Describes why a connection could not be established or served. The Proxy refusing the
 * credentials, a refused init and a plain-object export already in use need the user's
 * attention (`error`); network failures are `warn`.
 */
export function describeFailure(error: unknown): SessionEnd {
  if (error instanceof CloseRequestedError) {
    const severity = error.reason === 'wrong credentials' ? 'error' : 'warn';
    const reason =
      error.reason === 'wrong credentials'
        ? `the Proxy Adapter refused the credentials: check "credentials" (user and password) in the config against the Proxy Adapter's configuration`
        : error.message;
    return { reason, severity, error };
  }
  if (error instanceof InitError || error instanceof OneConnectionOnlyError) {
    return { reason: error.message, severity: 'error', error };
  }
  if (error instanceof ServerClosedError) return STOPPED;
  if (error instanceof ConnectError) return { reason: error.message, severity: 'warn' };
  const message = error instanceof Error ? error.message : String(error);
  return { reason: message, severity: 'warn', error };
}
