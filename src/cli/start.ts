/**
 * `lsadapter start` (SPEC §6): loads the config, creates and starts the host, serves metrics and
 * health checks when asked, and runs until SIGINT/SIGTERM. Exit codes: 0 on a clean stop, 2 on a
 * config or module error at startup (thrown to the CLI's error funnel), 1 otherwise (a listener
 * or the health server cannot bind, every connection gave up, a second signal).
 */
import { DEFAULT_METRICS_HOST, type MetricsSettings } from '../host/config-schema.js';
import { type HealthServer, startHealthServer } from '../host/health.js';
import { Host } from '../host/host.js';
import { loadConfig } from '../host/load-config.js';
import { createLogger, flushLogger, type HostLogger } from '../host/logger.js';
import { createHostMetrics, type HostMetrics } from '../host/metrics.js';
import { EXIT_FORCED, handleShutdown } from '../host/shutdown.js';
import type { StartOptions } from './options.js';
import { commandConfigPath } from './package-root-config.js';
import { logUnhandledRejections } from './process-guards.js';

/**
 * Runs the host until a signal stops it; resolves with the exit code.
 *
 * @throws {ConfigError} / {ModuleLoadError} for a config or module error at startup (exit 2).
 */
export async function runStart(options: StartOptions): Promise<number> {
  const configPath = await commandConfigPath({ config: options.config, cwd: options.cwd });
  const loaded = await loadConfig({ configPath, cwd: options.cwd });
  const { config } = loaded;
  const logger = createLogger({
    level: options.logLevel ?? config.log.level,
    pretty: config.log.pretty,
  });
  const metricsSettings = metricsOf(config.metrics, options.metricsPort);
  const metrics = metricsSettings === undefined ? undefined : createHostMetrics();
  const host = await Host.create({
    ...loaded,
    logger,
    metrics,
    watch: options.watch ? true : undefined,
  });
  const shutdown = handleShutdown({ host, logger });
  const releaseGuard = logUnhandledRejections(logger);
  host.on('failed', (error) => {
    // An outcome the supervisors have already explained line by line: no stack trace.
    logger.error(error.message);
    void shutdown.trigger('every connection gave up', EXIT_FORCED);
  });
  let health: HealthServer | undefined;
  try {
    health = await startHealth(host, metricsSettings, metrics);
    await host.start();
  } catch (error) {
    shutdown.dispose();
    releaseGuard();
    await host.stop();
    await health?.close();
    await flushLogger(logger);
    throw error;
  }
  logSummary(host, logger, health);
  announceReady(host, logger);
  const signalled = await shutdown.done;
  // A stop that had to give up on an adapter is not a clean one.
  const code = signalled === 0 && !host.stoppedInTime ? EXIT_FORCED : signalled;
  shutdown.dispose();
  releaseGuard();
  await health?.close();
  await flushLogger(logger);
  return code;
}

/** Logs, and tells a process manager over IPC (pm2 and the like), once every adapter is up. */
function announceReady(host: Host, logger: HostLogger): void {
  host.whenReady().then(
    () => {
      logger.info('Every adapter connection is up');
      if (typeof process.send === 'function') process.send('ready');
    },
    () => undefined,
  );
}

/** The metrics endpoint's settings: the config's, with `--metrics-port` overriding its port. */
function metricsOf(
  configured: MetricsSettings | undefined,
  port: number | undefined,
): MetricsSettings | undefined {
  if (port === undefined) return configured;
  return { host: configured?.host ?? DEFAULT_METRICS_HOST, port };
}

function startHealth(
  host: Host,
  settings: MetricsSettings | undefined,
  metrics: HostMetrics | undefined,
): Promise<HealthServer | undefined> {
  if (settings === undefined || metrics === undefined) return Promise.resolve(undefined);
  return startHealthServer({
    host: settings.host,
    port: settings.port,
    metrics,
    readiness: () => ({ connections: host.connections() }),
  });
}

function logSummary(host: Host, logger: HostLogger, health: HealthServer | undefined): void {
  const adapters = host.adapterNames().map((name) => {
    const running = host.adapter(name);
    const targets = running?.runtime.definition.targets;
    const where =
      targets?.mode === 'listen'
        ? [`listen ${targets.listen.host}:${running?.listenPort ?? targets.listen.port}`]
        : (targets?.servers.map((server) => server.label) ?? []);
    return {
      name,
      kind: running?.runtime.kind,
      module: running?.runtime.definition.module.path,
      where,
    };
  });
  logger.info(
    {
      configPath: host.project.configPath,
      adapters,
      watch: host.watching,
      metrics: health?.url,
    },
    `lsadapter started: ${adapters.length} adapter${adapters.length === 1 ? '' : 's'} ` +
      `(${adapters.map((a) => a.name).join(', ')})${host.watching ? ', watching for changes' : ''}` +
      (health === undefined ? '' : `, metrics on ${health.url}`),
  );
}
