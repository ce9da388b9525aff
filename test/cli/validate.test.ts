// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold literal ${VAR} references.
/**
 * `lsadapter validate` run as the built bin (needs `npm run build` first) on projects written
 * into temp dirs: a valid one, and one per kind of problem, in human and JSON output.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ValidateJsonReport } from '../../src/cli/validate.js';
import { assertBuilt, killAllClis, runCli, spawnCli } from '../helpers/run-cli.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const DATA_CLASS_TS = `
export default class Quotes {
  init(params: Record<string, string>) {}
  subscribe(item: string) {}
  unsubscribe(item: string) {}
  isSnapshotAvailable(item: string) { return false; }
}
`;
const METADATA_OBJECT_JS = `export default { notifyUser() {} };\n`;
const FEED_CLASS_MJS = `export default class Feed { subscribe() {} unsubscribe() {} }\n`;

const dirs: TempDir[] = [];

beforeAll(assertBuilt);
afterEach(async () => {
  await killAllClis();
  await Promise.all(dirs.splice(0).map((dir) => dir.cleanup()));
});

/** Writes a project (a package.json stops the config search at its root) and returns it. */
async function project(config: unknown, files: Record<string, string> = {}): Promise<TempDir> {
  const dir = await makeTempDir('lsadapter-validate-');
  dirs.push(dir);
  await dir.write(
    'package.json',
    JSON.stringify({ name: 'fixture', private: true, type: 'module' }),
  );
  if (config !== undefined) {
    const text = typeof config === 'string' ? config : JSON.stringify(config, null, 2);
    await dir.write('lsadapter.config.json', text);
  }
  for (const [path, content] of Object.entries(files)) await dir.write(path, content);
  return dir;
}

const goodConfig = {
  adapters: {
    METADATA: { kind: 'metadata', port: 6663, module: './adapters/auth.js' },
    QUOTES: { port: 6661 },
    FEED: { kind: 'data', listen: { port: 7661 }, module: 'adapters/feed.mjs' },
    OLD: { enabled: false },
  },
};
const goodFiles = {
  'adapters/auth.js': METADATA_OBJECT_JS,
  'adapters/QUOTES.ts': DATA_CLASS_TS,
  'adapters/feed.mjs': FEED_CLASS_MJS,
};

async function validateJson(dir: TempDir, args: string[] = [], env = {}) {
  const result = await runCli(['validate', ...args, '--json'], { cwd: dir.path, env });
  const report = JSON.parse(result.stdout) as ValidateJsonReport;
  return { result, report };
}

describe('lsadapter validate: a valid project', () => {
  it('prints a summary of every adapter and exits 0', async () => {
    const dir = await project(goodConfig, goodFiles);
    const result = await runCli(['validate'], { cwd: dir.path });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Config: lsadapter\.config\.json$/m);
    expect(out).toMatch(/METADATA\s+metadata\s+adapters\/auth\.js \(object\)/);
    expect(out).toMatch(/QUOTES\s+data\s+adapters\/QUOTES\.ts \(class\)/);
    expect(out).toMatch(/FEED\s+data\s+adapters\/feed\.mjs \(class\)/);
    expect(out).toContain('connects to localhost:6663');
    expect(out).toContain('connects to localhost:6661');
    expect(out).toContain('listens on 0.0.0.0:7661');
    expect(out).toMatch(/OLD: disabled/);
    expect(out).toMatch(/Valid: 3 adapters ready to run\./);
  });

  it('prints a machine-readable report with --json', async () => {
    const dir = await project(goodConfig, goodFiles);
    const { result, report } = await validateJson(dir);
    expect(result.code).toBe(0);
    expect(report.valid).toBe(true);
    expect(report.configPath).toBe(dir.resolve('lsadapter.config.json'));
    expect(report.problems).toEqual([]);
    const byName = Object.fromEntries(report.adapters.map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['FEED', 'METADATA', 'QUOTES']);
    expect(byName.QUOTES).toMatchObject({
      kind: 'data',
      modulePath: dir.resolve('adapters/QUOTES.ts'),
      port: 6661,
      servers: ['localhost:6661'],
    });
    expect(byName.FEED).toMatchObject({ mode: 'listen', listen: { host: '0.0.0.0', port: 7661 } });
    expect(report.skipped).toEqual([{ name: 'OLD', reason: expect.stringMatching(/disabled/) }]);
  });

  it('validates the file given as argument, and reads ${VAR} from the environment', async () => {
    const dir = await project(undefined, {
      'conf/ls.json': JSON.stringify({
        host: '${LS_TEST_HOST}',
        adapters: { QUOTES: { port: 6661, module: '../adapters/QUOTES.ts' } },
      }),
      'adapters/QUOTES.ts': DATA_CLASS_TS,
    });
    const { result, report } = await validateJson(dir, ['conf/ls.json'], {
      LS_TEST_HOST: 'push.example.com',
    });
    expect(result.code).toBe(0);
    expect(report.configPath).toBe(dir.resolve('conf/ls.json'));
    expect(report.adapters[0]?.servers).toEqual(['push.example.com:6661']);
  });

  it('keeps stdout valid JSON when a module prints at import', async () => {
    const dir = await project(
      { adapters: { QUOTES: { port: 6661 } } },
      { 'adapters/QUOTES.js': `console.log('hello from the module');\n${FEED_CLASS_MJS}` },
    );
    const { result, report } = await validateJson(dir);
    expect(result.code).toBe(0);
    expect(report.valid).toBe(true);
    expect(result.stderr).toContain('hello from the module');
  });
});

describe('lsadapter validate: invalid projects exit 2 naming every problem', () => {
  const cases: {
    name: string;
    config: unknown;
    files?: Record<string, string>;
    path: string;
    message: RegExp;
  }[] = [
    {
      name: 'a value of the wrong type',
      config: { adapters: { QUOTES: { port: '6661' } } },
      files: { 'adapters/QUOTES.ts': DATA_CLASS_TS },
      path: 'adapters.QUOTES.port',
      message: /Expected number, received string/,
    },
    {
      name: 'an unknown key',
      config: { adapters: { QUOTES: { prot: 6661 } } },
      files: { 'adapters/QUOTES.ts': DATA_CLASS_TS },
      path: 'adapters.QUOTES',
      message: /Unrecognized key "prot" \(did you mean "port"\?\)/,
    },
    {
      name: 'a missing environment variable',
      config: { credentials: { user: 'u', password: '${LS_TEST_UNSET_PASSWORD}' } },
      path: 'credentials.password',
      message: /LS_TEST_UNSET_PASSWORD/,
    },
    {
      name: 'a missing module',
      config: { adapters: { QUOTES: { port: 6661, module: './adapters/nope.ts' } } },
      path: 'adapters.QUOTES',
      message: /module not found/,
    },
    {
      name: 'a module with a syntax error',
      config: { adapters: { QUOTES: { port: 6661 } } },
      files: { 'adapters/QUOTES.ts': 'export default class {\n  subscribe( {}\n' },
      path: 'adapters.QUOTES',
      message: /syntax error at .*QUOTES\.ts:\d+/,
    },
    {
      name: 'a data adapter of the wrong shape',
      config: { adapters: { QUOTES: { kind: 'data', port: 6661 } } },
      files: { 'adapters/QUOTES.js': 'export default { subscribe() {} };\n' },
      path: 'adapters.QUOTES',
      message: /unsubscribe/,
    },
    {
      name: 'a module without a default export',
      config: { adapters: { QUOTES: { port: 6661 } } },
      files: { 'adapters/QUOTES.js': 'export const x = 1;\n' },
      path: 'adapters.QUOTES',
      message: /no default export/,
    },
  ];

  for (const fixture of cases) {
    it(`reports ${fixture.name}`, async () => {
      const dir = await project(fixture.config, fixture.files);
      const env = { LS_TEST_UNSET_PASSWORD: undefined };
      const human = await runCli(['validate'], { cwd: dir.path, env });
      expect(human.code).toBe(2);
      const line = human.stdout.split('\n').find((l) => l.startsWith(`  - ${fixture.path}: `));
      expect(line, human.stdout).toMatch(fixture.message);
      expect(human.stdout).toMatch(/Invalid: fix the problems above/);

      const { result, report } = await validateJson(dir, [], env);
      expect(result.code).toBe(2);
      expect(report.valid).toBe(false);
      expect(report.problems).toContainEqual(
        expect.objectContaining({
          path: fixture.path,
          message: expect.stringMatching(fixture.message),
        }),
      );
    });
  }

  it('reports every problem, not just the first', async () => {
    const dir = await project({
      adapters: { A: { port: 'x' }, B: { port: 1, bogus: true } },
      keepaliveMs: -5,
    });
    const { result, report } = await validateJson(dir);
    expect(result.code).toBe(2);
    expect(report.problems.map((p) => p.path).sort()).toEqual(
      ['adapters.A.port', 'adapters.B', 'keepaliveMs'].sort(),
    );
  });

  it('reports a config file that does not parse', async () => {
    const dir = await project('{ "adapters": { ');
    const result = await runCli(['validate'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('lsadapter.config.json');
  });

  it('reports a missing config file and how to create one', async () => {
    const dir = await project(undefined);
    const result = await runCli(['validate'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/No lsadapter config file found/);
    const given = await runCli(['validate', 'missing.json'], { cwd: dir.path });
    expect(given.code).toBe(2);
    expect(given.stdout).toMatch(/^Config: missing\.json \(not loaded\)$/m);
    expect(given.stdout).toMatch(/missing\.json does not exist/);
  });
});

describe('lsadapter validate: a module that never finishes importing', () => {
  const hanging = {
    'adapters/QUOTES.js':
      "process.stderr.write('module loading\\n');\nawait new Promise(() => setInterval(() => {}, 1000));\nexport default {};\n",
  };

  it('can be interrupted with a signal', async () => {
    const dir = await project({ adapters: { QUOTES: { port: 6661 } } }, hanging);
    const cli = spawnCli(['validate'], { cwd: dir.path });
    await cli.waitForLine(/module loading/, { stream: 'stderr' });
    cli.signal('SIGTERM');
    const result = await cli.exited;
    expect(result.signal).toBe('SIGTERM');
  });

  it('is killed when it exceeds the bound of runCli', async () => {
    const dir = await project({ adapters: { QUOTES: { port: 6661 } } }, hanging);
    await expect(runCli(['validate'], { cwd: dir.path, timeoutMs: 1_500 })).rejects.toThrow(
      /did not exit within 1500 ms/,
    );
  });
});
