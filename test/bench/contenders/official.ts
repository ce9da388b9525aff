/**
 * Contender `official-1.5.3`: the official Node SDK (`lightstreamer-adapter@1.5.3`), which takes
 * the two connected streams of the two-connection mode. Its `update()` returns nothing and writes
 * each update with its own `socket.write`; the only backpressure signal within reach is the
 * notify socket's `writableNeedDrain` (what that `write` returned), so the pump stops on it and
 * waits for the socket's `'drain'`.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import type { ConnectParams } from '../apis.js';
import { closeSocket, nextEvent, pumpedContender, type RunningContender } from './contender.js';
import { Pump } from './pump.js';

/** The part of the official SDK's (untyped) API the bench uses. */
interface OfficialResponse {
  success(): void;
}
interface OfficialDataProvider {
  on(event: 'init', handler: (request: unknown, response: OfficialResponse) => void): void;
  on(
    event: 'subscribe' | 'unsubscribe',
    handler: (item: string, response: OfficialResponse) => void,
  ): void;
  update(item: string, isSnapshot: boolean, fields: Record<string, string>): unknown;
}
interface OfficialModule {
  DataProvider: new (reqRespStream: Socket, notifyStream: Socket) => OfficialDataProvider;
}

const require = createRequire(import.meta.url);

async function dialSocket(host: string, port: number): Promise<Socket> {
  const socket = connect({ host, port });
  await once(socket, 'connect');
  // The official SDK listens to no 'error': a reset at the end of a run must not crash the process.
  socket.on('error', () => {});
  return socket;
}

/** Connects both streams, hands them to the official `DataProvider`, waits for the init. */
export async function startOfficial(params: ConnectParams): Promise<RunningContender> {
  if (params.notifyPort === undefined) throw new Error('official-1.5.3 needs a notify port');
  const { DataProvider } = require('lightstreamer-adapter') as OfficialModule;
  const requests = await dialSocket(params.host, params.port);
  const notify = await dialSocket(params.host, params.notifyPort);
  const provider = new DataProvider(requests, notify);
  const pump = new Pump(
    {
      send: (item, fields) => {
        provider.update(item, false, fields);
        return !notify.writableNeedDrain;
      },
      drained: () => nextEvent(notify, 'drain'),
    },
    params.fields,
  );
  const initialized = new Promise<void>((resolve) => {
    provider.on('init', (_request, response) => {
      response.success();
      resolve();
    });
  });
  provider.on('subscribe', (item, response) => {
    response.success();
    pump.add(item);
  });
  provider.on('unsubscribe', (item, response) => {
    // Out of the round robin first: the SDK throws on an update of an unsubscribed item.
    pump.remove(item);
    response.success();
  });
  await initialized;
  const queued = () => requests.writableLength + notify.writableLength;
  return pumpedContender(pump, queued, async () => {
    await Promise.all([closeSocket(requests), closeSocket(notify)]);
  });
}
