/**
 * The config `lsadapter dev` runs: the file given with `--config`, else the one found from the
 * working directory, else the example project shipped with the package (so that `npx lsadapter
 * dev` shows live data on a fresh clone); and its in-memory copy in which every adapter dials
 * its own proxy simulator on loopback instead of a Lightstreamer Server.
 */
import { fileURLToPath } from 'node:url';
import type { AdapterDefinition } from '../host/adapter-runtime.js';
import type { AdapterEntry, LsAdapterConfig } from '../host/config-schema.js';
import { ConfigNotFoundError } from '../host/errors.js';
import { type LoadedConfig, loadConfig } from '../host/load-config.js';

/**
 * The example config of the package: `src/cli` and `dist/cli` both sit two levels below the
 * package root, where the example config and its `adapters/` are.
 */
export const EXAMPLE_CONFIG_PATH = fileURLToPath(
  new URL('../../lsadapter.config.example.json', import.meta.url),
);

/** Where the config came from. */
export type DevConfigOrigin = 'option' | 'search' | 'example';

/** A loaded config and where it came from. */
export interface DevConfig extends LoadedConfig {
  /** `--config`, the search from the working directory, or the package's example. */
  readonly origin: DevConfigOrigin;
}

/** Options of {@link loadDevConfig}. */
export interface LoadDevConfigOptions {
  /**
   * The config file given with `--config`, relative to `cwd`.
   * @default undefined (search, then the example)
   */
  config?: string | undefined;
  /**
   * Where the search starts and relative paths are resolved.
   * @default process.cwd()
   */
  cwd?: string | undefined;
  /**
   * The config used when none is given or found.
   * @default EXAMPLE_CONFIG_PATH
   */
  examplePath?: string | undefined;
}

/**
 * Loads the config `dev` runs.
 *
 * @throws {ConfigNotFoundError} when the file given does not exist, or when nothing is found
 *   and the example is missing too (an installation without it).
 * @throws {ConfigError} when the config is invalid.
 */
export async function loadDevConfig(options: LoadDevConfigOptions = {}): Promise<DevConfig> {
  if (options.config !== undefined) {
    const loaded = await loadConfig({ configPath: options.config, cwd: options.cwd });
    return { ...loaded, origin: 'option' };
  }
  try {
    return { ...(await loadConfig({ cwd: options.cwd })), origin: 'search' };
  } catch (error) {
    if (!(error instanceof ConfigNotFoundError)) throw error;
    const examplePath = options.examplePath ?? EXAMPLE_CONFIG_PATH;
    try {
      return { ...(await loadConfig({ configPath: examplePath })), origin: 'example' };
    } catch (exampleError) {
      // The search's message says where it looked and how to create a config: more useful.
      if (exampleError instanceof ConfigNotFoundError) throw error;
      throw exampleError;
    }
  }
}

/** Where one adapter's simulator listens. */
export interface SimulatorAddress {
  /** The adapter's name. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** The notify port, for a data adapter in two-connection mode. */
  readonly notifyPort?: number | undefined;
}

/** Host of the simulators: loopback, so nothing is exposed. */
export const SIMULATOR_HOST = '127.0.0.1';

/**
 * A copy of `config` in which each adapter of `definitions` dials its simulator: its entry names
 * the module already resolved, the kind already detected, and the simulator's address, with no
 * TLS, no cluster and no `listen`. Hot reload and metrics are off: a config edit would point the
 * adapters back at the real ports, and dev serves no endpoint. Other entries (disabled ones) are
 * kept as they are.
 */
export function simulatedConfig(
  config: LsAdapterConfig,
  definitions: readonly AdapterDefinition[],
  addresses: readonly SimulatorAddress[],
): LsAdapterConfig {
  const adapters: Record<string, AdapterEntry> = { ...config.adapters };
  for (const definition of definitions) {
    const address = addresses.find((a) => a.name === definition.name);
    if (address === undefined) continue;
    adapters[definition.name] = simulatedEntry(definition, address);
  }
  return {
    ...config,
    host: SIMULATOR_HOST,
    tls: false,
    credentials: undefined,
    servers: undefined,
    hotReload: false,
    metrics: undefined,
    adapters,
  };
}

function simulatedEntry(definition: AdapterDefinition, address: SimulatorAddress): AdapterEntry {
  // Config values win over a module's `settings` (SPEC §4), so setting `port` here also drops
  // the module's own port, notifyPort and listen; host and tls must be set to win as well.
  const entry: AdapterEntry = {
    ...definition.entry,
    kind: definition.adapter.kind,
    module: definition.module.path,
    enabled: true,
    host: address.host,
    port: address.port,
    tls: false,
  };
  delete entry.listen;
  delete entry.notifyPort;
  delete entry.credentials;
  if (address.notifyPort !== undefined) entry.notifyPort = address.notifyPort;
  return entry;
}
