import { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Connector,
  type ConnectRequest,
  classifyConnectError,
  defaultConnector,
  dial,
} from '../../src/transport/dial.js';
import { ConnectError, TlsOptionsError } from '../../src/transport/errors.js';
import { makeTestCertificates } from '../helpers/certs.js';
import { type LoopbackServer, recordLines, startLoopbackServer } from '../helpers/loopback.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { waitUntil } from '../helpers/wait-for.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(
  options: Parameters<typeof startLoopbackServer>[0] = {},
): Promise<LoopbackServer> {
  const started = await startLoopbackServer(options);
  cleanups.push(() => started.close());
  return started;
}

async function tlsServer(): Promise<LoopbackServer> {
  const certs = await makeTestCertificates();
  return server({ tls: { cert: certs.certPem, key: certs.keyPem } });
}

function track(socket: Socket): Socket {
  cleanups.push(() => socket.destroy());
  return socket;
}

/** A port nothing listens on: a server was there a moment ago. */
async function closedPort(): Promise<number> {
  const gone = await startLoopbackServer();
  await gone.close();
  return gone.port;
}

async function dialError(options: Parameters<typeof dial>[0]): Promise<ConnectError> {
  const error = await dial(options).then(
    (socket) => {
      socket.destroy();
      throw new Error('dial succeeded where it should have failed');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

describe('dial over TCP', () => {
  it('connects with no-delay and keep-alive, and the socket carries data', async () => {
    const srv = await server();
    const made: Socket[] = [];
    const connector: Connector = (request) => {
      const socket = defaultConnector(request);
      vi.spyOn(socket, 'setNoDelay');
      vi.spyOn(socket, 'setKeepAlive');
      made.push(socket);
      return socket;
    };
    const socket = track(await dial({ host: srv.host, port: srv.port, connector }));
    expect(made).toEqual([socket]);
    expect(socket.setNoDelay).toHaveBeenCalledWith(true);
    expect(socket.setKeepAlive).toHaveBeenCalledWith(true, expect.any(Number));
    const peer = await srv.nextConnection();
    const received = recordLines(peer);
    socket.write('1|RAC|S|SDK|S|x\r\n');
    await waitUntil(() => received.lines.length === 1, { what: 'the line at the server' });
    expect(received.lines).toEqual(['1|RAC|S|SDK|S|x']);
  });

  it('reports a refused connection naming host:port', async () => {
    const port = await closedPort();
    const error = await dialError({ host: '127.0.0.1', port });
    expect(error).toMatchObject({
      reason: 'refused',
      host: '127.0.0.1',
      port,
      code: 'ECONNREFUSED',
    });
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('connection refused');
  });

  it('gives up after connectTimeoutMs and destroys the socket', async () => {
    const pending = new Socket(); // never connects: stands for a peer that does not answer
    cleanups.push(() => pending.destroy());
    const error = await dialError({
      host: '10.255.255.1',
      port: 6661,
      connectTimeoutMs: 30,
      connector: () => pending,
    });
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain('10.255.255.1:6661');
    expect(error.message).toContain('30 ms');
    expect(pending.destroyed).toBe(true);
  });

  it('stops when the signal aborts, before or during the attempt', async () => {
    const connector = vi.fn<Connector>(() => track(new Socket()));
    const before = await dialError({
      host: 'h',
      port: 1,
      signal: AbortSignal.abort(),
      connector,
    });
    expect(before.reason).toBe('aborted');
    expect(connector).not.toHaveBeenCalled();

    const controller = new AbortController();
    const during = dialError({ host: 'h', port: 1, signal: controller.signal, connector });
    await waitUntil(() => connector.mock.calls.length === 1, { what: 'the connector call' });
    controller.abort();
    expect((await during).reason).toBe('aborted');
    expect(connector.mock.results[0]?.value).toHaveProperty('destroyed', true);
  });
});

describe('dial over TLS', () => {
  let dir: TempDir | undefined;
  afterEach(async () => {
    await dir?.cleanup();
    dir = undefined;
  });

  it('verifies the server against the test CA given as PEM', async () => {
    const srv = await tlsServer();
    const { caPem } = await makeTestCertificates();
    const socket = track(await dial({ host: srv.host, port: srv.port, tls: { ca: caPem } }));
    expect((socket as TLSSocket).authorized).toBe(true);
    const peer = await srv.nextConnection();
    const received = recordLines(peer);
    socket.write('KEEPALIVE\r\n');
    await waitUntil(() => received.lines.length === 1, { what: 'the line over TLS' });
    expect(received.lines).toEqual(['KEEPALIVE']);
  });

  it('verifies the host name when dialling localhost', async () => {
    const srv = await tlsServer();
    const { caPem } = await makeTestCertificates();
    const socket = track(await dial({ host: 'localhost', port: srv.port, tls: { ca: caPem } }));
    expect((socket as TLSSocket).authorized).toBe(true);
  });

  it('reads the CA from a file path, relative to baseDir', async () => {
    const srv = await tlsServer();
    dir = await makeTempDir();
    await dir.write('certs/ca.pem', (await makeTestCertificates()).caPem);
    const socket = track(
      await dial({
        host: srv.host,
        port: srv.port,
        tls: { ca: 'certs/ca.pem' },
        baseDir: dir.path,
      }),
    );
    expect((socket as TLSSocket).authorized).toBe(true);
  });

  it('names a missing CA file before trying to connect', async () => {
    dir = await makeTempDir();
    const missing = dir.resolve('ca.pem');
    const connector = vi.fn<Connector>();
    const error = await dial({ host: 'h', port: 1, tls: { ca: missing }, connector }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(TlsOptionsError);
    expect((error as Error).message).toContain(missing);
    expect(connector).not.toHaveBeenCalled();
  });

  it('fails verification of an untrusted certificate with the reason and a hint', async () => {
    const srv = await tlsServer();
    const error = await dialError({ host: srv.host, port: srv.port, tls: true });
    expect(error.reason).toBe('tls');
    expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(error.message).toContain(`127.0.0.1:${srv.port}`);
    expect(error.message).toContain(
      'TLS verification failed: unable to verify the first certificate',
    );
    expect(error.message).toContain('tls.ca');
  });

  it('fails verification when the certificate does not name the host', async () => {
    const srv = await tlsServer();
    const { caPem } = await makeTestCertificates();
    const error = await dialError({
      host: srv.host,
      port: srv.port,
      tls: { ca: caPem, servername: 'proxy.example.com' },
    });
    expect(error).toMatchObject({ reason: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(error.message).toContain('tls.servername');
  });

  it('accepts any certificate with rejectUnauthorized: false', async () => {
    const srv = await tlsServer();
    const socket = track(
      await dial({ host: srv.host, port: srv.port, tls: { rejectUnauthorized: false } }),
    );
    expect((socket as TLSSocket).authorized).toBe(false);
  });

  it('reports a handshake failure when the port does not speak TLS', async () => {
    const srv = await server();
    srv.server.on('connection', (socket) => socket.end('0|CLOSE|S|reason|S|plain\r\n'));
    const error = await dialError({ host: srv.host, port: srv.port, tls: true });
    expect(error.reason).toBe('tls');
    expect(error.message).toContain('TLS handshake failed');
  });
});

describe('classifyConnectError', () => {
  const plain: ConnectRequest = { host: 'ls.example.com', port: 6661, tls: null };
  const secure: ConnectRequest = { ...plain, tls: {} };
  const withCode = (code: string, message = code): Error =>
    Object.assign(new Error(message), { code });

  it.each([
    ['ENOTFOUND', plain, false, 'dns'],
    ['EAI_AGAIN', plain, false, 'dns'],
    ['EHOSTUNREACH', plain, false, 'unreachable'],
    ['ETIMEDOUT', plain, false, 'timeout'],
    ['ECONNREFUSED', secure, false, 'refused'],
    ['ECONNRESET', plain, true, 'other'],
    ['ECONNRESET', secure, true, 'tls'],
    ['CERT_HAS_EXPIRED', secure, true, 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', secure, true, 'tls'],
  ] as const)('%s (tls: %o, tcp up: %s) → %s', (code, request, tcpUp, reason) => {
    const error = classifyConnectError(withCode(code), request, tcpUp);
    expect(error).toMatchObject({ reason, code, host: 'ls.example.com', port: 6661 });
    expect(error.message).toMatch(/^Cannot connect to ls\.example\.com:6661: /);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('reads the code of the first error of an AggregateError', () => {
    const aggregate = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'x');
    expect(classifyConnectError(aggregate, plain, false).reason).toBe('refused');
  });

  it('brackets IPv6 literals', () => {
    const error = classifyConnectError(withCode('ECONNREFUSED'), { ...plain, host: '::1' }, false);
    expect(error.message).toContain('[::1]:6661');
  });
});
