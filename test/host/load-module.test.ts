import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectKind, isClassExport } from '../../src/host/adapter-shape.js';
import {
  ConfigError,
  ModuleLoadError,
  ModuleNotFoundError,
  ModuleShapeError,
  ModuleSyntaxError,
} from '../../src/host/errors.js';
import {
  listAdapterModules,
  listUnconfiguredModules,
  loadAdapterModule,
  moduleCandidates,
  resolveAdapterModulePath,
} from '../../src/host/load-module.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const fixtures = fileURLToPath(new URL('../fixtures/host/modules/', import.meta.url));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('lsadapter-module-');
});
afterEach(async () => {
  await dir.cleanup();
});

describe('resolveAdapterModulePath', () => {
  it('finds <adaptersDir>/<name> with the first extension that exists', async () => {
    await dir.write('adapters/QUOTES.js', 'export default {};');
    await dir.write('adapters/QUOTES.mjs', 'export default {};');
    const path = await resolveAdapterModulePath({ name: 'QUOTES', configDir: dir.path });
    expect(path).toBe(dir.resolve('adapters/QUOTES.js'));
  });

  it('uses the configured adaptersDir', async () => {
    await dir.write('src/feeds/FEED.cjs', 'module.exports = {};');
    const path = await resolveAdapterModulePath({
      name: 'FEED',
      configDir: dir.path,
      adaptersDir: 'src/feeds',
    });
    expect(path).toBe(dir.resolve('src/feeds/FEED.cjs'));
  });

  it('resolves module relative to the config dir, with or without extension', async () => {
    await dir.write('lib/quotes.ts', 'export default {};');
    expect(
      await resolveAdapterModulePath({ name: 'Q', module: './lib/quotes.ts', configDir: dir.path }),
    ).toBe(dir.resolve('lib/quotes.ts'));
    expect(
      await resolveAdapterModulePath({ name: 'Q', module: 'lib/quotes', configDir: dir.path }),
    ).toBe(dir.resolve('lib/quotes.ts'));
  });

  it('lists every path tried when the module is missing', async () => {
    const error = await rejection(
      resolveAdapterModulePath({ name: 'QUOTES', configDir: dir.path }),
    );
    expect(error).toBeInstanceOf(ModuleNotFoundError);
    const tried = ['.ts', '.mts', '.js', '.mjs', '.cjs'].map((ext) =>
      dir.resolve(`adapters/QUOTES${ext}`),
    );
    expect((error as ModuleNotFoundError).tried).toEqual(tried);
    for (const path of tried) expect(error.message).toContain(path);
    expect(error.message).toContain('adapters.QUOTES.module');
    expect(error.message.startsWith('Adapter "QUOTES": module not found')).toBe(true);
  });

  it('tries only the exact path of a module with a known extension', () => {
    expect(moduleCandidates({ name: 'Q', module: 'x/q.mjs', configDir: '/p' })).toEqual([
      '/p/x/q.mjs',
    ]);
    expect(moduleCandidates({ name: 'Q', module: 'x/q', configDir: '/p' })).toEqual([
      '/p/x/q',
      '/p/x/q.ts',
      '/p/x/q.mts',
      '/p/x/q.js',
      '/p/x/q.mjs',
      '/p/x/q.cjs',
    ]);
  });
});

describe('listAdapterModules', () => {
  it('lists module files by name, skipping declarations, tests, helpers and other files', async () => {
    for (const name of [
      'B.ts',
      'A.mjs',
      'A.cjs',
      'types.d.ts',
      'A.test.ts',
      '_util.ts',
      '.hidden.js',
      'README.md',
    ]) {
      await dir.write(`adapters/${name}`, '');
    }
    await dir.write('adapters/nested/C.ts', '');
    expect(await listAdapterModules(dir.resolve('adapters'))).toEqual([
      { name: 'A', path: dir.resolve('adapters/A.mjs') },
      { name: 'B', path: dir.resolve('adapters/B.ts') },
    ]);
  });

  it('leaves out the modules the config names, by adapter name or by module path', async () => {
    for (const name of ['QUOTES.ts', 'chat-room.ts', 'feed.mjs', 'extra.ts']) {
      await dir.write(`adapters/${name}`, '');
    }
    const unconfigured = await listUnconfiguredModules({
      configDir: dir.path,
      adaptersDir: './adapters',
      adapters: {
        QUOTES: {},
        CHAT: { module: './adapters/chat-room' },
        FEED: { module: 'adapters/feed.mjs' },
      },
    });
    expect(unconfigured).toEqual([{ name: 'extra', path: dir.resolve('adapters/extra.ts') }]);
  });

  it('returns nothing for a missing directory', async () => {
    expect(await listAdapterModules(dir.resolve('nowhere'))).toEqual([]);
  });
});

describe('loadAdapterModule: exports', () => {
  it('loads a TypeScript class export and its settings', async () => {
    const loaded = await loadAdapterModule(`${fixtures}data-class.ts`);
    expect(isClassExport(loaded.exported)).toBe(true);
    expect(detectKind(loaded.exported)).toBe('data');
    expect(loaded.settings).toEqual({ port: 7001, params: { from: 'module', shared: 'module' } });
    expect(loaded.path).toBe(`${fixtures}data-class.ts`);
  });

  it('loads a JavaScript object export without settings', async () => {
    const loaded = await loadAdapterModule(`${fixtures}data-object.mjs`);
    expect(isClassExport(loaded.exported)).toBe(false);
    expect(typeof (loaded.exported as { subscribe: unknown }).subscribe).toBe('function');
    expect(loaded.settings).toBeUndefined();
  });

  it('loads CommonJS (module.exports = class) and ESM .js', async () => {
    const cjs = await loadAdapterModule(`${fixtures}metadata-class.cjs`);
    expect(isClassExport(cjs.exported)).toBe(true);
    expect(detectKind(cjs.exported)).toBe('metadata');
    const js = await loadAdapterModule(`${fixtures}metadata-object.js`);
    expect(
      (js.exported as { getItems(u: string, s: string, g: string): string[] }).getItems(
        '',
        '',
        'a-b',
      ),
    ).toEqual(['a', 'b']);
  });

  it('unwraps TypeScript that tsx compiles to CommonJS (no "type": "module" package)', async () => {
    // The temp dir has no package.json, so .ts and .js files there are CommonJS to Node.
    const ts = await dir.write(
      'Q.ts',
      'export const settings = { port: 1 };\nexport default class Q { subscribe(): void {} }\n',
    );
    const js = await dir.write('R.js', 'export default { getItems() { return []; } };\n');
    const loadedTs = await loadAdapterModule(ts);
    expect(isClassExport(loadedTs.exported)).toBe(true);
    expect(loadedTs.settings).toEqual({ port: 1 });
    const loadedJs = await loadAdapterModule(js);
    expect(typeof (loadedJs.exported as { getItems: unknown }).getItems).toBe('function');
  });

  it('rejects a module without a default export', async () => {
    const error = await rejection(loadAdapterModule(`${fixtures}no-default.ts`, { adapter: 'X' }));
    expect(error).toBeInstanceOf(ModuleShapeError);
    expect(error.message).toContain('Adapter "X": the module has no default export');
  });

  it('validates settings as a partial entry, naming the paths', async () => {
    const error = await rejection(loadAdapterModule(`${fixtures}bad-settings.ts`));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: 'settings.port', message: 'Expected number, received string' },
      { path: 'settings', message: 'Unrecognized key "prot" (did you mean "port"?)' },
    ]);
    expect(error.message).toContain(
      `Invalid "settings" export in ${fixtures}bad-settings.ts (2 problems):`,
    );
  });

  it('rejects module in settings: the config entry names the module', async () => {
    const path = await dir.write(
      'M.mjs',
      'export const settings = { module: "x" };\nexport default {};\n',
    );
    const error = await rejection(loadAdapterModule(path));
    expect((error as ConfigError).issues).toEqual([
      { path: 'settings', message: 'Unrecognized key "module"' },
    ]);
  });
});

describe('loadAdapterModule: failures', () => {
  it('gives file, line and column of a TypeScript syntax error', async () => {
    const path = await dir.write(
      'broken.ts',
      'export default {\n  subscribe(item: string) {\n    return item +;\n  },\n};\n',
    );
    const error = await rejection(loadAdapterModule(path, { adapter: 'B' }));
    expect(error).toBeInstanceOf(ModuleSyntaxError);
    const syntax = error as ModuleSyntaxError;
    expect(syntax.location).toEqual({ file: path, line: 3, column: 18 });
    expect(error.message).toMatch(
      new RegExp(`^Adapter "B": syntax error at ${escapeRegExp(path)}:3:18: `),
    );
  });

  it('explains top-level await in a file that is compiled to CommonJS', async () => {
    const path = await dir.write('tla.ts', 'await Promise.resolve();\nexport default {};\n');
    const error = await rejection(loadAdapterModule(path));
    expect(error).toBeInstanceOf(ModuleSyntaxError);
    expect(error.message).toContain('Top-level await');
    expect(error.message).toContain('add one, or rename the file to .mts/.mjs');
  });

  it('gives file and line of a syntax error in an ES module', async () => {
    const error = await rejection(loadAdapterModule(`${fixtures}broken-syntax.mjs`));
    expect(error).toBeInstanceOf(ModuleSyntaxError);
    const { location, detail } = error as ModuleSyntaxError;
    expect(location.file).toBe(`${fixtures}broken-syntax.mjs`);
    expect(location.line).toBe(3);
    expect(detail).toMatch(/Unexpected token/);
    expect(error.message).toContain(`${fixtures}broken-syntax.mjs:3`);
  });

  it('gives file and line of a syntax error in a CommonJS module', async () => {
    const path = await dir.write(
      'broken.cjs',
      'module.exports = {\n  a() {\n    return 1 +;\n  },\n};\n',
    );
    const error = await rejection(loadAdapterModule(path));
    expect(error).toBeInstanceOf(ModuleSyntaxError);
    expect((error as ModuleSyntaxError).location).toMatchObject({ file: path, line: 3 });
  });

  it('locates a syntax error in a file the module imports', async () => {
    await dir.write('package.json', '{ "type": "module" }');
    const dep = await dir.write('dep.ts', 'export const value = ;\n');
    const main = await dir.write(
      'main.ts',
      "import { value } from './dep.js';\nexport default { value };\n",
    );
    const error = await rejection(loadAdapterModule(main));
    expect(error).toBeInstanceOf(ModuleSyntaxError);
    expect((error as ModuleSyntaxError).location).toMatchObject({ file: dep, line: 1 });
    expect((error as ModuleSyntaxError).modulePath).toBe(main);
  });

  it('reports an error thrown while the module runs, with the cause', async () => {
    const path = await dir.write('throws.mjs', "throw new Error('boom at import');\n");
    const error = await rejection(loadAdapterModule(path, { adapter: 'T' }));
    expect(error).toBeInstanceOf(ModuleLoadError);
    expect(error).not.toBeInstanceOf(ModuleSyntaxError);
    expect(error.message).toBe(`Adapter "T": importing ${path} failed: boom at import`);
    expect((error.cause as Error).message).toBe('boom at import');
  });
});

describe('loadAdapterModule: fresh copies for hot reload', () => {
  const version = (n: number) =>
    `import { shared } from './shared.js';\nexport default class V { version() { return ${n} + ':' + shared.label; } }\n`;

  async function versionOf(path: string, fresh = false): Promise<string> {
    const { exported } = await loadAdapterModule(path, { fresh });
    return new (exported as new () => { version(): string })().version();
  }

  it.each([
    ['an ES module package', true],
    ['a CommonJS package', false],
  ])('reloads the module and keeps its imports shared, in %s', async (_label, esm) => {
    if (esm) await dir.write('package.json', '{ "type": "module" }');
    const path = await dir.write('V.ts', version(1));
    await dir.write('shared.ts', "export const shared = { label: 'a' };\n");
    const other = await dir.write(
      'W.ts',
      "import { shared } from './shared.js';\nexport default { rename(label: string) { shared.label = label; } };\n",
    );
    expect(await versionOf(path)).toBe('1:a');

    await dir.write('V.ts', version(2));
    // Without fresh, the copy loaded before is returned.
    expect(await versionOf(path)).toBe('1:a');
    expect(await versionOf(path, true)).toBe('2:a');
    // The fresh copy is now the one returned, and it shares its imports with other adapters.
    const { exported } = await loadAdapterModule(other);
    (exported as { rename(label: string): void }).rename('b');
    expect(await versionOf(path)).toBe('2:b');
  });

  it('reloads a CommonJS module', async () => {
    const path = await dir.write('C.cjs', 'module.exports = { value: 1 };\n');
    const first = await loadAdapterModule(path);
    await dir.write('C.cjs', 'module.exports = { value: 2 };\n');
    const second = await loadAdapterModule(path, { fresh: true });
    expect((first.exported as { value: number }).value).toBe(1);
    expect((second.exported as { value: number }).value).toBe(2);
  });

  it('keeps the previous copy when a fresh import fails', async () => {
    const path = await dir.write('K.mjs', 'export default { n: 1 };\n');
    await loadAdapterModule(path);
    await dir.write('K.mjs', 'export default { n: ;\n');
    await expect(loadAdapterModule(path, { fresh: true })).rejects.toBeInstanceOf(
      ModuleSyntaxError,
    );
    expect(((await loadAdapterModule(path)).exported as { n: number }).n).toBe(1);
  });

  it('imports anew after a failed import, once the file is fixed', async () => {
    const path = await dir.write('E.mjs', 'export default { n: ;\n');
    await expect(loadAdapterModule(path)).rejects.toBeInstanceOf(ModuleSyntaxError);
    await dir.write('E.mjs', 'export default { n: 2 };\n');
    expect(((await loadAdapterModule(path)).exported as { n: number }).n).toBe(2);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
