/**
 * `lsadapter dev` run as the built bin (needs `npm run build` first): the package's example
 * project from the repository root with no config, and small projects written into temp dirs.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type CliProcess, killAllClis, spawnCli } from '../helpers/run-cli.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Bound on seeing live data: startup imports TypeScript modules through tsx on a busy machine. */
const LIVE_DATA_MS = 15_000;

/**
 * A Data Adapter as a plain object (no import of lsadapter, which a temp dir cannot resolve):
 * item `X` has a snapshot and then a real-time update every 50 ms with a counter in `a`; any
 * other item is refused.
 */
const FEED_MJS = `
let listener;
let timer;
let n = 0;
export default {
  init() {},
  setListener(l) { listener = l; },
  isSnapshotAvailable() { return true; },
  subscribe(item) {
    if (item !== 'X') throw new Error('no such item ' + item);
    listener.update(item, { a: String(n), b: 'two', c: 'hidden' }, true);
    listener.endOfSnapshot(item);
    timer = setInterval(() => {
      n += 1;
      listener.update(item, { c: 'hidden', a: String(n), b: 'two' }, false);
    }, 50);
  },
  unsubscribe() { clearInterval(timer); },
  close() { clearInterval(timer); },
};
`;

const dirs: TempDir[] = [];

beforeAll(assertBuilt);
afterEach(async () => {
  await killAllClis();
  await Promise.all(dirs.splice(0).map((dir) => dir.cleanup()));
});

/** A project with one Data Adapter, FEED (its ports are never dialled: dev uses a simulator). */
async function feedProject(entry: Record<string, unknown> = {}): Promise<TempDir> {
  const dir = await makeTempDir('lsadapter-dev-');
  dirs.push(dir);
  await dir.write('package.json', JSON.stringify({ name: 'fixture', private: true }));
  await dir.write('feed.mjs', FEED_MJS);
  await dir.write(
    'lsadapter.config.json',
    JSON.stringify({
      adapters: { FEED: { kind: 'data', module: './feed.mjs', port: 6661, ...entry } },
    }),
  );
  return dir;
}

/** The highest counter printed so far for item X. */
function lastCounter(cli: CliProcess): number {
  const counters = [...cli.stdout().matchAll(/ a=(\d+)/g)].map((m) => Number(m[1]));
  return Math.max(-1, ...counters);
}

describe('lsadapter dev', () => {
  it('runs the example project from the repository root and exits 0 on Ctrl-C', async () => {
    const cli = spawnCli(['dev'], { cwd: REPO_ROOT, timeoutMs: 30_000 });
    const wait = (pattern: RegExp) =>
      cli.waitForLine(pattern, { stream: 'stdout', timeoutMs: LIVE_DATA_MS });
    const snapshot = await wait(/^\d\d:\d\d:\d\d\.\d{3} {2}QUOTES +item1 +snap +stock_name=Anduct/);
    expect(snapshot).toMatch(/last_price=\d+\.\d\d/);
    await wait(/^\S+ {2}QUOTES +item1 +EOS +end of snapshot$/);
    // dev.message of the example config goes through the Metadata Adapter to the chat adapter.
    await wait(/^\S+ {2}CHAT +chat_room {8}user=anonymous {2}message=Hello from lsadapter dev$/);
    // A real-time update, with no snapshot tag.
    await wait(/^\S+ {2}QUOTES +item\d +stock_name=/);
    expect(cli.stderr()).toMatch(/lsadapter\.config\.example\.json: the example project/);
    expect(cli.stderr()).toMatch(/notifyUser\(no user\) → accepted/);
    cli.signal('SIGINT');
    const result = await cli.exited;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Stopping \(received SIGINT\)/);
  });

  it('prints only the --schema fields, in order, reports a refused item and keeps running', async () => {
    const dir = await feedProject();
    const cli = spawnCli(['dev', '--subscribe', 'X', 'FEED:Y', '--schema', 'b,a'], {
      cwd: dir.path,
      timeoutMs: 30_000,
    });
    const snapshot = await cli.waitForLine(/FEED +X +snap/, {
      stream: 'stdout',
      timeoutMs: LIVE_DATA_MS,
    });
    expect(snapshot).toMatch(/^\S+ {2}FEED {2}X +snap {2}b=two {2}a=0$/);
    const refusal = await cli.waitForLine(/FEED:Y: subscribe Y on FEED → refused/, {
      stream: 'stderr',
    });
    expect(refusal).toContain('Error: no such item Y');
    expect(cli.stderr()).toMatch(/no Metadata Adapter/);
    // Still running after the refusal: later updates keep coming.
    const seen = lastCounter(cli);
    const later = await cli.waitForLine(new RegExp(` a=${seen + 2}$`), { stream: 'stdout' });
    expect(later).toMatch(/^\S+ {2}FEED {2}X {8}b=two {2}a=\d+$/);
    expect(cli.stdout()).not.toContain('hidden');
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('prints JSON lines with --json and stops by itself after --duration', async () => {
    // Two-connection mode (Servers 7.0–7.3): the simulator listens on a notify port too.
    const dir = await feedProject({ notifyPort: 6662 });
    // The duration counts from startup: 5 s leave room for a slow start on a busy machine.
    const cli = spawnCli(['dev', '--subscribe', 'FEED:X', '--json', '--duration', '5'], {
      cwd: dir.path,
      timeoutMs: 30_000,
    });
    const result = await cli.exited;
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events[0]).toMatchObject({
      adapter: 'FEED',
      event: 'update',
      item: 'X',
      snapshot: true,
      fields: { a: '0', b: 'two', c: 'hidden' },
    });
    expect(events[1]).toMatchObject({ adapter: 'FEED', event: 'eos', item: 'X' });
    expect(events.some((event) => event.snapshot === false)).toBe(true);
    expect(result.stderr).toMatch(
      /FEED \(data\) → simulated Proxy Adapter on 127\.0\.0\.1:\d+ \(notify port \d+\)/,
    );
    expect(result.stderr).toMatch(/Stopping \(--duration 5s elapsed\)/);
  });

  it('reports a user the Metadata Adapter refuses, subscribes nothing, and keeps running', async () => {
    const cli = spawnCli(['dev', '--user', 'alice', '--password', 'not-her-password'], {
      cwd: REPO_ROOT,
      timeoutMs: 30_000,
    });
    const refusal = await cli.waitForLine(/notifyUser/, {
      stream: 'stderr',
      timeoutMs: LIVE_DATA_MS,
    });
    expect(refusal).toBe(
      'dev: notifyUser(user "alice") → refused: AccessError: Wrong user name or password for alice',
    );
    await cli.waitForLine(/nothing is subscribed/, { stream: 'stderr' });
    cli.signal('SIGINT');
    const result = await cli.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stdout + result.stderr).not.toContain('not-her-password');
  });

  it('exits 2 when the config given with --config does not exist', async () => {
    const dir = await feedProject();
    const cli = spawnCli(['dev', '--config', 'missing.json'], { cwd: dir.path });
    const result = await cli.exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing\.json does not exist/);
    expect(result.stdout).toBe('');
  });
});
