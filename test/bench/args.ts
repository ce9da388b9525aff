/** Command-line flags of `npm run bench` (see `usage`). */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONTENDERS, type ContenderName } from './apis.js';

/** The scenarios a run can include. */
export const SCENARIOS = ['throughput', 'latency', 'slow'] as const;
/** One scenario. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** The bench settings after defaults. */
export interface BenchArgs {
  /** Window of each throughput round, seconds. @default 2 */
  durationS: number;
  /** Throughput rounds (each runs every contender once, in turn). @default 3 */
  rounds: number;
  /** Load items the sink subscribes. @default 10 */
  items: number;
  /** Fields per update. @default 5 */
  fields: number;
  /** SUB/USB pairs per latency series. @default 2000 */
  pairs: number;
  /** Seconds the sink stops reading in the slow-server run. @default 10 */
  pauseS: number;
  /** Print JSON instead of the tables. @default false */
  json: boolean;
  /** Write CPU profiles to `.bench-out/profiles/` and summarise them. @default false */
  profile: boolean;
  /** Exit with code 1 when a target fails. @default false */
  strict: boolean;
  /** Another build of this package (its `dist/` folder) to measure. @default the package's dist/ */
  dist: string | undefined;
  contenders: ContenderName[];
  scenarios: ScenarioName[];
}

/** The help text. */
export const usage = `npm run bench -- [flags]
  --duration <s>    window of each throughput round, seconds (default 2)
  --rounds <n>      throughput rounds; contenders alternate within each (default 3)
  --items <K>       items subscribed by the sink (default 10)
  --fields <F>      fields per update, ~10 bytes each (default 5)
  --pairs <n>       SUB/USB pairs per latency series (default 2000)
  --pause <s>       seconds the sink stops reading in the slow-server run (default 10)
  --only <names>    comma-separated contenders and/or scenarios:
                    ${CONTENDERS.join(', ')}; ${SCENARIOS.join(', ')}
  --json            print the results as JSON (progress still goes to stderr)
  --profile         run every process with --cpu-prof into .bench-out/profiles/ and summarise
  --strict          exit with code 1 when a target is missed
  --dist <dir>      measure another build of lsadapter (a dist/ folder, e.g. of a patched
                    tree built with tsc --outDir) instead of this package's dist/
  --help`;

/** A flag is malformed. */
export class BenchArgsError extends Error {
  override name = 'BenchArgsError';
}

function positive(
  flag: string,
  text: string | undefined,
  fallback: number,
  integer = true,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new BenchArgsError(
      `--${flag} expects a positive ${integer ? 'integer' : 'number'}, got "${text}"`,
    );
  }
  return value;
}

function selection(only: string | undefined): Pick<BenchArgs, 'contenders' | 'scenarios'> {
  if (only === undefined) return { contenders: [...CONTENDERS], scenarios: [...SCENARIOS] };
  const names = only
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const known = new Set<string>([...CONTENDERS, ...SCENARIOS]);
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new BenchArgsError(
      `--only: unknown name(s) ${unknown.join(', ')}; use ${[...CONTENDERS, ...SCENARIOS].join(', ')}`,
    );
  }
  const contenders = CONTENDERS.filter((name) => names.includes(name));
  const scenarios = SCENARIOS.filter((name) => names.includes(name));
  return {
    contenders: contenders.length > 0 ? contenders : [...CONTENDERS],
    scenarios: scenarios.length > 0 ? scenarios : [...SCENARIOS],
  };
}

/** Parses `argv` (without node and the script); `null` when `--help` was asked for. */
export function parseBenchArgs(argv: string[]): BenchArgs | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      rounds: { type: 'string' },
      items: { type: 'string' },
      fields: { type: 'string' },
      pairs: { type: 'string' },
      pause: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      dist: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  return {
    durationS: positive('duration', values.duration, 2, false),
    rounds: positive('rounds', values.rounds, 3),
    items: positive('items', values.items, 10),
    fields: positive('fields', values.fields, 5),
    pairs: positive('pairs', values.pairs, 2000),
    pauseS: positive('pause', values.pause, 10, false),
    json: values.json,
    profile: values.profile,
    strict: values.strict,
    dist: values.dist === undefined ? undefined : resolve(values.dist),
    ...selection(values.only),
  };
}
