/**
 * Two adapters that dial the same Proxy Adapter port, or listen on the same address, are a
 * configuration mistake: a Proxy Adapter serves one Remote Adapter per port, and a port can be
 * bound once. Found by comparing the `host:port` of every endpoint.
 */
import { type AdapterTargets, hostPort } from './resolve-adapter.js';

/** An endpoint used by two adapters. */
export interface PortClash {
  /** The adapter found second. */
  readonly adapter: string;
  /** The path of its value at fault (`adapters.B.port`). */
  readonly path: string;
  /** What clashes with what. */
  readonly message: string;
}

/** An adapter's connection endpoints. */
export interface AdapterEndpoints {
  /** The adapter's name. */
  readonly name: string;
  /** Its connections. */
  readonly targets: AdapterTargets;
}

/** Every endpoint that an adapter shares with one listed before it. */
export function findPortClashes(adapters: readonly AdapterEndpoints[]): PortClash[] {
  const owners = new Map<string, string>();
  const clashes: PortClash[] = [];
  for (const { name, targets } of adapters) {
    for (const endpoint of endpointsOf(name, targets)) {
      const owner = owners.get(endpoint.key);
      if (owner === undefined) owners.set(endpoint.key, name);
      else if (owner !== name) {
        const what = targets.mode === 'listen' ? 'is also listened on' : 'is also used';
        clashes.push({
          adapter: name,
          path: endpoint.path,
          message: `${endpoint.label} ${what} by adapter "${owner}"; each adapter needs its own port`,
        });
      }
    }
  }
  return clashes;
}

interface Endpoint {
  readonly key: string;
  readonly label: string;
  readonly path: string;
}

function endpointsOf(name: string, targets: AdapterTargets): Endpoint[] {
  const base = `adapters.${name}`;
  if (targets.mode === 'listen') {
    const { label, port } = targets.listen;
    // Port 0 binds a different free port each time: it cannot clash.
    return port === 0 ? [] : [{ key: `listen ${label}`, label, path: `${base}.listen.port` }];
  }
  return targets.servers.flatMap((server) => {
    const main = { key: `connect ${server.label}`, label: server.label, path: `${base}.port` };
    if (server.notifyPort === undefined) return [main];
    const label = hostPort(server.host, server.notifyPort);
    return [main, { key: `connect ${label}`, label, path: `${base}.notifyPort` }];
  });
}
