/**
 * Latency run: sequential `SUB`→reply and `USB`→reply round trips on distinct items, measured
 * by the sink, first with the adapter idle, then while it pushes the load items at full speed.
 */
import type { ContenderName, LatencyResult } from './apis.js';
import { type BenchContext, endPair, loadItems, pause, startPair } from './pair.js';

/** Bound on the idle series. */
const IDLE_BUDGET_MS = 10_000;
/** Bound on the loaded series: under load a reply may queue behind megabytes of updates. */
const LOADED_BUDGET_MS = 2_000;
const WARMUP_MS = 300;

/** Round trips of one contender. */
export interface LatencySample {
  contender: ContenderName;
  idle: LatencyResult;
  /** Absent for `raw`, whose replies queue behind megabytes of pre-encoded lines by design. */
  loaded?: LatencyResult;
  /** Updates per second the sink received while the loaded series ran. */
  loadUpdatesPerSec?: number;
}

/**
 * Runs `pairs` SUB/USB pairs idle, then up to `pairs` under load (bounded in time); `raw` runs
 * the idle series only (it shows the sink's and the loopback's own share of a round trip).
 */
export async function measureLatency(
  ctx: BenchContext,
  contender: ContenderName,
  pairs: number,
): Promise<LatencySample> {
  const pair = await startPair(ctx, contender, 'count', `${contender}_latency`);
  const { sink } = pair;
  const idle = await sink.call(
    'latency',
    { pairs, prefix: 'idle', budgetMs: IDLE_BUDGET_MS },
    IDLE_BUDGET_MS + 30_000,
  );
  if (contender === 'raw') {
    await endPair(pair);
    return { contender, idle };
  }
  await sink.call('subscribe', { items: loadItems(ctx.items) });
  await sink.call('waitUpdates', { count: 1, timeoutMs: 10_000 });
  await pause(WARMUP_MS);
  const s0 = await sink.call('mark', {});
  const loaded = await sink.call(
    'latency',
    { pairs, prefix: 'busy', budgetMs: LOADED_BUDGET_MS },
    LOADED_BUDGET_MS + 60_000,
  );
  const s1 = await sink.call('mark', {});
  await endPair(pair);
  return {
    contender,
    idle,
    loaded,
    loadUpdatesPerSec: (s1.updates - s0.updates) / ((s1.t - s0.t) / 1000),
  };
}
