/**
 * The sink process of a bench run: this package's ProxySimulator on loopback, playing the Data
 * Proxy Adapter. In `count` recording it only counts `UD3` lines (no decoding), which is what the
 * throughput runs use; in `full` recording every line is decoded and the sequence numbers that
 * field `f0` carries are checked (slow-server run).
 */
import { performance } from 'node:perf_hooks';
import { ProxySimulator, type RecordedNotification } from 'lsadapter/testing';
import type { LatencyResult, SequenceReport, SinkAddress, SinkApi, SinkMark } from './apis.js';
import { SEQUENCE_BASE } from './contenders/pump.js';
import { serveCalls } from './ipc.js';
import { roundTrips } from './stats.js';

/** Follows `f0` across updates: each must be the previous one plus one. */
class SequenceTracker {
  received = 0;
  last = 0;
  breaks = 0;
  firstBreak: string | undefined;
  #waiter: { count: number; resolve(): void } | undefined;

  onNotification(notification: RecordedNotification): void {
    if (notification.message.method !== 'UD3' || !('fields' in notification)) return;
    const seq = Number(notification.fields.f0) - SEQUENCE_BASE;
    this.received++;
    if (seq !== this.last + 1) {
      this.breaks++;
      this.firstBreak ??= `after ${this.last} came ${seq}`;
    }
    this.last = Math.max(this.last, seq);
    if (this.#waiter !== undefined && this.received >= this.#waiter.count) this.#waiter.resolve();
  }

  /** Resolves once `count` updates arrived, or after `timeoutMs` (the report tells). */
  async waitFor(count: number, timeoutMs: number): Promise<Omit<SequenceReport, 'violations'>> {
    if (this.received < count) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#waiter = { count, resolve };
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      this.#waiter = undefined;
    }
    const report: Omit<SequenceReport, 'violations'> = {
      received: this.received,
      last: this.last,
      breaks: this.breaks,
    };
    if (this.firstBreak !== undefined) report.firstBreak = this.firstBreak;
    return report;
  }
}

let sim: ProxySimulator | undefined;
const sequence = new SequenceTracker();

function simulator(): ProxySimulator {
  if (sim === undefined) throw new Error('listen first');
  return sim;
}

function connection() {
  const open = simulator().connection;
  if (open === undefined) throw new Error('the adapter is not connected');
  return open;
}

async function latency(p: {
  pairs: number;
  prefix: string;
  budgetMs: number;
}): Promise<LatencyResult> {
  const s = simulator();
  const subs: number[] = [];
  const usbs: number[] = [];
  const deadline = performance.now() + p.budgetMs;
  for (let i = 0; i < p.pairs && performance.now() < deadline; i++) {
    const item = `${p.prefix}${i}`;
    let start = performance.now();
    const sub = await s.subscribe(item);
    subs.push(performance.now() - start);
    if (sub.error !== undefined) throw new Error(`SUB ${item} failed: ${sub.error.message}`);
    start = performance.now();
    await s.unsubscribe(item);
    usbs.push(performance.now() - start);
  }
  return { sub: roundTrips(subs), usb: roundTrips(usbs) };
}

const api: SinkApi = {
  async listen({ kind, recording }): Promise<SinkAddress> {
    sim = new ProxySimulator({
      kind,
      recording,
      maxRecordedLines: 1_000,
      requestTimeoutMs: 60_000,
    });
    if (recording === 'full') sim.on('notification', (n) => sequence.onNotification(n));
    await sim.start();
    return sim.address;
  },
  async ready({ timeoutMs }) {
    const open = await simulator().waitForConnection({ initialized: true, timeoutMs });
    const reply = open.initReply;
    if (reply?.error !== undefined) throw new Error(`init refused: ${reply.error.message}`);
    return { version: open.dialect.version };
  },
  async subscribe({ items }) {
    const replies = await Promise.all(items.map((item) => simulator().subscribe(item)));
    const failed = replies.find((reply) => reply.error !== undefined);
    if (failed?.error !== undefined) throw new Error(`SUB failed: ${failed.error.message}`);
  },
  async waitUpdates({ count, timeoutMs }) {
    await simulator().recorder.waitForUpdateCount(count, { timeoutMs });
  },
  mark(): SinkMark {
    const counters = simulator().recorder.counters;
    const cpu = process.cpuUsage();
    return {
      t: performance.now(),
      updates: counters.updates,
      bytes: counters.updateBytes,
      cpuUs: cpu.user + cpu.system,
    };
  },
  latency,
  pause() {
    connection().pauseReading();
  },
  resume() {
    connection().resumeReading();
  },
  async expect({ count, timeoutMs }) {
    const report = await sequence.waitFor(count, timeoutMs);
    return { ...report, violations: simulator().recorder.counters.violations };
  },
  async close() {
    await sim?.close();
  },
};

serveCalls(api);
