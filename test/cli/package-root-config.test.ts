/**
 * Which config `start` and `validate` load: the one given, else the search, except in the
 * package's own root, where a search that finds nothing falls back to the example.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commandConfigPath } from '../../src/cli/package-root-config.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const dirs: TempDir[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => dir.cleanup()));
});

/** A stand-in for the package root: package.json and the example config. */
async function packageRoot(): Promise<{ dir: TempDir; examplePath: string }> {
  const dir = await makeTempDir('lsadapter-root-');
  dirs.push(dir);
  await dir.write('package.json', JSON.stringify({ name: 'lsadapter' }));
  const examplePath = await dir.write(
    'lsadapter.config.example.json',
    JSON.stringify({ adapters: { FEED: { port: 6661 } } }),
  );
  return { dir, examplePath };
}

describe('commandConfigPath', () => {
  it('uses the example in the package root when the search finds nothing', async () => {
    const { dir, examplePath } = await packageRoot();
    expect(await commandConfigPath({ cwd: dir.path, examplePath })).toBe(examplePath);
  });

  it('searches as usual in the package root when a config is there', async () => {
    const { dir, examplePath } = await packageRoot();
    await dir.write('lsadapter.config.json', '{}');
    expect(await commandConfigPath({ cwd: dir.path, examplePath })).toBeUndefined();
  });

  it('never falls back anywhere else, so a project without a config is told to create one', async () => {
    const { examplePath } = await packageRoot();
    const other = await makeTempDir('lsadapter-project-');
    dirs.push(other);
    await other.write('package.json', '{}');
    expect(await commandConfigPath({ cwd: other.path, examplePath })).toBeUndefined();
  });

  it('keeps the file given on the command line', async () => {
    const { dir, examplePath } = await packageRoot();
    expect(await commandConfigPath({ cwd: dir.path, config: 'mine.json', examplePath })).toBe(
      'mine.json',
    );
  });
});
