/**
 * What hot reload costs in memory. Node cannot unload an ES module, so every reload keeps the
 * previous copy of the module (and the loader's records of it) alive: this measures how much.
 *
 * Two runs of RELOADS reloads each, heap and RSS measured after a forced GC before and after:
 * - `import`: fresh imports of one adapter module (the file changes each time, as on a save);
 * - `swap`: full hot reloads through the host, on a live connection to a proxy simulator with
 *   two subscribed items (import, new instance, init, unsubscribe/subscribe, close).
 *
 * Run: node --expose-gc --import tsx test/bench/reload-memory.ts [reloads]
 */
import { Host } from '../../src/host/host.js';
import { loadConfig } from '../../src/host/load-config.js';
import { loadAdapterModule } from '../../src/host/load-module.js';
import { createLogger } from '../../src/host/logger.js';
import { reloadAdapter } from '../../src/host/reload-actions.js';
import { ProxySimulator } from '../../src/testing/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const RELOADS = Number(process.argv[2] ?? 100);
const MIB = 1024 * 1024;

/** A TypeScript data adapter of realistic size; `version` makes each save a new file. */
function adapterSource(version: number): string {
  return `// version ${version}
interface Listener { update(item: string, fields: Record<string, string>, snapshot: boolean): boolean }
const NAMES = ${JSON.stringify(Array.from({ length: 50 }, (_, i) => `name-${i}-${version}`))};
export default class Feed {
  listener: Listener | undefined;
  timers = new Map<string, NodeJS.Timeout>();
  setListener(listener: Listener): void { this.listener = listener; }
  isSnapshotAvailable(): boolean { return true; }
  subscribe(item: string): void {
    this.listener?.update(item, { v: NAMES[${version} % NAMES.length] ?? '' }, true);
  }
  unsubscribe(item: string): void { clearInterval(this.timers.get(item)); this.timers.delete(item); }
  close(): void { for (const timer of this.timers.values()) clearInterval(timer); }
}
`;
}

interface Sample {
  heapUsed: number;
  rss: number;
}

function sample(): Sample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('Run with node --expose-gc');
  gc();
  gc();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss };
}

function report(name: string, before: Sample, after: Sample): void {
  const heap = (after.heapUsed - before.heapUsed) / MIB;
  const rss = (after.rss - before.rss) / MIB;
  console.log(
    `${name}: ${RELOADS} reloads: heap ${(before.heapUsed / MIB).toFixed(1)} → ${(after.heapUsed / MIB).toFixed(1)} MiB ` +
      `(+${heap.toFixed(2)} MiB, ${((heap * 1024) / RELOADS).toFixed(1)} KiB per reload); ` +
      `RSS ${(before.rss / MIB).toFixed(1)} → ${(after.rss / MIB).toFixed(1)} MiB (+${rss.toFixed(2)} MiB)`,
  );
}

async function importRun(): Promise<void> {
  const dir = await makeTempDir('lsadapter-bench-');
  try {
    const path = await dir.write('feed.ts', adapterSource(0));
    await loadAdapterModule(path, { fresh: true });
    const before = sample();
    for (let version = 1; version <= RELOADS; version++) {
      await dir.write('feed.ts', adapterSource(version));
      await loadAdapterModule(path, { fresh: true });
    }
    report('import', before, sample());
  } finally {
    await dir.cleanup();
  }
}

async function swapRun(): Promise<void> {
  const dir = await makeTempDir('lsadapter-bench-');
  const sim = await new ProxySimulator({ kind: 'data' }).start();
  const config = { host: '127.0.0.1', adapters: { FEED: { port: sim.port, module: './feed.ts' } } };
  await dir.write('lsadapter.config.json', JSON.stringify(config));
  await dir.write('feed.ts', adapterSource(0));
  const loaded = await loadConfig({ configPath: dir.resolve('lsadapter.config.json') });
  const host = await Host.create({ ...loaded, logger: createLogger({ level: 'silent' }) });
  try {
    await host.start();
    await host.whenReady(5_000);
    await sim.subscribe('item1');
    await sim.subscribe('item2');
    await reloadAdapter(host, 'FEED');
    sim.clear();
    const before = sample();
    for (let version = 1; version <= RELOADS; version++) {
      await dir.write('feed.ts', adapterSource(version));
      await reloadAdapter(host, 'FEED');
      sim.clear();
    }
    const after = sample();
    if (host.adapter('FEED')?.runtime.version !== RELOADS + 2) throw new Error('a reload failed');
    report('swap', before, after);
  } finally {
    await host.stop();
    await sim.close();
    await dir.cleanup();
  }
}

await importRun();
await swapRun();
