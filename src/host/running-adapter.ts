/**
 * The connections of one running adapter: a {@link Supervisor} per server it dials, or a
 * {@link ListenServer} in `listen` mode; their statuses, and their metrics registrations.
 */
import { DataProviderServer } from '../sdk/data-provider-server.js';
import type { MetadataProviderServer } from '../sdk/metadata-provider-server.js';
import type { AdapterRuntime, ProjectContext } from './adapter-runtime.js';
import { isClassExport } from './adapter-shape.js';
import { type ConnectionState, ConnectionStatus } from './connection-status.js';
import { ListenServer } from './listen-server.js';
import type { ConnectionSnapshot } from './metrics.js';
import { describeFailure, ProviderSession } from './provider-session.js';
import type { ServerTarget } from './resolve-adapter.js';
import { Supervisor } from './supervisor.js';

/** What a running adapter reports to its host. */
export interface RunningAdapterEvents {
  /** A connection changed state. */
  status(state: ConnectionState): void;
  /** A connection stopped for good (retries exhausted). */
  gaveUp(): void;
}

/** One dialled connection. */
interface Dialled {
  readonly status: ConnectionStatus;
  readonly supervisor: Supervisor;
  /** The session of the current attempt. */
  session: ProviderSession | undefined;
}

/** A running adapter's connections. */
export class RunningAdapter {
  /** The adapter. */
  readonly runtime: AdapterRuntime;
  readonly #project: ProjectContext;
  readonly #events: RunningAdapterEvents;
  readonly #dialled: Dialled[] = [];
  #listener: { server: ListenServer; status: ConnectionStatus } | undefined;
  readonly #unregister: Array<() => void> = [];
  #stopping: Promise<void> | undefined;

  constructor(runtime: AdapterRuntime, project: ProjectContext, events: RunningAdapterEvents) {
    this.runtime = runtime;
    this.#project = project;
    this.#events = events;
  }

  /** The port a `listen` adapter listens on (the actual one when 0 was configured). */
  get listenPort(): number | undefined {
    return this.#listener?.server.port;
  }

  /** Each connection with its state. */
  states(): ConnectionState[] {
    const statuses = this.#dialled.map((d) => d.status);
    if (this.#listener !== undefined) statuses.push(this.#listener.status);
    return statuses.map((status) => status.snapshot());
  }

  /** Whether every connection has been connected at least once. */
  everConnected(): boolean {
    const statuses = this.#dialled.map((d) => d.status);
    if (this.#listener !== undefined) statuses.push(this.#listener.status);
    return statuses.length > 0 && statuses.every((status) => status.everConnected);
  }

  /** Starts the supervisors, or binds the listener (rejects when it cannot bind). */
  async start(): Promise<void> {
    const { targets } = this.runtime.definition;
    if (targets.mode === 'connect') {
      for (const target of targets.servers) this.#dial(target);
      return;
    }
    if (!isClassExport(this.runtime.definition.module.exported)) {
      this.runtime.logger.warn(
        'The module exports an object, which serves one connection at a time: a second Proxy ' +
          'Adapter connecting at once will be refused. Export a class to serve several',
      );
    }
    let status: ConnectionStatus | undefined;
    const server = new ListenServer(this.runtime, this.#project, targets.listen, (label) => {
      status = this.#status(label);
      return status;
    });
    await server.start();
    this.#listener = { server, status: status as ConnectionStatus };
    // Stopped while binding: the stop did not see this listener.
    if (this.#stopping !== undefined) await server.stop();
    this.#registerMetrics(server.address, () => server.servers());
  }

  /** Stops every connection and retires every instance. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.all([
        ...this.#dialled.map((d) => d.supervisor.stop()),
        this.#listener?.server.stop(),
      ]);
      for (const unregister of this.#unregister) unregister();
    })();
    return this.#stopping;
  }

  #dial(target: ServerTarget): void {
    const status = this.#status(target.label);
    const dialled: Dialled = {
      status,
      session: undefined,
      supervisor: new Supervisor({
        status,
        open: (hooks) => {
          const session = new ProviderSession(this.runtime, this.#project, target, hooks);
          dialled.session = session;
          return session;
        },
        describeFailure,
        reconnect: this.#project.config.reconnect,
        logger: this.runtime.logger,
        onGiveUp: () => this.#events.gaveUp(),
      }),
    };
    this.#dialled.push(dialled);
    this.#registerMetrics(target.label, () =>
      dialled.session?.server ? [dialled.session.server] : [],
    );
    dialled.supervisor.start();
  }

  #status(label: string): ConnectionStatus {
    // The root logger: the status names adapter and server in each record itself.
    const status = new ConnectionStatus(
      { adapter: this.runtime.name, kind: this.runtime.kind, server: label },
      this.#project.logger,
    );
    const metrics = this.#project.metrics;
    status.on('status', (state, change) => {
      if (metrics !== undefined && change.from === 'backoff' && change.to === 'connecting') {
        metrics.recordReconnect(this.runtime.name, label);
      }
      this.#events.status(state);
    });
    return status;
  }

  #registerMetrics(
    label: string,
    servers: () => Array<DataProviderServer | MetadataProviderServer>,
  ): void {
    const metrics = this.#project.metrics;
    if (metrics === undefined) return;
    const snapshot = (): ConnectionSnapshot => {
      const live = servers();
      let updatesSent = 0;
      let bytesSent = 0;
      let queuedBytes = 0;
      let activeItems = 0;
      for (const server of live) {
        bytesSent += server.bytesWritten;
        queuedBytes += server.queuedBytes;
        if (server instanceof DataProviderServer) {
          updatesSent += server.counters.updates;
          activeItems += server.activeItems().length;
        }
      }
      const up = live.some((server) => server.status === 'connected');
      return { up, updatesSent, bytesSent, queuedBytes, activeItems };
    };
    this.#unregister.push(metrics.registerConnection(this.runtime.name, label, snapshot));
  }
}
