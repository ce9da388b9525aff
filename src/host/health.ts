/**
 * The metrics and health HTTP endpoint (SPEC §6), on node:http:
 * - `GET /metrics`: every metric in Prometheus text format;
 * - `GET /livez`: 200 `ok` while the process runs;
 * - `GET /readyz`: 200 when every adapter connection is connected, 503 otherwise, with a JSON
 *   body listing each connection and its state.
 * Other paths answer 404 and other methods 405 (`HEAD` is served like `GET`, without a body).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionState } from './connection-status.js';

/**
 * One adapter connection in a `/readyz` report: `{ adapter, kind, server, state }`, with `state`
 * one of `connecting`, `handshaking`, `connected`, `backoff`, `stopped`.
 */
export type ConnectionReadiness = ConnectionState;

/** What the host reports to `/readyz`. */
export interface ReadinessReport {
  /**
   * The host's own verdict, ANDed with "every connection is connected" (so the host can stay
   * not ready while it starts, before its connections exist).
   * @default true
   */
  readonly ready?: boolean;
  /** Every adapter connection. */
  readonly connections: readonly ConnectionReadiness[];
}

/** The `/readyz` response body. */
export interface ReadinessBody {
  readonly ready: boolean;
  readonly connections: readonly ConnectionReadiness[];
}

/** What `/metrics` serves: a {@link HostMetrics} fits. */
export interface MetricsSource {
  /** Content type of {@link MetricsSource.metrics}' output. */
  readonly contentType: string;
  /** The metrics text. */
  metrics(): Promise<string>;
}

/** Options of {@link startHealthServer}. */
export interface HealthServerOptions {
  /**
   * Address to bind.
   * @default "127.0.0.1"
   */
  host?: string;
  /** Port to bind; 0 picks a free one (see {@link HealthServer.port}). */
  port: number;
  /** The metrics served on `/metrics`. */
  metrics: MetricsSource;
  /** Called on every `/readyz` request. */
  readiness: () => ReadinessReport | Promise<ReadinessReport>;
}

/** A running health server. */
export interface HealthServer {
  /** The address bound. */
  readonly host: string;
  /** The port bound (the actual one when 0 was asked). */
  readonly port: number;
  /** `http://host:port`, for logs and tests. */
  readonly url: string;
  /** Stops listening and closes every open connection, keep-alive ones included. */
  close(): Promise<void>;
}

/** The health server cannot listen on its address. */
export class HealthServerError extends Error {
  override name = 'HealthServerError';
  /** The address that was asked. */
  readonly address: string;

  constructor(address: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Cannot serve metrics and health checks on ${address}: ${reason}. ` +
        'Choose another metrics.port (or --metrics-port), or stop what uses it.',
      { cause },
    );
    this.address = address;
  }
}

/** Default address of the health server: loopback only. */
export const DEFAULT_HEALTH_HOST = '127.0.0.1';

/**
 * Starts the health server and resolves once it listens.
 *
 * @throws {HealthServerError} when it cannot listen (port in use, address not available).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const host = options.host ?? DEFAULT_HEALTH_HOST;
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      send(response, 500, 'text/plain; charset=utf-8', `internal error: ${messageOf(error)}\n`);
    });
  });
  await listen(server, host, options.port);
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    url: `http://${urlHost}:${port}`,
    close: () => closeServer(server),
  };
}

/**
 * Whether a report means ready: the host says so and every connection is connected (none at
 * all counts as ready).
 */
export function isReady(report: ReadinessReport): boolean {
  return report.ready !== false && report.connections.every((c) => c.state === 'connected');
}

/** The `/readyz` body for a report, with exactly the documented fields, in order. */
export function readinessBody(report: ReadinessReport): ReadinessBody {
  return {
    ready: isReady(report),
    connections: report.connections.map(({ adapter, kind, server, state }) => ({
      adapter,
      kind,
      server,
      state,
    })),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: HealthServerOptions,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const route = ROUTES.get(path);
  if (route === undefined) {
    send(response, 404, TEXT, `not found: ${path} (try /metrics, /livez or /readyz)\n`);
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    send(response, 405, TEXT, `method not allowed: ${request.method} (use GET)\n`);
    return;
  }
  await route(response, options);
}

const TEXT = 'text/plain; charset=utf-8';

type Route = (response: ServerResponse, options: HealthServerOptions) => Promise<void> | void;

const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['/livez', (response) => send(response, 200, TEXT, 'ok\n')],
  [
    '/readyz',
    async (response, options) => {
      const body = readinessBody(await options.readiness());
      send(response, body.ready ? 200 : 503, 'application/json', `${JSON.stringify(body)}\n`);
    },
  ],
  [
    '/metrics',
    async (response, options) => {
      const text = await options.metrics.metrics();
      send(response, 200, options.metrics.contentType, text);
    },
  ],
]);

function send(response: ServerResponse, status: number, type: string, body: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    // Probes and scrapers must always see the current state.
    'Cache-Control': 'no-store',
  });
  response.end(body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new HealthServerError(`${host}:${port}`, error));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error ? reject(error) : resolve()));
    // close() waits for open connections; keep-alive ones from scrapers would hold it forever.
    server.closeAllConnections();
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
