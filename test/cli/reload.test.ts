/**
 * `lsadapter start --watch` as a real child process of the built bin (run `npm run build`
 * first): a TypeScript adapter module edited while connected.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProxySimulator } from '../../src/testing/index.js';
import { assertBuilt, killAllClis, spawnCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** SPEC §6: an edit is live within 2 s. */
const RELOAD_BOUND_MS = 2_000;

const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(() => assertBuilt());

afterEach(async () => {
  await killAllClis();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A TypeScript data adapter whose items have a snapshot, tagged with `tag`. */
function feed(tag: string): string {
  return `interface Listener { update(item: string, fields: Record<string, string>, snapshot: boolean): boolean; endOfSnapshot(item: string): boolean }
export default class Feed {
  listener: Listener | undefined;
  setListener(listener: Listener): void { this.listener = listener; }
  isSnapshotAvailable(): boolean { return true; }
  subscribe(item: string): void {
    this.listener?.update(item, { v: '${tag}' }, true);
    this.listener?.endOfSnapshot(item);
  }
  unsubscribe(): void {}
}
`;
}

describe('lsadapter start --watch', () => {
  it('puts an edited TypeScript module in service within 2 s on the same connection', async () => {
    const sim = await new ProxySimulator({ kind: 'data' }).start();
    cleanups.push(() => sim.close());
    const dir = await makeTempDir('lsadapter-cli-reload-');
    cleanups.push(() => dir.cleanup());
    await dir.write(
      'lsadapter.config.json',
      JSON.stringify({
        host: '127.0.0.1',
        adapters: { FEED: { port: sim.port, module: './feed.ts' } },
      }),
    );
    await dir.write('feed.ts', feed('old'));
    const cli = spawnCli(['start', '--watch'], { cwd: dir.path });
    await cli.waitForLine(/Watching adapter modules/);
    const connection = await sim.waitForConnection({ initialized: true });
    await sim.subscribe('item1');
    expect((await sim.waitForUpdate({ item: 'item1' })).fields.v).toBe('old');

    const editedAt = Date.now();
    await dir.write('feed.ts', feed('new'));
    const update = await sim.waitForUpdate({
      item: 'item1',
      predicate: (u) => u.fields.v === 'new',
      timeoutMs: RELOAD_BOUND_MS + 5_000,
    });
    expect(update.at - editedAt).toBeLessThan(RELOAD_BOUND_MS);
    expect(update.isSnapshot).toBe(false);
    expect(sim.notifications('CLS').map((n) => n.message.item)).toEqual(['item1']);
    expect(sim.notifications('EOS')).toHaveLength(1);
    expect(connection.ended).toBeUndefined();
    expect(sim.violations).toEqual([]);
    await cli.waitForLine(/Adapter \\"FEED\\" reloaded/);
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});
