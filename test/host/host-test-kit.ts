/**
 * Shared pieces of the host tests: an in-memory pino logger whose records can be awaited, temp
 * projects (config + adapter modules), and adapter module sources that report what the host
 * calls on them through a per-test journal on `globalThis` (modules are imported into the test
 * process, and each reload imports a fresh copy, so module state cannot be shared otherwise),
 * and per-test fixtures (simulators, projects, hosts) torn down after each test.
 */
import { EventEmitter } from 'node:events';
import { afterEach } from 'vitest';
import { Host } from '../../src/host/host.js';
import { loadConfig } from '../../src/host/load-config.js';
import { createLogger, type HostLogger } from '../../src/host/logger.js';
import type { HostMetrics } from '../../src/host/metrics.js';
import { ProxySimulator } from '../../src/testing/index.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { waitUntil } from '../helpers/wait-for.js';

/** One JSON log record. */
export type LogRecord = Record<string, unknown> & { level: number; msg?: string };

/** A logger writing to memory. */
export interface MemoryLogger {
  readonly logger: HostLogger;
  readonly records: LogRecord[];
  /** Every line as written (JSON text), to check that secrets never appear. */
  readonly text: () => string;
  /** Waits for a record passing `predicate`. */
  waitFor(
    predicate: (record: LogRecord) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<LogRecord>;
}

/** A pino logger (the host's, with redaction) that keeps every record. */
export function memoryLogger(level: 'debug' | 'info' = 'debug'): MemoryLogger {
  const records: LogRecord[] = [];
  const lines: string[] = [];
  const events = new EventEmitter();
  const logger = createLogger({
    level,
    destination: {
      write(line: string) {
        lines.push(line);
        records.push(JSON.parse(line) as LogRecord);
        events.emit('record');
      },
    },
  });
  return {
    logger,
    records,
    text: () => lines.join(''),
    waitFor: (predicate, what, timeoutMs = 5_000) =>
      waitUntil(() => records.find(predicate), { timeoutMs, what }),
  };
}

/** What the adapter modules of a test write to. */
export interface Journal {
  /** `[method, ...args]` per call, in order, over every instance and version. */
  readonly calls: Array<[string, ...unknown[]]>;
}

let journals = 0;

/** A fresh journal on `globalThis`; modules find it by `key`. */
export function newJournal(): { key: string; journal: Journal } {
  const key = `j${process.pid}_${++journals}`;
  const global = globalThis as Record<string, unknown>;
  if (global.__lsadapterTest === undefined) global.__lsadapterTest = {};
  const root = global.__lsadapterTest as Record<string, Journal>;
  const journal: Journal = { calls: [] };
  root[key] = journal;
  return { key, journal };
}

/** Calls of one method in a journal. */
export function callsOf(journal: Journal, method: string): unknown[][] {
  return journal.calls.filter((call) => call[0] === method).map((call) => call.slice(1));
}

/**
 * Source of a data adapter class (ESM JavaScript). Items whose name starts with `snap` have a
 * snapshot; `subscribe` sends `{ v: '<tag>-<item>' }` (as snapshot plus EOS, or real-time),
 * then every `intervalMs` a real-time `{ v: '<tag>-tick' }` when `intervalMs` is given.
 */
export function dataAdapterSource(
  key: string,
  tag: string,
  options: { intervalMs?: number; settings?: object; object?: boolean } = {},
): string {
  const interval = options.intervalMs ?? 0;
  const methods = [
    `init(params, context) { log('init', '${tag}', params, context.name, context.kind, context.configPath); this.timers = new Map(); }`,
    'setListener(listener) { this.listener = listener; }',
    "isSnapshotAvailable(item) { return item.startsWith('snap'); }",
    `subscribe(item) {
    log('subscribe', '${tag}', item);
    const snapshot = item.startsWith('snap');
    this.listener.update(item, { v: '${tag}-' + item }, snapshot);
    if (snapshot) this.listener.endOfSnapshot(item);
    if (${interval} > 0) this.timers.set(item, setInterval(() => this.listener.update(item, { v: '${tag}-tick' }, false), ${interval}));
  }`,
    `unsubscribe(item) { log('unsubscribe', '${tag}', item); clearInterval(this.timers.get(item)); this.timers.delete(item); }`,
    `close() { log('close', '${tag}'); for (const t of this.timers?.values() ?? []) clearInterval(t); }`,
  ];
  const settings =
    options.settings === undefined
      ? ''
      : `export const settings = ${JSON.stringify(options.settings)};\n`;
  const head = `const log = (...call) => globalThis.__lsadapterTest['${key}'].calls.push(call);\n${settings}`;
  return options.object === true
    ? `${head}export default {\n  ${methods.join(',\n  ')}\n};\n`
    : `${head}export default class Feed {\n  ${methods.join('\n  ')}\n}\n`;
}

/** Source of a metadata adapter class answering `getItems` with `<tag>:<group>`. */
export function metadataAdapterSource(key: string, tag: string): string {
  return `const log = (...call) => globalThis.__lsadapterTest['${key}'].calls.push(call);
export default class Auth {
  init(params, context) { log('init', '${tag}', params, context.name); }
  getItems(user, sessionId, group) { return ['${tag}', group]; }
  close() { log('close', '${tag}'); }
}
`;
}

/** A temp project: `lsadapter.config.json` and modules. */
export interface TestProject {
  readonly dir: TempDir;
  readonly configPath: string;
  writeConfig(config: object): Promise<void>;
}

/** Creates a temp project with a config file. */
export async function makeProject(
  config: object,
  files: Record<string, string> = {},
): Promise<TestProject> {
  const dir = await makeTempDir('lsadapter-host-');
  for (const [path, content] of Object.entries(files)) await dir.write(path, content);
  const configPath = dir.resolve('lsadapter.config.json');
  const project: TestProject = {
    dir,
    configPath,
    writeConfig: async (next) => {
      await dir.write('lsadapter.config.json', JSON.stringify(next, null, 2));
    },
  };
  await project.writeConfig(config);
  return project;
}

/** Small reconnect delays for tests. */
export const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 200, factor: 2, maxAttempts: null };

/** Per-test simulators, projects and hosts, torn down in reverse order after each test. */
export interface HostFixtures {
  /** Runs `cleanup` after the current test (before the cleanups registered earlier). */
  defer(cleanup: () => Promise<unknown>): void;
  /** A started proxy simulator on a loopback port. */
  simulator(options: ConstructorParameters<typeof ProxySimulator>[0]): Promise<ProxySimulator>;
  /** A temp project; `config` is merged over the defaults given to {@link useHostFixtures}. */
  project(config: object, files?: Record<string, string>): Promise<TestProject>;
  /** A started host running the project's config. */
  startHost(
    created: TestProject,
    log?: MemoryLogger,
    options?: { metrics?: HostMetrics; watch?: boolean },
  ): Promise<Host>;
}

/**
 * Registers an `afterEach` teardown in the calling test file and returns the fixtures it tears
 * down; `projectDefaults` are the config keys every project of the file starts from.
 */
export function useHostFixtures(projectDefaults: object = {}): HostFixtures {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    defer: (cleanup) => void cleanups.push(cleanup),
    async simulator(options) {
      const sim = await new ProxySimulator(options).start();
      cleanups.push(() => sim.close());
      return sim;
    },
    async project(config, files = {}) {
      const created = await makeProject({ ...projectDefaults, ...config }, files);
      cleanups.push(() => created.dir.cleanup());
      return created;
    },
    async startHost(created, log = memoryLogger(), options = {}) {
      const loaded = await loadConfig({ configPath: created.configPath });
      const host = await Host.create({
        ...loaded,
        logger: log.logger,
        metrics: options.metrics,
        watch: options.watch,
      });
      cleanups.push(() => host.stop());
      await host.start();
      return host;
    },
  };
}
