import { rename, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Host } from '../../src/host/host.js';
import { loadConfig } from '../../src/host/load-config.js';
import { KeyedDebouncer } from '../../src/host/reloader.js';
import type { ProxySimulator } from '../../src/testing/index.js';
import { waitUntil } from '../helpers/wait-for.js';
import {
  callsOf,
  dataAdapterSource,
  FAST_RECONNECT,
  type MemoryLogger,
  makeProject,
  memoryLogger,
  metadataAdapterSource,
  newJournal,
  type TestProject,
  useHostFixtures,
} from './host-test-kit.js';

/** SPEC §6: an edit is live within 2 s. */
const RELOAD_BOUND_MS = 2_000;

const fixtures = useHostFixtures({ host: '127.0.0.1', reconnect: FAST_RECONNECT });
const { defer } = fixtures;

function simulator(options: Partial<ConstructorParameters<typeof ProxySimulator>[0]> = {}) {
  return fixtures.simulator({ kind: 'data', ...options });
}

async function watchedHost(
  config: object,
  files: Record<string, string>,
  log: MemoryLogger = memoryLogger(),
): Promise<{ host: Host; project: TestProject; log: MemoryLogger }> {
  const project = await fixtures.project(config, files);
  const host = await fixtures.startHost(project, log, { watch: true });
  return { host, project, log };
}

describe('hot reload of a data adapter', () => {
  it('swaps the new version in on the live connection within 2 s: CLS for snapshot items, no EOS, real-time updates', async () => {
    const sim = await simulator();
    const { key, journal } = newJournal();
    const { project } = await watchedHost(
      { adapters: { FEED: { port: sim.port, module: './feed.mjs' } } },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    const connection = await sim.waitForConnection({ initialized: true });
    await sim.subscribe('snap1');
    await sim.subscribe('item1');
    await sim.waitForUpdate({ item: 'item1' });
    const before = Math.max(...sim.lines().map((line) => line.seq));

    const editedAt = Date.now();
    await project.dir.write('feed.mjs', dataAdapterSource(key, 'B'));
    const snap = await sim.waitForUpdate({
      item: 'snap1',
      predicate: (u) => u.fields.v === 'B-snap1',
      timeoutMs: RELOAD_BOUND_MS + 3_000,
    });
    expect(snap.at - editedAt).toBeLessThan(RELOAD_BOUND_MS);
    const item = await sim.waitForUpdate({
      item: 'item1',
      predicate: (u) => u.fields.v === 'B-item1',
    });

    const after = sim.lines().filter((line) => line.seq > before && line.message !== null);
    const events = after
      .map((line) => line.message)
      .filter((m) => m !== null && m.kind === 'notification')
      .map((m) => `${(m as { method: string }).method}:${(m as { item?: string }).item}`);
    expect(events.filter((e) => e.endsWith(':snap1'))).toEqual(['CLS:snap1', 'UD3:snap1']);
    expect(events.filter((e) => e.endsWith(':item1'))).toEqual(['UD3:item1']);
    expect(snap.isSnapshot).toBe(false);
    expect(item.isSnapshot).toBe(false);
    expect(snap.subscriptionId).toBe(sim.updates('snap1')[0]?.subscriptionId);
    // Same connection, nothing wrong on the wire.
    expect(sim.connections).toHaveLength(1);
    expect(connection.ended).toBeUndefined();
    expect(sim.violations).toEqual([]);
    expect(callsOf(journal, 'unsubscribe').map((c) => c.join(' '))).toEqual(['A snap1', 'A item1']);
    expect(callsOf(journal, 'close')).toEqual([['A']]);
    expect(callsOf(journal, 'init').map((c) => c[0])).toEqual(['A', 'B']);
  });

  it('keeps the old version serving when the edit does not parse, and logs file and line', async () => {
    const sim = await simulator();
    const { key, journal } = newJournal();
    const { project, log } = await watchedHost(
      { adapters: { FEED: { port: sim.port, module: './feed.mjs' } } },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    await sim.waitForConnection({ initialized: true });
    await sim.subscribe('item1');
    const path = await project.dir.write(
      'feed.mjs',
      'const ok = 1;\nconst broken = ;\nexport default class {}\n',
    );
    const error = await log.waitFor(
      (r) => r.level === 50 && /Reloading adapter "FEED" failed/.test(String(r.msg)),
      'the reload error',
    );
    expect(error.file).toBe(path);
    expect(error.line).toBe(2);
    expect(String(error.msg)).toContain(`${path}:2`);
    await sim.subscribe('item2');
    const update = await sim.waitForUpdate({ item: 'item2' });
    expect(update.fields.v).toBe('A-item2');
    expect(callsOf(journal, 'close')).toEqual([]);
    expect(sim.connections).toHaveLength(1);
  });

  it('keeps the old version serving when the new init throws, and logs where it threw', async () => {
    const sim = await simulator();
    const { key, journal } = newJournal();
    const { project, log } = await watchedHost(
      { adapters: { FEED: { port: sim.port, module: './feed.mjs' } } },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    await sim.waitForConnection({ initialized: true });
    await sim.subscribe('item1');
    const broken = dataAdapterSource(key, 'B').replace(
      'init(params, context) {',
      "init(params, context) {\n    throw new Error('bad params');",
    );
    const path = await project.dir.write('feed.mjs', broken);
    const error = await log.waitFor(
      (r) => r.level === 50 && /bad params/.test(String(r.msg)),
      'the init error',
    );
    expect(error.file).toBe(path);
    expect(error.line).toBe(broken.split('\n').findIndex((l) => l.includes('bad params')) + 1);
    await sim.subscribe('item2');
    expect((await sim.waitForUpdate({ item: 'item2' })).fields.v).toBe('A-item2');
    expect(callsOf(journal, 'unsubscribe')).toEqual([]);
    expect(sim.violations).toEqual([]);
  });

  it('sees an atomic save (temp file renamed over the module)', async () => {
    const sim = await simulator();
    const { key } = newJournal();
    const { project } = await watchedHost(
      { adapters: { FEED: { port: sim.port, module: './feed.mjs' } } },
      { 'feed.mjs': dataAdapterSource(key, 'A') },
    );
    await sim.waitForConnection({ initialized: true });
    await sim.subscribe('item1');
    const temp = project.dir.resolve('.feed.mjs.tmp');
    await writeFile(temp, dataAdapterSource(key, 'B'));
    await rename(temp, project.dir.resolve('feed.mjs'));
    await sim.waitForUpdate({
      item: 'item1',
      predicate: (u) => u.fields.v === 'B-item1',
      timeoutMs: 5_000,
    });
  });

  it('reports a change to a file beside the module without reloading (imported modules are shared)', async () => {
    const sim = await simulator();
    const { key, journal } = newJournal();
    const { project, log } = await watchedHost(
      { adapters: { FEED: { port: sim.port, module: './lib/feed.mjs' } } },
      { 'lib/feed.mjs': dataAdapterSource(key, 'A'), 'lib/helper.mjs': 'export const x = 1;\n' },
    );
    await sim.waitForConnection({ initialized: true });
    const path = await project.dir.write('lib/helper.mjs', 'export const x = 2;\n');
    const warning = await log.waitFor((r) => r.file === path && r.level === 40, 'the warning');
    expect(String(warning.msg)).toMatch(/restart lsadapter/);
    expect(callsOf(journal, 'init')).toHaveLength(1);
  });

  it('starts a new module dropped into adaptersDir within 2 s', async () => {
    const simA = await simulator();
    const simB = await simulator();
    const { key } = newJournal();
    const { host, project } = await watchedHost(
      { adaptersDir: './adapters' },
      {
        'adapters/one.mjs': dataAdapterSource(key, 'A', {
          settings: { kind: 'data', port: simA.port },
        }),
      },
    );
    await host.whenReady(5_000);
    const addedAt = Date.now();
    await project.dir.write(
      'adapters/two.mjs',
      dataAdapterSource(key, 'B', { settings: { port: simB.port } }),
    );
    await simB.waitForConnection({ initialized: true, timeoutMs: RELOAD_BOUND_MS + 3_000 });
    expect(Date.now() - addedAt).toBeLessThan(RELOAD_BOUND_MS);
    expect(host.adapterNames()).toEqual(['one', 'two']);
  });
});

describe('what turns hot reload on', () => {
  it('follows "hotReload" of the config when the caller does not decide', async () => {
    const sim = await simulator();
    const { key } = newJournal();
    for (const hotReload of [true, false]) {
      const project = await makeProject(
        {
          host: '127.0.0.1',
          hotReload,
          adapters: { FEED: { port: sim.port, module: './feed.mjs' } },
        },
        { 'feed.mjs': dataAdapterSource(key, 'A') },
      );
      defer(() => project.dir.cleanup());
      const loaded = await loadConfig({ configPath: project.configPath });
      const host = await Host.create({ ...loaded, logger: memoryLogger().logger });
      expect(host.watching).toBe(hotReload);
      const forced = await Host.create({ ...loaded, logger: memoryLogger().logger, watch: true });
      expect(forced.watching).toBe(true);
    }
  });
});

describe('hot reload of a metadata adapter', () => {
  it('serves the next requests with the new version', async () => {
    const sim = await simulator({ kind: 'metadata' });
    const { key, journal } = newJournal();
    const { project } = await watchedHost(
      { adapters: { AUTH: { kind: 'metadata', port: sim.port, module: './auth.mjs' } } },
      { 'auth.mjs': metadataAdapterSource(key, 'A') },
    );
    await sim.waitForConnection({ initialized: true });
    expect((await sim.getItems('u', 'g', 's1')).names).toEqual(['A', 'g']);
    await project.dir.write('auth.mjs', metadataAdapterSource(key, 'B'));
    await waitUntil(async () => (await sim.getItems('u', 'g', 's1')).names?.[0] === 'B', {
      what: 'the new version answering',
      timeoutMs: 5_000,
      intervalMs: 50,
    });
    expect(callsOf(journal, 'close')).toEqual([['A']]);
    expect(sim.connections).toHaveLength(1);
  });
});

describe('config edits', () => {
  it('reconnects only the adapter whose connection changed, removes and adds adapters, ignores an invalid edit', async () => {
    const sim1 = await simulator();
    const sim2 = await simulator();
    const sim3 = await simulator();
    const { key, journal } = newJournal();
    const files = {
      'one.mjs': dataAdapterSource(key, 'ONE'),
      'two.mjs': dataAdapterSource(key, 'TWO'),
    };
    const base = { host: '127.0.0.1', reconnect: FAST_RECONNECT };
    const { host, project, log } = await watchedHost(
      {
        adapters: {
          ONE: { port: sim1.port, module: './one.mjs' },
          TWO: { port: sim2.port, module: './two.mjs' },
        },
      },
      files,
    );
    await host.whenReady(5_000);
    const one = await sim1.waitForConnection({ initialized: true });

    await project.writeConfig({ ...base, adapters: { ONE: { port: 'abc', module: './one.mjs' } } });
    const invalid = await log.waitFor(
      (r) => /Config edit ignored/.test(String(r.msg)),
      'the invalid edit report',
    );
    expect(String(invalid.msg)).toContain('adapters.ONE.port');
    expect(host.adapterNames()).toEqual(['ONE', 'TWO']);

    await project.writeConfig({
      ...base,
      adapters: {
        ONE: { port: sim1.port, module: './one.mjs' },
        TWO: { port: sim3.port, module: './two.mjs' },
      },
    });
    await sim3.waitForConnection({ initialized: true, timeoutMs: 5_000 });
    await waitUntil(() => host.connections().every((c) => c.state === 'connected'), {
      what: 'both connected',
    });
    expect(one.ended).toBeUndefined();
    expect(sim1.connections).toHaveLength(1);

    await project.writeConfig({
      ...base,
      adapters: { TWO: { port: sim3.port, module: './two.mjs' } },
    });
    await one.waitForClose({ timeoutMs: 5_000 });
    await waitUntil(() => callsOf(journal, 'close').some((c) => c[0] === 'ONE'), {
      what: 'ONE closed',
    });
    expect(host.adapterNames()).toEqual(['TWO']);

    await project.writeConfig({
      ...base,
      adapters: {
        TWO: { port: sim3.port, module: './two.mjs' },
        THREE: { port: sim1.port, module: './one.mjs' },
      },
    });
    await sim1.waitForConnection({ after: one, initialized: true, timeoutMs: 5_000 });
    expect(host.adapterNames()).toEqual(['TWO', 'THREE']);
    expect(sim3.connections).toHaveLength(1);
  });
});

describe('KeyedDebouncer', () => {
  it('runs one job per key at a time and queues exactly one more', async () => {
    const jobs = new KeyedDebouncer(5, () => undefined);
    defer(async () => jobs.close());
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const blocker = new Promise<void>((resolve) => {
      release = resolve;
    });
    jobs.schedule('k', async () => {
      runs.push('first');
      await blocker;
    });
    await waitUntil(() => runs.length === 1);
    for (const name of ['second', 'third', 'fourth']) {
      jobs.schedule('k', async () => {
        runs.push(name);
      });
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    release();
    await waitUntil(() => runs.length === 2);
    await jobs.idle();
    expect(runs).toEqual(['first', 'fourth']);
  });
});
