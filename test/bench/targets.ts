/**
 * Reduces the samples of a bench run to one line per contender (medians over rounds), the
 * ratios between contenders, and the PASS/FAIL verdicts against the targets.
 */
import type { ContenderName } from './apis.js';
import type { LatencySample } from './latency.js';
import type { SlowServerSample } from './slow-server.js';
import { median } from './stats.js';
import type { ThroughputSample } from './throughput.js';

/** Throughput of one contender over its rounds. */
export interface ThroughputSummary {
  contender: ContenderName;
  version: string;
  rounds: number;
  /** Median, lowest and highest updates/s over the rounds. */
  updatesPerSec: number;
  minUpdatesPerSec: number;
  maxUpdatesPerSec: number;
  mbPerSec: number;
  adapterCpuSec: number;
  cpuUsPerUpdate: number;
  sinkCores: number;
  /** Highest peak RSS over the rounds, MB. */
  peakRssMb: number;
  baselineRssMb: number;
}

/** A ratio between two contenders: the median of the per-round ratios (same round, same drift). */
export interface Ratio {
  name: string;
  value: number;
}

/** One target and how the run fared. */
export interface Verdict {
  target: string;
  measured: string;
  verdict: 'PASS' | 'FAIL' | 'n/a';
}

function byContender<T extends { contender: ContenderName }>(samples: readonly T[]) {
  const groups = new Map<ContenderName, T[]>();
  for (const sample of samples) {
    const group = groups.get(sample.contender) ?? [];
    group.push(sample);
    groups.set(sample.contender, group);
  }
  return groups;
}

/** One summary line per contender, in the order they ran. */
export function summariseThroughput(samples: readonly ThroughputSample[]): ThroughputSummary[] {
  return [...byContender(samples)].map(([contender, group]) => {
    const rates = group.map((s) => s.updatesPerSec);
    return {
      contender,
      version: group[0]?.version ?? '?',
      rounds: group.length,
      updatesPerSec: median(rates),
      minUpdatesPerSec: Math.min(...rates),
      maxUpdatesPerSec: Math.max(...rates),
      mbPerSec: median(group.map((s) => s.mbPerSec)),
      adapterCpuSec: median(group.map((s) => s.adapterCpuSec)),
      cpuUsPerUpdate: median(group.map((s) => s.cpuUsPerUpdate)),
      sinkCores: median(group.map((s) => s.sinkCores)),
      peakRssMb: Math.max(...group.map((s) => s.peakRssMb)),
      baselineRssMb: median(group.map((s) => s.baselineRssMb)),
    };
  });
}

/** `a/b` throughput: the median over the rounds in which both ran. */
export function pairedRatio(
  samples: readonly ThroughputSample[],
  a: ContenderName,
  b: ContenderName,
): number {
  const rounds = new Map<number, Partial<Record<ContenderName, number>>>();
  for (const s of samples) {
    rounds.set(s.round, { ...rounds.get(s.round), [s.contender]: s.updatesPerSec });
  }
  const ratios: number[] = [];
  for (const round of rounds.values()) {
    const x = round[a];
    const y = round[b];
    if (x !== undefined && y !== undefined && y > 0) ratios.push(x / y);
  }
  return median(ratios);
}

const RATIOS: ReadonlyArray<[ContenderName, ContenderName]> = [
  ['lsadapter-single', 'official-1.5.3'],
  ['lsadapter-two', 'official-1.5.3'],
  ['lsadapter-single', 'lsadapter-two'],
  ['lsadapter-single', 'raw'],
  ['lsadapter-two', 'raw'],
];

/** The ratios the README quotes (only those whose contenders both ran). */
export function throughputRatios(samples: readonly ThroughputSample[]): Ratio[] {
  return RATIOS.map(([a, b]) => ({
    name: `${a} / ${b}`,
    value: pairedRatio(samples, a, b),
  })).filter((ratio) => !Number.isNaN(ratio.value));
}

function check(target: string, value: number, pass: (v: number) => boolean, text: string): Verdict {
  if (Number.isNaN(value)) return { target, measured: 'not measured', verdict: 'n/a' };
  return { target, measured: text, verdict: pass(value) ? 'PASS' : 'FAIL' };
}

const LSADAPTER: readonly ContenderName[] = ['lsadapter-single', 'lsadapter-two'];

/** Every target of the brief, for both lsadapter modes. */
export function verdicts(
  throughput: readonly ThroughputSample[],
  latency: readonly LatencySample[],
  slow: readonly SlowServerSample[],
): Verdict[] {
  const out: Verdict[] = [];
  const x = (v: number) => `${v.toFixed(2)}×`;
  for (const mode of LSADAPTER) {
    const vsOfficial = pairedRatio(throughput, mode, 'official-1.5.3');
    out.push(
      check(`${mode} throughput ≥ 5× official-1.5.3`, vsOfficial, (v) => v >= 5, x(vsOfficial)),
    );
  }
  const singleVsTwo = pairedRatio(throughput, 'lsadapter-single', 'lsadapter-two');
  out.push(
    check(
      'single within 20% of two-connection (≥ 0.8×)',
      singleVsTwo,
      (v) => v >= 0.8,
      x(singleVsTwo),
    ),
  );
  for (const mode of LSADAPTER) {
    const vsRaw = pairedRatio(throughput, mode, 'raw');
    out.push(
      check(
        `${mode} throughput ≥ 20% of raw`,
        vsRaw,
        (v) => v >= 0.2,
        `${(vsRaw * 100).toFixed(1)}%`,
      ),
    );
  }
  for (const mode of LSADAPTER) {
    const p50 = latency.find((s) => s.contender === mode)?.idle.sub.p50 ?? Number.NaN;
    out.push(
      check(
        `${mode} SUB round trip p50 < 0.5 ms idle`,
        p50,
        (v) => v < 0.5,
        `${p50.toFixed(3)} ms`,
      ),
    );
  }
  for (const mode of LSADAPTER) {
    const sample = slow.find((s) => s.contender === mode);
    const rss = sample?.peakRssMb ?? Number.NaN;
    out.push(
      check(
        `${mode} paused reader: peak RSS < 200 MB`,
        rss,
        (v) => v < 200,
        `${rss.toFixed(0)} MB`,
      ),
    );
    const lost = sample === undefined ? Number.NaN : sample.intact ? 0 : 1;
    const text =
      sample === undefined
        ? ''
        : `${sample.sequence.received}/${sample.sent} received, ${sample.sequence.breaks} out of ` +
          `sequence, ${sample.sequence.violations} protocol violations`;
    out.push(check(`${mode} paused reader: nothing lost, in order`, lost, (v) => v === 0, text));
  }
  return out;
}
