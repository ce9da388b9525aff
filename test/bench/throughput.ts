/**
 * Throughput run: the sink subscribes the load items, the contender pushes as fast as its
 * backpressure allows, and after a warm-up both processes are sampled over the window.
 */
import type { ContenderName } from './apis.js';
import { type BenchContext, endPair, loadItems, pause, startPair } from './pair.js';

/** Time given to JIT and TCP windows before the window opens. */
const WARMUP_MS = 300;

/** One round of one contender. */
export interface ThroughputSample {
  contender: ContenderName;
  round: number;
  /** Protocol version negotiated. */
  version: string;
  /** `UD3` lines the sink received per second over the window. */
  updatesPerSec: number;
  /** Their bytes per second (terminators included), in MB/s (10^6). */
  mbPerSec: number;
  /** CPU seconds of the adapter process within the window. */
  adapterCpuSec: number;
  /** Adapter CPU time per update delivered, in microseconds. */
  cpuUsPerUpdate: number;
  /** Share of one core the sink used over the window (1 = saturated). */
  sinkCores: number;
  /** Peak RSS of the adapter process, MB. */
  peakRssMb: number;
  /** RSS once connected, before any update, MB. */
  baselineRssMb: number;
  /** Times the send path said "stop" during the window. */
  signals: number;
}

const MB = 1e6;

/** Runs one throughput round of `contender` with a window of `durationS` seconds. */
export async function measureThroughput(
  ctx: BenchContext,
  contender: ContenderName,
  round: number,
  durationS: number,
): Promise<ThroughputSample> {
  const pair = await startPair(ctx, contender, 'count', `${contender}_throughput_r${round}`);
  const { sink, adapter } = pair;
  await sink.call('subscribe', { items: loadItems(ctx.items) });
  await sink.call('waitUpdates', { count: 1, timeoutMs: 10_000 });
  await pause(WARMUP_MS);
  const [a0, s0] = await Promise.all([adapter.call('mark', {}), sink.call('mark', {})]);
  await pause(durationS * 1000);
  const [a1, s1] = await Promise.all([adapter.call('mark', {}), sink.call('mark', {})]);
  const final = await endPair(pair);
  const seconds = (s1.t - s0.t) / 1000;
  const updates = s1.updates - s0.updates;
  const adapterCpuUs = a1.cpuUs - a0.cpuUs;
  return {
    contender,
    round,
    version: pair.version,
    updatesPerSec: updates / seconds,
    mbPerSec: (s1.bytes - s0.bytes) / MB / seconds,
    adapterCpuSec: adapterCpuUs / 1e6,
    cpuUsPerUpdate: updates === 0 ? Number.NaN : adapterCpuUs / updates,
    sinkCores: (s1.cpuUs - s0.cpuUs) / 1e6 / seconds,
    peakRssMb: final.maxRss / MB,
    baselineRssMb: final.baselineRss / MB,
    signals: a1.signals - a0.signals,
  };
}
