/**
 * The host (SPEC §6): loads every adapter of a config, keeps each connected (a supervised
 * connection per adapter × server, or a listener in `listen` mode), reports their states,
 * reloads edited modules when watching, and stops within a deadline.
 *
 * Adapter management (add, remove, restart) is here; finding out *what* changed on disk, and
 * what to do about it, is the reloader's job (`reloader.ts`, `reload-actions.ts`), which calls
 * back into {@link Host.addAdapter}, {@link Host.removeAdapter}, {@link Host.restartAdapter}.
 */
import { EventEmitter } from 'node:events';
import { type AdapterDefinition, AdapterRuntime, type ProjectContext } from './adapter-runtime.js';
import type { LsAdapterConfig } from './config-schema.js';
import type { ConnectionState } from './connection-status.js';
import { loadProject } from './load-project.js';
import type { HostLogger } from './logger.js';
import type { HostMetrics } from './metrics.js';
import { Reloader } from './reloader.js';
import { RunningAdapter } from './running-adapter.js';

/** Options of {@link Host.create}. */
export interface HostOptions {
  /** The validated config. */
  config: LsAdapterConfig;
  /** Absolute path of the config file. */
  configPath: string;
  /** Its directory. */
  configDir: string;
  /** The root logger (pino). */
  logger: HostLogger;
  /**
   * Metrics to feed.
   * @default none
   */
  metrics?: HostMetrics | undefined;
  /**
   * Watch modules, `adaptersDir` and the config file, and reload on change; `undefined` follows
   * the config's `hotReload`.
   * @default config.hotReload
   */
  watch?: boolean | undefined;
}

/** Events of a {@link Host}. */
export interface HostEvents {
  /** A connection changed state. */
  status: [state: ConnectionState];
  /** Every connection has been connected at least once (emitted once). */
  ready: [];
  /** Every connection stopped for good (retries exhausted): the host cannot serve anything. */
  failed: [error: Error];
  /** {@link Host.stop} finished. */
  stopped: [];
}

/**
 * Default bound of {@link Host.stop}: 4 s, so that a process that stops its host on a signal
 * exits within the 5 s of SPEC §6 "Shutdown" (see `SHUTDOWN_DEADLINE_MS`).
 */
export const DEFAULT_STOP_DEADLINE_MS = 4_000;

/** Runs the adapters of one config. */
export class Host extends EventEmitter<HostEvents> {
  readonly #project: { -readonly [K in keyof ProjectContext]: ProjectContext[K] };
  readonly #watch: boolean;
  readonly #adapters = new Map<string, RunningAdapter>();
  #reloader: Reloader | undefined;
  #started = false;
  #ready = false;
  #failed = false;
  #stopping: Promise<void> | undefined;
  #stoppedInTime = true;

  private constructor(options: HostOptions, definitions: AdapterDefinition[]) {
    super();
    this.#project = {
      config: options.config,
      configPath: options.configPath,
      configDir: options.configDir,
      logger: options.logger,
      metrics: options.metrics,
    };
    this.#watch = options.watch ?? options.config.hotReload;
    for (const definition of definitions)
      this.#adapters.set(definition.name, this.#running(definition));
  }

  /**
   * Resolves every adapter of the config (and the modules of `adaptersDir` that declare
   * themselves with a `settings` export) and imports its module.
   *
   * @throws {ConfigError} for an invalid merged entry, clashing ports, or no adapter at all.
   * @throws {ModuleLoadError} when a module cannot be found, imported or used.
   */
  static async create(options: HostOptions): Promise<Host> {
    const definitions = await loadProject(options);
    return new Host(options, definitions);
  }

  /** The project the host runs: config and paths. */
  get project(): ProjectContext {
    return this.#project;
  }

  /** Whether modules and the config file are watched. */
  get watching(): boolean {
    return this.#watch;
  }

  /** The adapters running, by name. */
  adapterNames(): string[] {
    return [...this.#adapters.keys()];
  }

  /** A running adapter, for the reloader and for tests. */
  adapter(name: string): RunningAdapter | undefined {
    return this.#adapters.get(name);
  }

  /**
   * Starts every supervised connection and listener, and the watcher when watching. Does not
   * wait for connections; rejects when a listener cannot bind.
   */
  async start(): Promise<void> {
    if (this.#started || this.#stopping !== undefined) return;
    this.#started = true;
    await Promise.all([...this.#adapters.values()].map((adapter) => adapter.start()));
    if (this.#watch && this.#stopping === undefined) {
      this.#reloader = new Reloader(this, this.#project.logger);
      await this.#reloader.start();
    }
    this.#checkReady();
  }

  /** Every connection (adapter × server, and listeners) with its state. */
  connections(): ConnectionState[] {
    return [...this.#adapters.values()].flatMap((adapter) => adapter.states());
  }

  /**
   * Resolves once every connection has been connected at least once; rejects after `timeoutMs`.
   * @param timeoutMs - bound of the wait; default: none.
   */
  whenReady(timeoutMs?: number): Promise<void> {
    if (this.#ready) return Promise.resolve();
    return new Promise<void>((resolvePromise, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onReady = (): void => {
        clearTimeout(timer);
        resolvePromise();
      };
      this.once('ready', onReady);
      if (timeoutMs === undefined) return;
      timer = setTimeout(() => {
        this.off('ready', onReady);
        const waiting = this.connections().filter((c) => c.state !== 'connected');
        const list = waiting.map((c) => `${c.adapter} ${c.server} (${c.state})`).join(', ');
        reject(new Error(`Not every adapter connected within ${timeoutMs} ms: ${list}`));
      }, timeoutMs);
    });
  }

  /**
   * Stops everything: watcher, connections (each adapter instance's `close()` is called, pending
   * writes flushed, sockets closed), listeners. Resolves within `deadlineMs` even if an adapter
   * hangs (what is left then is logged). Idempotent.
   */
  stop(deadlineMs = DEFAULT_STOP_DEADLINE_MS): Promise<void> {
    this.#stopping ??= this.#stop(deadlineMs);
    return this.#stopping;
  }

  /** Whether {@link stop} was called. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** False when a {@link stop} gave up on adapters that did not finish within its deadline. */
  get stoppedInTime(): boolean {
    return this.#stoppedInTime;
  }

  async #stop(deadlineMs: number): Promise<void> {
    const logger = this.#project.logger;
    const stopped = (async () => {
      await this.#reloader?.close();
      await Promise.all([...this.#adapters.values()].map((adapter) => adapter.stop()));
    })();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolvePromise) => {
      timer = setTimeout(() => resolvePromise(true), deadlineMs);
    });
    if (await Promise.race([stopped.then(() => false), late])) {
      this.#stoppedInTime = false;
      const pending = this.connections().filter((c) => c.state !== 'stopped');
      logger.warn(
        { deadlineMs, pending },
        `Adapters did not stop within ${deadlineMs} ms; giving up on them`,
      );
    }
    clearTimeout(timer);
    this.emit('stopped');
  }

  /**
   * Starts an adapter that was not running (new in the config or in `adaptersDir`). When it
   * cannot start (its listener cannot bind), it is forgotten again and the error rethrown.
   */
  async addAdapter(definition: AdapterDefinition): Promise<void> {
    if (this.#stopping !== undefined || this.#adapters.has(definition.name)) return;
    const running = this.#running(definition);
    this.#adapters.set(definition.name, running);
    this.#project.logger.info({ adapter: definition.name }, `Adapter "${definition.name}" added`);
    if (!this.#started) return;
    try {
      await running.start();
    } catch (error) {
      this.#adapters.delete(definition.name);
      await running.stop();
      throw error;
    }
  }

  /** Stops and forgets an adapter. */
  async removeAdapter(name: string, reason: string): Promise<void> {
    const running = this.#adapters.get(name);
    if (running === undefined) return;
    this.#adapters.delete(name);
    this.#project.logger.info({ adapter: name, reason }, `Adapter "${name}" stopped: ${reason}`);
    await running.stop();
  }

  /** Replaces an adapter's connections with ones for `definition` (its connection settings changed). */
  async restartAdapter(definition: AdapterDefinition, reason: string): Promise<void> {
    await this.removeAdapter(definition.name, reason);
    await this.addAdapter(definition);
  }

  /** Makes `config` the one later loads use (after a valid config edit). */
  setConfig(config: LsAdapterConfig): void {
    this.#project.config = config;
  }

  #running(definition: AdapterDefinition): RunningAdapter {
    const runtime = new AdapterRuntime(definition, this.#project);
    const running = new RunningAdapter(runtime, this.#project, {
      status: (state) => {
        this.emit('status', state);
        this.#checkReady();
      },
      gaveUp: () => this.#checkFailed(),
    });
    return running;
  }

  #checkReady(): void {
    if (this.#ready || !this.#started) return;
    const adapters = [...this.#adapters.values()];
    if (adapters.every((adapter) => adapter.everConnected())) {
      this.#ready = true;
      this.emit('ready');
    }
  }

  #checkFailed(): void {
    if (this.#failed || this.#stopping !== undefined) return;
    if (!this.connections().every((c) => c.state === 'stopped')) return;
    this.#failed = true;
    this.emit(
      'failed',
      new Error('Every adapter connection gave up (reconnect.maxAttempts reached)'),
    );
  }
}
