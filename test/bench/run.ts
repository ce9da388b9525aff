/**
 * `npm run bench`: throughput, request latency and paused-reader runs of this package's Data
 * Adapter server next to the official Node SDK and a raw socket, each contender in its own
 * process against a ProxySimulator sink in another (see the README's Performance section).
 *
 * Throughput rounds alternate the contenders (A B C D, A B C D, …) so that drift of a shared
 * machine hits them alike. Progress goes to stderr, the report to stdout.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type BenchArgs, parseBenchArgs, usage } from './args.js';
import { killAllChildren } from './child-handle.js';
import { compileBench, distWarning } from './compile.js';
import { measureLatency } from './latency.js';
import type { BenchContext } from './pair.js';
import { formatSummary, type ProfileSummary, summariseFiles } from './profile-summary.js';
import { anyFailed, type BenchResults, renderJson, renderText } from './report.js';
import { measureSlowServer } from './slow-server.js';
import { measureThroughput } from './throughput.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, '.bench-out');
const PROFILE_DIR = join(OUT, 'profiles');

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function commandLine(argv: readonly string[]): string {
  const flags = argv.length > 0 ? ` -- ${argv.join(' ')}` : '';
  return process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${flags}`
    : `node --import tsx test/bench/run.ts ${argv.join(' ')}`.trimEnd();
}

async function runScenarios(args: BenchArgs, ctx: BenchContext, results: BenchResults) {
  const { contenders, scenarios } = args;
  let phaseStart = performance.now();
  const phaseDone = (name: string) => {
    log(`${name}: ${((performance.now() - phaseStart) / 1000).toFixed(1)} s`);
    phaseStart = performance.now();
  };
  if (scenarios.includes('throughput')) {
    for (let round = 1; round <= args.rounds; round++) {
      for (const contender of contenders) {
        const s = await measureThroughput(ctx, contender, round, args.durationS);
        results.throughput.push(s);
        log(
          `throughput ${round}/${args.rounds} ${contender}: ${(s.updatesPerSec / 1e3).toFixed(0)} k/s, ` +
            `${s.cpuUsPerUpdate.toFixed(2)} µs CPU/update, sink ${s.sinkCores.toFixed(2)} cores`,
        );
      }
    }
    phaseDone('throughput');
  }
  if (scenarios.includes('latency')) {
    for (const contender of contenders) {
      const s = await measureLatency(ctx, contender, args.pairs);
      results.latency.push(s);
      const loaded = s.loaded === undefined ? '' : `, loaded ${s.loaded.sub.p50.toFixed(3)} ms`;
      log(`latency ${contender}: SUB p50 idle ${s.idle.sub.p50.toFixed(3)} ms${loaded}`);
    }
    phaseDone('latency');
  }
  if (scenarios.includes('slow')) {
    // Only lsadapter offers a backpressure signal from update(). Both modes run at once: while
    // the reader is paused the adapters are blocked, and the check is about bytes, not speed.
    const modes = contenders.filter((c) => c === 'lsadapter-single' || c === 'lsadapter-two');
    log(`slow server: reader paused ${args.pauseS} s for ${modes.join(', ')}`);
    const samples = await Promise.all(modes.map((c) => measureSlowServer(ctx, c, args.pauseS)));
    results.slow.push(...samples);
    phaseDone('slow server');
  }
}

async function profileSummaries(args: BenchArgs): Promise<Record<string, ProfileSummary>> {
  const files = await readdir(PROFILE_DIR);
  const summaries: Record<string, ProfileSummary> = {};
  for (const contender of args.contenders) {
    for (const who of [contender, `sink_${contender}`]) {
      const mine = files.filter((f) => f.startsWith(`${who}_throughput_`));
      if (mine.length === 0) continue;
      summaries[who] = await summariseFiles(mine.map((f) => join(PROFILE_DIR, f)));
    }
  }
  return summaries;
}

async function main(argv: string[]): Promise<number> {
  let args: BenchArgs | null;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    log(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  if (args === null) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const warnings: string[] = [];
  const stale = args.dist === undefined ? await distWarning(ROOT) : undefined;
  if (stale !== undefined) {
    warnings.push(stale);
    log(`WARNING: ${stale}`);
  }
  const js = await compileBench(join(ROOT, 'test', 'bench'), join(OUT, 'js'));
  if (args.profile) {
    await rm(PROFILE_DIR, { recursive: true, force: true });
    await mkdir(PROFILE_DIR, { recursive: true });
  }
  const ctx: BenchContext = {
    scripts: { sink: join(js, 'sink.js'), adapter: join(js, 'contenders', 'adapter-main.js') },
    items: args.items,
    fields: args.fields,
    sdkDist: args.dist,
    profileDir: args.profile ? PROFILE_DIR : undefined,
    log,
  };
  const loadBefore = loadavg()[0] ?? 0;
  const started = performance.now();
  const results: BenchResults = {
    info: {
      command: commandLine(argv),
      date: new Date().toISOString(),
      node: process.versions.node,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
      loadBefore,
      loadAfter: 0,
      totalSec: 0,
      settings: { ...args },
      warnings,
    },
    throughput: [],
    latency: [],
    slow: [],
  };
  await runScenarios(args, ctx, results);
  results.info.loadAfter = loadavg()[0] ?? 0;
  results.info.totalSec = (performance.now() - started) / 1000;
  const profiles = args.profile ? await profileSummaries(args) : undefined;
  if (args.json) {
    const json = JSON.parse(renderJson(results)) as Record<string, unknown>;
    process.stdout.write(`${JSON.stringify({ ...json, profiles }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderText(results)}\n`);
    for (const [who, summary] of Object.entries(profiles ?? {})) {
      const title = `CPU profile of ${who.replace('_', ' for ')} (throughput rounds)`;
      const top = who.startsWith('sink_') ? 6 : 12;
      process.stdout.write(`\n${formatSummary(title, summary, top)}\n`);
    }
    if (args.profile) process.stdout.write(`\nProfiles: ${PROFILE_DIR}\n`);
  }
  return args.strict && anyFailed(results) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    killAllChildren();
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
