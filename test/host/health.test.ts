import { Agent, request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConnectionReadiness,
  type HealthServer,
  HealthServerError,
  type ReadinessReport,
  startHealthServer,
} from '../../src/host/health.js';
import { createHostMetrics } from '../../src/host/metrics.js';
import { withTimeout } from '../helpers/wait-for.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with a bounded wait; `agent` lets a test keep the socket alive. */
function get(url: string, options: { method?: string; agent?: Agent } = {}): Promise<Reply> {
  const reply = new Promise<Reply>((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', agent: options.agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  return withTimeout(reply, 5_000, `${options.method ?? 'GET'} ${url}`);
}

const connected = (adapter: string, server: string): ConnectionReadiness => ({
  adapter,
  kind: 'data',
  server,
  state: 'connected',
});

const servers: HealthServer[] = [];
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(readiness: () => ReadinessReport | Promise<ReadinessReport>) {
  const metrics = createHostMetrics({ defaultMetrics: false });
  const server = await startHealthServer({ port: 0, metrics, readiness });
  servers.push(server);
  return { server, metrics };
}

describe('startHealthServer', () => {
  it('binds 127.0.0.1 on a free port when given port 0', async () => {
    const { server } = await start(() => ({ connections: [] }));
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('answers /livez with 200 ok', async () => {
    const { server } = await start(() => ({ connections: [] }));
    const reply = await get(`${server.url}/livez`);
    expect(reply.status).toBe(200);
    expect(reply.body.trim()).toBe('ok');
  });

  it('serves /metrics in Prometheus text format', async () => {
    const { server, metrics } = await start(() => ({ connections: [] }));
    metrics.recordReconnect('QUOTES', 'ls1:6661');
    const reply = await get(`${server.url}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(metrics.contentType);
    expect(reply.body).toContain(
      'lsadapter_reconnects_total{adapter="QUOTES",server="ls1:6661"} 1',
    );
  });

  it('answers /readyz with 200 and the documented body when every connection is connected', async () => {
    const { server } = await start(() => ({
      connections: [
        { ...connected('QUOTES', 'ls1:6661'), extra: 'dropped' } as ConnectionReadiness,
      ],
    }));
    const reply = await get(`${server.url}/readyz`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.body.trim()).toBe(
      '{"ready":true,"connections":[{"adapter":"QUOTES","kind":"data","server":"ls1:6661","state":"connected"}]}',
    );
  });

  it.each(['connecting', 'handshaking', 'backoff', 'stopped'] as const)(
    'answers /readyz with 503 while a connection is %s',
    async (state) => {
      const { server } = await start(() => ({
        connections: [
          connected('QUOTES', 'ls1:6661'),
          { adapter: 'AUTH', kind: 'metadata', server: 'ls1:6663', state },
        ],
      }));
      const reply = await get(`${server.url}/readyz`);
      expect(reply.status).toBe(503);
      expect(JSON.parse(reply.body)).toEqual({
        ready: false,
        connections: [
          connected('QUOTES', 'ls1:6661'),
          { adapter: 'AUTH', kind: 'metadata', server: 'ls1:6663', state },
        ],
      });
    },
  );

  it('follows the readiness as it changes, and honours the host saying not ready', async () => {
    let report: ReadinessReport = { ready: false, connections: [] };
    const { server } = await start(async () => report);
    expect((await get(`${server.url}/readyz`)).status).toBe(503);
    report = { connections: [connected('Q', 'a:1')] };
    expect((await get(`${server.url}/readyz`)).status).toBe(200);
  });

  it('answers 500 when the readiness callback fails', async () => {
    const { server } = await start(() => {
      throw new Error('broken');
    });
    const reply = await get(`${server.url}/readyz`);
    expect(reply.status).toBe(500);
    expect(reply.body).toContain('broken');
  });

  it('ignores the query string', async () => {
    const { server } = await start(() => ({ connections: [] }));
    expect((await get(`${server.url}/livez?verbose=1`)).status).toBe(200);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { server } = await start(() => ({ connections: [] }));
    expect((await get(`${server.url}/`)).status).toBe(404);
    expect((await get(`${server.url}/metrics/x`)).status).toBe(404);
    const post = await get(`${server.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await get(`${server.url}/readyz`, { method: 'DELETE' })).status).toBe(405);
  });

  it('serves HEAD like GET, without a body', async () => {
    const { server } = await start(() => ({ connections: [] }));
    const reply = await get(`${server.url}/livez`, { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
  });

  it('closes promptly even with a keep-alive connection open', async () => {
    const { server } = await start(() => ({ connections: [] }));
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    expect((await get(`${server.url}/livez`, { agent })).status).toBe(200);
    await withTimeout(server.close(), 2_000, 'close() with a keep-alive socket open');
    await expect(get(`${server.url}/livez`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('closes promptly with a request in flight', async () => {
    let reached!: () => void;
    const handling = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const { server } = await start(() => {
      reached();
      return new Promise<ReadinessReport>(() => {});
    });
    const pending = get(`${server.url}/readyz`);
    pending.catch(() => undefined);
    // Once the request is being handled its connection is busy, not idle.
    await withTimeout(handling, 2_000, 'the request to reach the server');
    await withTimeout(server.close(), 2_000, 'close() with a request in flight');
    await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('can be closed twice', async () => {
    const { server } = await start(() => ({ connections: [] }));
    await server.close();
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('rejects with a HealthServerError naming the address when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const attempt = startHealthServer({
      port,
      metrics: createHostMetrics({ defaultMetrics: false }),
      readiness: () => ({ connections: [] }),
    });
    await expect(attempt).rejects.toBeInstanceOf(HealthServerError);
    await expect(attempt).rejects.toThrow(`127.0.0.1:${port}`);
  });
});
