/**
 * `lsadapter start` as a real child process of the built bin (run `npm run build` first),
 * against proxy simulators in the test process.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProxySimulator } from '../../src/testing/index.js';
import { assertBuilt, BIN_PATH, killAllClis, spawnCli } from '../helpers/run-cli.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { withTimeout } from '../helpers/wait-for.js';

/** SPEC §6: a stop takes at most 5 s; the margin covers process start-up on a loaded machine. */
const STOP_BOUND_MS = 5_000;

const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(() => assertBuilt());

afterEach(async () => {
  await killAllClis();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(options: Partial<ConstructorParameters<typeof ProxySimulator>[0]> = {}) {
  const sim = await new ProxySimulator({ kind: 'data', ...options }).start();
  cleanups.push(() => sim.close());
  return sim;
}

/** A data adapter that appends what happens to it to `events.log` beside it. */
const FEED = `import { appendFileSync } from 'node:fs';
const note = (text) => appendFileSync(new URL('./events.log', import.meta.url), text + '\\n');
export default class Feed {
  init() { note('init'); }
  setListener(listener) { this.listener = listener; }
  subscribe(item) { this.listener.update(item, { v: 'one' }, false); }
  unsubscribe(item) { note('unsubscribe ' + item); }
  close() { note('close'); }
}
`;

async function project(
  config: object,
  files: Record<string, string> = { 'feed.mjs': FEED },
): Promise<TempDir> {
  const dir = await makeTempDir('lsadapter-cli-');
  cleanups.push(() => dir.cleanup());
  await dir.write('lsadapter.config.json', JSON.stringify(config));
  for (const [path, content] of Object.entries(files)) await dir.write(path, content);
  return dir;
}

async function closedPort(): Promise<number> {
  const probe = await new ProxySimulator({ kind: 'data' }).start();
  const port = probe.port;
  await probe.close();
  return port;
}

const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 200, factor: 2, maxAttempts: null };

/** A data adapter whose unsubscribe and close() never finish. */
const HANGING_FEED = `import { appendFileSync } from 'node:fs';
const note = (text) => appendFileSync(new URL('./events.log', import.meta.url), text + '\\n');
export default class Feed {
  setListener(listener) { this.listener = listener; }
  subscribe(item) { this.listener.update(item, { v: 'one' }, false); }
  unsubscribe(item) { note('unsubscribe ' + item); return new Promise(() => {}); }
  close() { note('close'); return new Promise(() => {}); }
}
`;

/** A data adapter whose subscribe starts a promise that rejects with nobody listening. */
const CARELESS_FEED = `export default class Feed {
  setListener(listener) { this.listener = listener; }
  subscribe(item) {
    void Promise.reject(new Error('quote service down for ' + item));
    this.listener.update(item, { v: item }, false);
  }
  unsubscribe() {}
}
`;

/** The JSON log lines of an output. */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('lsadapter start', () => {
  it('connects, serves, and on SIGTERM closes the adapter and exits 0 within 5 s', async () => {
    const sim = await simulator();
    const dir = await project({
      host: '127.0.0.1',
      adapters: { FEED: { port: sim.port, module: './feed.mjs' } },
      reconnect: FAST_RECONNECT,
    });
    const cli = spawnCli(['start'], { cwd: dir.path });
    await cli.waitForLine(/Every adapter connection is up/);
    await sim.subscribe('item1');
    await sim.waitForUpdate({ item: 'item1' });
    const signalledAt = Date.now();
    cli.signal('SIGTERM');
    const result = await cli.exited;
    expect(Date.now() - signalledAt).toBeLessThan(STOP_BOUND_MS);
    expect(result.code).toBe(0);
    const events = (await readFile(dir.resolve('events.log'), 'utf8')).trim().split('\n');
    expect(events).toEqual(['init', 'unsubscribe item1', 'close']);
    // JSON lines at the default level: a startup summary, then one line per state change.
    const records = jsonLines(result.stdout);
    const summary = records.find((r) => String(r.msg).startsWith('lsadapter started'));
    expect(summary).toMatchObject({
      level: 30,
      msg: 'lsadapter started: 1 adapter (FEED)',
      adapters: [{ name: 'FEED', kind: 'data', module: dir.resolve('feed.mjs') }],
    });
    const server = `127.0.0.1:${sim.port}`;
    expect(
      records.filter((r) => r.server === server && 'to' in r).map((r) => [r.level, r.from, r.to]),
    ).toEqual([
      [30, 'connecting', 'handshaking'],
      [30, 'handshaking', 'connected'],
      [30, 'connected', 'stopped'],
    ]);
  });

  it('stops within 5 s on SIGINT even when unsubscribe and close() hang, having called close()', async () => {
    const sim = await simulator();
    const dir = await project(
      {
        host: '127.0.0.1',
        adapters: { FEED: { port: sim.port, module: './feed.mjs' } },
        reconnect: FAST_RECONNECT,
      },
      { 'feed.mjs': HANGING_FEED },
    );
    const cli = spawnCli(['start'], { cwd: dir.path });
    await cli.waitForLine(/Every adapter connection is up/);
    await sim.subscribe('item1');
    await sim.waitForUpdate({ item: 'item1' });
    const signalledAt = Date.now();
    cli.signal('SIGINT');
    const result = await cli.exited;
    expect(Date.now() - signalledAt).toBeLessThan(STOP_BOUND_MS);
    // Giving up on an adapter is not a clean stop.
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/did not stop within/);
    const events = (await readFile(dir.resolve('events.log'), 'utf8')).trim().split('\n');
    expect(events).toEqual(['unsubscribe item1', 'close']);
  });

  it('logs a promise an adapter lets reject, and keeps serving', async () => {
    const sim = await simulator();
    const dir = await project(
      {
        host: '127.0.0.1',
        adapters: { FEED: { port: sim.port, module: './feed.mjs' } },
        reconnect: FAST_RECONNECT,
      },
      { 'feed.mjs': CARELESS_FEED },
    );
    const cli = spawnCli(['start'], { cwd: dir.path });
    await cli.waitForLine(/Every adapter connection is up/);
    await sim.subscribe('item1');
    await cli.waitForLine(/Unhandled promise rejection.*quote service down for item1/);
    await sim.subscribe('item2');
    expect((await sim.waitForUpdate({ item: 'item2' })).fields).toEqual({ v: 'item2' });
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('exits 0 within 5 s on SIGTERM during a backoff, logging warnings only with --log-level warn', async () => {
    const dir = await project({
      host: '127.0.0.1',
      adapters: { FEED: { port: await closedPort(), module: './feed.mjs' } },
      reconnect: { initialDelayMs: 30_000, maxDelayMs: 30_000, factor: 2, maxAttempts: null },
    });
    const cli = spawnCli(['start', '--log-level', 'warn'], { cwd: dir.path });
    await cli.waitForLine(/"to":"backoff"/);
    const signalledAt = Date.now();
    cli.signal('SIGTERM');
    const result = await cli.exited;
    expect(Date.now() - signalledAt).toBeLessThan(STOP_BOUND_MS);
    expect(result.code).toBe(0);
    // --log-level warn: warnings only, no info lines (no summary, no "connecting").
    const levels = jsonLines(result.stdout).map((r) => r.level);
    expect(levels.length).toBeGreaterThan(0);
    expect(levels.every((level) => typeof level === 'number' && level >= 40)).toBe(true);
  });

  it('exits 2 on a config error, naming the path', async () => {
    const dir = await project({ adapters: { FEED: { port: 'abc', module: './feed.mjs' } } });
    const result = await spawnCli(['start'], { cwd: dir.path }).exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('adapters.FEED.port');
  });

  it('exits 2 on a module error at startup', async () => {
    const dir = await project(
      { adapters: { FEED: { port: 6661, module: './feed.mjs' } } },
      { 'feed.mjs': 'export default class {\n  subscribe( {\n}\n' },
    );
    const result = await spawnCli(['start'], { cwd: dir.path }).exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/feed\.mjs/);
  });

  it('exits 1 when every connection gave up', async () => {
    const dir = await project({
      host: '127.0.0.1',
      adapters: { FEED: { port: await closedPort(), module: './feed.mjs' } },
      reconnect: { initialDelayMs: 10, maxDelayMs: 20, factor: 2, maxAttempts: 1 },
    });
    const result = await spawnCli(['start'], { cwd: dir.path }).exited;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/gave up/);
  });

  it('never writes the credentials to its logs, even when the Proxy refuses them', async () => {
    const sim = await simulator({ credentials: { user: 'u', password: 'expected-pw' } });
    const dir = await project({
      host: '127.0.0.1',
      credentials: { user: 'u', password: '${PROXY_PASSWORD}' },
      adapters: { FEED: { port: sim.port, module: './feed.mjs' } },
      reconnect: FAST_RECONNECT,
    });
    const cli = spawnCli(['start', '--log-level', 'debug'], {
      cwd: dir.path,
      env: { PROXY_PASSWORD: 'pw-that-must-not-leak' },
    });
    await cli.waitForLine(/check \\"credentials\\"/);
    cli.signal('SIGTERM');
    const result = await cli.exited;
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('pw-that-must-not-leak');
  });

  it('serves /readyz with --metrics-port and sends "ready" over IPC once connected', async () => {
    const sim = await simulator();
    const dir = await project({
      host: '127.0.0.1',
      adapters: { FEED: { port: sim.port, module: './feed.mjs' } },
      reconnect: FAST_RECONNECT,
    });
    const child = spawn(process.execPath, [BIN_PATH, 'start', '--metrics-port', '0'], {
      cwd: dir.path,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    cleanups.push(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    const ready = new Promise<unknown>((resolve) => child.once('message', resolve));
    expect(await withTimeout(ready, 10_000, "the 'ready' message")).toBe('ready');
    const port = Number(/metrics on http:\/\/[^:]+:(\d+)/.exec(stdout)?.[1]);
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ready: true,
      connections: [
        { adapter: 'FEED', kind: 'data', server: `127.0.0.1:${sim.port}`, state: 'connected' },
      ],
    });
    child.kill('SIGTERM');
    expect(await withTimeout(exited, STOP_BOUND_MS + 2_000, 'the exit')).toBe(0);
  });
});
