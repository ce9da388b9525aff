/**
 * Contenders `lsadapter-single` and `lsadapter-two`: this package's `DataProviderServer` (the
 * built `dist/`, as users get it) with a provider that pumps updates. Backpressure: `update()`
 * returning `false` stops the batch until the server emits `'drain'`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ItemEventListener } from 'lsadapter';
import type { ConnectParams } from '../apis.js';
import { nextEvent, pumpedContender, type RunningContender } from './contender.js';
import { Pump } from './pump.js';

type Sdk = typeof import('lsadapter');

/** The package's build (`import 'lsadapter'` → `dist/`), or another build given by `--dist`. */
function loadSdk(distDir: string | undefined): Promise<Sdk> {
  if (distDir === undefined) return import('lsadapter');
  return import(pathToFileURL(join(distDir, 'index.js')).href) as Promise<Sdk>;
}

/** Starts a `DataProviderServer` on one connection, or two when `notifyPort` is given. */
export async function startLsadapter(params: ConnectParams): Promise<RunningContender> {
  const { DataProviderServer } = await loadSdk(params.sdkDist);
  let listener: ItemEventListener | undefined;
  let server: InstanceType<typeof DataProviderServer> | undefined;
  const pump = new Pump(
    {
      send: (item, fields) => (listener as ItemEventListener).update(item, fields, false),
      drained: () => nextEvent(server as NonNullable<typeof server>, 'drain'),
    },
    params.fields,
  );
  // A plain object is a valid Data Adapter (SPEC §3); no base class needed.
  const provider = {
    setListener(given: ItemEventListener): void {
      listener = given;
    },
    subscribe: (item: string) => pump.add(item),
    unsubscribe: (item: string) => pump.remove(item),
  };
  // A generous close bound: after a paused reader, the queued updates must all get out.
  const options = { host: params.host, port: params.port, name: 'bench', closeTimeoutMs: 30_000 };
  server = new DataProviderServer(
    provider,
    params.notifyPort === undefined ? options : { ...options, notifyPort: params.notifyPort },
  );
  await server.start();
  if (listener === undefined) throw new Error('setListener was not called before the init reply');
  const running = server;
  return pumpedContender(
    pump,
    () => running.queuedBytes,
    () => running.close(),
  );
}
