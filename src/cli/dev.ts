/**
 * `lsadapter dev` (SPEC §6): runs the configured adapters against embedded proxy simulators
 * (no Lightstreamer Server), plays a client session against them, and prints every update the
 * Data Adapters send, live, until Ctrl-C.
 *
 * Streams: updates (and end-of-snapshot, clear-snapshot and failure lines) go to stdout, so they
 * can be piped (`--json` gives one JSON object per line); everything else (which config runs,
 * where each adapter connects, the client session's answers, the host's logs) goes to stderr.
 */
import { Host } from '../host/host.js';
import { loadProject } from '../host/load-project.js';
import { createLogger, flushLogger, type HostLogger } from '../host/logger.js';
import {
  EXIT_CLEAN,
  EXIT_FORCED,
  handleShutdown,
  type ShutdownController,
} from '../host/shutdown.js';
import { type DevConfig, loadDevConfig, simulatedConfig } from './dev-config.js';
import { runClientSession } from './dev-session.js';
import {
  closeSimulators,
  type SimulatedAdapter,
  simulatorAddresses,
  startSimulators,
} from './dev-simulators.js';
import type { DevOptions } from './options.js';
import {
  createLineWriter,
  type LineWriter,
  shouldUseColor,
  toDevEvent,
  UpdatePrinter,
} from './print-updates.js';
import { logUnhandledRejections } from './process-guards.js';

/**
 * Log level of the host in dev: warnings and errors only, so that the updates stay readable
 * (`--log-level` changes it).
 */
export const DEV_LOG_LEVEL = 'warn';

/** How often dev says which adapters it is still waiting for: every 5 s. */
export const WAITING_NOTICE_MS = 5_000;

/**
 * Runs `lsadapter dev` until SIGINT/SIGTERM (or `--duration`); resolves with the exit code: 0
 * after a signal or the duration, 1 when every adapter connection gave up.
 *
 * @throws {ConfigError} / {ModuleLoadError} for a config or module error at startup (exit 2).
 */
export async function runDev(options: DevOptions): Promise<number> {
  const status = (line: string): void => {
    process.stderr.write(`dev: ${line}\n`);
  };
  const project = await loadDevConfig({ config: options.config, cwd: options.cwd });
  status(describeConfig(project, options.cwd ?? process.cwd()));
  const logger = createLogger({
    level: options.logLevel ?? DEV_LOG_LEVEL,
    pretty: true,
    destination: 2,
  });
  const definitions = await loadProject({ ...project, logger });
  const simulated = await startSimulators(definitions);
  let host: Host;
  try {
    const config = simulatedConfig(project.config, definitions, simulatorAddresses(simulated));
    host = await Host.create({ ...project, config, logger, watch: false });
  } catch (error) {
    await closeSimulators(simulated);
    await flushLogger(logger);
    throw error;
  }
  return runWithHost({ options, project, logger, host, simulated, status });
}

interface DevRun {
  readonly options: DevOptions;
  readonly project: DevConfig;
  readonly logger: HostLogger;
  readonly host: Host;
  readonly simulated: readonly SimulatedAdapter[];
  readonly status: (line: string) => void;
}

async function runWithHost(run: DevRun): Promise<number> {
  const { logger, host, simulated, status } = run;
  const writer = createLineWriter(process.stdout);
  printEvents(run, writer);
  const stop = controlStop(run);
  try {
    await host.start();
  } catch (error) {
    stop.release();
    await host.stop();
    await closeSimulators(simulated);
    await flushLogger(logger);
    throw error;
  }
  for (const { name, kind, simulator } of simulated) {
    status(`${name} (${kind}) → simulated Proxy Adapter on ${addressText(simulator.address)}`);
  }
  void startSession(run, stop.shutdown, stop.isStopping);
  const code = await stop.shutdown.done;
  stop.release();
  writer.flush();
  await flushLogger(logger);
  return code;
}

/** What ends a dev run, and how to let go of it. */
interface StopControl {
  readonly shutdown: ShutdownController;
  /** Whether the stop has begun. */
  isStopping(): boolean;
  /** Removes the signal and stream handlers and the duration timer. */
  release(): void;
}

/**
 * Stops the host and then the simulators on SIGINT/SIGTERM, after `--duration`, when stdout is
 * closed, or (exit 1) when every adapter connection gave up. Meanwhile an adapter's unhandled
 * promise rejection is logged rather than ending the run.
 */
function controlStop(run: DevRun): StopControl {
  const { options, logger, host, simulated, status } = run;
  let stopping = false;
  const shutdown = handleShutdown({
    host: {
      stop: async (deadlineMs) => {
        stopping = true;
        await host.stop(deadlineMs);
        await closeSimulators(simulated);
      },
    },
    // The stop is news for the developer: said on stderr, whatever the log level.
    logger: {
      info: (_fields, message) => message && status(message),
      warn: logger.warn.bind(logger),
    },
  });
  // `lsadapter dev | head` closes the pipe: that ends dev as Ctrl-C would, not with a crash.
  const onStdoutError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') throw error;
    void shutdown.trigger('stdout closed', EXIT_CLEAN);
  };
  process.stdout.on('error', onStdoutError);
  const releaseGuard = logUnhandledRejections(logger);
  host.on('failed', (error) => {
    status(error.message);
    void shutdown.trigger('every connection gave up', EXIT_FORCED);
  });
  const seconds = options.durationSeconds;
  const timer =
    seconds === undefined
      ? undefined
      : setTimeout(
          () => void shutdown.trigger(`--duration ${seconds}s elapsed`, EXIT_CLEAN),
          seconds * 1000,
        );
  return {
    shutdown,
    isStopping: () => stopping,
    release: () => {
      clearTimeout(timer);
      shutdown.dispose();
      releaseGuard();
      process.stdout.off('error', onStdoutError);
    },
  };
}

/** Prints what every Data Adapter sends, and the protocol violations any adapter commits. */
function printEvents(run: DevRun, writer: LineWriter): void {
  const { options, project, simulated, status } = run;
  const dataNames = simulated.filter((s) => s.kind === 'data').map((s) => s.name);
  const printer = new UpdatePrinter({
    fields: options.schema ?? project.config.dev?.schema,
    color: !options.json && shouldUseColor(process.stdout),
    json: options.json ?? false,
    adapterWidth: Math.max(0, ...dataNames.map((name) => name.length)),
    itemWidth: Math.max(0, ...subscriptionsOf(run).map((spec) => itemOf(spec, dataNames).length)),
  });
  for (const { name, kind, simulator } of simulated) {
    if (kind === 'data') {
      simulator.on('notification', (notification) => {
        writer.write(printer.format(toDevEvent(name, notification)));
      });
    }
    simulator.on('violation', (violation) => {
      if (violation.severity === 'violation') {
        status(`${name}: protocol violation (${violation.code}): ${violation.message}`);
      }
    });
  }
}

/** Once every adapter is connected, plays the client session (unless dev is stopping). */
async function startSession(
  run: DevRun,
  shutdown: ShutdownController,
  isStopping: () => boolean,
): Promise<void> {
  const { options, project, host, simulated, status } = run;
  const ready = await awaitAdapters(host, shutdown, status);
  if (!ready || isStopping()) return;
  status('every adapter is connected: starting a client session');
  const dev = project.config.dev;
  const metadata = simulated.filter((s) => s.kind === 'metadata');
  if (metadata.length > 1) {
    const names = metadata.map((m) => m.name).join(', ');
    status(`several Metadata Adapters (${names}): the session uses ${metadata[0]?.name}`);
  }
  try {
    await runClientSession({
      metadata: metadata[0]?.simulator,
      data: new Map(simulated.filter((s) => s.kind === 'data').map((s) => [s.name, s.simulator])),
      subscribe: subscriptionsOf(run),
      schema: options.schema ?? dev?.schema,
      user: options.user ?? dev?.user ?? null,
      password: options.password ?? dev?.password ?? null,
      message: options.message ?? dev?.message,
      // Answers that arrive while stopping are failures caused by the stop itself.
      report: (line) => {
        if (!isStopping()) status(line);
      },
    });
  } catch (error) {
    if (!isStopping()) status(`the client session failed: ${(error as Error).message}`);
  }
}

/**
 * Resolves true once every adapter connection is up, or false if dev stops first; meanwhile
 * says every {@link WAITING_NOTICE_MS} which connections are still down.
 */
async function awaitAdapters(
  host: Host,
  shutdown: ShutdownController,
  status: (line: string) => void,
): Promise<boolean> {
  const notice = setInterval(() => {
    const waiting = host.connections().filter((c) => c.state !== 'connected');
    const list = waiting.map((c) => `${c.adapter} (${c.state})`).join(', ');
    if (list !== '') status(`waiting for ${list}; see the log lines above for why`);
  }, WAITING_NOTICE_MS);
  notice.unref();
  try {
    return await Promise.race([host.whenReady().then(() => true), shutdown.done.then(() => false)]);
  } finally {
    clearInterval(notice);
  }
}

/** `--subscribe` items, else the config's `dev.subscribe`. */
function subscriptionsOf(run: DevRun): readonly string[] {
  const given = run.options.subscribe;
  return given.length > 0 ? given : (run.project.config.dev?.subscribe ?? []);
}

/** The item part of `ADAPTER:item` (for the width of the item column). */
function itemOf(spec: string, dataNames: readonly string[]): string {
  const colon = spec.indexOf(':');
  return colon > 0 && dataNames.includes(spec.slice(0, colon)) ? spec.slice(colon + 1) : spec;
}

function describeConfig(project: DevConfig, cwd: string): string {
  switch (project.origin) {
    case 'option':
      return `config ${project.configPath}`;
    case 'search':
      return `config ${project.configPath} (found from ${cwd})`;
    case 'example':
      return (
        `config ${project.configPath}: the example project of lsadapter, since no lsadapter ` +
        `config was found from ${cwd} (create lsadapter.config.json, or give --config)`
      );
  }
}

function addressText(address: { host: string; port: number; notifyPort?: number }): string {
  const notify = address.notifyPort === undefined ? '' : ` (notify port ${address.notifyPort})`;
  return `${address.host}:${address.port}${notify}`;
}
