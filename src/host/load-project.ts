/**
 * Loading every adapter of a project (SPEC §4, §5): the config's entries, then the modules of
 * `adaptersDir` that declare themselves with a `settings` export; each module imported and
 * checked, TLS files read, ports checked for clashes. Used at startup and for config edits.
 */
import { resolve } from 'node:path';
import { TlsOptionsError } from '../transport/errors.js';
import { resolveTlsOptions, toTlsServerOptions } from '../transport/tls-options.js';
import {
  type AdapterCandidate,
  type AdapterDefinition,
  loadAdapterDefinition,
} from './adapter-runtime.js';
import type { LsAdapterConfig } from './config-schema.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { listAdapterModules } from './load-module.js';
import type { HostLogger } from './logger.js';
import { findPortClashes } from './port-clashes.js';

/** What {@link loadProject} needs. */
export interface ProjectFiles {
  /** The validated config. */
  readonly config: LsAdapterConfig;
  /** Absolute path of the config file. */
  readonly configPath: string;
  /** Its directory. */
  readonly configDir: string;
  /**
   * Where skipped modules are noted (debug).
   * @default none
   */
  readonly logger?: HostLogger | undefined;
}

/** Every adapter of a project, loaded; throws the first problem. */
export async function loadProject(options: ProjectFiles): Promise<AdapterDefinition[]> {
  const definitions: AdapterDefinition[] = [];
  for (const candidate of await adapterCandidates(options.config, options.configDir)) {
    const loaded = await loadAdapterDefinition(candidate, options);
    if ('skipped' in loaded) {
      options.logger?.debug(
        { adapter: candidate.name, reason: loaded.skipped },
        `Adapter "${candidate.name}" not started: ${loaded.skipped}`,
      );
    } else definitions.push(loaded);
  }
  await checkTls(definitions, options.configDir, options.configPath);
  const clashes = findPortClashes(definitions.map((d) => ({ name: d.name, targets: d.targets })));
  if (clashes.length > 0) {
    throw new ConfigError(
      clashes.map((clash) => ({ path: clash.path, message: clash.message })),
      { source: options.configPath },
    );
  }
  if (definitions.length === 0) {
    const dir = resolve(options.configDir, options.config.adaptersDir);
    throw new ConfigError(
      [
        {
          path: 'adapters',
          message: `No adapters to run: add entries to "adapters" or adapter modules with a "settings" export to ${dir}`,
        },
      ],
      { source: options.configPath },
    );
  }
  return definitions;
}

/** Reads the TLS files of every connection now, so that a bad path is a startup error. */
async function checkTls(
  definitions: AdapterDefinition[],
  configDir: string,
  source: string,
): Promise<void> {
  const issues: ConfigIssue[] = [];
  for (const { name, targets } of definitions) {
    const settings =
      targets.mode === 'listen'
        ? [{ path: `adapters.${name}.listen.tls`, tls: targets.listen.tls, server: true }]
        : targets.servers.map((server) => ({
            path: `adapters.${name}.tls`,
            tls: server.tls,
            server: false,
          }));
    for (const { path, tls, server } of settings) {
      try {
        const resolved = await resolveTlsOptions(tls, { baseDir: configDir });
        if (server && resolved !== null) toTlsServerOptions(resolved);
      } catch (error) {
        if (!(error instanceof TlsOptionsError)) throw error;
        issues.push({ path, message: error.message });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues, { source });
}

/**
 * The adapters of a config: its entries, then the modules of `adaptersDir` that no entry names
 * and that no entry uses as its module.
 */
export async function adapterCandidates(
  config: LsAdapterConfig,
  configDir: string,
): Promise<AdapterCandidate[]> {
  const candidates: AdapterCandidate[] = Object.entries(config.adapters).map(([name, entry]) => ({
    name,
    entry,
  }));
  const claimed = new Set(
    Object.values(config.adapters)
      .map((entry) => entry.module)
      .filter((module): module is string => module !== undefined)
      .map((module) => resolve(configDir, module)),
  );
  for (const file of await listAdapterModules(resolve(configDir, config.adaptersDir))) {
    if (
      file.name in config.adapters ||
      claimed.has(file.path) ||
      claimed.has(stripExtension(file.path))
    )
      continue;
    candidates.push({ name: file.name, path: file.path });
  }
  return candidates;
}

function stripExtension(path: string): string {
  return path.replace(/\.[cm]?[jt]s$/, '');
}
