/**
 * Summarises V8 `.cpuprofile` files (as written by `node --cpu-prof`): self time per function
 * and per file, idle excluded, highest first. Used by `run.ts --profile`, and on its own:
 *
 *   node --import tsx test/bench/profile-summary.ts .bench-out/profiles/lsadapter-single_*.cpuprofile
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function (or file), over every profile summarised. */
export interface SelfTime {
  name: string;
  /** Milliseconds. */
  ms: number;
  /** Share of the busy (non-idle) time, 0–1. */
  share: number;
}

/** Self times by function, by file, and by what the time was spent on. */
export interface ProfileSummary {
  /** Busy milliseconds in all. */
  busyMs: number;
  functions: SelfTime[];
  files: SelfTime[];
  categories: SelfTime[];
}

const HARNESS_FILES = /\/(pump|lsadapter|official|raw|adapter-main|contender|sink|ipc)\.js$/;

/** Buckets a sampled function into what a reader of the hot path cares about. */
export function categoryOf(functionName: string, url: string): string {
  if (url.includes('/dist/testing/')) return 'ProxySimulator (dist/testing/)';
  if (url.includes('/dist/')) return 'lsadapter SDK (dist/)';
  if (url.includes('/lightstreamer-adapter/')) return 'official SDK';
  if (HARNESS_FILES.test(url)) return 'bench harness (update producer, IPC)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (/^write(Buffer|Utf8String|Latin1String|v)$/.test(functionName)) {
    return 'socket write syscalls (writeBuffer/writeUtf8String)';
  }
  if (url === 'node:buffer' || url === 'node:internal/buffer') return 'Buffer creation and copies';
  if (functionName.startsWith('RegExp:')) return 'regular expressions';
  if (url === '' && functionName === '') return 'native code without a name (string flattening, …)';
  if (url.startsWith('node:internal/stream') || url === 'node:net') return 'Node streams and net';
  return 'other (startup, timers, …)';
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const marker = url.lastIndexOf('/node_modules/');
  if (marker !== -1) return url.slice(marker + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist !== -1) return url.slice(dist + 1);
  return url.startsWith('node:') ? url : basename(url);
}

function add(table: Map<string, number>, key: string, ms: number): void {
  table.set(key, (table.get(key) ?? 0) + ms);
}

function ranked(table: Map<string, number>, busyMs: number, top: number): SelfTime[] {
  return [...table.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ name, ms, share: busyMs === 0 ? 0 : ms / busyMs }));
}

/** Adds up the self time of every sampled function in `profiles`. */
export function summarise(profiles: readonly CpuProfile[], top = 15): ProfileSummary {
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byCategory = new Map<string, number>();
  let busyMs = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    for (let i = 0; i < profile.samples.length; i++) {
      const node = nodes.get(profile.samples[i] as number);
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      if (node === undefined || node.callFrame.functionName === '(idle)') continue;
      busyMs += ms;
      const { functionName, url, lineNumber } = node.callFrame;
      const file = shortUrl(url);
      const where = file === '' ? '' : ` ${file}:${lineNumber + 1}`;
      add(byFunction, `${functionName || '(anonymous)'}${where}`, ms);
      add(byFile, file || functionName, ms);
      add(byCategory, categoryOf(functionName, url), ms);
    }
  }
  return {
    busyMs,
    functions: ranked(byFunction, busyMs, top),
    files: ranked(byFile, busyMs, top),
    categories: ranked(byCategory, busyMs, top),
  };
}

/** Reads and summarises `.cpuprofile` files. */
export async function summariseFiles(paths: readonly string[], top = 15): Promise<ProfileSummary> {
  const profiles = await Promise.all(
    paths.map(async (path) => JSON.parse(await readFile(path, 'utf8')) as CpuProfile),
  );
  return summarise(profiles, top);
}

/** Renders a summary as aligned lists: by category, then the top `top` functions. */
export function formatSummary(title: string, summary: ProfileSummary, top = 15): string {
  const row = (t: SelfTime) =>
    `  ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(6)} ms  ${t.name}`;
  return [
    `${title}: ${summary.busyMs.toFixed(0)} ms busy (self time, idle excluded)`,
    ' by category:',
    ...summary.categories.map(row),
    ' by function:',
    ...summary.functions.slice(0, top).map(row),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    process.stderr.write('usage: profile-summary.ts <file.cpuprofile>…\n');
    process.exitCode = 2;
  } else {
    const summary = await summariseFiles(paths, 25);
    const byFile = summary.files.map(
      (t) =>
        `  ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(6)} ms  ${t.name}`,
    );
    process.stdout.write(
      `${formatSummary(paths.join(', '), summary, 25)}\n by file:\n${byFile.join('\n')}\n`,
    );
  }
}
