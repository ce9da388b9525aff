// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold literal ${VAR} references.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ADAPTERS_DIR,
  DEFAULT_HOST,
  DEFAULT_LISTEN_HOST,
  DEFAULT_RECONNECT,
} from '../../src/host/config-schema.js';
import { ConfigError, type ConfigIssue } from '../../src/host/errors.js';
import { parseConfig } from '../../src/host/load-config.js';

/** The issues `parseConfig` reports for `raw` (fails the test when it accepts it). */
function issuesOf(raw: unknown, env: Record<string, string> = {}): ConfigIssue[] {
  try {
    parseConfig(raw, { env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).issues];
  }
  throw new Error('expected the config to be rejected');
}

function lines(raw: unknown, env: Record<string, string> = {}): string[] {
  return issuesOf(raw, env).map((issue) => `${issue.path}: ${issue.message}`);
}

describe('config schema: accepted configs', () => {
  it('parses the SPEC §5 example, reading ${VAR} from the environment', () => {
    const config = parseConfig(
      {
        host: 'localhost',
        tls: false,
        credentials: { user: 'u', password: '${LS_PROXY_PASSWORD}' },
        servers: [{ host: 'ls1' }, { host: 'ls2' }],
        adaptersDir: './adapters',
        adapters: {
          METADATA: { kind: 'metadata', port: 6663, params: { k: 'v' } },
          QUOTES: { kind: 'data', port: 6661 },
          LEGACY: { kind: 'data', port: 6671, notifyPort: 6672 },
          FEED: { kind: 'data', listen: { port: 7661, host: '0.0.0.0' } },
        },
        keepaliveMs: 10000,
        reconnect: { initialDelayMs: 500, maxDelayMs: 30000, factor: 2, maxAttempts: null },
        hotReload: false,
        log: { level: 'info', pretty: false },
        metrics: { port: 9464, host: '127.0.0.1' },
      },
      { env: { LS_PROXY_PASSWORD: 's3cret' } },
    );
    expect(config.credentials).toEqual({ user: 'u', password: 's3cret' });
    expect(config.servers?.map((s) => s.host)).toEqual(['ls1', 'ls2']);
    expect(config.adapters.LEGACY).toEqual({ kind: 'data', port: 6671, notifyPort: 6672 });
    expect(config.adapters.FEED?.listen).toEqual({ port: 7661, host: '0.0.0.0' });
    expect(config.metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(config.keepaliveMs).toBe(10000);
  });

  it('applies the defaults to an empty config', () => {
    const config = parseConfig({}, { env: {} });
    expect(config).toEqual({
      host: DEFAULT_HOST,
      tls: false,
      adaptersDir: DEFAULT_ADAPTERS_DIR,
      adapters: {},
      reconnect: { initialDelayMs: 500, maxDelayMs: 30000, factor: 2, maxAttempts: null },
      hotReload: false,
      log: { level: 'info', pretty: false },
    });
    expect(config.reconnect).toEqual(DEFAULT_RECONNECT);
    expect(config.keepaliveMs).toBeUndefined();
    expect(config.metrics).toBeUndefined();
  });

  it('fills defaults inside partial sections', () => {
    const config = parseConfig(
      {
        reconnect: { maxAttempts: 5 },
        log: { pretty: true },
        tls: { ca: 'ca.pem' },
        adapters: { FEED: { listen: { port: 0 } } },
        metrics: { port: 0 },
      },
      { env: {} },
    );
    expect(config.reconnect).toEqual({ ...DEFAULT_RECONNECT, maxAttempts: 5 });
    expect(config.log).toEqual({ level: 'info', pretty: true });
    expect(config.tls).toEqual({ ca: 'ca.pem', rejectUnauthorized: true });
    expect(config.adapters.FEED?.listen).toEqual({ port: 0, host: DEFAULT_LISTEN_HOST });
    expect(config.metrics).toEqual({ port: 0, host: '127.0.0.1' });
  });

  it('allows "$schema" at the top level', () => {
    const config = parseConfig({ $schema: './config/lsadapter.schema.json' }, { env: {} });
    expect(config.$schema).toBe('./config/lsadapter.schema.json');
  });

  it('keeps adapter entries free of defaults, so module settings can fill them', () => {
    const config = parseConfig({ adapters: { QUOTES: { port: 6661 } } }, { env: {} });
    expect(config.adapters.QUOTES).toEqual({ port: 6661 });
  });

  it('converts a number or boolean that came from a ${VAR} reference', () => {
    const config = parseConfig(
      {
        adapters: { QUOTES: { port: '${QUOTES_PORT:-6661}' } },
        hotReload: '${HOT}',
        tls: '${TLS:-true}',
      },
      { env: { HOT: 'true' } },
    );
    expect(config.adapters.QUOTES?.port).toBe(6661);
    expect(config.hotReload).toBe(true);
    expect(config.tls).toBe(true);
  });
});

describe('config schema: error messages', () => {
  it('reports a wrong type as "Expected <type>, received <type>" at its path', () => {
    expect(lines({ adapters: { QUOTES: { port: '6661' } } })).toEqual([
      'adapters.QUOTES.port: Expected number, received string',
    ]);
  });

  it('puts every problem in the message of the ConfigError, one per line', () => {
    let error: ConfigError | undefined;
    try {
      parseConfig(
        { adapters: { QUOTES: { port: '6661', prot: 1 } }, hotReload: 'yes' },
        { env: {} },
      );
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error?.name).toBe('ConfigError');
    const messageLines = error?.message.split('\n') ?? [];
    expect(messageLines[0]).toBe('Invalid configuration (3 problems):');
    expect(messageLines).toContain('adapters.QUOTES.port: Expected number, received string');
    expect(messageLines).toContain('hotReload: Expected boolean, received string');
    expect(messageLines).toContain(
      'adapters.QUOTES: Unrecognized key "prot" (did you mean "port"?)',
    );
  });

  it('names an unknown key and suggests the closest known one', () => {
    expect(lines({ adapters: { Q: { notifyport: 1, port: 2 } }, hotreload: true })).toEqual([
      'adapters.Q: Unrecognized key "notifyport" (did you mean "notifyPort"?)',
      '(root): Unrecognized key "hotreload" (did you mean "hotReload"?)',
    ]);
  });

  it('does not suggest a key when none is close', () => {
    expect(lines({ log: { colour: true } })).toEqual(['log: Unrecognized key "colour"']);
  });

  it('reports an invalid enum value with the allowed values', () => {
    expect(
      lines({ adapters: { Q: { kind: 'date', port: 1 } }, log: { level: 'verbose' } }),
    ).toEqual([
      "adapters.Q.kind: Invalid enum value. Expected 'data' | 'metadata', received 'date' (did you mean 'data'?)",
      "log.level: Invalid enum value. Expected 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent', received 'verbose'",
    ]);
  });

  it('reports a missing required value, a float port and out-of-range numbers', () => {
    expect(
      lines({
        servers: [{ tls: true }],
        adapters: { A: { port: 66.5 }, B: { port: 70000 }, C: { port: 0 } },
        reconnect: { factor: 0.5 },
      }),
    ).toEqual([
      'servers[0].host: Required',
      'adapters.A.port: Expected integer, received float',
      'adapters.B.port: Number must be less than or equal to 65535',
      'adapters.C.port: Number must be greater than or equal to 1',
      'reconnect.factor: Number must be greater than or equal to 1',
    ]);
  });

  it('explains a union by the member the value resembles', () => {
    expect(lines({ tls: 'yes' })).toEqual(['tls: Expected boolean or object, received string']);
    expect(lines({ tls: { ca: 3, sni: 'x' } })).toEqual([
      'tls.ca: Expected string, received number',
      'tls: Unrecognized key "sni"',
    ]);
  });

  it('checks cross-field rules of a section', () => {
    expect(lines({ reconnect: { initialDelayMs: 5000, maxDelayMs: 1000 } })).toEqual([
      'reconnect.maxDelayMs: maxDelayMs must be at least initialDelayMs',
    ]);
  });

  it('rejects a document that is not an object', () => {
    expect(lines([1, 2])).toEqual(['(root): Expected object, received array']);
  });

  it('reports a missing variable once, not also as a type error', () => {
    expect(lines({ adapters: { Q: { port: '${PORT}' } } })).toEqual([
      'adapters.Q.port: environment variable PORT is not set (use ${PORT:-default} to give a default)',
    ]);
  });

  it('does not convert a string written literally where a number is expected', () => {
    expect(lines({ adapters: { Q: { port: '6661' } } }, { PORT: '1' })).toEqual([
      'adapters.Q.port: Expected number, received string',
    ]);
  });

  it('reports a non-numeric variable value as a type error', () => {
    expect(lines({ adapters: { Q: { port: '${PORT}' } } }, { PORT: 'x' })).toEqual([
      'adapters.Q.port: Expected number, received string',
    ]);
  });

  it('quotes adapter names that are not plain keys', () => {
    expect(lines({ adapters: { 'MY ADAPTER': { port: 'x' } } })).toEqual([
      'adapters["MY ADAPTER"].port: Expected number, received string',
    ]);
  });
});
