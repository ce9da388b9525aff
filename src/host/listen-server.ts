/**
 * Inverted connection mode (SPEC §5 `listen`, PROTOCOL.md §1.1): the host listens and the Proxy
 * Adapter dials it. Every accepted connection is a protocol session of its own, with its own
 * provider instance; a connection that ends ends that session only, and the port keeps
 * accepting.
 *
 * Readiness: the listener is one entry of `/readyz`, `connecting` while it listens with no
 * session up, `connected` while at least one session completed its handshake, `stopped` once
 * closed. The Proxy Adapter retries on its own schedule, so there is no backoff here.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { resolveTlsOptions, toTlsServerOptions } from '../transport/tls-options.js';
import type { AdapterRuntime, ProjectContext } from './adapter-runtime.js';
import type { ConnectionStatus } from './connection-status.js';
import { describeFailure, ProviderSession } from './provider-session.js';
import { hostPort, type ListenTarget } from './resolve-adapter.js';
import type { SessionEnd } from './supervisor.js';

/** The listen address cannot be bound. */
export class ListenError extends Error {
  override name = 'ListenError';
  /** The address asked, `host:port`. */
  readonly address: string;

  constructor(adapter: string, address: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Adapter "${adapter}" cannot listen on ${address}: ${reason}. Choose another ` +
        `adapters.${adapter}.listen.port, or stop what uses it`,
      { cause },
    );
    this.address = address;
  }
}

/** Accepts Proxy Adapter connections for one adapter. */
export class ListenServer {
  readonly #runtime: AdapterRuntime;
  readonly #project: ProjectContext;
  readonly #target: ListenTarget;
  readonly #makeStatus: (label: string) => ConnectionStatus;
  #status: ConnectionStatus | undefined;
  readonly #sessions = new Set<ProviderSession>();
  /** Sessions past their handshake. */
  readonly #connected = new Set<ProviderSession>();
  readonly #finished = new Set<Promise<void>>();
  #server: Server | undefined;
  #stopping = false;
  #port: number;

  /**
   * @param makeStatus - creates the listener's `/readyz` entry, which it then drives; called
   *   once bound, with the address actually listened on.
   */
  constructor(
    runtime: AdapterRuntime,
    project: ProjectContext,
    target: ListenTarget,
    makeStatus: (label: string) => ConnectionStatus,
  ) {
    this.#runtime = runtime;
    this.#project = project;
    this.#target = target;
    this.#makeStatus = makeStatus;
    this.#port = target.port;
  }

  /** The port listened on (the actual one when 0 was configured). */
  get port(): number {
    return this.#port;
  }

  /** The address listened on, `host:port`. */
  get address(): string {
    return hostPort(this.#target.host, this.#port);
  }

  /** Sessions open now (handshaking or connected). */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** The SDK servers of the open sessions. */
  servers(): Array<NonNullable<ProviderSession['server']>> {
    return [...this.#sessions].flatMap((session) => (session.server ? [session.server] : []));
  }

  /**
   * Binds the address and starts accepting.
   *
   * @throws {ListenError} when the address cannot be bound.
   * @throws {TlsOptionsError} when the TLS files cannot be used.
   */
  async start(): Promise<void> {
    const onSocket = (socket: Socket): void => this.#accept(socket);
    const resolved = await resolveTlsOptions(this.#target.tls, {
      baseDir: this.#project.configDir,
    });
    const server =
      resolved === null
        ? createNetServer(onSocket)
        : createTlsServer(toTlsServerOptions(resolved), onSocket).on('tlsClientError', (error) =>
            this.#runtime.logger.warn(
              { err: error },
              `TLS handshake with a connecting peer failed: ${error.message}`,
            ),
          );
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(new ListenError(this.#runtime.name, this.#target.label, error)),
      );
      server.listen(this.#target.port, this.#target.host, () => resolve());
    });
    server.on('error', (error) =>
      this.#runtime.logger.error({ err: error }, `Listener error: ${error.message}`),
    );
    const address = server.address();
    if (address !== null && typeof address === 'object') this.#port = address.port;
    this.#runtime.logger.info(
      { listen: this.address },
      `Listening for Proxy Adapter connections on ${this.address}`,
    );
    this.#status = this.#makeStatus(this.address);
    this.#status.set('connecting', { reason: `listening on ${this.address}` });
  }

  /** Stops accepting, ends every session and retires its instance. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const server = this.#server;
    const closed =
      server === undefined
        ? Promise.resolve()
        : new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...this.#sessions].map((session) => session.close()));
    await Promise.all([...this.#finished, closed]);
    this.#status?.set('stopped', { reason: 'stopped' });
  }

  #accept(socket: Socket): void {
    if (this.#stopping) {
      socket.destroy();
      return;
    }
    const peer = hostPort(socket.remoteAddress ?? 'unknown', socket.remotePort ?? 0);
    const session = new ProviderSession(
      this.#runtime,
      this.#project,
      {
        label: peer,
        host: socket.remoteAddress ?? 'unknown',
        port: socket.remotePort ?? 0,
        credentials: this.#target.credentials,
        keepaliveMs: this.#target.keepaliveMs,
        socket,
      },
      { connected: () => undefined },
    );
    this.#sessions.add(session);
    this.#runtime.logger.info({ peer }, `Proxy Adapter connected from ${peer}`);
    const finished = this.#serve(session, peer);
    this.#finished.add(finished);
    void finished.finally(() => this.#finished.delete(finished));
  }

  async #serve(session: ProviderSession, peer: string): Promise<void> {
    let end: SessionEnd;
    try {
      await session.start();
      this.#connected.add(session);
      this.#updateStatus();
      end = await session.ended;
    } catch (error) {
      end = describeFailure(error);
    }
    await session.close();
    if (!this.#stopping) {
      this.#runtime.logger[end.severity](
        { peer, err: end.error },
        `Session with ${peer} ended: ${end.reason}`,
      );
    }
    this.#connected.delete(session);
    this.#updateStatus();
    await session.retire();
    this.#sessions.delete(session);
  }

  #updateStatus(): void {
    if (this.#stopping) return;
    const count = this.#connected.size;
    this.#status?.set(count > 0 ? 'connected' : 'connecting', {
      reason: `${count} session${count === 1 ? '' : 's'} on ${this.address}`,
    });
  }
}
