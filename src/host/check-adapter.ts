/**
 * The checks `lsadapter validate` runs on one adapter (see `validate-project.ts`): find and import
 * its module, check the export and the merged entry, the TLS files it names, and that an adapter
 * with several connections exports a class. Problems are returned, never thrown.
 */
import { TlsOptionsError } from '../transport/errors.js';
import { resolveTlsOptions, toTlsServerOptions } from '../transport/tls-options.js';
import {
  checkAdapterShape,
  checkExportType,
  createAdapterInstance,
  detectKind,
  isClassExport,
} from './adapter-shape.js';
import type { AdapterEntry, LsAdapterConfig, TlsSetting } from './config-schema.js';
import { ConfigError, ModuleLoadError } from './errors.js';
import type { LoadedConfig } from './load-config.js';
import {
  type LoadedAdapterModule,
  loadAdapterModule,
  resolveAdapterModulePath,
} from './load-module.js';
import {
  type AdapterTargets,
  adapterTargets,
  checkAdapterEntry,
  hasSeveralConnections,
  mergeAdapterEntry,
  type ResolvedAdapter,
} from './resolve-adapter.js';
import type { AdapterSummary, ProjectProblem, SkippedAdapter } from './validate-project.js';

/** An adapter to check: configured, or only found in `adaptersDir`. */
export interface AdapterCandidate {
  /** The adapter's name. */
  readonly name: string;
  /** Its entry in `adapters`, if it has one. */
  readonly entry: AdapterEntry | undefined;
  /** Its module file, when it was found by listing `adaptersDir`. */
  readonly path?: string | undefined;
}

/** What {@link checkAdapter} concluded: the adapter runs, is skipped, or has problems. */
export type AdapterOutcome =
  | { readonly summary: AdapterSummary; readonly targets: AdapterTargets }
  | { readonly skipped: SkippedAdapter }
  | { readonly problems: readonly ProjectProblem[] };

/** Checks one adapter as the host would load it, without connecting anything. */
export async function checkAdapter(
  loaded: LoadedConfig,
  candidate: AdapterCandidate,
): Promise<AdapterOutcome> {
  const { name, entry } = candidate;
  if (entry?.enabled === false) return { skipped: { name, reason: 'disabled ("enabled": false)' } };
  const module = await loadCandidate(loaded, candidate);
  if (!('exported' in module)) return module;
  const merged = mergeAdapterEntry(entry, module.settings);
  if (merged.enabled === false) return { skipped: { name, reason: 'disabled by its "settings"' } };
  const kind = detectKind(module.exported, merged.kind);
  const check = checkAdapterEntry(name, entry, module.settings, kind);
  if (!check.ok) {
    return { problems: check.issues.map((i) => projectProblem(i.path, i.message, name)) };
  }
  const adapter = check.adapter;
  const targets = adapterTargets(loaded.config, adapter);
  const problems = [
    ...checkShape(module, adapter),
    ...(await checkAdapterTls(adapter, loaded.configDir)),
  ];
  if (hasSeveralConnections(targets) && !isClassExport(module.exported)) {
    problems.push(projectProblem(`adapters.${name}`, oneConnectionOnly(targets), name));
  }
  if (problems.length > 0) return { problems };
  return { summary: summarize(adapter, candidate, module, targets), targets };
}

/** Imports the candidate's module: the module, or why the adapter is skipped or broken. */
async function loadCandidate(
  loaded: LoadedConfig,
  candidate: AdapterCandidate,
): Promise<LoadedAdapterModule | AdapterOutcome> {
  const { name, entry } = candidate;
  try {
    const module = await loadAdapterModule(await modulePath(loaded, candidate), { adapter: name });
    // A file of adaptersDir that neither the config nor its own settings declare is a helper.
    if (entry === undefined && module.settings === undefined) {
      const reason = `${module.path} has no "settings" export and no entry in "adapters"`;
      return { skipped: { name, reason } };
    }
    checkExportType(module.exported, { modulePath: module.path, adapter: name });
    return module;
  } catch (error) {
    return { problems: moduleProblems(error, name) };
  }
}

async function modulePath(loaded: LoadedConfig, candidate: AdapterCandidate): Promise<string> {
  if (candidate.path !== undefined) return candidate.path;
  return resolveAdapterModulePath({
    name: candidate.name,
    module: candidate.entry?.module,
    configDir: loaded.configDir,
    adaptersDir: loaded.config.adaptersDir,
  });
}

function checkShape(module: LoadedAdapterModule, adapter: ResolvedAdapter): ProjectProblem[] {
  const context = { modulePath: module.path, adapter: adapter.name };
  const exported = module.exported;
  try {
    if (!isClassExport(exported)) {
      checkAdapterShape(exported as object, adapter.kind, context);
      return [];
    }
    try {
      checkAdapterShape(exported.prototype as object, adapter.kind, context);
    } catch {
      // Methods may be created by the constructor (class fields): look at a real instance.
      checkAdapterShape(createAdapterInstance(exported), adapter.kind, context);
    }
    return [];
  } catch (error) {
    return moduleProblems(error, adapter.name);
  }
}

/** Checks the TLS settings of the top level and of `servers`: files readable and PEM. */
export async function checkConfigTls(
  config: LsAdapterConfig,
  configDir: string,
): Promise<ProjectProblem[]> {
  const found = await Promise.all([
    tlsProblem('tls', config.tls, false, configDir),
    ...(config.servers ?? []).map((server, index) =>
      tlsProblem(`servers[${index}].tls`, server.tls, false, configDir),
    ),
  ]);
  return found.filter((p): p is ProjectProblem => p !== undefined);
}

async function checkAdapterTls(
  adapter: ResolvedAdapter,
  configDir: string,
): Promise<ProjectProblem[]> {
  const base = `adapters.${adapter.name}`;
  const found = await Promise.all([
    tlsProblem(`${base}.tls`, adapter.tls, false, configDir, adapter.name),
    tlsProblem(`${base}.listen.tls`, adapter.listen?.tls, true, configDir, adapter.name),
  ]);
  return found.filter((p): p is ProjectProblem => p !== undefined);
}

/** `server`: the settings are for accepting connections, which needs a certificate and key. */
async function tlsProblem(
  path: string,
  tls: TlsSetting | undefined,
  server: boolean,
  configDir: string,
  adapter?: string,
): Promise<ProjectProblem | undefined> {
  try {
    const resolved = await resolveTlsOptions(tls, { baseDir: configDir });
    if (server && resolved !== null) toTlsServerOptions(resolved);
    return undefined;
  } catch (error) {
    if (!(error instanceof TlsOptionsError)) throw error;
    return projectProblem(path, error.message, adapter);
  }
}

function oneConnectionOnly(targets: AdapterTargets): string {
  const why =
    targets.mode === 'listen'
      ? 'it listens, and each accepted connection needs its own instance'
      : `it connects to ${targets.servers.length} servers, and each connection needs its own instance`;
  return `The module exports an object, which can serve one connection only, but ${why}: export a class instead`;
}

function summarize(
  adapter: ResolvedAdapter,
  candidate: AdapterCandidate,
  module: LoadedAdapterModule,
  targets: AdapterTargets,
): AdapterSummary {
  const listen = targets.mode === 'listen' ? targets.listen : undefined;
  return {
    name: adapter.name,
    kind: adapter.kind,
    origin: candidate.entry === undefined ? 'adaptersDir' : 'config',
    modulePath: module.path,
    exportType: isClassExport(module.exported) ? 'class' : 'object',
    mode: targets.mode,
    port: adapter.port,
    notifyPort: adapter.notifyPort,
    listen: listen === undefined ? undefined : { host: listen.host, port: listen.port },
    servers:
      listen !== undefined
        ? [listen.label]
        : (targets.mode === 'connect' ? targets.servers : []).map((s) => s.label),
  };
}

/** The problems an error of loading or checking a module stands for. */
export function moduleProblems(error: unknown, adapter: string): ProjectProblem[] {
  if (error instanceof ConfigError) {
    // Problems of a module's `settings` export: paths are relative to that file.
    return error.issues.map((issue) =>
      projectProblem(issue.path, issue.message, adapter, error.source),
    );
  }
  if (error instanceof ModuleLoadError)
    return [projectProblem(`adapters.${adapter}`, error.reason, adapter)];
  const message = error instanceof Error ? error.message : String(error);
  return [
    projectProblem(`adapters.${adapter}`, `constructing the adapter failed: ${message}`, adapter),
  ];
}

/** Builds a {@link ProjectProblem}, its `text` included. */
export function projectProblem(
  path: string,
  message: string,
  adapter?: string,
  file?: string,
): ProjectProblem {
  const text = `${file === undefined ? '' : `${file}: `}${path}: ${message}`;
  return { adapter, file, path, message, text };
}
