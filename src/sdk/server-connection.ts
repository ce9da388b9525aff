/**
 * The connection plumbing of a provider server that needs no state of its own: opening the
 * socket(s), one idle keepalive per connection, and the warning for an init that never comes.
 */
import type { Socket } from 'node:net';
import { KEEPALIVE_LINE } from '../protocol/index.js';
import { IdleKeepalive } from '../session/keepalive.js';
import { dial } from '../transport/dial.js';
import { formatHostPort } from '../transport/errors.js';
import type { LineChannel } from '../transport/line-channel.js';
import type { ResolvedServerOptions } from './server-options.js';
import type { AdapterKind } from './types.js';

/**
 * The request/reply socket, and the notify one in two-connection mode: the given sockets, or
 * new connections (request/reply first, then notify, as the SDKs did: PROTOCOL.md §1.2).
 *
 * @throws {ConnectError} when a connection cannot be established (the other one is closed).
 */
export async function openSockets(
  options: ResolvedServerOptions,
  signal: AbortSignal,
): Promise<[Socket] | [Socket, Socket]> {
  if (options.socket !== undefined) {
    return options.notifySocket === undefined
      ? [options.socket]
      : [options.socket, options.notifySocket];
  }
  const base = {
    host: options.host,
    tls: options.tls,
    baseDir: options.baseDir,
    connectTimeoutMs: options.connectTimeoutMs,
    signal,
  };
  const replies = await dial({ ...base, port: options.port });
  if (options.notifyPort === undefined) return [replies];
  try {
    return [replies, await dial({ ...base, port: options.notifyPort })];
  } catch (error) {
    replies.destroy();
    throw error;
  }
}

/** One idle keepalive per connection (each has its own timer, PROTOCOL.md §6.1). */
export function startKeepalives(
  channels: readonly LineChannel[],
  intervalMs: number | null,
): IdleKeepalive[] {
  return channels.map(
    (channel) =>
      new IdleKeepalive(
        {
          lastWriteAt: () => channel.lastWriteAt,
          sendKeepalive: () => void channel.write(KEEPALIVE_LINE),
        },
        intervalMs,
      ),
  );
}

/**
 * What to log when no init request arrived in time (PROTOCOL.md §1.2): a Proxy with a notify
 * port waits for both connections, one with authentication for valid credentials.
 */
export function initTimeoutMessage(kind: AdapterKind, options: ResolvedServerOptions): string {
  const { initTimeoutMs, notifyPort, host, port } = options;
  const method = kind === 'data' ? 'DPI' : 'MPI';
  let hint = '';
  if (notifyPort !== undefined) {
    hint = `check that the Proxy Adapter uses ports ${port} (request/reply) and ${notifyPort} (notify); `;
  } else if (kind === 'data') {
    hint = 'if the Proxy Adapter has a notify_port (Server 7.0-7.3), set notifyPort; ';
  }
  return (
    `No ${method} request within ${initTimeoutMs} ms of connecting to ${formatHostPort(host, port)}: ` +
    `${hint}if the Proxy Adapter checks credentials, check them`
  );
}
