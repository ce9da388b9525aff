// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold literal ${VAR} references.
import { describe, expect, it } from 'vitest';
import { expandString, interpolateEnv } from '../../src/host/interpolate.js';

describe('expandString', () => {
  const env = { HOST: 'ls1', EMPTY: '', PORT: '6661' };

  it('replaces ${VAR} with its value, several times in one string', () => {
    expect(expandString('${HOST}:${PORT}', env)).toEqual({
      value: 'ls1:6661',
      expanded: true,
      problems: [],
    });
  });

  it('uses the default of ${VAR:-default} when the variable is unset or empty', () => {
    expect(expandString('${MISSING:-fallback}', env).value).toBe('fallback');
    expect(expandString('${EMPTY:-fallback}', env).value).toBe('fallback');
    expect(expandString('${HOST:-fallback}', env).value).toBe('ls1');
    expect(expandString('x${MISSING:-}y', env).value).toBe('xy');
  });

  it('keeps an empty variable without a default as empty', () => {
    expect(expandString('[${EMPTY}]', env)).toEqual({ value: '[]', expanded: true, problems: [] });
  });

  it('reads $${ as a literal ${ and leaves other dollars alone', () => {
    expect(expandString('$${HOST} costs $5 or $$', env)).toEqual({
      value: '${HOST} costs $5 or $$',
      expanded: false,
      problems: [],
    });
  });

  it('names a missing variable and how to give it a default', () => {
    expect(expandString('${LS_PROXY_PASSWORD}', env).problems).toEqual([
      'environment variable LS_PROXY_PASSWORD is not set (use ${LS_PROXY_PASSWORD:-default} to give a default)',
    ]);
  });

  it('rejects malformed references', () => {
    expect(expandString('${not a name}', env).problems[0]).toMatch(
      /^invalid reference "\$\{not a name\}"/,
    );
    expect(expandString('${1X}', env).problems).toHaveLength(1);
    expect(expandString('abc ${HOST', env).problems[0]).toMatch(/^unterminated "\$\{"/);
  });
});

describe('interpolateEnv', () => {
  it('expands strings at any depth, in objects and arrays, and keeps other values', () => {
    const raw = {
      host: '${HOST}',
      servers: [{ host: '${A:-a.example}' }, { host: 'b' }],
      adapters: { Q: { port: 6661, params: { list: '${HOST},${HOST}' }, enabled: true } },
      reconnect: { maxAttempts: null },
    };
    const result = interpolateEnv(raw, { HOST: 'h' });
    expect(result.issues).toEqual([]);
    expect(result.value).toEqual({
      host: 'h',
      servers: [{ host: 'a.example' }, { host: 'b' }],
      adapters: { Q: { port: 6661, params: { list: 'h,h' }, enabled: true } },
      reconnect: { maxAttempts: null },
    });
    expect([...result.expandedPaths].sort()).toEqual([
      'adapters.Q.params.list',
      'host',
      'servers[0].host',
    ]);
    // The input is not modified.
    expect(raw.host).toBe('${HOST}');
  });

  it('never expands keys', () => {
    const result = interpolateEnv({ adapters: { '${X}': { port: 1 } } }, { X: 'y' });
    expect(result.value).toEqual({ adapters: { '${X}': { port: 1 } } });
  });

  it('reports every missing variable with its path and keeps the original string', () => {
    const result = interpolateEnv(
      { credentials: { password: '${LS_PROXY_PASSWORD}' }, servers: [{ host: '${H1}' }] },
      {},
    );
    expect(result.issues).toEqual([
      {
        path: 'credentials.password',
        message:
          'environment variable LS_PROXY_PASSWORD is not set (use ${LS_PROXY_PASSWORD:-default} to give a default)',
      },
      {
        path: 'servers[0].host',
        message: 'environment variable H1 is not set (use ${H1:-default} to give a default)',
      },
    ]);
    expect(result.value).toEqual({
      credentials: { password: '${LS_PROXY_PASSWORD}' },
      servers: [{ host: '${H1}' }],
    });
  });

  it('expands a top-level string', () => {
    expect(interpolateEnv('${A}', { A: 'x' }).value).toBe('x');
  });
});
