import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/host/errors.js';
import { parseConfig } from '../../src/host/load-config.js';
import {
  adapterTargets,
  checkAdapterEntry,
  hasSeveralConnections,
  hostPort,
  mergeAdapterEntry,
  resolveAdapterEntry,
} from '../../src/host/resolve-adapter.js';

function issueLines(...args: Parameters<typeof checkAdapterEntry>): string[] {
  const check = checkAdapterEntry(...args);
  if (check.ok) throw new Error('expected problems');
  return check.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('mergeAdapterEntry', () => {
  it('lets the config entry win key by key and merges params', () => {
    const merged = mergeAdapterEntry(
      { port: 7000, params: { shared: 'config', own: 'config' } },
      { kind: 'data', host: 'from-module', params: { shared: 'module', extra: 'module' } },
    );
    expect(merged).toEqual({
      kind: 'data',
      host: 'from-module',
      port: 7000,
      params: { shared: 'config', own: 'config', extra: 'module' },
    });
  });

  it('takes port, notifyPort and listen from the config as a group', () => {
    expect(
      mergeAdapterEntry({ listen: { port: 7661, host: '::' } }, { port: 6661, notifyPort: 6662 }),
    ).toEqual({
      listen: { port: 7661, host: '::' },
    });
    expect(mergeAdapterEntry({ port: 1 }, { listen: { port: 2, host: 'h' } })).toEqual({ port: 1 });
    // Without port or listen in the config, the module's connection settings stay.
    expect(mergeAdapterEntry({ notifyPort: 9 }, { port: 8 })).toEqual({ port: 8, notifyPort: 9 });
  });

  it('ignores keys set to undefined (a JavaScript config may have them)', () => {
    expect(
      mergeAdapterEntry({ port: undefined, kind: undefined }, { port: 5, kind: 'metadata' }),
    ).toEqual({
      port: 5,
      kind: 'metadata',
    });
  });
});

describe('resolveAdapterEntry', () => {
  it('applies defaults and takes the kind from the entry, else from detection', () => {
    expect(resolveAdapterEntry('Q', { port: 6661 }, undefined, 'data')).toEqual({
      name: 'Q',
      kind: 'data',
      enabled: true,
      port: 6661,
      params: {},
    });
    expect(resolveAdapterEntry('M', { port: 1 }, { kind: 'metadata' }, 'data').kind).toBe(
      'metadata',
    );
  });

  it('reports a port missing after the merge, naming its path', () => {
    expect(issueLines('QUOTES', {}, { kind: 'data' }, 'data')).toEqual([
      'adapters.QUOTES.port: Required: give the Proxy Adapter\'s port (here or in the module\'s "settings" export), or "listen" to accept its connections',
    ]);
    expect(() => resolveAdapterEntry('QUOTES', undefined, undefined, 'data')).toThrow(ConfigError);
  });

  it('accepts a port that only the module settings give', () => {
    expect(resolveAdapterEntry('Q', undefined, { port: 6661 }, 'data').port).toBe(6661);
  });

  it('rejects port with listen, and notifyPort on metadata, with listen, or equal to port', () => {
    expect(issueLines('A', { port: 1, listen: { port: 2, host: 'h' } }, undefined, 'data')).toEqual(
      [
        'adapters.A: Give either "port" (dial the Proxy Adapter) or "listen" (accept its connections), not both',
      ],
    );
    expect(issueLines('M', { port: 1, notifyPort: 2 }, undefined, 'metadata')).toEqual([
      'adapters.M.notifyPort: Only data adapters have a notifyPort; remove it from this metadata adapter',
    ]);
    expect(
      issueLines('F', { listen: { port: 2, host: 'h' }, notifyPort: 3 }, undefined, 'data'),
    ).toEqual([
      'adapters.F.notifyPort: "listen" supports the single-connection mode only (Server 7.4+); remove notifyPort',
    ]);
    expect(issueLines('D', { port: 4, notifyPort: 4 }, undefined, 'data')).toEqual([
      'adapters.D.notifyPort: notifyPort must differ from port',
    ]);
  });

  it('does not check the connection of a disabled adapter', () => {
    expect(resolveAdapterEntry('OFF', { enabled: false }, undefined, 'data').enabled).toBe(false);
  });
});

describe('adapterTargets', () => {
  const config = parseConfig(
    {
      host: 'top',
      tls: { servername: 'top.example' },
      credentials: { user: 'u', password: 'p' },
      keepaliveMs: 5000,
      servers: [
        { host: 'ls1' },
        { host: 'ls2', tls: false, credentials: { user: 'u2', password: 'p2' } },
      ],
    },
    { env: {} },
  );

  it('connects to every server with the most specific settings', () => {
    const adapter = resolveAdapterEntry('Q', { port: 6661, notifyPort: 6662 }, undefined, 'data');
    const targets = adapterTargets(config, adapter);
    expect(targets).toEqual({
      mode: 'connect',
      servers: [
        {
          host: 'ls1',
          port: 6661,
          notifyPort: 6662,
          tls: { servername: 'top.example', rejectUnauthorized: true },
          credentials: { user: 'u', password: 'p' },
          keepaliveMs: 5000,
          label: 'ls1:6661',
        },
        {
          host: 'ls2',
          port: 6661,
          notifyPort: 6662,
          tls: false,
          credentials: { user: 'u2', password: 'p2' },
          keepaliveMs: 5000,
          label: 'ls2:6661',
        },
      ],
    });
    expect(hasSeveralConnections(targets)).toBe(true);
  });

  it('pins an adapter with its own host to that host, with its own overrides', () => {
    const adapter = resolveAdapterEntry(
      'M',
      {
        port: 6663,
        host: 'meta',
        tls: true,
        keepaliveMs: 0,
        credentials: { user: 'm', password: 'q' },
      },
      undefined,
      'metadata',
    );
    const targets = adapterTargets(config, adapter);
    expect(targets).toEqual({
      mode: 'connect',
      servers: [
        {
          host: 'meta',
          port: 6663,
          notifyPort: undefined,
          tls: true,
          credentials: { user: 'm', password: 'q' },
          keepaliveMs: 0,
          label: 'meta:6663',
        },
      ],
    });
    expect(hasSeveralConnections(targets)).toBe(false);
  });

  it('uses the top-level host when there is no servers list', () => {
    const single = parseConfig({ host: 'only' }, { env: {} });
    const adapter = resolveAdapterEntry('Q', { port: 1 }, undefined, 'data');
    const targets = adapterTargets(single, adapter);
    expect(targets.mode === 'connect' && targets.servers.map((s) => s.label)).toEqual(['only:1']);
    expect(hasSeveralConnections(targets)).toBe(false);
  });

  it('accepts on the listen address with listen.tls only', () => {
    const adapter = resolveAdapterEntry(
      'F',
      { listen: { port: 7661, host: '::' } },
      undefined,
      'data',
    );
    const targets = adapterTargets(config, adapter);
    expect(targets).toEqual({
      mode: 'listen',
      listen: {
        host: '::',
        port: 7661,
        tls: false,
        credentials: { user: 'u', password: 'p' },
        keepaliveMs: 5000,
        label: '[::]:7661',
      },
    });
    expect(hasSeveralConnections(targets)).toBe(true);
  });

  it('brackets IPv6 hosts in labels', () => {
    expect(hostPort('::1', 80)).toBe('[::1]:80');
    expect(hostPort('example.com', 80)).toBe('example.com:80');
  });
});
