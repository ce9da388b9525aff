/**
 * The config `lsadapter start` and `validate` use when run from this package's own root (SPEC §6:
 * "`npx lsadapter` run from this repository's root works too"). The repository has no config of
 * its own, only `lsadapter.config.example.json`, so there, and only there, a search that finds
 * nothing falls back to the example. Anywhere else a missing config stays an error that says how
 * to create one: validating the package's example instead would tell a user that a project
 * without a config is fine.
 */
import { realpath } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigNotFoundError } from '../host/errors.js';
import { loadConfig } from '../host/load-config.js';
import { EXAMPLE_CONFIG_PATH } from './dev-config.js';

/** Options of {@link commandConfigPath}. */
export interface CommandConfigOptions {
  /**
   * The config file given on the command line.
   * @default undefined (search)
   */
  config?: string | undefined;
  /**
   * Where the search starts.
   * @default process.cwd()
   */
  cwd?: string | undefined;
  /**
   * The package's example config; its directory is the package root.
   * @default EXAMPLE_CONFIG_PATH
   */
  examplePath?: string | undefined;
}

/**
 * The config file a command should load: the one given, else `undefined` (search from `cwd`),
 * except in the package root when the search finds nothing: then the example's path.
 */
export async function commandConfigPath(
  options: CommandConfigOptions = {},
): Promise<string | undefined> {
  if (options.config !== undefined) return options.config;
  const examplePath = options.examplePath ?? EXAMPLE_CONFIG_PATH;
  const cwd = resolve(options.cwd ?? process.cwd());
  if (!(await sameDirectory(cwd, dirname(examplePath)))) return undefined;
  try {
    await loadConfig({ cwd });
    return undefined;
  } catch (error) {
    // Any other problem is the found config's own: the command reports it when it loads it.
    return error instanceof ConfigNotFoundError ? examplePath : undefined;
  }
}

async function sameDirectory(a: string, b: string): Promise<boolean> {
  try {
    return (await realpath(a)) === (await realpath(b));
  } catch {
    return false;
  }
}
