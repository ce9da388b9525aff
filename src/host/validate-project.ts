/**
 * The programmatic core of `lsadapter validate` (SPEC §6): load the config, find and import every
 * adapter module, check its shape and the merged entry, and report the adapters or every problem
 * found. It never throws for a problem of the project; only bugs escape.
 */
import { resolve } from 'node:path';
import {
  type AdapterCandidate,
  checkAdapter,
  checkConfigTls,
  projectProblem,
} from './check-adapter.js';
import type { AdapterKind } from './config-schema.js';
import { ConfigError, ConfigNotFoundError } from './errors.js';
import { type LoadConfigOptions, type LoadedConfig, loadConfig } from './load-config.js';
import { listUnconfiguredModules } from './load-module.js';
import { type AdapterEndpoints, findPortClashes } from './port-clashes.js';

/** Options of {@link validateProject}: those of `loadConfig`. */
export type ValidateProjectOptions = LoadConfigOptions;

/** An adapter that is ready to run. */
export interface AdapterSummary {
  /** The adapter's name. */
  readonly name: string;
  /** Its kind, configured or detected. */
  readonly kind: AdapterKind;
  /** Where it was declared: the config's `adapters`, or only a module file in `adaptersDir`. */
  readonly origin: 'config' | 'adaptersDir';
  /** Absolute path of its module. */
  readonly modulePath: string;
  /** What the module exports: a class (one instance per connection) or an object. */
  readonly exportType: 'class' | 'object';
  /** `connect`: the host dials the Proxy Adapter; `listen`: the Proxy Adapter dials the host. */
  readonly mode: 'connect' | 'listen';
  /** The Proxy Adapter's port (connect mode). */
  readonly port?: number | undefined;
  /** The notify port (two-connection mode). */
  readonly notifyPort?: number | undefined;
  /** The address accepted on (listen mode). */
  readonly listen?: { readonly host: string; readonly port: number } | undefined;
  /** `host:port` of every connection target (connect mode) or of the listen address. */
  readonly servers: readonly string[];
}

/** A module in `adaptersDir` that is not run, or a disabled entry. */
export interface SkippedAdapter {
  /** The adapter (or file) name. */
  readonly name: string;
  /** Why it is not run. */
  readonly reason: string;
}

/** One problem of the project. */
export interface ProjectProblem {
  /** The adapter concerned, if any. */
  readonly adapter?: string | undefined;
  /** The file the path refers to when it is not the config file (a module's `settings`). */
  readonly file?: string | undefined;
  /** Dotted path of the value at fault (`adapters.QUOTES.port`). */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** The problem as one printable line (or a few): `[file: ]path: message`. */
  readonly text: string;
}

/** What {@link validateProject} found. */
export interface ProjectReport {
  /** True when there is no problem. */
  readonly valid: boolean;
  /** The config file read, when one was found. */
  readonly configPath: string | undefined;
  /** Adapters that would run (those with problems are left out). */
  readonly adapters: readonly AdapterSummary[];
  /** Disabled entries and modules of `adaptersDir` that are not adapters. */
  readonly skipped: readonly SkippedAdapter[];
  /** Every problem found. */
  readonly problems: readonly ProjectProblem[];
}

/**
 * Checks a project as `lsadapter start` would load it, without connecting anything: the config
 * file, every adapter's module (imported, so its top-level code runs), the export's shape (a
 * class is instantiated when its prototype lacks required methods, to see methods created by
 * its constructor), the merged entry, TLS files, port clashes, and that an adapter with several
 * connections exports a class.
 */
export async function validateProject(
  options: ValidateProjectOptions = {},
): Promise<ProjectReport> {
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A file that was found but is invalid is still named in the report.
    const found = error instanceof ConfigNotFoundError ? undefined : error.source;
    return report(found, [], [], configProblems(error));
  }
  const problems: ProjectProblem[] = [...(await checkConfigTls(loaded.config, loaded.configDir))];
  const adapters: AdapterSummary[] = [];
  const skipped: SkippedAdapter[] = [];
  const endpoints: AdapterEndpoints[] = [];
  for (const candidate of await adapterCandidates(loaded)) {
    const outcome = await checkAdapter(loaded, candidate);
    if ('summary' in outcome) {
      adapters.push(outcome.summary);
      endpoints.push({ name: outcome.summary.name, targets: outcome.targets });
    }
    if ('skipped' in outcome) skipped.push(outcome.skipped);
    if ('problems' in outcome) problems.push(...outcome.problems);
  }
  for (const clash of findPortClashes(endpoints)) {
    problems.push(projectProblem(clash.path, clash.message, clash.adapter));
  }
  if (adapters.length === 0 && problems.length === 0) {
    const dir = resolve(loaded.configDir, loaded.config.adaptersDir);
    problems.push(
      projectProblem(
        'adapters',
        `No adapters: add entries to "adapters" or adapter modules to ${dir}`,
      ),
    );
  }
  return report(loaded.configPath, adapters, skipped, problems);
}

async function adapterCandidates(loaded: LoadedConfig): Promise<AdapterCandidate[]> {
  const { config, configDir } = loaded;
  const candidates: AdapterCandidate[] = Object.entries(config.adapters).map(([name, entry]) => ({
    name,
    entry,
  }));
  const discovery = { configDir, adaptersDir: config.adaptersDir, adapters: config.adapters };
  for (const file of await listUnconfiguredModules(discovery)) {
    candidates.push({ name: file.name, entry: undefined, path: file.path });
  }
  return candidates;
}

function configProblems(error: ConfigError): ProjectProblem[] {
  if (error.issues.length === 0) return [projectProblem('(config)', error.message)];
  return error.issues.map((issue) => projectProblem(issue.path, issue.message));
}

function report(
  configPath: string | undefined,
  adapters: AdapterSummary[],
  skipped: SkippedAdapter[],
  problems: ProjectProblem[],
): ProjectReport {
  return { valid: problems.length === 0, configPath, adapters, skipped, problems };
}
