/**
 * The simulator's socket plumbing: loopback listeners (plain or TLS) and dialling a listening
 * Remote (inverted mode), with bounded connect times.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import {
  type ConnectionOptions,
  createServer as createTlsServer,
  type TlsOptions,
  connect as tlsConnect,
} from 'node:tls';
import { SimulatorDialError } from './errors.js';

/** Raw sockets of each server, TLS handshakes in progress included, to destroy on stop. */
const accepted = new WeakMap<Server, Set<Socket>>();

/** Listens on `host:port` (0: the OS picks); resolves with the server and its port. */
export function listen(
  host: string,
  port: number,
  tls: TlsOptions | undefined,
  onSocket: (socket: Socket) => void,
): Promise<{ server: Server; port: number }> {
  const server =
    tls === undefined
      ? createServer(onSocket)
      : createTlsServer(tls, onSocket).on('tlsClientError', () => {
          // A Remote that fails the TLS handshake never becomes a connection; its own error says why.
        });
  const sockets = new Set<Socket>();
  accepted.set(server, sockets);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', () => {
        // Accept errors after listening (e.g. EMFILE) affect one socket only.
      });
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      resolve({ server, port: bound });
    });
  });
}

/**
 * Stops a server and destroys what it accepted (a TLS handshake that never completes would
 * otherwise keep it open); resolves once it is closed.
 */
export function stopListening(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of accepted.get(server) ?? []) socket.destroy();
  return closed;
}

/** Connects to a listening Remote within `timeoutMs`; `signal` abandons the attempt. */
export function dial(
  host: string,
  port: number,
  tls: ConnectionOptions | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Socket> {
  const socket =
    tls === undefined ? netConnect({ host, port }) : tlsConnect({ ...tls, host, port });
  const ready = tls === undefined ? 'connect' : 'secureConnect';
  return new Promise<Socket>((resolve, reject) => {
    const fail = (detail: string, cause?: unknown): void => {
      cleanup();
      // An error still in flight after destroy() must not go unhandled.
      socket.on('error', () => {});
      socket.destroy();
      reject(new SimulatorDialError(host, port, detail, { cause }));
    };
    const onError = (error: Error): void => fail(error.message, error);
    const onReady = (): void => {
      cleanup();
      resolve(socket);
    };
    const onAbort = (): void => fail('the simulator was closed');
    const timer = setTimeout(() => fail(`no connection within ${timeoutMs} ms`), timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off(ready, onReady);
      signal?.removeEventListener('abort', onAbort);
    }
    socket.once('error', onError);
    socket.once(ready, onReady);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
