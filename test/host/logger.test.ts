import { describe, expect, it } from 'vitest';
import {
  createLogger,
  flushLogger,
  type LoggerOptions,
  maskSecrets,
  REDACTED,
} from '../../src/host/logger.js';
import type { Logger } from '../../src/sdk/logger.js';

const SECRET = 'hunter2-Sup3rS3cret';

/** A destination that keeps every line written. */
function memoryDestination(): { write(line: string): void; lines: string[]; text(): string } {
  const lines: string[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
    text: () => lines.join(''),
  };
}

function loggerToMemory(options: Omit<LoggerOptions, 'destination'> = {}) {
  const destination = memoryDestination();
  const logger = createLogger({ ...options, destination });
  return { logger, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with level, time, name and message by default', () => {
    const { logger, destination } = loggerToMemory();
    logger.info({ adapter: 'QUOTES' }, 'connected');
    expect(destination.lines).toHaveLength(1);
    const record = JSON.parse(destination.lines[0] as string);
    expect(record).toMatchObject({
      level: 30,
      name: 'lsadapter',
      adapter: 'QUOTES',
      msg: 'connected',
    });
    expect(typeof record.time).toBe('string');
    expect(record.pid).toBe(process.pid);
  });

  it('drops records below the level', () => {
    const { logger, destination } = loggerToMemory({ level: 'warn' });
    logger.info('hidden');
    logger.warn('shown');
    expect(destination.lines.map((line) => JSON.parse(line).msg)).toEqual(['shown']);
  });

  it('writes synchronously, so nothing is pending when the process exits', () => {
    const { logger, destination } = loggerToMemory();
    logger.error('last words');
    expect(destination.text()).toContain('last words');
  });

  it('pretty-prints human-readable lines with pretty: true', async () => {
    const { logger, destination } = loggerToMemory({ pretty: true });
    logger.info({ adapter: 'QUOTES' }, 'connected');
    await flushLogger(logger);
    const text = destination.text();
    expect(text).toMatch(/INFO.*connected/);
    expect(text).toMatch(/adapter: "QUOTES"/);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('adds child bindings per adapter and connection', () => {
    const { logger, destination } = loggerToMemory();
    logger.child({ adapter: 'QUOTES', server: 'ls1:6661' }).info('up');
    expect(JSON.parse(destination.lines[0] as string)).toMatchObject({
      adapter: 'QUOTES',
      server: 'ls1:6661',
      msg: 'up',
    });
  });

  it('fits the SDK logger port', () => {
    const { logger } = loggerToMemory();
    const port: Logger = logger;
    expect(typeof port.child).toBe('function');
  });
});

describe('secrets never appear in the output', () => {
  const error = Object.assign(new Error('login refused'), {
    request: { user: 'u', password: SECRET },
  });
  const shapes: [string, (logger: ReturnType<typeof createLogger>) => void][] = [
    ['a top-level password', (l) => l.info({ password: SECRET }, 'x')],
    ['credentials', (l) => l.info({ credentials: { user: 'u', password: SECRET } }, 'x')],
    ['options.credentials', (l) => l.info({ options: { credentials: { password: SECRET } } }, 'x')],
    [
      'a server entry in an array',
      (l) => l.info({ servers: [{ credentials: { password: SECRET } }] }, 'x'),
    ],
    [
      'adapter params named freely',
      (l) => l.info({ params: { dbPassword: SECRET, apiToken: SECRET } }, 'x'),
    ],
    ['deep nesting', (l) => l.info({ a: { b: { c: { d: { clientSecret: SECRET } } } } }, 'x')],
    [
      'a passphrase and a private key',
      (l) => l.info({ tls: { passphrase: SECRET, privateKey: SECRET } }, 'x'),
    ],
    [
      'an authorization header',
      (l) => l.info({ headers: { Authorization: `Basic ${SECRET}` } }, 'x'),
    ],
    ['child bindings', (l) => l.child({ credentials: { password: SECRET } }).info('x')],
    ['nested child bindings', (l) => l.child({ config: { params: { token: SECRET } } }).info('x')],
    ['an error property', (l) => l.error(error)],
    ['an error under err', (l) => l.error({ err: error }, 'failed')],
    ['an error nested deeper', (l) => l.error({ detail: { cause: error } }, 'failed')],
    ['a TLS key', (l) => l.info({ tls: { key: SECRET } }, 'x')],
  ];

  for (const pretty of [false, true]) {
    for (const [shape, log] of shapes) {
      it(`masks ${shape}${pretty ? ' (pretty)' : ''}`, async () => {
        const { logger, destination } = loggerToMemory({ pretty });
        log(logger);
        await flushLogger(logger);
        const text = destination.text();
        expect(text).not.toBe('');
        expect(text).not.toContain(SECRET);
        expect(text).toContain(REDACTED);
      });
    }
  }

  it('keeps the values that are not secret', () => {
    const { logger, destination } = loggerToMemory();
    logger.info(
      { credentials: { user: 'u', password: SECRET }, adapter: 'QUOTES', port: 6661 },
      'x',
    );
    const record = JSON.parse(destination.lines[0] as string);
    expect(record).toMatchObject({ adapter: 'QUOTES', port: 6661, credentials: REDACTED });
  });

  it('does not change the objects it was given', () => {
    const { logger } = loggerToMemory();
    const fields = { credentials: { user: 'u', password: SECRET } };
    logger.info(fields, 'x');
    expect(fields.credentials.password).toBe(SECRET);
  });
});

describe('maskSecrets', () => {
  it('returns objects without secrets unchanged (no copy)', () => {
    const value = { a: 1, b: [{ c: 'x' }], d: new Date(0) };
    expect(maskSecrets(value)).toBe(value);
  });

  it('handles cycles without leaking through them', () => {
    const value: Record<string, unknown> = { password: SECRET };
    value.self = value;
    const masked = maskSecrets(value) as Record<string, unknown>;
    expect(masked.password).toBe(REDACTED);
    expect(masked.self).toBe('[Circular]');
  });

  it('leaves binary data and nulls alone', () => {
    const bytes = Buffer.from('abc');
    expect(maskSecrets({ data: bytes, password: null })).toEqual({ data: bytes, password: null });
  });
});

describe('flushLogger', () => {
  it('resolves for a destination without flush', async () => {
    const { logger } = loggerToMemory();
    await expect(flushLogger(logger)).resolves.toBeUndefined();
  });

  it('resolves within its bound when the destination never answers', async () => {
    const logger = createLogger({
      destination: { write() {}, flush() {} } as unknown as LoggerOptions['destination'],
    });
    const started = Date.now();
    await flushLogger(logger, 50);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
