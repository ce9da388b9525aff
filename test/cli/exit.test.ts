import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  EXIT_FAILURE,
  EXIT_INVALID,
  EXIT_OK,
  exitCodeFor,
  formatError,
  isDebugEnabled,
  reportError,
} from '../../src/cli/exit.js';
import {
  ConfigError,
  ConfigNotFoundError,
  ModuleNotFoundError,
  ModuleShapeError,
  ModuleSyntaxError,
} from '../../src/host/errors.js';

function captured() {
  const output = { out: '', err: '' };
  return {
    output,
    sink: {
      out: (text: string) => {
        output.out += text;
      },
      err: (text: string) => {
        output.err += text;
      },
    },
  };
}

const configError = new ConfigError([
  { path: 'adapters.QUOTES.port', message: 'Expected number, received string' },
]);

describe('exitCodeFor', () => {
  it.each([
    ['ConfigError', configError],
    ['ConfigNotFoundError', new ConfigNotFoundError('No lsadapter config file found')],
    [
      'ModuleNotFoundError',
      new ModuleNotFoundError(['/a/X.ts'], 'Name the file after the adapter'),
    ],
    ['ModuleSyntaxError', new ModuleSyntaxError('/a/X.ts', { file: '/a/X.ts', line: 3 }, 'bad')],
    ['ModuleShapeError', new ModuleShapeError('/a/X.ts', 'missing method subscribe')],
  ])('maps a %s to 2', (_name, error) => {
    expect(exitCodeFor(error)).toBe(EXIT_INVALID);
  });

  it('maps an error of another copy of the package to 2 by its name', () => {
    const foreign = Object.assign(new Error('bad config'), { name: 'ConfigError' });
    expect(exitCodeFor(foreign)).toBe(EXIT_INVALID);
  });

  it('maps anything else to 1', () => {
    expect(exitCodeFor(new Error('ECONNRESET'))).toBe(EXIT_FAILURE);
    expect(exitCodeFor(new TypeError('x is undefined'))).toBe(EXIT_FAILURE);
    expect(exitCodeFor('a string')).toBe(EXIT_FAILURE);
  });

  it('maps commander usage errors to 2 and help/version to 0', () => {
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownCommand', 'x'))).toBe(EXIT_INVALID);
    expect(exitCodeFor(new CommanderError(0, 'commander.version', '0.1.0'))).toBe(EXIT_OK);
  });
});

describe('reportError', () => {
  it('prints one actionable message without a stack trace', () => {
    const { output, sink } = captured();
    const code = reportError(configError, { output: sink, env: {} });
    expect(code).toBe(2);
    expect(output.err).toContain('adapters.QUOTES.port: Expected number, received string');
    expect(output.err).toMatch(/^error: /);
    expect(output.err).not.toMatch(/\n\s+at /);
    expect(output.out).toBe('');
  });

  it('hints at LSADAPTER_DEBUG for unexpected errors', () => {
    const { output, sink } = captured();
    expect(reportError(new Error('socket closed'), { output: sink, env: {} })).toBe(1);
    expect(output.err).toBe(
      'error: socket closed\n(set LSADAPTER_DEBUG=1 to see the stack trace)\n',
    );
  });

  it('prints the stack and the causes with LSADAPTER_DEBUG=1', () => {
    const { output, sink } = captured();
    const error = new Error('outer', { cause: new Error('inner') });
    reportError(error, { output: sink, env: { LSADAPTER_DEBUG: '1' } });
    expect(output.err).toMatch(/^error: Error: outer\n\s+at /);
    expect(output.err).toMatch(/Caused by: Error: inner\n\s+at /);
  });

  it('prints nothing more for commander errors, which commander has printed', () => {
    const { output, sink } = captured();
    const error = new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'x'");
    expect(reportError(error, { output: sink, env: {} })).toBe(2);
    expect(output.err).toBe('');
  });

  it('reports a thrown non-Error value', () => {
    expect(formatError(42, false)).toBe('error: 42');
  });
});

describe('isDebugEnabled', () => {
  it('accepts 1, true and yes only', () => {
    expect(isDebugEnabled({ LSADAPTER_DEBUG: '1' })).toBe(true);
    expect(isDebugEnabled({ LSADAPTER_DEBUG: 'TRUE' })).toBe(true);
    expect(isDebugEnabled({ LSADAPTER_DEBUG: 'yes' })).toBe(true);
    expect(isDebugEnabled({ LSADAPTER_DEBUG: '0' })).toBe(false);
    expect(isDebugEnabled({})).toBe(false);
  });
});
