/**
 * What a hot reload does (SPEC §6 "Hot reload"), once the reloader has worked out what changed:
 * a module edit swaps the new version in (or restarts the adapter when its connection settings
 * changed), a config edit adds, restarts and removes adapters, a new module in `adaptersDir`
 * starts as an adapter. Every failure is logged and leaves what runs untouched.
 */
import { access } from 'node:fs/promises';
import { basename, dirname, extname, sep } from 'node:path';
import {
  type AdapterDefinition,
  loadAdapterDefinition,
  sameConnections,
} from './adapter-runtime.js';
import { ConfigError, ModuleSyntaxError, type SourceLocation } from './errors.js';
import type { Host } from './host.js';
import { loadConfig } from './load-config.js';
import { loadProject } from './load-project.js';

/** Where in the user's files an error comes from, when its stack tells. */
export function errorLocation(error: unknown, modulePath: string): SourceLocation | undefined {
  if (error instanceof ModuleSyntaxError) return error.location;
  const dir = dirname(modulePath) + sep;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    for (const match of (e.stack ?? '').matchAll(STACK_LOCATION)) {
      const file = decodeURIComponent(match[1] as string);
      if (file.startsWith(dir)) return { file, line: Number(match[2]), column: Number(match[3]) };
    }
  }
  return undefined;
}

/** `(file:///abs/path.ts?query:12:5)` or `at /abs/path.js:12:5` in a stack line. */
const STACK_LOCATION = /(?:file:\/\/)?(\/[^\s()?:]+)(?:\?[^\s():]*)?:(\d+):(\d+)/g;

function logFailure(host: Host, name: string, modulePath: string, error: unknown): void {
  const location = errorLocation(error, modulePath);
  const where = location === undefined ? modulePath : `${location.file}:${location.line}`;
  const message = error instanceof Error ? error.message : String(error);
  host.project.logger.error(
    {
      adapter: name,
      file: location?.file ?? modulePath,
      line: location?.line,
      column: location?.column,
      err: error,
    },
    `Reloading adapter "${name}" failed (${where}): ${message}. The previous version keeps serving`,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads a fresh copy of an adapter's module and puts it in service: swapped in place on every
 * live connection, or, when its `settings` changed how it connects, by restarting its
 * connections. A module that no longer exists stops an adapter that only `adaptersDir`
 * declared; a configured one keeps running its loaded version.
 */
export async function reloadAdapter(host: Host, name: string): Promise<void> {
  const running = host.adapter(name);
  if (running === undefined || host.stopping) return;
  const current = running.runtime.definition;
  const path = current.module.path;
  if (!(await exists(path))) {
    if (current.entry === undefined)
      await host.removeAdapter(name, `its module ${path} was removed`);
    else
      host.project.logger.warn(
        { adapter: name, file: path },
        `Module ${path} of adapter "${name}" was removed; the loaded version keeps running`,
      );
    return;
  }
  let next: AdapterDefinition | { skipped: string };
  try {
    const entry = host.project.config.adapters[name];
    next = await loadAdapterDefinition({ name, entry, path }, host.project, true);
  } catch (error) {
    logFailure(host, name, path, error);
    return;
  }
  if (host.stopping || host.adapter(name) !== running) return;
  if ('skipped' in next) return host.removeAdapter(name, next.skipped);
  if (!sameConnections(current, next)) {
    return host.restartAdapter(next, 'its settings changed how it connects');
  }
  try {
    await running.runtime.swapIn(next);
  } catch (error) {
    logFailure(host, name, path, error);
    return;
  }
  const connections = running.runtime.liveSessions;
  host.project.logger.info(
    { adapter: name, version: running.runtime.version, connections, file: path },
    `Adapter "${name}" reloaded (version ${running.runtime.version}, ${connections} live connection${connections === 1 ? '' : 's'})`,
  );
}

/**
 * Re-reads the config file. An invalid one is reported (every problem) and ignored. Otherwise
 * adapters new in it start, adapters whose connection settings or module changed restart,
 * adapters no longer in it stop; the others go on untouched.
 */
export async function applyConfig(host: Host): Promise<void> {
  const { logger, configPath } = host.project;
  let definitions: AdapterDefinition[];
  let config: Awaited<ReturnType<typeof loadConfig>>['config'];
  try {
    const loaded = await loadConfig({ configPath });
    config = loaded.config;
    definitions = await loadProject({ ...host.project, config });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const issues = error instanceof ConfigError ? error.issues : undefined;
    logger.error({ file: configPath, issues, err: error }, `Config edit ignored: ${message}`);
    return;
  }
  if (host.stopping) return;
  warnAboutRestartOnly(host, config);
  host.setConfig(config);
  const names = new Set(definitions.map((d) => d.name));
  for (const name of host.adapterNames()) {
    if (!names.has(name)) await host.removeAdapter(name, 'no longer in the config');
  }
  for (const definition of definitions) {
    const running = host.adapter(definition.name);
    if (running === undefined) await host.addAdapter(definition);
    else if (
      !sameConnections(running.runtime.definition, definition) ||
      running.runtime.definition.module.path !== definition.module.path
    ) {
      await host.restartAdapter(definition, 'its config entry changed');
    }
  }
  logger.info({ file: configPath, adapters: definitions.length }, 'Config reloaded');
}

function warnAboutRestartOnly(host: Host, next: Host['project']['config']): void {
  const before = host.project.config;
  const changed = (['log', 'metrics', 'hotReload'] as const).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(next[key]),
  );
  if (changed.length === 0) return;
  host.project.logger.warn(
    { keys: changed },
    `Config changes to ${changed.join(', ')} take effect at the next start`,
  );
}

/**
 * A module file appeared or changed in `adaptersDir` and no running adapter uses it: it starts
 * as a new adapter if its config entry or its `settings` export says how it connects.
 */
export async function moduleAdded(host: Host, path: string): Promise<void> {
  if (host.stopping || !(await exists(path))) return;
  const owner = host
    .adapterNames()
    .find((name) => host.adapter(name)?.runtime.definition.module.path === path);
  if (owner !== undefined) return reloadAdapter(host, owner);
  const name = basename(path, extname(path));
  if (host.adapter(name) !== undefined) {
    host.project.logger.warn(
      { adapter: name, file: path },
      `Module ${path} ignored: an adapter named "${name}" already runs from another file`,
    );
    return;
  }
  let loaded: AdapterDefinition | { skipped: string };
  try {
    loaded = await loadAdapterDefinition(
      { name, entry: host.project.config.adapters[name], path },
      host.project,
      true,
    );
  } catch (error) {
    logFailure(host, name, path, error);
    return;
  }
  if ('skipped' in loaded) {
    host.project.logger.info({ file: path }, `Module ${path} not started: ${loaded.skipped}`);
    return;
  }
  await host.addAdapter(loaded);
}
