/**
 * What the runner can call in each bench process, and what comes back. Types only: the sink
 * (`sink.ts`) and the adapter process (`contenders/adapter-main.ts`) implement these.
 */

/** The contenders of the bench (see `contenders/`). */
export const CONTENDERS = ['lsadapter-single', 'lsadapter-two', 'official-1.5.3', 'raw'] as const;
/** One contender. */
export type ContenderName = (typeof CONTENDERS)[number];

/** Which Proxy Adapter the sink plays for a contender. */
export function sinkKindFor(contender: ContenderName): SinkKind {
  return contender === 'lsadapter-single' || contender === 'raw' ? 'data' : 'data-two-connections';
}

/** A single-connection (Server 7.4+) or a two-connection (Server 7.0–7.3) Data Proxy Adapter. */
export type SinkKind = 'data' | 'data-two-connections';

/** Where the adapter connects. */
export interface SinkAddress {
  host: string;
  port: number;
  notifyPort?: number;
}

/** Counters of the sink at one instant. */
export interface SinkMark {
  /** `performance.now()` of the sink process, ms. */
  t: number;
  /** `UD3` lines received so far. */
  updates: number;
  /** Bytes of those lines, terminators included. */
  bytes: number;
  /** CPU time of the sink process so far (user + system), µs. */
  cpuUs: number;
}

/** Percentiles of one kind of round trip, in milliseconds. */
export interface RoundTrips {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** What a run of SUB/USB pairs measured. */
export interface LatencyResult {
  sub: RoundTrips;
  usb: RoundTrips;
}

/** What the sink saw of the sequence numbers carried by field `f0` (full recording only). */
export interface SequenceReport {
  /** Updates received. */
  received: number;
  /** Highest sequence number received. */
  last: number;
  /** Updates whose number was not the previous one plus one. */
  breaks: number;
  /** The first such break, e.g. `after 1200 came 1202`. */
  firstBreak?: string;
  /** Protocol violations the simulator found in what the adapter wrote. */
  violations: number;
}

/** The sink process. */
export interface SinkApi {
  /** Starts a ProxySimulator on loopback port 0. `full` decodes every line and tracks `f0`. */
  listen(p: { kind: SinkKind; recording: 'count' | 'full' }): Promise<SinkAddress>;
  /** Waits for the adapter's connection(s) and its successful init reply. */
  ready(p: { timeoutMs: number }): Promise<{ version: string }>;
  /** Subscribes the items (in parallel) and resolves once every `SUB` was answered. */
  subscribe(p: { items: string[] }): Promise<void>;
  /** Waits until `count` updates have arrived. */
  waitUpdates(p: { count: number; timeoutMs: number }): Promise<void>;
  mark(p: Record<string, never>): SinkMark;
  /** Sequential `SUB`+`USB` pairs on `<prefix>0…`, until `pairs` or `budgetMs` is reached. */
  latency(p: { pairs: number; prefix: string; budgetMs: number }): Promise<LatencyResult>;
  /** Stops (or resumes) reading every socket of the connection. */
  pause(p: Record<string, never>): void;
  resume(p: Record<string, never>): void;
  /** Waits until `count` updates have arrived (full recording), then reports their order. */
  expect(p: { count: number; timeoutMs: number }): Promise<SequenceReport>;
  close(p: Record<string, never>): Promise<void>;
}

/** How the adapter process connects and what it sends. */
export interface ConnectParams extends SinkAddress {
  contender: ContenderName;
  /** Fields per update (`f0` carries the sequence number). */
  fields: number;
  /** Another build of this package to measure instead of `dist/` (`--dist`). */
  sdkDist?: string;
}

/** Counters of the adapter process at one instant. */
export interface AdapterMark {
  /** `performance.now()` of the adapter process, ms. */
  t: number;
  /** CPU time of the adapter process so far (user + system), µs. */
  cpuUs: number;
  /** Updates handed to the SDK (or lines to the socket, for `raw`) so far. */
  updates: number;
  /** Times the send path said "stop" (`update()` false, a full stream, a full socket). */
  signals: number;
  /** Whether the producer is waiting for the drain signal right now. */
  waiting: boolean;
  /** Outbound bytes queued in the process (not yet taken by the kernel). */
  queuedBytes: number;
  /** Resident set size now, bytes. */
  rss: number;
}

/** Final counters of the adapter process. */
export interface AdapterFinal extends AdapterMark {
  /** Peak resident set size of the whole process life, bytes. */
  maxRss: number;
  /** Resident set size once connected, before any update, bytes. */
  baselineRss: number;
}

/** The adapter process. */
export interface AdapterApi {
  /** Connects to the sink and resolves once the init was answered. */
  connect(p: ConnectParams): Promise<void>;
  mark(p: Record<string, never>): AdapterMark;
  /** Stops producing for good, leaving the connection open; reports the counters. */
  halt(p: Record<string, never>): AdapterMark;
  /** Stops producing, closes the connection(s), reports the totals. */
  stop(p: Record<string, never>): Promise<AdapterFinal>;
}
