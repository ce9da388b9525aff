/**
 * A real TCP (or TLS) server on 127.0.0.1, port 0, that hands accepted sockets to the test,
 * plus an independent line recorder for what a peer receives. `close()` destroys every
 * accepted socket and closes the server; call it in `afterEach`/`finally`.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { withTimeout } from './wait-for.js';

/** A listening loopback server. */
export interface LoopbackServer {
  /** The host to dial: `127.0.0.1`. */
  readonly host: string;
  /** The port the OS assigned. */
  readonly port: number;
  /** The underlying server. */
  readonly server: Server;
  /** The next accepted (for TLS: handshaken) socket, in accept order, within `timeoutMs`. */
  nextConnection(timeoutMs?: number): Promise<Socket>;
  /** Destroys accepted sockets and closes the server. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0; TLS when `tls` (server options with cert and key) is given. */
export async function startLoopbackServer(
  options: { tls?: TlsOptions } = {},
): Promise<LoopbackServer> {
  const accepted: Socket[] = [];
  const waiting: Array<(socket: Socket) => void> = [];
  const all = new Set<Socket>();
  const onSocket = (socket: Socket): void => {
    all.add(socket);
    socket.on('error', () => {}); // resets from a peer the test destroyed are expected
    socket.once('close', () => all.delete(socket));
    const waiter = waiting.shift();
    if (waiter) waiter(socket);
    else accepted.push(socket);
  };
  const server: Server =
    options.tls === undefined
      ? createNetServer(onSocket)
      : createTlsServer(options.tls, onSocket).on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  let closed: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port: address.port,
    server,
    nextConnection(timeoutMs = 5_000) {
      const ready = accepted.shift();
      if (ready) return Promise.resolve(ready);
      return withTimeout(
        new Promise<Socket>((resolve) => waiting.push(resolve)),
        timeoutMs,
        `a connection on 127.0.0.1:${address.port}`,
      );
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const socket of all) socket.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

/** Lines a peer received, split on LF with CR stripped, by code independent of the channel. */
export interface LineRecorder {
  /** Complete lines so far, in order. */
  readonly lines: string[];
  /** `data` events seen so far. */
  readonly chunks: number;
}

/** Records the lines arriving on `socket`. */
export function recordLines(socket: Socket): LineRecorder {
  const recorder = { lines: [] as string[], chunks: 0 };
  let tail = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    recorder.chunks++;
    const parts = (tail + text).split('\n');
    tail = parts.pop() ?? '';
    for (const part of parts) recorder.lines.push(part.replace(/\r$/, ''));
  });
  return recorder;
}
