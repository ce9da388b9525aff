import { CommanderError } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { type CliActions, createProgram, main } from '../../src/cli/main.js';

/** A program whose actions record what they receive, with output captured. */
function programWithFakes() {
  const actions = {
    start: vi.fn<CliActions['start']>(async () => 0),
    validate: vi.fn<CliActions['validate']>(async () => 0),
    dev: vi.fn<CliActions['dev']>(async () => 0),
  };
  const output = { out: '', err: '' };
  const program = createProgram({
    actions,
    output: {
      out: (text) => {
        output.out += text;
      },
      err: (text) => {
        output.err += text;
      },
    },
  });
  const parse = (...args: string[]) => program.parseAsync(['node', 'lsadapter', ...args]);
  return { actions, output, parse };
}

async function commanderError(promise: Promise<unknown>): Promise<CommanderError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CommanderError);
  return error as CommanderError;
}

describe('createProgram', () => {
  it('maps start flags onto StartOptions', async () => {
    const { actions, parse } = programWithFakes();
    await parse(
      'start',
      '--config',
      'x.json',
      '--watch',
      '--log-level',
      'debug',
      '--metrics-port',
      '9464',
    );
    expect(actions.start).toHaveBeenCalledWith({
      config: 'x.json',
      watch: true,
      logLevel: 'debug',
      metricsPort: 9464,
    });
  });

  it('gives start its defaults', async () => {
    const { actions, parse } = programWithFakes();
    await parse('start');
    expect(actions.start).toHaveBeenCalledWith({
      config: undefined,
      watch: false,
      logLevel: undefined,
      metricsPort: undefined,
    });
  });

  it('accepts --metrics-port 0', async () => {
    const { actions, parse } = programWithFakes();
    await parse('start', '--metrics-port=0');
    expect(actions.start.mock.calls[0]?.[0].metricsPort).toBe(0);
  });

  it.each(['abc', '-1', '65536', '1.5'])(
    'rejects --metrics-port %s as a usage error',
    async (port) => {
      const { actions, output, parse } = programWithFakes();
      const error = await commanderError(parse('start', '--metrics-port', port));
      expect(error.exitCode).not.toBe(0);
      expect(output.err).toMatch(/--metrics-port.*0 to 65535/);
      expect(actions.start).not.toHaveBeenCalled();
    },
  );

  it('rejects an unknown log level, listing the allowed ones', async () => {
    const { output, parse } = programWithFakes();
    await commanderError(parse('start', '--log-level', 'loud'));
    expect(output.err).toMatch(
      /Allowed choices are fatal, error, warn, info, debug, trace, silent/,
    );
  });

  it('maps validate [file] --json', async () => {
    const { actions, parse } = programWithFakes();
    await parse('validate', 'conf/ls.json', '--json');
    expect(actions.validate).toHaveBeenCalledWith({ config: 'conf/ls.json', json: true });
    await parse('validate');
    expect(actions.validate).toHaveBeenLastCalledWith({ config: undefined, json: false });
  });

  it('maps dev flags, splitting --schema on commas', async () => {
    const { actions, parse } = programWithFakes();
    await parse(
      'dev',
      '--config',
      'c.json',
      '--subscribe',
      'item1',
      'item2',
      '--schema',
      'bid, ask,,last',
    );
    expect(actions.dev).toHaveBeenCalledWith({
      config: 'c.json',
      subscribe: ['item1', 'item2'],
      schema: ['bid', 'ask', 'last'],
    });
  });

  it('gives dev its defaults', async () => {
    const { actions, parse } = programWithFakes();
    await parse('dev');
    expect(actions.dev).toHaveBeenCalledWith({
      config: undefined,
      subscribe: [],
      schema: undefined,
    });
  });

  it('throws instead of exiting for --version, with the package version', async () => {
    const { output, parse } = programWithFakes();
    const error = await commanderError(parse('--version'));
    expect(error.exitCode).toBe(0);
    expect(output.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists every command in help', async () => {
    const { output, parse } = programWithFakes();
    const error = await commanderError(parse('help'));
    expect(error.exitCode).toBe(0);
    for (const command of ['start', 'validate', 'dev', 'help']) {
      expect(output.out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('reports an unknown command as a usage error', async () => {
    const { actions, output, parse } = programWithFakes();
    const error = await commanderError(parse('strat'));
    expect(error.code).toBe('commander.unknownCommand');
    expect(output.err).toMatch(/unknown command 'strat'/);
    expect(output.err).toMatch(/Did you mean start\?/);
    expect(actions.start).not.toHaveBeenCalled();
  });

  it('reports an unknown option as a usage error', async () => {
    const { output, parse } = programWithFakes();
    const error = await commanderError(parse('validate', '--jsn'));
    expect(error.code).toBe('commander.unknownOption');
    expect(output.err).toMatch(/unknown option '--jsn'/);
  });
});

describe('main', () => {
  function capture() {
    const output = { out: '', err: '' };
    const sink = {
      out: (text: string) => {
        output.out += text;
      },
      err: (text: string) => {
        output.err += text;
      },
    };
    return { output, sink };
  }

  it('resolves with 0 for --version and help', async () => {
    const { output, sink } = capture();
    await expect(main(['node', 'lsadapter', '--version'], sink)).resolves.toBe(0);
    await expect(main(['node', 'lsadapter', 'help'], sink)).resolves.toBe(0);
    expect(output.out).toMatch(/Usage: lsadapter/);
  });

  it('resolves with 2 for usage errors, never rejecting', async () => {
    const { output, sink } = capture();
    await expect(main(['node', 'lsadapter', 'nope'], sink)).resolves.toBe(2);
    await expect(main(['node', 'lsadapter', 'start', '--watch=maybe'], sink)).resolves.toBe(2);
    await expect(main(['node', 'lsadapter'], sink)).resolves.toBe(2);
    expect(output.err).toMatch(/unknown command 'nope'/);
  });
});
