import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateProject } from '../../src/host/validate-project.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const fixtures = fileURLToPath(new URL('../fixtures/host/', import.meta.url));

describe('validateProject on fixture projects', () => {
  it('lists the adapters of a good project', async () => {
    const report = await validateProject({ cwd: `${fixtures}good-project`, env: {} });
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.configPath).toBe(`${fixtures}good-project/lsadapter.config.json`);
    expect(report.adapters).toEqual([
      {
        name: 'METADATA',
        kind: 'metadata',
        origin: 'config',
        modulePath: `${fixtures}good-project/lib/auth.js`,
        exportType: 'object',
        mode: 'connect',
        port: 6663,
        notifyPort: undefined,
        listen: undefined,
        servers: ['ls.example.com:6663'],
      },
      {
        name: 'QUOTES',
        kind: 'data',
        origin: 'config',
        modulePath: `${fixtures}good-project/adapters/QUOTES.ts`,
        exportType: 'class',
        mode: 'connect',
        port: 6661,
        notifyPort: undefined,
        listen: undefined,
        servers: ['ls.example.com:6661'],
      },
      {
        name: 'CHAT',
        kind: 'data',
        origin: 'config',
        modulePath: `${fixtures}good-project/adapters/chat-room.ts`,
        exportType: 'class',
        mode: 'connect',
        port: 6662,
        notifyPort: undefined,
        listen: undefined,
        servers: ['ls.example.com:6662'],
      },
      {
        name: 'LEGACY',
        kind: 'data',
        origin: 'config',
        modulePath: `${fixtures}good-project/lib/legacy.cjs`,
        exportType: 'class',
        mode: 'connect',
        port: 6671,
        notifyPort: 6672,
        listen: undefined,
        servers: ['ls.example.com:6671'],
      },
      {
        name: 'FEED',
        kind: 'data',
        origin: 'adaptersDir',
        modulePath: `${fixtures}good-project/adapters/FEED.ts`,
        exportType: 'class',
        mode: 'listen',
        port: undefined,
        notifyPort: undefined,
        listen: { host: '0.0.0.0', port: 0 },
        servers: ['0.0.0.0:0'],
      },
    ]);
    expect(report.skipped).toEqual([
      { name: 'OFF', reason: 'disabled ("enabled": false)' },
      {
        name: 'format',
        reason: `${fixtures}good-project/adapters/format.mjs has no "settings" export and no entry in "adapters"`,
      },
    ]);
    // The report is plain data, for `validate --json`.
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({ valid: true });
  });

  it('reports every problem of a bad project', async () => {
    const report = await validateProject({ cwd: `${fixtures}bad-project`, env: {} });
    const modules = `${fixtures}modules/`;
    expect(report.valid).toBe(false);
    const texts = report.problems.map((p) => p.text);
    expect(texts).toEqual([
      `adapters.SHAPE: not a valid data adapter: missing method unsubscribe; isSnapshotAvailable is not a function (in ${modules}wrong-shape.ts)`,
      `adapters.BROKEN: syntax error at ${modules}broken-syntax.mjs:3:18: Unexpected token '{'`,
      expect.stringMatching(/^adapters\.MISSING: module not found; tried:\n/),
      `adapters.NODEFAULT: the module has no default export: \`export default\` the adapter class or object (in ${modules}no-default.ts)`,
      `${modules}bad-settings.ts: settings.port: Expected number, received string`,
      `${modules}bad-settings.ts: settings: Unrecognized key "prot" (did you mean "port"?)`,
      'adapters.OBJECT: The module exports an object, which can serve one connection only, but it listens, and each accepted connection needs its own instance: export a class instead',
      'adapters.NOPORT.port: Required: give the Proxy Adapter\'s port (here or in the module\'s "settings" export), or "listen" to accept its connections',
      'adapters.META_NOTIFY.notifyPort: Only data adapters have a notifyPort; remove it from this metadata adapter',
      'adapters.B.port: localhost:7020 is also used by adapter "A"; each adapter needs its own port',
    ]);
    expect(report.problems.find((p) => p.adapter === 'MISSING')?.message).toContain(
      `${fixtures}bad-project/adapters/MISSING.cjs`,
    );
    expect(report.adapters.map((a) => a.name)).toEqual(['A', 'B']);
  });
});

describe('validateProject on generated projects', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir('lsadapter-validate-');
    await dir.write('package.json', '{ "type": "module" }');
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  const dataClass = 'export default class D { subscribe() {} unsubscribe() {} }\n';

  it('returns the config problems when the config is invalid', async () => {
    await dir.write('lsadapter.config.json', '{ "adapters": { "QUOTES": { "port": "6661" } } }');
    const report = await validateProject({ cwd: dir.path, env: {} });
    expect(report.valid).toBe(false);
    expect(report.configPath).toBe(dir.resolve('lsadapter.config.json'));
    expect(report.problems.map((p) => p.text)).toEqual([
      'adapters.QUOTES.port: Expected number, received string',
    ]);
  });

  it('reports a missing config file as a problem', async () => {
    const report = await validateProject({ cwd: dir.path, env: {} });
    expect(report.valid).toBe(false);
    expect(report.problems[0]?.text).toMatch(/^\(config\): No lsadapter config file found/);
  });

  it('reports a project without adapters', async () => {
    await dir.write('lsadapter.config.json', '{}');
    const report = await validateProject({ cwd: dir.path, env: {} });
    expect(report.problems.map((p) => p.text)).toEqual([
      `adapters: No adapters: add entries to "adapters" or adapter modules to ${dir.resolve('adapters')}`,
    ]);
  });

  it('requires a class export when an adapter connects to several servers', async () => {
    await dir.write(
      'lsadapter.config.json',
      JSON.stringify({
        servers: [{ host: 'ls1' }, { host: 'ls2' }],
        adapters: { Q: { port: 6661 }, M: { port: 6663 } },
      }),
    );
    await dir.write('adapters/Q.mjs', 'export default { subscribe() {}, unsubscribe() {} };\n');
    await dir.write('adapters/M.ts', 'export default class M {}\n');
    const report = await validateProject({ cwd: dir.path, env: {} });
    expect(report.problems.map((p) => p.text)).toEqual([
      'adapters.Q: The module exports an object, which can serve one connection only, but it connects to 2 servers, and each connection needs its own instance: export a class instead',
    ]);
    expect(report.adapters).toMatchObject([
      { name: 'M', kind: 'metadata', servers: ['ls1:6663', 'ls2:6663'] },
    ]);
  });

  it('sees methods that a class creates in its constructor', async () => {
    await dir.write(
      'lsadapter.config.json',
      '{ "adapters": { "F": { "kind": "data", "port": 1 } } }',
    );
    await dir.write(
      'adapters/F.ts',
      'export default class F { subscribe = () => {}; unsubscribe = () => {}; }\n',
    );
    const report = await validateProject({ cwd: dir.path, env: {} });
    expect(report.problems).toEqual([]);
    expect(report.adapters).toMatchObject([{ name: 'F', kind: 'data', exportType: 'class' }]);
  });

  it('reports a class whose constructor throws', async () => {
    await dir.write(
      'lsadapter.config.json',
      '{ "adapters": { "F": { "kind": "data", "port": 1 } } }',
    );
    await dir.write(
      'adapters/F.mjs',
      "export default class F { constructor() { throw new Error('no env'); } }\n",
    );
    const report = await validateProject({ cwd: dir.path, env: {} });
    expect(report.problems.map((p) => p.text)).toEqual([
      'adapters.F: constructing the adapter failed: no env',
    ]);
  });

  it('checks TLS files where they are configured', async () => {
    await dir.write(
      'lsadapter.config.json',
      JSON.stringify({
        tls: { ca: 'certs/missing-ca.pem' },
        adapters: { FEED: { listen: { port: 0, tls: true } } },
      }),
    );
    await dir.write('adapters/FEED.ts', dataClass);
    const report = await validateProject({ cwd: dir.path, env: {} });
    const byPath = Object.fromEntries(report.problems.map((p) => [p.path, p.message]));
    expect(Object.keys(byPath)).toEqual(['tls', 'adapters.FEED.listen.tls']);
    expect(byPath.tls).toContain(dir.resolve('certs/missing-ca.pem'));
    expect(byPath['adapters.FEED.listen.tls']).toContain('"cert"');
  });

  it('skips an adapter that its settings disable', async () => {
    await dir.write('lsadapter.config.json', '{ "adapters": { "Q": { "port": 1 } } }');
    await dir.write('adapters/Q.ts', dataClass);
    await dir.write('adapters/OLD.ts', `export const settings = { enabled: false };\n${dataClass}`);
    const report = await validateProject({ cwd: dir.path, env: {} });
    expect(report.valid).toBe(true);
    expect(report.skipped).toEqual([{ name: 'OLD', reason: 'disabled by its "settings"' }]);
  });
});
