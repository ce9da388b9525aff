/**
 * Renders a bench run: aligned plain-text tables (they paste into Markdown as code blocks) or
 * one JSON document.
 */
import type { RoundTrips } from './apis.js';
import type { LatencySample } from './latency.js';
import type { SlowServerSample } from './slow-server.js';
import {
  type Ratio,
  summariseThroughput,
  throughputRatios,
  type Verdict,
  verdicts,
} from './targets.js';
import type { ThroughputSample } from './throughput.js';

/** Where and how the run happened. */
export interface RunInfo {
  command: string;
  date: string;
  node: string;
  cpus: string;
  /** 1-minute load average before and after the run (others' work skews the figures). */
  loadBefore: number;
  loadAfter: number;
  totalSec: number;
  settings: Record<string, unknown>;
  warnings: string[];
}

/** Everything a run measured. */
export interface BenchResults {
  info: RunInfo;
  throughput: ThroughputSample[];
  latency: LatencySample[];
  slow: SlowServerSample[];
}

/** Left-aligns the first column, right-aligns the others. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function rate(perSec: number): string {
  return perSec >= 1e6 ? `${(perSec / 1e6).toFixed(2)} M` : `${(perSec / 1e3).toFixed(0)} k`;
}

const ms = (value: number) => value.toFixed(3);

function throughputTable(samples: readonly ThroughputSample[]): string {
  const rows = summariseThroughput(samples).map((s) => [
    s.contender,
    s.version,
    rate(s.updatesPerSec),
    `${rate(s.minUpdatesPerSec)} – ${rate(s.maxUpdatesPerSec)}`,
    s.mbPerSec.toFixed(1),
    s.adapterCpuSec.toFixed(2),
    s.cpuUsPerUpdate.toFixed(2),
    s.peakRssMb.toFixed(0),
    s.sinkCores.toFixed(2),
  ]);
  const headers = [
    'contender',
    'ARI',
    'updates/s',
    'range',
    'MB/s',
    'CPU s',
    'CPU µs/upd',
    'peak RSS MB',
    'sink cores',
  ];
  return table(headers, rows);
}

function ratioLines(ratios: readonly Ratio[]): string {
  return ratios.map((r) => `  ${r.name}: ${r.value.toFixed(2)}×`).join('\n');
}

function latencyTable(samples: readonly LatencySample[]): string {
  const pair = (t: RoundTrips | undefined) =>
    t === undefined ? '–' : `${ms(t.p50)} / ${ms(t.p99)}`;
  const rows = samples.map((s) => [
    s.contender,
    pair(s.idle.sub),
    pair(s.idle.usb),
    String(s.idle.sub.n),
    pair(s.loaded?.sub),
    pair(s.loaded?.usb),
    s.loaded === undefined ? '–' : String(s.loaded.sub.n),
    s.loadUpdatesPerSec === undefined ? '–' : rate(s.loadUpdatesPerSec),
  ]);
  const headers = [
    'contender',
    'idle SUB p50/p99 ms',
    'idle USB p50/p99',
    'n',
    'loaded SUB p50/p99',
    'loaded USB p50/p99',
    'n',
    'load upd/s',
  ];
  return table(headers, rows);
}

function slowTable(samples: readonly SlowServerSample[]): string {
  const rows = samples.map((s) => [
    s.contender,
    `${s.pauseSec}`,
    `${s.signals > 0 ? 'yes' : 'no'} (${s.signals}×)`,
    s.blockedAtPauseEnd ? 'yes' : 'no',
    String(s.sentWhilePaused),
    s.queuedAtPauseEndMb.toFixed(2),
    s.rssAtPauseEndMb.toFixed(0),
    s.peakRssMb.toFixed(0),
    `${s.sequence.received}/${s.sent}`,
    s.intact ? 'yes' : `NO (${whatWentWrong(s)})`,
  ]);
  const headers = [
    'contender',
    'pause s',
    'update() said false',
    'blocked at pause end',
    'sent while paused',
    'queued MB',
    'RSS at resume MB',
    'peak RSS MB',
    'received/sent',
    'all, in order',
  ];
  return table(headers, rows);
}

function whatWentWrong(s: SlowServerSample): string {
  if (s.sequence.firstBreak !== undefined) return s.sequence.firstBreak;
  if (s.sequence.received !== s.sent) return 'missing updates';
  return `${s.sequence.violations} protocol violations`;
}

function verdictLines(list: readonly Verdict[]): string {
  return list.map((v) => `  ${v.verdict.padEnd(4)}  ${v.target}: ${v.measured}`).join('\n');
}

/** The human-readable report. */
export function renderText(results: BenchResults): string {
  const { info } = results;
  const parts = [
    `lsadapter bench — ${info.date}, Node ${info.node}, ${info.cpus}`,
    `command: ${info.command}`,
    'each contender and the sink (ProxySimulator, UD3 lines only counted) run in their own process',
    `load average (1 min) before/after: ${info.loadBefore.toFixed(2)} / ${info.loadAfter.toFixed(2)}; total ${info.totalSec.toFixed(0)} s`,
    ...info.warnings.map((w) => `WARNING: ${w}`),
  ];
  if (results.throughput.length > 0) {
    parts.push('', 'Throughput (median over rounds; CPU and RSS are the adapter process)');
    parts.push(throughputTable(results.throughput));
    parts.push(
      'Ratios (median of per-round ratios):',
      ratioLines(throughputRatios(results.throughput)),
    );
  }
  if (results.latency.length > 0) {
    parts.push('', 'Request round trips (sink → adapter → sink)', latencyTable(results.latency));
  }
  if (results.slow.length > 0) {
    parts.push('', 'Paused reader (slow server)', slowTable(results.slow));
  }
  parts.push(
    '',
    'Targets',
    verdictLines(verdicts(results.throughput, results.latency, results.slow)),
  );
  return parts.join('\n');
}

/** The JSON report: raw samples, summaries, ratios and verdicts. */
export function renderJson(results: BenchResults): string {
  return JSON.stringify(
    {
      ...results,
      throughputSummary: summariseThroughput(results.throughput),
      ratios: throughputRatios(results.throughput),
      verdicts: verdicts(results.throughput, results.latency, results.slow),
    },
    null,
    2,
  );
}

/** Whether any target failed. */
export function anyFailed(results: BenchResults): boolean {
  return verdicts(results.throughput, results.latency, results.slow).some(
    (v) => v.verdict === 'FAIL',
  );
}
