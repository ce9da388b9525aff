/**
 * A minimal fake Proxy Adapter for tests: real loopback listeners (127.0.0.1, port 0; a second
 * one for the notify connection when asked), literal lines in, the Remote's lines out one by
 * one with bounded waits. It knows nothing of the protocol beyond line framing, which it does
 * itself (independently of the SDK's splitter), checking that every line the Remote writes ends
 * with CR LF.
 *
 * Fault switches: pause/resume reading (backpressure), drop (reset), end (graceful close).
 * `close()` destroys every accepted socket and closes the listeners; call it in `afterEach`.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { withTimeout } from './wait-for.js';

/** Default bound of every wait: 5 s. */
export const RAW_WAIT_MS = 5_000;

/** Options of {@link startRawProxy}. */
export interface RawProxyOptions {
  /** Also listen on a notify port (two-connection Data Adapter). */
  notify?: boolean;
  /** Terminator appended by {@link RawConnection.send}. Default CR LF. */
  terminator?: '\r\n' | '\n';
  /** Listen with TLS (server options with `cert` and `key`). */
  tls?: TlsOptions;
}

/** One accepted connection, seen as lines. */
export class RawConnection {
  /** Every complete line received so far (keepalives included), terminator stripped. */
  readonly lines: string[] = [];
  /** Lines that ended with a bare LF instead of CR LF. */
  readonly badTerminators: string[] = [];
  readonly #crlf: boolean[] = [];
  /** Resolves when the Remote closed or the socket ended. */
  readonly ended: Promise<void>;
  readonly #socket: Socket;
  readonly #terminator: string;
  #tail = '';
  #read = 0;
  #waiters: Array<() => void> = [];

  constructor(socket: Socket, terminator: string) {
    this.#socket = socket;
    this.#terminator = terminator;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.#onData(text));
    socket.on('error', () => {}); // a reset by the Remote is part of some tests
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => this.#wake());
  }

  /** The socket, for assertions on its state. */
  get socket(): Socket {
    return this.#socket;
  }

  /** Whether the socket is closed. */
  get isClosed(): boolean {
    return this.#socket.destroyed || this.#socket.readyState === 'closed';
  }

  /** Writes each line followed by the terminator, in one write. */
  send(...lines: string[]): void {
    this.#socket.write(lines.map((line) => line + this.#terminator).join(''));
  }

  /** Writes raw text (no terminator added). */
  sendRaw(text: string): void {
    this.#socket.write(text);
  }

  /**
   * The next line not yet returned; `KEEPALIVE` lines are skipped unless `keepalives` is true.
   * Rejects after `timeoutMs`, when the connection ends first, or when the line ended with a bare LF.
   */
  async nextLine(options: { timeoutMs?: number; keepalives?: boolean } = {}): Promise<string> {
    const timeoutMs = options.timeoutMs ?? RAW_WAIT_MS;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#read < this.lines.length) {
        const ok = this.#crlf[this.#read];
        const line = this.lines[this.#read++] as string;
        if (ok !== true) {
          throw new Error(`Line not terminated by CR LF: ${JSON.stringify(line)}`);
        }
        if (line === 'KEEPALIVE' && options.keepalives !== true) continue;
        return line;
      }
      if (this.isClosed) throw new Error('Connection closed while waiting for a line');
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for a line (received so far: ${JSON.stringify(this.lines)})`,
        );
      }
      await withTimeout(
        new Promise<void>((resolve) => this.#waiters.push(resolve)),
        left,
        'a line',
      ).catch(() => {});
    }
  }

  /** The next `count` lines (keepalives skipped). */
  async nextLines(count: number, timeoutMs = RAW_WAIT_MS): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(await this.nextLine({ timeoutMs }));
    return out;
  }

  /** Lines received but not yet returned by {@link nextLine}, keepalives excluded. */
  unread(): string[] {
    return this.lines.slice(this.#read).filter((line) => line !== 'KEEPALIVE');
  }

  /** Stops reading from the socket (the Remote's writes back up). */
  pauseReading(): void {
    this.#socket.pause();
  }

  /** Resumes reading. */
  resumeReading(): void {
    this.#socket.resume();
  }

  /** Resets the connection. */
  drop(): void {
    this.#socket.destroy();
  }

  /** Ends the connection gracefully (FIN). */
  end(): void {
    this.#socket.end();
  }

  #onData(text: string): void {
    const parts = (this.#tail + text).split('\n');
    this.#tail = parts.pop() ?? '';
    for (const part of parts) {
      const line = part.endsWith('\r') ? part.slice(0, -1) : part;
      if (!part.endsWith('\r')) this.badTerminators.push(line);
      this.#crlf.push(part.endsWith('\r'));
      this.lines.push(line);
    }
    if (parts.length > 0) this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** A listening fake Proxy. */
export interface RawProxy {
  /** `127.0.0.1`. */
  readonly host: string;
  /** The request/reply port. */
  readonly port: number;
  /** The notify port, when asked for. */
  readonly notifyPort: number | undefined;
  /** The next connection accepted on the request/reply port. */
  accept(timeoutMs?: number): Promise<RawConnection>;
  /** The next connection accepted on the notify port. */
  acceptNotify(timeoutMs?: number): Promise<RawConnection>;
  /** Destroys every accepted socket and closes the listeners. Safe to call twice. */
  close(): Promise<void>;
}

interface Listener {
  server: Server;
  port: number;
  next(timeoutMs: number): Promise<RawConnection>;
}

async function listen(
  options: RawProxyOptions,
  all: Set<Socket>,
  terminator: string,
): Promise<Listener> {
  const ready: RawConnection[] = [];
  const waiting: Array<(connection: RawConnection) => void> = [];
  const onSocket = (socket: Socket): void => {
    all.add(socket);
    socket.once('close', () => all.delete(socket));
    const connection = new RawConnection(socket, terminator);
    const waiter = waiting.shift();
    if (waiter) waiter(connection);
    else ready.push(connection);
  };
  const server =
    options.tls === undefined
      ? createNetServer(onSocket)
      : createTlsServer(options.tls, onSocket).on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    server,
    port: address.port,
    next(timeoutMs) {
      const first = ready.shift();
      if (first) return Promise.resolve(first);
      return withTimeout(
        new Promise<RawConnection>((resolve) => waiting.push(resolve)),
        timeoutMs,
        `a connection on port ${address.port}`,
      );
    },
  };
}

/** Starts a fake Proxy on 127.0.0.1 (port 0), with a notify port when `notify` is set. */
export async function startRawProxy(options: RawProxyOptions = {}): Promise<RawProxy> {
  const terminator = options.terminator ?? '\r\n';
  const all = new Set<Socket>();
  const main = await listen(options, all, terminator);
  const notify = options.notify ? await listen(options, all, terminator) : undefined;
  let closing: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port: main.port,
    notifyPort: notify?.port,
    accept: (timeoutMs = RAW_WAIT_MS) => main.next(timeoutMs),
    acceptNotify: (timeoutMs = RAW_WAIT_MS) => {
      if (notify === undefined) throw new Error('startRawProxy({ notify: true }) was not asked');
      return notify.next(timeoutMs);
    },
    close() {
      closing ??= (async () => {
        for (const socket of all) socket.destroy();
        const servers = notify === undefined ? [main.server] : [main.server, notify.server];
        await Promise.all(
          servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
        );
      })();
      return closing;
    },
  };
}
