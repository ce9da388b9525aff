/**
 * A loaded adapter as the host runs it: its definition (module version, merged entry,
 * connection targets), the factory of its provider instances, and the live connections it
 * serves, on which a new module version is swapped in place (SPEC §6 "Hot reload").
 */
import { MetadataProvider } from '../sdk/metadata-provider.js';
import type { MetadataProviderLike } from '../sdk/metadata-provider-server.js';
import {
  checkAdapterShape,
  checkExportType,
  createAdapterInstance,
  detectKind,
  isClassExport,
  withDefaults,
} from './adapter-shape.js';
import type { AdapterEntry, AdapterKind, LsAdapterConfig } from './config-schema.js';
import { ModuleShapeError } from './errors.js';
import {
  type LoadedAdapterModule,
  loadAdapterModule,
  resolveAdapterModulePath,
} from './load-module.js';
import type { HostLogger } from './logger.js';
import type { HostMetrics } from './metrics.js';
import type { CallRecorder } from './provider-slot.js';
import {
  type AdapterTargets,
  adapterTargets,
  mergeAdapterEntry,
  type ResolvedAdapter,
  resolveAdapterEntry,
} from './resolve-adapter.js';

/** What every adapter of a host shares. */
export interface ProjectContext {
  /** The validated config. */
  readonly config: LsAdapterConfig;
  /** Absolute path of the config file (passed to `init` as `context.configPath`). */
  readonly configPath: string;
  /** Its directory: base of module and TLS paths. */
  readonly configDir: string;
  /** The host's root logger. */
  readonly logger: HostLogger;
  /** Where calls are counted, when metrics are on. */
  readonly metrics?: HostMetrics | undefined;
}

/** An adapter to load: configured, or a module file found in `adaptersDir`. */
export interface AdapterCandidate {
  /** The adapter's name. */
  readonly name: string;
  /** Its config entry, if it has one. */
  readonly entry?: AdapterEntry | undefined;
  /** Its module file, when known already (found in `adaptersDir`). */
  readonly path?: string | undefined;
}

/** One version of an adapter: module, merged entry and connection targets. */
export interface AdapterDefinition {
  readonly name: string;
  /** The config entry it came from, if any. */
  readonly entry: AdapterEntry | undefined;
  /** The imported module. */
  readonly module: LoadedAdapterModule;
  /** The entry merged with the module's `settings`, defaults applied. */
  readonly adapter: ResolvedAdapter;
  /** Where it connects, or listens. */
  readonly targets: AdapterTargets;
}

/** An adapter that is not run, and why. */
export interface SkippedCandidate {
  readonly skipped: string;
}

/**
 * Finds, imports and checks one adapter (a fresh copy of its module with `fresh`).
 *
 * @returns the definition, or why it is skipped (disabled, or a module of `adaptersDir` with
 *   neither a config entry nor a `settings` export: a helper, not an adapter).
 * @throws {ModuleLoadError} when the module cannot be found, imported or used (an object export
 *   for an adapter that connects to several servers included).
 * @throws {ConfigError} when the merged entry is invalid.
 */
export async function loadAdapterDefinition(
  candidate: AdapterCandidate,
  project: Pick<ProjectContext, 'config' | 'configDir'>,
  fresh = false,
): Promise<AdapterDefinition | SkippedCandidate> {
  const { name, entry } = candidate;
  if (entry?.enabled === false) return { skipped: 'disabled ("enabled": false)' };
  const path =
    candidate.path ??
    (await resolveAdapterModulePath({
      name,
      module: entry?.module,
      configDir: project.configDir,
      adaptersDir: project.config.adaptersDir,
    }));
  const module = await loadAdapterModule(path, { adapter: name, fresh });
  if (entry === undefined && module.settings === undefined) {
    return { skipped: `${path} has no "settings" export and no entry in "adapters"` };
  }
  const context = { modulePath: path, adapter: name };
  checkExportType(module.exported, context);
  const merged = mergeAdapterEntry(entry, module.settings);
  if (merged.enabled === false) return { skipped: 'disabled by its "settings"' };
  const kind = detectKind(module.exported, merged.kind);
  const adapter = resolveAdapterEntry(name, entry, module.settings, kind);
  checkShape(module.exported, adapter.kind, context);
  const targets = adapterTargets(project.config, adapter);
  if (targets.mode === 'connect' && targets.servers.length > 1 && !isClassExport(module.exported)) {
    throw new ModuleShapeError(
      path,
      `the module exports an object, which can serve one connection only, but the adapter ` +
        `connects to ${targets.servers.length} servers: export a class, so that each connection gets its own instance`,
      {},
      { adapter: name },
    );
  }
  return { name, entry, module, adapter, targets };
}

function checkShape(
  exported: unknown,
  kind: AdapterKind,
  context: { modulePath: string; adapter: string },
): void {
  if (!isClassExport(exported)) {
    checkAdapterShape(exported as object, kind, context);
    return;
  }
  try {
    checkAdapterShape(exported.prototype as object, kind, context);
  } catch {
    // Methods may be created by the constructor (class fields): a real instance tells.
    checkAdapterShape(constructForCheck(exported, context), kind, context);
  }
}

/** An instance to check; a constructor that throws makes the module unusable (exit 2, not 1). */
function constructForCheck(
  exported: unknown,
  context: { modulePath: string; adapter: string },
): object {
  try {
    return createAdapterInstance(exported);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ModuleShapeError(
      context.modulePath,
      `constructing the adapter failed: ${message} (the host calls \`new\` on the default export with no arguments)`,
      {},
      { adapter: context.adapter, cause: error },
    );
  }
}

/** Whether two definitions connect the same way (same kind, params, targets). */
export function sameConnections(a: AdapterDefinition, b: AdapterDefinition): boolean {
  const key = (d: AdapterDefinition) =>
    JSON.stringify([d.adapter.kind, d.adapter.params, d.adapter.keepaliveMs, d.targets]);
  return key(a) === key(b);
}

/** A plain-object export is already serving a connection and cannot serve another one. */
export class OneConnectionOnlyError extends Error {
  override name = 'OneConnectionOnlyError';
  /** The adapter concerned. */
  readonly adapter: string;

  constructor(adapter: string, modulePath: string) {
    super(
      `Adapter "${adapter}": its module (${modulePath}) exports an object, which serves one ` +
        'connection at a time, and it is serving one already: connection refused. Export a ' +
        'class instead, so that each connection gets its own instance',
    );
    this.adapter = adapter;
  }
}

/** A provider instance made for one connection. */
export interface Lease {
  /** The user's instance (a new one of a class export, or the exported object). */
  readonly instance: object;
  /** The module version it comes from. */
  readonly version: number;
}

/** A connection whose provider can be replaced in place. */
export interface LiveSession {
  /** The module version its provider comes from. */
  readonly version: number;
  /**
   * Replaces the provider with `lease.instance`: `init` with the connection's arguments, then
   * the swap. Rejects (and the current instance keeps serving) when that fails.
   */
  replace(lease: Lease): Promise<void>;
}

/**
 * A running adapter. Sessions take instances with {@link acquire} and give them back with
 * {@link release}; connected ones {@link register} so that {@link swapIn} reaches them.
 */
export class AdapterRuntime {
  /** The adapter's logger (bound to its name). */
  readonly logger: HostLogger;
  /** Counts calls in the host metrics. */
  readonly record: CallRecorder;
  #definition: AdapterDefinition;
  #version = 1;
  readonly #inUse = new Set<object>();
  readonly #live = new Set<LiveSession>();

  constructor(definition: AdapterDefinition, project: ProjectContext) {
    this.#definition = definition;
    this.logger = project.logger.child({ adapter: definition.name });
    const metrics = project.metrics;
    this.record = metrics
      ? (method, outcome, seconds) =>
          metrics.recordRequest(definition.name, method, outcome, seconds)
      : () => undefined;
  }

  /** The adapter's name. */
  get name(): string {
    return this.#definition.name;
  }

  /** Its kind. */
  get kind(): AdapterKind {
    return this.#definition.adapter.kind;
  }

  /** The current definition. */
  get definition(): AdapterDefinition {
    return this.#definition;
  }

  /** The current module version (1, then one more per successful reload). */
  get version(): number {
    return this.#version;
  }

  /**
   * A provider instance for a new connection.
   *
   * @throws {OneConnectionOnlyError} when the export is an object already serving a connection.
   */
  acquire(): Lease {
    const { module } = this.#definition;
    const instance = createAdapterInstance(module.exported);
    if (this.#inUse.has(instance)) throw new OneConnectionOnlyError(this.name, module.path);
    this.#inUse.add(instance);
    return { instance, version: this.#version };
  }

  /** Gives an instance back once its connection is over (after its `close()`). */
  release(instance: object): void {
    this.#inUse.delete(instance);
  }

  /** A connected session: reached by later swaps. */
  register(session: LiveSession): void {
    this.#live.add(session);
  }

  /** A session that ended. */
  unregister(session: LiveSession): void {
    this.#live.delete(session);
  }

  /** Number of registered (connected) sessions. */
  get liveSessions(): number {
    return this.#live.size;
  }

  /**
   * Makes `next` the current version and swaps it into every live connection, one after the
   * other. When the first swap fails, the previous version is restored and the error rethrown
   * (every connection keeps its old instance); a later failure is logged and the rest go on.
   */
  async swapIn(next: AdapterDefinition): Promise<void> {
    const previous = { definition: this.#definition, version: this.#version };
    this.#definition = next;
    this.#version++;
    let swapped = 0;
    for (const session of [...this.#live]) {
      if (!this.#live.has(session) || session.version === this.#version) continue;
      try {
        await session.replace(this.acquire());
        swapped++;
      } catch (error) {
        // A connection that ended meanwhile says nothing about the new version.
        if (!this.#live.has(session)) continue;
        if (swapped > 0) {
          this.logger.error(
            { err: error },
            'Replacing the adapter on one connection failed; it keeps the old version',
          );
          continue;
        }
        this.#definition = previous.definition;
        this.#version = previous.version;
        throw error;
      }
    }
  }

  /** Calls `close()` on an instance that stops serving; errors are logged, never thrown. */
  async closeInstance(instance: object): Promise<void> {
    const close = (instance as { close?: unknown }).close;
    if (typeof close !== 'function') return;
    try {
      await close.call(instance);
    } catch (error) {
      this.logger.error({ err: error }, `close() of adapter "${this.name}" failed`);
    }
  }
}

/** The object a Metadata Adapter instance is served as: its methods, the defaults for the rest. */
export function metadataProviderOf(instance: object): MetadataProviderLike {
  return withDefaults(instance, new MetadataProvider()) as MetadataProviderLike;
}
