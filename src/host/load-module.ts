/**
 * Finding and loading adapter modules (SPEC §4): `adapters.<name>.module` relative to the
 * config file, or `<adaptersDir>/<name>` with one of {@link ADAPTER_MODULE_EXTENSIONS}; the
 * default export is the adapter and an optional `settings` export is a partial adapter entry.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { type AdapterSettings, adapterSettingsSchema } from './config-schema.js';
import { ConfigError, ModuleNotFoundError, ModuleShapeError } from './errors.js';
import { formatZodIssues } from './format-issues.js';
import { importModuleFile } from './import-module-file.js';

/** Extensions an adapter module may have, in the order they are tried. */
export const ADAPTER_MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs'] as const;

/** What locates an adapter's module. */
export interface ModuleLocator {
  /** The adapter's name. */
  readonly name: string;
  /**
   * The entry's `module`: a path relative to `configDir`; when it has no known extension, each
   * of {@link ADAPTER_MODULE_EXTENSIONS} is also tried.
   * @default `<adaptersDir>/<name>` with each extension
   */
  readonly module?: string | undefined;
  /** Directory of the config file. */
  readonly configDir: string;
  /**
   * The config's `adaptersDir`, relative to `configDir` (or absolute).
   * @default "./adapters"
   */
  readonly adaptersDir?: string | undefined;
}

/**
 * The absolute path of an adapter's module file.
 *
 * @throws {ModuleNotFoundError} listing every path tried.
 */
export async function resolveAdapterModulePath(locator: ModuleLocator): Promise<string> {
  const candidates = moduleCandidates(locator);
  for (const candidate of candidates) {
    if (await isFile(candidate)) return candidate;
  }
  const hint =
    locator.module === undefined
      ? `Name the file after the adapter in adaptersDir, or set adapters.${locator.name}.module to its path (relative to the config file).`
      : `Fix adapters.${locator.name}.module: it is a path relative to the config file (${locator.configDir}).`;
  throw new ModuleNotFoundError(candidates, hint, { adapter: locator.name });
}

/** The paths {@link resolveAdapterModulePath} tries, in order. */
export function moduleCandidates(locator: ModuleLocator): string[] {
  if (locator.module !== undefined) {
    const base = resolve(locator.configDir, locator.module);
    if (isModuleExtension(extname(base))) return [base];
    return [base, ...ADAPTER_MODULE_EXTENSIONS.map((extension) => base + extension)];
  }
  const dir = resolve(locator.configDir, locator.adaptersDir ?? './adapters');
  return ADAPTER_MODULE_EXTENSIONS.map((extension) => join(dir, locator.name + extension));
}

/** A module file found in an adapters directory. */
export interface AdapterModuleFile {
  /** The file name without its extension: the adapter's name unless the config says otherwise. */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
}

const NOT_ADAPTERS = /^[._]|\.d\.[cm]?ts$|\.(test|spec)\.[cm]?[jt]s$/;

/**
 * The adapter modules in a directory (not its subdirectories), sorted by name. Skipped: type
 * declarations (`.d.ts`), test files (`*.test.ts`, `*.spec.js`) and names starting with `.` or
 * `_` (helpers). When two files share a name, the one {@link resolveAdapterModulePath} would pick
 * wins. A missing directory has no modules.
 */
export async function listAdapterModules(adaptersDir: string): Promise<AdapterModuleFile[]> {
  let entries: string[];
  try {
    entries = await readdir(adaptersDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const byName = new Map<string, { rank: number; path: string }>();
  for (const entry of entries) {
    const extension = extname(entry);
    if (!isModuleExtension(extension) || NOT_ADAPTERS.test(entry)) continue;
    const path = resolve(adaptersDir, entry);
    if (!(await isFile(path))) continue;
    const name = entry.slice(0, -extension.length);
    const rank = ADAPTER_MODULE_EXTENSIONS.indexOf(extension);
    const known = byName.get(name);
    if (known === undefined || rank < known.rank) byName.set(name, { rank, path });
  }
  return [...byName]
    .map(([name, { path }]) => ({ name, path }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What {@link listUnconfiguredModules} needs of the config. */
export interface ModuleDiscovery {
  /** Directory of the config file. */
  readonly configDir: string;
  /** The config's `adaptersDir`, relative to `configDir`. */
  readonly adaptersDir: string;
  /** The config's `adapters`: their names and `module` paths. */
  readonly adapters: Readonly<Record<string, { readonly module?: string | undefined }>>;
}

/**
 * The modules of `adaptersDir` that the config does not mention: neither named after a
 * configured adapter nor the `module` of one. The host runs those that export `settings`
 * (SPEC §4: a module dropped into `adaptersDir` runs without touching the config file).
 */
export async function listUnconfiguredModules(
  discovery: ModuleDiscovery,
): Promise<AdapterModuleFile[]> {
  const { configDir, adaptersDir, adapters } = discovery;
  const configured = new Set<string>();
  for (const [name, entry] of Object.entries(adapters)) {
    if (entry.module === undefined) continue;
    // A configured module may be named without its extension: every candidate counts.
    for (const path of moduleCandidates({ name, module: entry.module, configDir })) {
      configured.add(path);
    }
  }
  const files = await listAdapterModules(resolve(configDir, adaptersDir));
  return files.filter((file) => !(file.name in adapters) && !configured.has(file.path));
}

/** What a module file provides. */
export interface LoadedAdapterModule {
  /** The default export: a class or an object (see `adapter-shape.ts`). */
  readonly exported: unknown;
  /** The `settings` export, validated, when the module has one. */
  readonly settings: AdapterSettings | undefined;
  /** Absolute path of the file. */
  readonly path: string;
}

/** Options of {@link loadAdapterModule}. */
export interface LoadAdapterModuleOptions {
  /**
   * The adapter the module belongs to, for error messages.
   * @default undefined
   */
  adapter?: string;
  /**
   * Evaluate the file anew (hot reload) instead of returning the copy an earlier call loaded.
   * The modules it imports are not re-evaluated: adapters share them.
   * @default false
   */
  fresh?: boolean;
}

const loaded = new Map<string, Promise<LoadedAdapterModule>>();
const attempted = new Set<string>();

/**
 * Imports an adapter module (TypeScript directly, no build step) and returns its default export
 * and validated `settings`. Calls for the same path share one import unless `fresh` is set; a
 * fresh import replaces the shared one once it succeeds.
 *
 * @param path - absolute path, as {@link resolveAdapterModulePath} returns it.
 * @throws {ModuleSyntaxError} when the file or a file it imports does not parse (file and line).
 * @throws {ModuleShapeError} when the module has no default export.
 * @throws {ModuleLoadError} when importing fails otherwise.
 * @throws {ConfigError} when `settings` is not a valid partial adapter entry.
 */
export function loadAdapterModule(
  path: string,
  options: LoadAdapterModuleOptions = {},
): Promise<LoadedAdapterModule> {
  const shared = loaded.get(path);
  if (shared !== undefined && options.fresh !== true) return shared;
  // Node keeps a failed import's error for its URL, so a retry must use a new one.
  const fresh = options.fresh === true || attempted.has(path);
  attempted.add(path);
  const loading = importAdapterModule(path, options.adapter, fresh);
  loading.then(
    () => loaded.set(path, loading),
    () => undefined,
  );
  return loading;
}

async function importAdapterModule(
  path: string,
  adapter: string | undefined,
  fresh: boolean,
): Promise<LoadedAdapterModule> {
  const namespace = await importModuleFile(path, { adapter, fresh });
  if (namespace.default === undefined) {
    throw new ModuleShapeError(
      path,
      'the module has no default export: `export default` the adapter class or object',
      {},
      { adapter },
    );
  }
  return { exported: namespace.default, settings: parseSettings(namespace.settings, path), path };
}

function parseSettings(value: unknown, path: string): AdapterSettings | undefined {
  if (value === undefined) return undefined;
  const result = adapterSettingsSchema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = formatZodIssues(result.error.issues, adapterSettingsSchema, ['settings']);
  const count = `${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}`;
  throw new ConfigError(issues, {
    source: path,
    headline: `Invalid "settings" export in ${path} (${count}):`,
  });
}

function isModuleExtension(
  extension: string,
): extension is (typeof ADAPTER_MODULE_EXTENSIONS)[number] {
  return (ADAPTER_MODULE_EXTENSIONS as readonly string[]).includes(extension);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
