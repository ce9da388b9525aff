/**
 * The adapter process of a bench run: started by the runner, it connects one contender to the
 * sink and reports its own CPU time and memory, so that every figure is per contender.
 */
import { performance } from 'node:perf_hooks';
import type { AdapterApi, AdapterFinal, AdapterMark, ConnectParams } from '../apis.js';
import { serveCalls } from '../ipc.js';
import type { RunningContender, StartContender } from './contender.js';
import { startLsadapter } from './lsadapter.js';
import { startOfficial } from './official.js';
import { startRaw } from './raw.js';

const STARTERS: Record<ConnectParams['contender'], StartContender> = {
  'lsadapter-single': startLsadapter,
  'lsadapter-two': startLsadapter,
  'official-1.5.3': startOfficial,
  raw: startRaw,
};

let running: RunningContender | undefined;
let baselineRss = 0;

function mark(): AdapterMark {
  const cpu = process.cpuUsage();
  return {
    t: performance.now(),
    cpuUs: cpu.user + cpu.system,
    updates: running?.updates ?? 0,
    signals: running?.signals ?? 0,
    waiting: running?.waiting ?? false,
    queuedBytes: running?.queuedBytes ?? 0,
    rss: process.memoryUsage.rss(),
  };
}

const api: AdapterApi = {
  async connect(params: ConnectParams): Promise<void> {
    if (running !== undefined) throw new Error('already connected');
    running = await STARTERS[params.contender](params);
    baselineRss = process.memoryUsage.rss();
  },
  mark,
  halt(): AdapterMark {
    running?.halt();
    return mark();
  },
  async stop(): Promise<AdapterFinal> {
    const last = mark();
    await running?.stop();
    // maxRSS is in KiB.
    return { ...last, maxRss: process.resourceUsage().maxRSS * 1024, baselineRss };
  },
};

serveCalls(api);
