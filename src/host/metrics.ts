/**
 * The host's Prometheus metrics (SPEC §6), in a registry of their own (not prom-client's global
 * one), so that several hosts, or tests, can live in one process.
 *
 * The update path pays nothing for metrics: updates, bytes, queued bytes and active items are
 * not incremented per update but read at scrape time from a snapshot function that each
 * connection registers, reading counters its SDK server keeps anyway. Reconnects and requests
 * are rare enough to be recorded as they happen.
 *
 * Node's default process metrics carry the `lsadapter_` prefix like ours
 * (`lsadapter_process_cpu_seconds_total`, `lsadapter_nodejs_heap_size_used_bytes`), so that
 * every series the host exposes is recognisably its own.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prefix of every metric name. */
export const METRIC_PREFIX = 'lsadapter_';

/** Buckets of `lsadapter_request_duration_seconds`: 0.5 ms to 10 s. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * What a connection reports at scrape time. The counters (`updatesSent`, `bytesSent`) count
 * from the start of the connection's source; when they go back down, the source is taken to
 * have restarted (a new SDK server after a reconnect) and the earlier totals are kept.
 */
export interface ConnectionSnapshot {
  /** Whether the connection is up (handshake done). */
  readonly up: boolean;
  /** Updates written so far. */
  readonly updatesSent: number;
  /** Bytes written so far. */
  readonly bytesSent: number;
  /** Bytes waiting in the outbound queue now. */
  readonly queuedBytes: number;
  /** Items subscribed now (0 for a metadata adapter). */
  readonly activeItems: number;
}

/** Reads a connection's current {@link ConnectionSnapshot}; called on every scrape. */
export type SnapshotFn = () => ConnectionSnapshot;

/** Typical values of the `outcome` label of `lsadapter_requests_total`. */
export type RequestOutcome = 'ok' | 'error' | (string & {});

/** Options of {@link createHostMetrics}. */
export interface HostMetricsOptions {
  /**
   * Also collect Node's default process metrics (CPU, memory, event loop, GC).
   * @default true
   */
  defaultMetrics?: boolean;
}

/** The metrics API the host calls, and what the `/metrics` endpoint serves. */
export interface HostMetrics {
  /** The registry holding every metric (for tests and custom exposition). */
  readonly registry: Registry;
  /** Content type of {@link HostMetrics.metrics}' output (Prometheus text format). */
  readonly contentType: string;
  /**
   * Starts reporting a connection. A second registration of the same adapter and server
   * replaces the first (keeping its totals). Returns a function that unregisters it.
   */
  registerConnection(adapter: string, server: string, snapshot: SnapshotFn): () => void;
  /**
   * Stops reporting a connection: its gauges go, its totals stay in the adapter's counters.
   * Does nothing if it is not registered.
   */
  unregisterConnection(adapter: string, server: string): void;
  /** Counts one reconnect attempt of a connection. */
  recordReconnect(adapter: string, server: string): void;
  /** Counts one request served by an adapter and observes how long it took, in seconds. */
  recordRequest(adapter: string, method: string, outcome: RequestOutcome, seconds: number): void;
  /** Every metric in Prometheus text format. */
  metrics(): Promise<string>;
}

/** One registered connection, and what its source had reported when last read. */
interface Registration {
  readonly adapter: string;
  readonly server: string;
  readonly snapshot: SnapshotFn;
  /** Counter totals carried over from earlier sources of this registration. */
  carriedUpdates: number;
  carriedBytes: number;
  /** The source's own counters at the last read. */
  lastUpdates: number;
  lastBytes: number;
}

/** The two counters kept per connection. */
type CounterName = 'updates' | 'bytes';

/**
 * The registered connections, and the counter totals of those that went, so that per-adapter
 * counters never go down when a connection is replaced or removed.
 */
class ConnectionTable {
  readonly #live = new Map<string, Registration>();
  readonly #retired = new Map<string, Record<CounterName, number>>();

  register(adapter: string, server: string, snapshot: SnapshotFn): () => void {
    this.unregister(adapter, server);
    const registration: Registration = {
      adapter,
      server,
      snapshot,
      carriedUpdates: 0,
      carriedBytes: 0,
      lastUpdates: 0,
      lastBytes: 0,
    };
    const key = connectionKey(adapter, server);
    this.#live.set(key, registration);
    return () => {
      if (this.#live.get(key) === registration) this.unregister(adapter, server);
    };
  }

  unregister(adapter: string, server: string): void {
    const key = connectionKey(adapter, server);
    const registration = this.#live.get(key);
    if (registration === undefined) return;
    this.#live.delete(key);
    readSnapshot(registration);
    const totals = this.#retired.get(adapter) ?? { updates: 0, bytes: 0 };
    totals.updates += counterTotal(registration, 'updates');
    totals.bytes += counterTotal(registration, 'bytes');
    this.#retired.set(adapter, totals);
  }

  /** Reads every live connection (snapshots are cheap reads of SDK counters). */
  read(): { registration: Registration; snapshot: ConnectionSnapshot }[] {
    return [...this.#live.values()].map((registration) => ({
      registration,
      snapshot: readSnapshot(registration),
    }));
  }

  /** A counter's total per adapter: retired connections plus live ones. */
  totals(counter: CounterName): Map<string, number> {
    const sums = new Map<string, number>();
    for (const [adapter, totals] of this.#retired) sums.set(adapter, totals[counter]);
    for (const { registration: r } of this.read()) {
      sums.set(r.adapter, (sums.get(r.adapter) ?? 0) + counterTotal(r, counter));
    }
    return sums;
  }

  /** The sum of a gauge over each adapter's live connections. */
  liveSums(pick: (snapshot: ConnectionSnapshot) => number): Map<string, number> {
    const sums = new Map<string, number>();
    for (const { registration: r, snapshot } of this.read()) {
      sums.set(r.adapter, (sums.get(r.adapter) ?? 0) + pick(snapshot));
    }
    return sums;
  }
}

/** Creates a registry with every metric of SPEC §6 and the {@link HostMetrics} API over it. */
export function createHostMetrics(options: HostMetricsOptions = {}): HostMetrics {
  const registry = new Registry();
  const table = new ConnectionTable();
  defineConnectionMetrics(registry, table);
  const { reconnects, requests, durations } = defineRequestMetrics(registry);
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  }
  return {
    registry,
    contentType: registry.contentType,
    registerConnection: (adapter, server, snapshot) => table.register(adapter, server, snapshot),
    unregisterConnection: (adapter, server) => table.unregister(adapter, server),
    recordReconnect(adapter, server) {
      reconnects.inc({ adapter, server });
    },
    recordRequest(adapter, method, outcome, seconds) {
      requests.inc({ adapter, method, outcome });
      durations.observe({ adapter, method }, seconds);
    },
    metrics: () => registry.metrics(),
  };
}

/** The metrics read from connection snapshots at scrape time. */
function defineConnectionMetrics(registry: Registry, table: ConnectionTable): void {
  new Gauge({
    name: `${METRIC_PREFIX}connection_up`,
    help: 'Whether the connection of an adapter to a server is up (1) or not (0).',
    labelNames: ['adapter', 'server'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { registration: r, snapshot } of table.read()) {
        this.set({ adapter: r.adapter, server: r.server }, snapshot.up ? 1 : 0);
      }
    },
  });
  lazyCounter(registry, 'updates_sent_total', 'Updates sent by a data adapter.', () =>
    table.totals('updates'),
  );
  lazyCounter(registry, 'bytes_sent_total', 'Bytes an adapter wrote to its connections.', () =>
    table.totals('bytes'),
  );
  lazyGauge(registry, 'outbound_queue_bytes', 'Bytes waiting to be written, per adapter.', () =>
    table.liveSums((s) => s.queuedBytes),
  );
  lazyGauge(registry, 'active_items', 'Items subscribed now, per data adapter.', () =>
    table.liveSums((s) => s.activeItems),
  );
}

/** The metrics recorded as events happen: reconnects and requests. */
function defineRequestMetrics(registry: Registry) {
  const registers = [registry];
  return {
    reconnects: new Counter({
      name: `${METRIC_PREFIX}reconnects_total`,
      help: 'Reconnect attempts of the connection of an adapter to a server.',
      labelNames: ['adapter', 'server'],
      registers,
    }),
    requests: new Counter({
      name: `${METRIC_PREFIX}requests_total`,
      help: 'Requests served by an adapter, by method and outcome.',
      labelNames: ['adapter', 'method', 'outcome'],
      registers,
    }),
    durations: new Histogram({
      name: `${METRIC_PREFIX}request_duration_seconds`,
      help: 'Time an adapter took to answer a request, by method.',
      labelNames: ['adapter', 'method'],
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers,
    }),
  };
}

function counterTotal(registration: Registration, counter: CounterName): number {
  return counter === 'updates'
    ? registration.carriedUpdates + registration.lastUpdates
    : registration.carriedBytes + registration.lastBytes;
}

function connectionKey(adapter: string, server: string): string {
  return JSON.stringify([adapter, server]);
}

/**
 * Reads a connection's snapshot and folds its counters into the registration: a counter lower
 * than at the last read means a new source, whose count starts from zero.
 */
function readSnapshot(registration: Registration): ConnectionSnapshot {
  const snapshot = registration.snapshot();
  if (snapshot.updatesSent < registration.lastUpdates) {
    registration.carriedUpdates += registration.lastUpdates;
  }
  if (snapshot.bytesSent < registration.lastBytes) {
    registration.carriedBytes += registration.lastBytes;
  }
  registration.lastUpdates = snapshot.updatesSent;
  registration.lastBytes = snapshot.bytesSent;
  return snapshot;
}

/** A counter per adapter whose values are computed at scrape time. */
function lazyCounter(
  registry: Registry,
  name: string,
  help: string,
  values: () => Map<string, number>,
): void {
  new Counter({
    name: METRIC_PREFIX + name,
    help,
    labelNames: ['adapter'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [adapter, value] of values()) this.inc({ adapter }, value);
    },
  });
}

/** A gauge per adapter whose values are computed at scrape time. */
function lazyGauge(
  registry: Registry,
  name: string,
  help: string,
  values: () => Map<string, number>,
): void {
  new Gauge({
    name: METRIC_PREFIX + name,
    help,
    labelNames: ['adapter'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [adapter, value] of values()) this.set({ adapter }, value);
    },
  });
}
