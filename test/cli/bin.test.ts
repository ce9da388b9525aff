/**
 * The built bin as a child process (needs `npm run build` first): version, help, usage errors
 * and their exit codes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, killAllClis, runCli, spawnCli } from '../helpers/run-cli.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

beforeAll(assertBuilt);
afterEach(killAllClis);

describe('lsadapter (bin)', () => {
  it('prints the package version with --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const result = await runCli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(packageJson.version);
      expect(result.stderr).toBe('');
    }
  });

  it('lists the commands with help and --help', async () => {
    for (const args of [['help'], ['--help']]) {
      const result = await runCli(args);
      expect(result.code).toBe(0);
      for (const command of ['start', 'validate', 'dev', 'help']) {
        expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
      }
    }
  });

  it('validates the example project when run from the repository root, which has no config of its own', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const result = await runCli(['validate'], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Config: lsadapter\.config\.example\.json$/m);
    expect(result.stdout).toMatch(/^Valid: 3 adapters ready to run\.$/m);
  });

  it('describes a command with help <command>', async () => {
    const result = await runCli(['help', 'start']);
    expect(result.code).toBe(0);
    for (const flag of ['--config', '--watch', '--log-level', '--metrics-port']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('exits with 2 on an unknown command, saying so on stderr', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(result.stderr).toMatch(/lsadapter help/);
    expect(result.stdout).toBe('');
  });

  it('exits with 2 on a bad flag', async () => {
    const unknown = await runCli(['validate', '--nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--nope'/);
    const badPort = await runCli(['start', '--metrics-port', 'http']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--metrics-port/);
  });

  it('exits with 2 and shows usage when no command is given', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage: lsadapter/);
  });

  it('can be awaited line by line and stopped with a signal', async () => {
    const cli = spawnCli(['help']);
    await expect(cli.waitForLine(/^Usage: lsadapter/, { stream: 'stdout' })).resolves.toMatch(
      /lsadapter/,
    );
    cli.signal('SIGTERM'); // a no-op when it has already exited
    const result = await cli.exited;
    expect(result.code === 0 || result.signal === 'SIGTERM').toBe(true);
  });
});
