/**
 * Which config `lsadapter dev` runs (given, found, or the package's example), and its copy
 * pointed at the simulators.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EXAMPLE_CONFIG_PATH,
  loadDevConfig,
  SIMULATOR_HOST,
  simulatedConfig,
} from '../../src/cli/dev-config.js';
import type { AdapterDefinition } from '../../src/host/adapter-runtime.js';
import { parseConfig } from '../../src/host/load-config.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const dirs: TempDir[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => dir.cleanup()));
});

async function project(files: Record<string, string>): Promise<TempDir> {
  const dir = await makeTempDir('lsadapter-dev-config-');
  dirs.push(dir);
  await dir.write('package.json', JSON.stringify({ name: 'fixture', private: true }));
  for (const [path, text] of Object.entries(files)) await dir.write(path, text);
  return dir;
}

const ONE_ADAPTER = JSON.stringify({ adapters: { FEED: { port: 6661 } } });

describe('loadDevConfig', () => {
  it('points at the example config shipped at the package root', () => {
    expect(EXAMPLE_CONFIG_PATH).toMatch(/lsadapter\.config\.example\.json$/);
    expect(existsSync(EXAMPLE_CONFIG_PATH)).toBe(true);
  });

  it('uses the config found from the working directory', async () => {
    const dir = await project({ 'lsadapter.config.json': ONE_ADAPTER });
    const loaded = await loadDevConfig({ cwd: dir.path });
    expect(loaded.origin).toBe('search');
    expect(loaded.configPath).toBe(dir.resolve('lsadapter.config.json'));
  });

  it('falls back to the example when nothing is found', async () => {
    const dir = await project({});
    const example = await project({ 'example.json': ONE_ADAPTER });
    const loaded = await loadDevConfig({
      cwd: dir.path,
      examplePath: example.resolve('example.json'),
    });
    expect(loaded.origin).toBe('example');
    expect(Object.keys(loaded.config.adapters)).toEqual(['FEED']);
  });

  it('reports the failed search when the example is missing too', async () => {
    const dir = await project({});
    await expect(
      loadDevConfig({ cwd: dir.path, examplePath: dir.resolve('nope.json') }),
    ).rejects.toMatchObject({ name: 'ConfigNotFoundError', message: /No lsadapter config/ });
  });

  it('never falls back when --config names a missing file', async () => {
    const dir = await project({ 'lsadapter.config.json': ONE_ADAPTER });
    await expect(loadDevConfig({ cwd: dir.path, config: 'other.json' })).rejects.toMatchObject({
      name: 'ConfigNotFoundError',
      message: /other\.json does not exist/,
    });
  });
});

describe('simulatedConfig', () => {
  const config = parseConfig({
    host: 'ls.example.com',
    tls: true,
    credentials: { user: 'u', password: 'p' },
    servers: [{ host: 'ls1' }, { host: 'ls2' }],
    hotReload: true,
    metrics: { port: 9464 },
    adapters: {
      META: { kind: 'metadata', port: 6663, params: { a: 'b' } },
      LEGACY: { kind: 'data', port: 6671, notifyPort: 6672, tls: { servername: 'x' } },
      FEED: { listen: { port: 7661 }, credentials: { user: 'f', password: 'g' } },
      OFF: { enabled: false, port: 1 },
    },
  });
  const definition = (name: string, kind: 'data' | 'metadata'): AdapterDefinition =>
    ({
      name,
      entry: config.adapters[name],
      module: { path: `/project/adapters/${name}.ts`, exported: {}, settings: undefined },
      adapter: { ...config.adapters[name], name, kind },
    }) as unknown as AdapterDefinition;

  it('points every adapter at its simulator, with no TLS, cluster, listen, reload or metrics', () => {
    const result = simulatedConfig(
      config,
      [definition('META', 'metadata'), definition('LEGACY', 'data'), definition('FEED', 'data')],
      [
        { name: 'META', host: SIMULATOR_HOST, port: 40001 },
        { name: 'LEGACY', host: SIMULATOR_HOST, port: 40002, notifyPort: 40003 },
        { name: 'FEED', host: SIMULATOR_HOST, port: 40004 },
      ],
    );
    expect(result).toMatchObject({ host: SIMULATOR_HOST, tls: false, hotReload: false });
    expect(result.servers).toBeUndefined();
    expect(result.credentials).toBeUndefined();
    expect(result.metrics).toBeUndefined();
    expect(result.adapters.META).toEqual({
      kind: 'metadata',
      module: '/project/adapters/META.ts',
      enabled: true,
      host: SIMULATOR_HOST,
      port: 40001,
      tls: false,
      params: { a: 'b' },
    });
    expect(result.adapters.LEGACY).toMatchObject({ port: 40002, notifyPort: 40003, tls: false });
    expect(result.adapters.FEED).toMatchObject({ kind: 'data', port: 40004 });
    expect(result.adapters.FEED).not.toHaveProperty('listen');
    expect(result.adapters.FEED).not.toHaveProperty('credentials');
    expect(result.adapters.OFF).toEqual({ enabled: false, port: 1 });
    // The config read from the file is left as it was.
    expect(config.adapters.FEED).toHaveProperty('listen');
    expect(config.hotReload).toBe(true);
  });
});
