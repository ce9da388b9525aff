/**
 * Slow-server run: while the contender pushes at full speed (stopping whenever `update()` says
 * so), the sink stops reading for a while, then reads on. Every update the adapter sent carries
 * a sequence number in `f0`; once the adapter has halted, the sink checks that all of them
 * arrived, in order, before anything is closed.
 */
import type { ContenderName, SequenceReport } from './apis.js';
import { type BenchContext, endPair, loadItems, pause, startPair } from './pair.js';

/** Flow before the pause and after the resume. */
const FLOW_MS = 500;
/** Bound on receiving everything once the adapter halted. */
const DRAIN_TIMEOUT_MS = 30_000;

/** What one contender did with a paused reader. */
export interface SlowServerSample {
  contender: ContenderName;
  pauseSec: number;
  /** Updates sent while the reader was paused (they were queued). */
  sentWhilePaused: number;
  /** Times the send path said "stop" over the whole run. */
  signals: number;
  /** Whether the adapter was waiting for `'drain'` at the end of the pause. */
  blockedAtPauseEnd: boolean;
  /** Outbound bytes queued in the adapter process at the end of the pause, MB. */
  queuedAtPauseEndMb: number;
  /** RSS of the adapter at the end of the pause, MB. */
  rssAtPauseEndMb: number;
  /** Peak RSS of the adapter process, MB. */
  peakRssMb: number;
  /** Updates the adapter sent in all. */
  sent: number;
  sequence: SequenceReport;
  /** Every sent update arrived, in order, and the simulator found no protocol violation. */
  intact: boolean;
}

/** Runs the paused-reader scenario for `contender`. */
export async function measureSlowServer(
  ctx: BenchContext,
  contender: ContenderName,
  pauseSec: number,
): Promise<SlowServerSample> {
  const pair = await startPair(ctx, contender, 'full', `${contender}_slow`);
  const { sink, adapter } = pair;
  await sink.call('subscribe', { items: loadItems(ctx.items) });
  await sink.call('waitUpdates', { count: 1, timeoutMs: 10_000 });
  await pause(FLOW_MS);
  await sink.call('pause', {});
  const before = await adapter.call('mark', {});
  await pause(pauseSec * 1000);
  const after = await adapter.call('mark', {});
  await sink.call('resume', {});
  await pause(FLOW_MS);
  const halted = await adapter.call('halt', {});
  const sequence = await sink.call(
    'expect',
    { count: halted.updates, timeoutMs: DRAIN_TIMEOUT_MS },
    DRAIN_TIMEOUT_MS + 5_000,
  );
  const final = await endPair(pair);
  return {
    contender,
    pauseSec,
    sentWhilePaused: after.updates - before.updates,
    signals: halted.signals,
    blockedAtPauseEnd: after.waiting,
    queuedAtPauseEndMb: after.queuedBytes / 1e6,
    rssAtPauseEndMb: after.rss / 1e6,
    peakRssMb: final.maxRss / 1e6,
    sent: halted.updates,
    sequence,
    intact:
      sequence.received === halted.updates && sequence.breaks === 0 && sequence.violations === 0,
  };
}
