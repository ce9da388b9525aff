/**
 * The package as users consume it: the built entry points through the package's own name, from ESM and
 * from CommonJS (SPEC §1–§3). Runs child processes so resolution goes through package.json "exports".
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

const SPEC_NAMES = [
  'AccessError',
  'ConflictingSessionError',
  'CreditsError',
  'DataProvider',
  'DataProviderError',
  'DataProviderServer',
  'FailureError',
  'ItemsError',
  'MetadataProvider',
  'MetadataProviderError',
  'MetadataProviderServer',
  'NotificationError',
  'ResourceUnavailableError',
  'SchemaError',
  'SubscribeError',
];

async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: root, timeout: 15_000 });
  return stdout.trim();
}

describe('package entry points', () => {
  it('import("lsadapter") exposes exactly the SPEC §3 names', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      "import * as m from 'lsadapter'; console.log(JSON.stringify(Object.keys(m).sort()))",
    ]);
    expect(JSON.parse(out)).toEqual(SPEC_NAMES);
  });

  it('require("lsadapter") works from CommonJS', async () => {
    const out = await node([
      '-e',
      "const m = require('lsadapter'); const e = new m.CreditsError('m', -2, 'c'); console.log(typeof m.DataProviderServer, e.clientCode, e instanceof Error)",
    ]);
    expect(out).toBe('function -2 true');
  });

  it('lsadapter/testing exposes the proxy simulator', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      "import { ProxySimulator } from 'lsadapter/testing'; const s = new ProxySimulator({ kind: 'data' }); await s.start(); console.log(s.port > 0); await s.close();",
    ]);
    expect(out).toBe('true');
  });

  it('internal modules are not reachable through the package name', async () => {
    await expect(
      node(['--input-type=module', '-e', "await import('lsadapter/dist/protocol/index.js')"]),
    ).rejects.toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });
});
