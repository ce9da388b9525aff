/**
 * Runner side of one bench run: a sink process and an adapter process connected to each other.
 * Both are forked fresh for every run, so CPU time and peak RSS belong to that run alone.
 */
import {
  type AdapterApi,
  type AdapterFinal,
  type ContenderName,
  type SinkApi,
  sinkKindFor,
} from './apis.js';
import { ChildHandle } from './child-handle.js';
import { LOAD_ITEM_PREFIX } from './contenders/pump.js';

/** What every run needs from the runner. */
export interface BenchContext {
  /** The compiled entry points. */
  scripts: { sink: string; adapter: string };
  /** Load items the sink subscribes. */
  items: number;
  /** Fields per update. */
  fields: number;
  /** Another build of this package to measure instead of `dist/` (`--dist`). */
  sdkDist: string | undefined;
  /** Where `--cpu-prof` writes, or undefined when not profiling. */
  profileDir: string | undefined;
  /** Progress output (stderr). */
  log(line: string): void;
}

/** A connected sink + adapter. */
export interface Pair {
  sink: ChildHandle<SinkApi>;
  adapter: ChildHandle<AdapterApi>;
  /** The protocol version the adapter negotiated. */
  version: string;
}

/** Bound on connecting and the init handshake. */
const CONNECT_TIMEOUT_MS = 15_000;

/** Names of the `count` load items: `item0`, `item1`, … */
export function loadItems(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${LOAD_ITEM_PREFIX}${i}`);
}

function profileArgs(ctx: BenchContext, name: string): string[] {
  if (ctx.profileDir === undefined) return [];
  return ['--cpu-prof', '--cpu-prof-dir', ctx.profileDir, '--cpu-prof-name', `${name}.cpuprofile`];
}

/** Forks a sink, then an adapter of `contender`, and waits for their handshake. */
export async function startPair(
  ctx: BenchContext,
  contender: ContenderName,
  recording: 'count' | 'full',
  label: string,
): Promise<Pair> {
  const sink = ChildHandle.fork<SinkApi>(ctx.scripts.sink, {
    name: `sink for ${contender}`,
    execArgv: profileArgs(ctx, `sink_${label}`),
  });
  const address = await sink.call('listen', { kind: sinkKindFor(contender), recording });
  const adapter = ChildHandle.fork<AdapterApi>(ctx.scripts.adapter, {
    name: contender,
    execArgv: profileArgs(ctx, label),
  });
  const [, ready] = await Promise.all([
    adapter.call(
      'connect',
      { ...address, contender, fields: ctx.fields, sdkDist: ctx.sdkDist },
      // Longer than the sink's bound: its timeout error tells what it saw of the handshake.
      CONNECT_TIMEOUT_MS + 5_000,
    ),
    sink.call('ready', { timeoutMs: CONNECT_TIMEOUT_MS }, CONNECT_TIMEOUT_MS + 1_000),
  ]);
  return { sink, adapter, version: ready.version };
}

/** Stops the adapter (it closes its connections), closes the sink, waits for both to exit. */
export async function endPair(pair: Pair): Promise<AdapterFinal> {
  const final = await pair.adapter.call('stop', {});
  await pair.sink.call('close', {});
  await Promise.all([pair.adapter.finish(), pair.sink.finish()]);
  return final;
}

/** Waits `ms` milliseconds (the runner's measurement windows). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
