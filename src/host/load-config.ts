/**
 * Finding, reading and validating the config file (SPEC §5): cosmiconfig search under the name
 * `lsadapter` (or an explicit file), then `${VAR}` expansion, then the zod schema. Every problem
 * is reported at once in one {@link ConfigError}.
 */
import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type CosmiconfigResult, cosmiconfig, type Loader } from 'cosmiconfig';
import type * as z from 'zod';
import { configSchema, type LsAdapterConfig } from './config-schema.js';
import {
  ConfigError,
  type ConfigIssue,
  ConfigNotFoundError,
  formatIssuePath,
  ModuleLoadError,
} from './errors.js';
import { formatZodIssues, unionExpectedTypes } from './format-issues.js';
import { importModuleFile } from './import-module-file.js';
import { type Env, interpolateEnv } from './interpolate.js';

/** The cosmiconfig module name: files are `lsadapter.config.*`, `.lsadapterrc*`. */
export const CONFIG_MODULE_NAME = 'lsadapter';

/** Extensions of config files: JSON, YAML, then code. */
const CONFIG_EXTENSIONS = ['json', 'yaml', 'yml', 'ts', 'mts', 'js', 'mjs', 'cjs'] as const;

/**
 * File names searched in each directory, in order: SPEC §5's names, then the `.config/` folder
 * cosmiconfig also searches by default.
 */
export const CONFIG_SEARCH_PLACES: readonly string[] = [
  'package.json',
  ...CONFIG_EXTENSIONS.map((ext) => `lsadapter.config.${ext}`),
  '.lsadapterrc',
  ...CONFIG_EXTENSIONS.map((ext) => `.lsadapterrc.${ext}`),
  '.config/lsadapterrc',
  ...CONFIG_EXTENSIONS.map((ext) => `.config/lsadapterrc.${ext}`),
];

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * The config file to read (relative to `cwd`); when absent, the file is searched for.
   * @default undefined (search)
   */
  configPath?: string | undefined;
  /**
   * Where relative paths start and the search begins; the search goes up to the nearest
   * directory with a package.json.
   * @default process.cwd()
   */
  cwd?: string | undefined;
  /**
   * Variables for `${VAR}` references.
   * @default process.env
   */
  env?: Env | undefined;
}

/** A validated config and where it came from. */
export interface LoadedConfig {
  /** The validated config, defaults applied; paths in it are relative to `configDir`. */
  readonly config: LsAdapterConfig;
  /** Absolute path of the file read. */
  readonly configPath: string;
  /** Its directory: the base of `adaptersDir`, `module` and TLS file paths. */
  readonly configDir: string;
}

/**
 * Finds (or reads the given) config file, expands `${VAR}` references and validates it.
 * `.ts`/`.mts` config files are loaded with tsx, JSON and YAML with cosmiconfig's parsers.
 *
 * @throws {ConfigNotFoundError} when no file is found (the message says where it looked and
 *   how to create one) or the given file does not exist.
 * @throws {ConfigError} listing every problem of the file.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const result = await readConfigFile(cwd, options.configPath);
  const raw = result.isEmpty === true ? {} : result.config;
  const config = parseConfig(raw, { env: options.env, source: result.filepath });
  return { config, configPath: result.filepath, configDir: dirname(result.filepath) };
}

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /**
   * Variables for `${VAR}` references.
   * @default process.env
   */
  env?: Env | undefined;
  /**
   * The file the value came from, named in the error.
   * @default undefined
   */
  source?: string | undefined;
}

/**
 * Validates a raw config value: expands `${VAR}` references, then checks it against the
 * schema. A string that came from a reference and stands where a number or boolean is expected
 * (`"port": "${PORT:-6661}"`) is converted, since environment variables are always strings.
 *
 * @throws {ConfigError} listing every problem: missing variables and schema violations.
 */
export function parseConfig(raw: unknown, options: ParseConfigOptions = {}): LsAdapterConfig {
  const interpolated = interpolateEnv(raw, options.env ?? process.env);
  const value = interpolated.value;
  let result = configSchema.safeParse(value, { reportInput: true });
  if (!result.success && coerceExpanded(value, result.error.issues, interpolated.expandedPaths)) {
    result = configSchema.safeParse(value, { reportInput: true });
  }
  if (result.success && interpolated.issues.length === 0) return result.data;
  // A value whose reference failed is reported once, for the reference.
  const unresolved = new Set(interpolated.issues.map((issue) => issue.path));
  const schemaIssues: ConfigIssue[] = result.success
    ? []
    : formatZodIssues(result.error.issues, configSchema).filter((i) => !unresolved.has(i.path));
  throw new ConfigError([...interpolated.issues, ...schemaIssues], { source: options.source });
}

async function readConfigFile(
  cwd: string,
  configPath: string | undefined,
): Promise<NonNullable<CosmiconfigResult>> {
  const explorer = cosmiconfig(CONFIG_MODULE_NAME, {
    searchPlaces: [...CONFIG_SEARCH_PLACES],
    searchStrategy: 'project',
    cache: false,
    loaders: Object.fromEntries(
      ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].map((ext) => [ext, loadCodeConfig]),
    ),
  });
  let result: CosmiconfigResult;
  try {
    if (configPath === undefined) result = await explorer.search(cwd);
    else result = await explorer.load(await existingFile(resolve(cwd, configPath)));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const file = (error as { filepath?: string }).filepath ?? configPath ?? cwd;
    throw new ConfigError([], {
      source: file,
      headline: `Cannot read config file ${file}: ${(error as Error).message}`,
      cause: error,
    });
  }
  if (result === null) throw await notFoundError(cwd);
  return result;
}

/** Loads a code config file (TypeScript or JavaScript) through tsx; its default export is the config. */
const loadCodeConfig: Loader = async (filepath) => {
  try {
    // Fresh, so that reading the config again sees the file as it is now.
    return (await importModuleFile(filepath, { fresh: true })).default;
  } catch (error) {
    const message = error instanceof ModuleLoadError ? error.message : String(error);
    throw new ConfigError([], {
      source: filepath,
      headline: `Cannot load config file ${filepath}: ${message}`,
      cause: error,
    });
  }
};

async function existingFile(path: string): Promise<string> {
  try {
    await access(path);
    return path;
  } catch {
    throw new ConfigNotFoundError(`Config file ${path} does not exist; check the path given.`);
  }
}

async function notFoundError(cwd: string): Promise<ConfigNotFoundError> {
  const dirs = await searchedDirs(cwd);
  const names = CONFIG_SEARCH_PLACES.filter((place) => place !== 'package.json').join(', ');
  return new ConfigNotFoundError(
    `No lsadapter config file found. Looked in ${dirs.join(', ')} for ${names}, and for a ` +
      `"${CONFIG_MODULE_NAME}" key in package.json.\n` +
      'Create lsadapter.config.json there (lsadapter.config.example.json of the lsadapter ' +
      'package is a starting point: an "adapters" map of name → { port, module }), ' +
      'or give the file with --config.',
    dirs,
  );
}

/** The directories cosmiconfig's "project" search visits: up to the nearest package.json. */
async function searchedDirs(cwd: string): Promise<string[]> {
  const dirs: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    dirs.push(dir);
    const hasPackage = await Promise.all(
      ['package.json', 'package.yaml'].map((name) =>
        access(join(dir, name)).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (hasPackage.includes(true) || dirname(dir) === dir) return dirs;
  }
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Converts, in place, expanded strings that failed only for being strings where a number or
 * boolean is expected. Returns whether anything changed.
 */
function coerceExpanded(
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
  expandedPaths: ReadonlySet<string>,
): boolean {
  let changed = false;
  for (const issue of issues) {
    if (typeof issue.input !== 'string' || !expandedPaths.has(formatIssuePath(issue.path)))
      continue;
    const expected =
      issue.code === 'invalid_type'
        ? [issue.expected]
        : issue.code === 'invalid_union'
          ? unionExpectedTypes(issue)
          : [];
    const scalar = toScalar(issue.input, expected);
    if (scalar !== undefined && setAt(value, issue.path, scalar)) changed = true;
  }
  return changed;
}

function toScalar(text: string, expected: readonly string[]): number | boolean | undefined {
  const wantsNumber = expected.some((type) => ['number', 'int', 'integer'].includes(type));
  if (wantsNumber && NUMERIC.test(text)) return Number(text);
  if (expected.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return undefined;
}

function setAt(root: unknown, path: readonly PropertyKey[], scalar: unknown): boolean {
  let parent = root;
  for (const key of path.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return false;
    parent = (parent as Record<PropertyKey, unknown>)[key];
  }
  const last = path[path.length - 1];
  if (typeof parent !== 'object' || parent === null || last === undefined) return false;
  (parent as Record<PropertyKey, unknown>)[last] = scalar;
  return true;
}
