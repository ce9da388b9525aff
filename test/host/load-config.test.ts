// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold literal ${VAR} references.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ConfigNotFoundError } from '../../src/host/errors.js';
import { loadConfig } from '../../src/host/load-config.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('lsadapter-config-');
  // Marks the project root, where the upward search stops.
  await dir.write('package.json', '{ "name": "some-project" }');
});
afterEach(async () => {
  await dir.cleanup();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('loadConfig: discovery', () => {
  it('finds lsadapter.config.json in cwd', async () => {
    await dir.write(
      'lsadapter.config.json',
      JSON.stringify({ adapters: { QUOTES: { port: 6661 } } }),
    );
    const loaded = await loadConfig({ cwd: dir.path, env: {} });
    expect(loaded.configPath).toBe(dir.resolve('lsadapter.config.json'));
    expect(loaded.configDir).toBe(dir.path);
    expect(loaded.config.adapters.QUOTES).toEqual({ port: 6661 });
    expect(loaded.config.host).toBe('localhost');
  });

  it('finds a YAML config and expands variables in it', async () => {
    await dir.write(
      'lsadapter.config.yaml',
      [
        'host: ${LS_HOST:-fallback}',
        'adapters:',
        '  QUOTES:',
        '    port: 6661',
        'log:',
        '  level: debug',
        '',
      ].join('\n'),
    );
    const loaded = await loadConfig({ cwd: dir.path, env: { LS_HOST: 'ls.example.com' } });
    expect(loaded.configPath).toBe(dir.resolve('lsadapter.config.yaml'));
    expect(loaded.config.host).toBe('ls.example.com');
    expect(loaded.config.log.level).toBe('debug');
  });

  it('loads a TypeScript config through tsx', async () => {
    await dir.write(
      'lsadapter.config.ts',
      [
        'interface Partial { adapters: Record<string, { port: number }> }',
        'const port: number = 6000 + 661;',
        'const config: Partial = { adapters: { QUOTES: { port } } };',
        'export default config;',
        '',
      ].join('\n'),
    );
    const loaded = await loadConfig({ cwd: dir.path, env: {} });
    expect(loaded.configPath).toBe(dir.resolve('lsadapter.config.ts'));
    expect(loaded.config.adapters.QUOTES?.port).toBe(6661);
  });

  it('finds an "lsadapter" key in package.json and .lsadapterrc files', async () => {
    await dir.write(
      'package.json',
      JSON.stringify({ name: 'p', lsadapter: { host: 'from-package' } }),
    );
    expect((await loadConfig({ cwd: dir.path, env: {} })).config.host).toBe('from-package');

    const other = await makeTempDir('lsadapter-rc-');
    try {
      await other.write('package.json', '{}');
      await other.write('.lsadapterrc', 'host: from-rc\n');
      const loaded = await loadConfig({ cwd: other.path, env: {} });
      expect(loaded.config.host).toBe('from-rc');
      expect(loaded.configPath).toBe(other.resolve('.lsadapterrc'));
    } finally {
      await other.cleanup();
    }
  });

  it('searches parent directories up to the project root', async () => {
    await dir.write('lsadapter.config.json', '{ "host": "root" }');
    const sub = dir.resolve('src/deep');
    await dir.write('src/deep/.keep', '');
    const loaded = await loadConfig({ cwd: sub, env: {} });
    expect(loaded.config.host).toBe('root');
    expect(loaded.configDir).toBe(dir.path);
  });

  it('reads an explicit file, relative to cwd, whatever its name', async () => {
    await dir.write('conf/prod.yml', 'host: prod\n');
    await dir.write('lsadapter.config.json', '{ "host": "ignored" }');
    const loaded = await loadConfig({ cwd: dir.path, configPath: 'conf/prod.yml', env: {} });
    expect(loaded.config.host).toBe('prod');
    expect(loaded.configDir).toBe(dir.resolve('conf'));
  });

  it('treats an empty file as an empty config', async () => {
    await dir.write('lsadapter.config.yaml', '');
    const loaded = await loadConfig({
      cwd: dir.path,
      configPath: 'lsadapter.config.yaml',
      env: {},
    });
    expect(loaded.config.adapters).toEqual({});
  });
});

/** The content of a config file of each kind that sets `host` to `value`. */
function configText(place: string, value: string): string {
  if (/\.json$|rc$/.test(place)) return JSON.stringify({ host: value });
  if (/\.ya?ml$/.test(place)) return `host: ${value}\n`;
  if (place.endsWith('.cjs')) return `module.exports = { host: '${value}' };\n`;
  if (/\.m?ts$/.test(place)) return `const host: string = '${value}';\nexport default { host };\n`;
  return `export default { host: '${value}' };\n`;
}

describe('loadConfig: every search place', () => {
  // SPEC §5's names, plus cosmiconfig's `.config/` folder.
  const places = [
    'lsadapter.config.json',
    'lsadapter.config.yaml',
    'lsadapter.config.yml',
    'lsadapter.config.js',
    'lsadapter.config.mjs',
    'lsadapter.config.cjs',
    'lsadapter.config.ts',
    'lsadapter.config.mts',
    '.lsadapterrc',
    '.lsadapterrc.json',
    '.lsadapterrc.yaml',
    '.lsadapterrc.yml',
    '.lsadapterrc.js',
    '.lsadapterrc.mjs',
    '.lsadapterrc.cjs',
    '.lsadapterrc.ts',
    '.lsadapterrc.mts',
    '.config/lsadapterrc',
    '.config/lsadapterrc.json',
    '.config/lsadapterrc.yaml',
    '.config/lsadapterrc.js',
    '.config/lsadapterrc.ts',
  ];

  it.each(places)('finds %s', async (place) => {
    await dir.write(place, configText(place, 'found-it'));
    const loaded = await loadConfig({ cwd: dir.path, env: {} });
    expect(loaded.configPath).toBe(dir.resolve(place));
    expect(loaded.config.host).toBe('found-it');
  });

  it('finds a .js config written as CommonJS in a package without "type": "module"', async () => {
    await dir.write('lsadapter.config.js', "module.exports = { host: 'commonjs' };\n");
    expect((await loadConfig({ cwd: dir.path, env: {} })).config.host).toBe('commonjs');
  });

  it('finds a .js config written as an ES module in a "type": "module" package', async () => {
    await dir.write('package.json', JSON.stringify({ name: 'esm', type: 'module' }));
    await dir.write('lsadapter.config.js', "export default { host: 'esm' };\n");
    expect((await loadConfig({ cwd: dir.path, env: {} })).config.host).toBe('esm');
  });

  it('reads an "lsadapter" key of package.json before the files, as cosmiconfig does', async () => {
    await dir.write('package.json', JSON.stringify({ name: 'p', lsadapter: { host: 'pkg' } }));
    await dir.write('lsadapter.config.json', JSON.stringify({ host: 'file' }));
    expect((await loadConfig({ cwd: dir.path, env: {} })).config.host).toBe('pkg');
  });
});

describe('loadConfig: errors', () => {
  it('says where it looked and how to create a config when none is found', async () => {
    await dir.write('sub/.keep', '');
    const error = await rejection(loadConfig({ cwd: dir.resolve('sub'), env: {} }));
    expect(error).toBeInstanceOf(ConfigNotFoundError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigNotFoundError).searchedDirs).toEqual([dir.resolve('sub'), dir.path]);
    expect(error.message).toContain(`Looked in ${dir.resolve('sub')}, ${dir.path}`);
    expect(error.message).toContain('lsadapter.config.json');
    expect(error.message).toContain('"lsadapter" key in package.json');
    expect(error.message).toContain('Create lsadapter.config.json');
    expect(error.message).toContain('--config');
  });

  it('names an explicit file that does not exist', async () => {
    const error = await rejection(loadConfig({ cwd: dir.path, configPath: 'nope.json', env: {} }));
    expect(error).toBeInstanceOf(ConfigNotFoundError);
    expect(error.message).toBe(
      `Config file ${dir.resolve('nope.json')} does not exist; check the path given.`,
    );
  });

  it('reports a file that does not parse, naming it', async () => {
    const path = await dir.write('lsadapter.config.json', '{ "host": "a", }');
    const error = await rejection(loadConfig({ cwd: dir.path, env: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message.startsWith(`Cannot read config file ${path}: `)).toBe(true);
  });

  it('reports a TypeScript config with a syntax error, with file and line', async () => {
    const path = await dir.write('lsadapter.config.ts', 'export default {\n  host: ,\n};\n');
    const error = await rejection(loadConfig({ cwd: dir.path, env: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`Cannot load config file ${path}: syntax error at ${path}:2:`);
  });

  it('reports every problem of the file at once, with its path', async () => {
    const path = await dir.write(
      'lsadapter.config.json',
      JSON.stringify({
        credentials: { user: 'u', password: '${LS_PROXY_PASSWORD}' },
        adapters: { QUOTES: { port: '6661', kind: 'feed' } },
      }),
    );
    const error = await rejection(loadConfig({ cwd: dir.path, env: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).source).toBe(path);
    expect((error as ConfigError).issues).toEqual([
      {
        path: 'credentials.password',
        message:
          'environment variable LS_PROXY_PASSWORD is not set (use ${LS_PROXY_PASSWORD:-default} to give a default)',
      },
      {
        path: 'adapters.QUOTES.kind',
        message: "Invalid enum value. Expected 'data' | 'metadata', received 'feed'",
      },
      { path: 'adapters.QUOTES.port', message: 'Expected number, received string' },
    ]);
    expect(error.message.split('\n')).toEqual([
      `Invalid configuration in ${path} (3 problems):`,
      'credentials.password: environment variable LS_PROXY_PASSWORD is not set (use ${LS_PROXY_PASSWORD:-default} to give a default)',
      "adapters.QUOTES.kind: Invalid enum value. Expected 'data' | 'metadata', received 'feed'",
      'adapters.QUOTES.port: Expected number, received string',
    ]);
  });
});
