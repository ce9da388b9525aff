/**
 * A hand-written Remote for the simulator's tests: a real socket that writes literal lines and
 * records exactly what it receives. Independent of the SDK and of the simulator's own code.
 */
import { connect, type Socket } from 'node:net';
import type { ProxyConnection, ProxySimulator } from '../../src/testing/index.js';
import { withTimeout } from '../helpers/wait-for.js';

/** One side of a test connection, as the Remote sees it. */
export interface RawRemote {
  readonly socket: Socket;
  /** Complete lines received so far, CR LF stripped. */
  readonly lines: string[];
  /** Everything received, as text, terminators included. */
  received(): string;
  /** Writes `line` + CR LF. */
  send(line: string): void;
  /** Writes exactly these bytes. */
  sendRaw(data: string | Uint8Array): void;
  /** Resolves with the first received line (from the start) matching, within `timeoutMs`. */
  waitForLine(
    match: string | RegExp | ((line: string) => boolean),
    timeoutMs?: number,
  ): Promise<string>;
  /** Resolves once `count` lines were received. */
  waitForLineCount(count: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves when the simulator closed the socket. */
  waitForEnd(timeoutMs?: number): Promise<void>;
  /** Destroys the socket. */
  destroy(): void;
}

const open = new Set<RawRemote>();

function matcher(match: string | RegExp | ((line: string) => boolean)): (line: string) => boolean {
  if (typeof match === 'string') return (line) => line === match;
  if (match instanceof RegExp) return (line) => match.test(line);
  return match;
}

/** Wraps a connected socket. */
export function wrapSocket(socket: Socket): RawRemote {
  const lines: string[] = [];
  let text = '';
  let tail = '';
  const listeners = new Set<() => void>();
  let ended = false;
  socket.setEncoding('utf8');
  socket.setNoDelay(true);
  socket.on('data', (chunk: string) => {
    text += chunk;
    const parts = (tail + chunk).split('\n');
    tail = parts.pop() ?? '';
    for (const part of parts) lines.push(part.replace(/\r$/, ''));
    for (const listener of listeners) listener();
  });
  socket.on('error', () => {});
  socket.once('close', () => {
    ended = true;
    for (const listener of listeners) listener();
  });
  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    let listener: () => void = () => {};
    const found = new Promise<T>((resolve) => {
      listener = () => {
        const value = check();
        if (value !== undefined) resolve(value);
      };
      listeners.add(listener);
    });
    return withTimeout(
      found,
      timeoutMs,
      `${what}; received so far: ${JSON.stringify(lines)}`,
    ).finally(() => listeners.delete(listener));
  };
  const remote: RawRemote = {
    socket,
    lines,
    received: () => text,
    send: (line) => socket.write(`${line}\r\n`),
    sendRaw: (data) => socket.write(data),
    waitForLine: (match, timeoutMs = 4_000) => {
      const test = matcher(match);
      return until(() => lines.find(test), timeoutMs, `a line matching ${String(match)}`);
    },
    waitForLineCount: (count, timeoutMs = 4_000) =>
      until(
        () => (lines.length >= count ? lines.slice(0, count) : undefined),
        timeoutMs,
        `${count} lines`,
      ),
    waitForEnd: (timeoutMs = 4_000) =>
      until(() => (ended ? true : undefined), timeoutMs, 'the socket to close').then(() => {}),
    destroy: () => {
      open.delete(remote);
      socket.destroy();
    },
  };
  open.add(remote);
  return remote;
}

/** Connects to 127.0.0.1:`port`. */
export function connectRemote(port: number, host = '127.0.0.1'): Promise<RawRemote> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(wrapSocket(socket));
    });
  });
}

/** Destroys every remote still open (call in afterEach). */
export function destroyAllRemotes(): void {
  for (const remote of [...open]) remote.destroy();
}

/** The RAC line of the PROTOCOL.md vectors (V07). */
export const RAC = '1|RAC|S|enableClosePacket|S|true|S|SDK|S|Node.js+Adapter+SDK';
/** The RAC line with credentials (V08). */
export const RAC_WITH_CREDENTIALS =
  '1|RAC|S|user|S|my_user|S|password|S|my_password|S|enableClosePacket|S|true|S|SDK|S|Node.js+Adapter+SDK';

/** Options of {@link openSession}. */
export interface OpenSessionOptions {
  /** The RAC line to send. Default {@link RAC}. */
  rac?: string;
  /** Builds the init reply from the init request's id. Default: accept 1.9.1. */
  reply?: (id: string, method: string) => string;
}

/** Connects a raw Remote to `sim`, performs the handshake, returns both ends. */
export async function openSession(
  sim: ProxySimulator,
  options: OpenSessionOptions = {},
): Promise<{ remote: RawRemote; conn: ProxyConnection }> {
  const known = new Set(sim.connections);
  const remote = await connectRemote(sim.port);
  remote.send(options.rac ?? RAC);
  const init = await remote.waitForLine(/^[^|]+\|(DPI|MPI)(\||$)/);
  const [id = '', method = ''] = init.split('|');
  remote.send(options.reply?.(id, method) ?? `${id}|${method}|S|ARI.version|S|1.9.1`);
  const conn = sim.connections.find((c) => !known.has(c));
  if (conn === undefined) throw new Error('the simulator has no connection for the remote');
  await conn.waitForInit();
  return { remote, conn };
}
