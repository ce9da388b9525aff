/**
 * Watches what hot reload reacts to (SPEC §6): the directory of each adapter's module,
 * `adaptersDir`, and the config file. A change to another source file there (a helper an adapter
 * imports) is reported but not reloaded: imported modules are shared copies that Node cannot
 * unload (see `import-module-file.ts`). Directories are watched rather than files, so that editors that save by writing a temp
 * file and renaming it over the original are seen like any other save.
 *
 * Each change is mapped to a job key (one adapter, one new module, or the config), debounced
 * per key, and run with one job in flight per key: a change during a reload queues exactly one
 * more run. What the jobs do is in `reload-actions.ts`.
 */
import { basename, dirname, extname, resolve, sep } from 'node:path';
import { FSWatcher } from 'chokidar';
import type { Host } from './host.js';
import { ADAPTER_MODULE_EXTENSIONS } from './load-module.js';
import type { HostLogger } from './logger.js';
import { applyConfig, moduleAdded, reloadAdapter } from './reload-actions.js';

/** Quiet time after the last change of a file before its reload runs: 150 ms. */
export const RELOAD_DEBOUNCE_MS = 150;
/** How deep below a watched directory changes are seen. */
export const WATCH_DEPTH = 4;

/** Source files whose changes may affect an adapter. */
const SOURCE_EXTENSIONS = new Set<string>([...ADAPTER_MODULE_EXTENSIONS, '.cts', '.json']);
/** Directories never descended into. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage']);

/** Runs one job per key at a time; a job asked for while its key runs is run once more after. */
export class KeyedDebouncer {
  readonly #delayMs: number;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Map<string, () => Promise<void>>();
  readonly #onError: (error: unknown) => void;
  #closed = false;

  constructor(delayMs: number, onError: (error: unknown) => void) {
    this.#delayMs = delayMs;
    this.#onError = onError;
  }

  /** Runs `job` once `key` has been quiet for the delay (restarting the wait on each call). */
  schedule(key: string, job: () => Promise<void>): void {
    if (this.#closed) return;
    clearTimeout(this.#timers.get(key));
    this.#timers.set(
      key,
      setTimeout(() => {
        this.#timers.delete(key);
        this.#run(key, job);
      }, this.#delayMs),
    );
  }

  /** Jobs running now. */
  idle(): Promise<void> {
    return Promise.all(this.#running.values()).then(() => undefined);
  }

  /** Cancels pending jobs; running ones finish on their own. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#again.clear();
  }

  #run(key: string, job: () => Promise<void>): void {
    if (this.#running.has(key)) {
      this.#again.set(key, job);
      return;
    }
    const run = job()
      .catch(this.#onError)
      .finally(() => {
        this.#running.delete(key);
        const next = this.#again.get(key);
        this.#again.delete(key);
        if (next !== undefined && !this.#closed) this.#run(key, next);
      });
    this.#running.set(key, run);
  }
}

/** Watches the files of a host and reloads what changed. */
export class Reloader {
  readonly #host: Host;
  readonly #logger: HostLogger;
  readonly #jobs: KeyedDebouncer;
  /** Directories watched (the config file's and the source roots). */
  readonly #roots = new Set<string>();
  /** `adaptersDir` and the directories of adapter modules: their source files count. */
  readonly #sourceRoots = new Set<string>();
  #watcher: FSWatcher | undefined;
  #closed = false;
  #cancelStart: () => void = () => undefined;

  constructor(host: Host, logger: HostLogger, debounceMs = RELOAD_DEBOUNCE_MS) {
    this.#host = host;
    this.#logger = logger;
    this.#jobs = new KeyedDebouncer(debounceMs, (error) =>
      logger.error(
        { err: error },
        `Hot reload failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }

  /** Starts watching; resolves once the initial scan is done (changes from then on count). */
  async start(): Promise<void> {
    const watcher = new FSWatcher({
      ignoreInitial: true,
      depth: WATCH_DEPTH,
      ignored: (path, stats) => this.#ignored(path, stats),
    });
    this.#watcher = watcher;
    watcher.on('all', (event, path) => {
      if (event === 'add' || event === 'change' || event === 'unlink') this.#changed(resolve(path));
    });
    watcher.on('error', (error) =>
      this.#logger.warn({ err: error }, `File watching error: ${String(error)}`),
    );
    // A close() during the initial scan must not leave start() waiting for a 'ready' never sent.
    const ready = new Promise<void>((done) => {
      watcher.once('ready', () => done());
      this.#cancelStart = done;
    });
    this.#refreshRoots();
    await ready;
    if (this.#closed) return;
    this.#logger.info(
      { watching: [...this.#roots] },
      'Watching adapter modules and the config file for changes',
    );
  }

  /** Stops watching and cancels pending reloads. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelStart();
    this.#jobs.close();
    await this.#watcher?.close();
  }

  /** Resolves when no reload is running (for tests). */
  idle(): Promise<void> {
    return this.#jobs.idle();
  }

  /** Adds the directories of adapters started since the last look. */
  #refreshRoots(): void {
    const { configDir, configPath, config } = this.#host.project;
    const sources = [resolve(configDir, config.adaptersDir)];
    for (const name of this.#host.adapterNames()) {
      const module = this.#host.adapter(name)?.runtime.definition.module.path;
      if (module !== undefined) sources.push(dirname(module));
    }
    for (const root of sources) this.#sourceRoots.add(root);
    const added = [dirname(configPath), ...sources].filter((root) => !this.#roots.has(root));
    for (const root of added) this.#roots.add(root);
    if (added.length > 0) this.#watcher?.add(added);
  }

  #changed(path: string): void {
    const { configPath } = this.#host.project;
    if (path === configPath) {
      this.#schedule('config', () => applyConfig(this.#host));
      return;
    }
    if (!SOURCE_EXTENSIONS.has(extname(path))) return;
    const owners = this.#moduleOwners(path);
    for (const name of owners)
      this.#schedule(`adapter:${name}`, () => reloadAdapter(this.#host, name));
    if (owners.length > 0) return;
    if (this.#isModuleOfAdaptersDir(path)) {
      this.#schedule(`module:${path}`, () => moduleAdded(this.#host, path));
      return;
    }
    // A file an adapter module may import: such modules are loaded once and shared by every
    // adapter (see import-module-file.ts), so a reload would not pick the change up.
    this.#schedule(`helper:${path}`, async () =>
      this.#logger.warn(
        { file: path },
        `${path} changed, but files imported by adapter modules are not reloaded: restart lsadapter to apply it`,
      ),
    );
  }

  /** The adapters whose module is `path`. */
  #moduleOwners(path: string): string[] {
    return this.#host
      .adapterNames()
      .filter((name) => this.#host.adapter(name)?.runtime.definition.module.path === path);
  }

  /** A direct child of `adaptersDir` with a module extension is an adapter of its own, not an import. */
  #isModuleOfAdaptersDir(path: string): boolean {
    const { configDir, config } = this.#host.project;
    const isModule = (ADAPTER_MODULE_EXTENSIONS as readonly string[]).includes(extname(path));
    return (
      isModule &&
      dirname(path) === resolve(configDir, config.adaptersDir) &&
      !/^[._]/.test(basename(path))
    );
  }

  #schedule(key: string, job: () => Promise<void>): void {
    this.#jobs.schedule(key, async () => {
      await job();
      this.#refreshRoots();
    });
  }

  #ignored(path: string, stats?: { isDirectory(): boolean }): boolean {
    const absolute = resolve(path);
    if (this.#roots.has(absolute) || absolute === this.#host.project.configPath) return false;
    const name = basename(absolute);
    if (name.startsWith('.') || SKIPPED_DIRS.has(name)) return true;
    const inSourceRoot = [...this.#sourceRoots].some((root) => absolute.startsWith(root + sep));
    if (!inSourceRoot) return true;
    if (stats?.isDirectory() === true) return false;
    if (stats === undefined && extname(name) === '') return false;
    return !SOURCE_EXTENSIONS.has(extname(name));
  }
}
