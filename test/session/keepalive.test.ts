import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  IdleKeepalive,
  type KeepaliveClock,
  type KeepaliveInitInfo,
  provisionalKeepaliveInterval,
  selectKeepaliveInterval,
} from '../../src/session/keepalive.js';

describe('keepalive interval selection (PROTOCOL.md §6.1)', () => {
  it.each([
    [undefined, 10_000],
    [5000, 5000],
    [0, null],
    [-1, null],
  ])('before init, configured %s → %s', (configured, expected) => {
    expect(provisionalKeepaliveInterval(configured)).toBe(expected);
  });

  // V60, line by line.
  it.each<[string, number | undefined, KeepaliveInitInfo, number | null]>([
    ['unset, hint 9000', undefined, { hintMs: 9000 }, 9000],
    ['unset, hint 500', undefined, { hintMs: 500 }, 1000],
    ['unset, hint 11000', undefined, { hintMs: 11_000 }, 10_000],
    ['unset, hint -510', undefined, { hintMs: -510 }, 10_000],
    ['5000, hint 4000', 5000, { hintMs: 4000 }, 4000],
    ['5000, hint 500', 5000, { hintMs: 500 }, 1000],
    ['6000, hint -500', 6000, { hintMs: -500 }, 6000],
    ['5000, no hint', 5000, {}, 5000],
    ['unset, 1.8.0 Proxy (no ARI.version, no hint)', undefined, { oldProxy: true }, 1000],
    ['unset, 1.9.1 Proxy without hint', undefined, {}, 10_000],
  ])('V60: configured %s → %s', (_, configured, init, expected) => {
    expect(selectKeepaliveInterval(configured, init)).toBe(expected);
  });

  // The remaining rows of the §6.1 table.
  it.each<[string, number | undefined, KeepaliveInitInfo, number | null]>([
    ['old Proxy, configured 5000: keep C', 5000, { oldProxy: true }, 5000],
    ['old Proxy, disabled: stay disabled', 0, { oldProxy: true }, null],
    [
      'refused version with a hint: the old-Proxy row wins',
      undefined,
      { oldProxy: true, hintMs: 3000 },
      1000,
    ],
    ['unset, hint 0: keep', undefined, { hintMs: 0 }, 10_000],
    ['unset, unparsable hint: keep', undefined, { hintMs: Number.NaN }, 10_000],
    ['unset, hint exactly 10000: keep', undefined, { hintMs: 10_000 }, 10_000],
    ['5000, hint 5000: keep C', 5000, { hintMs: 5000 }, 5000],
    ['5000, hint 8000: keep C', 5000, { hintMs: 8000 }, 5000],
    ['disabled, no hint: stay disabled', 0, {}, null],
    ['disabled, hint -1: stay disabled', 0, { hintMs: -1 }, null],
    ['disabled, hint 3000: enable at 3000', 0, { hintMs: 3000 }, 3000],
    ['disabled, hint 200: enable at 1000', 0, { hintMs: 200 }, 1000],
    ['configured below the minimum is kept', 500, { hintMs: 2000 }, 500],
  ])('%s', (_, configured, init, expected) => {
    expect(selectKeepaliveInterval(configured, init)).toBe(expected);
  });
});

describe('IdleKeepalive', () => {
  /** A connection whose writes the test makes; a keepalive counts as a write when sent. */
  let lastWrite: number;
  let sent: number[];
  let clock: KeepaliveClock;
  const target = {
    lastWriteAt: () => lastWrite,
    sendKeepalive: () => {
      sent.push(Date.now());
      lastWrite = Date.now();
    },
  };
  const running: IdleKeepalive[] = [];
  const start = (intervalMs: number | null): IdleKeepalive => {
    const keepalive = new IdleKeepalive(target, intervalMs, clock);
    running.push(keepalive);
    return keepalive;
  };
  const writeAt = (time: number): void => {
    vi.advanceTimersByTime(time - Date.now());
    lastWrite = Date.now();
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    lastWrite = 0;
    sent = [];
    clock = {
      now: () => Date.now(),
      setTimeout: vi.fn((callback: () => void, ms: number) => setTimeout(callback, ms)),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
  });
  afterEach(() => {
    for (const keepalive of running.splice(0)) keepalive.stop();
    vi.useRealTimers();
  });

  it('V59: follows a 3000 ms hint: nothing within 2500 ms of idle, one by 3500 ms', () => {
    // RAC written at t=0 with the provisional interval; the init arrives and is answered at once.
    const keepalive = start(provisionalKeepaliveInterval(undefined));
    keepalive.setInterval(selectKeepaliveInterval(undefined, { hintMs: 3000 }));
    vi.advanceTimersByTime(2500);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([3000]);
  });

  it('sends once per interval on an idle connection', () => {
    start(1000);
    vi.advanceTimersByTime(3500);
    expect(sent).toEqual([1000, 2000, 3000]);
  });

  it('sends nothing while other lines flow, then one interval after the last write', () => {
    start(1000);
    for (let t = 400; t <= 10_000; t += 400) writeAt(t);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([11_000]);
  });

  it('re-arms for the missing time instead of a full interval', () => {
    start(1000);
    writeAt(600);
    vi.advanceTimersByTime(1000); // the timer fired at t=1000 with 400 ms of idle
    expect(sent).toEqual([1600]);
  });

  it('arms one timer however many lines are written', () => {
    start(1000);
    for (let t = 1; t <= 999; t++) writeAt(t);
    expect(clock.setTimeout).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('applies a new interval at once, counting the idle time so far', () => {
    const keepalive = start(10_000);
    vi.advanceTimersByTime(4000);
    keepalive.setInterval(3000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([4000]);
    vi.advanceTimersByTime(3000);
    expect(sent).toEqual([4000, 7000]);
    expect(keepalive.intervalMs).toBe(3000);
  });

  it('starts disabled with null and can be enabled later', () => {
    const keepalive = start(null);
    vi.advanceTimersByTime(60_000);
    expect(sent).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    keepalive.setInterval(2000);
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([60_000]); // idle for a minute already
    vi.advanceTimersByTime(2000);
    expect(sent).toEqual([60_000, 62_000]);
  });

  it('stops with setInterval(null) and with stop(), leaving no timer', () => {
    const first = start(1000);
    first.setInterval(null);
    expect(vi.getTimerCount()).toBe(0);
    const second = start(1000);
    vi.advanceTimersByTime(1000);
    second.stop();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([1000]);
    expect(vi.getTimerCount()).toBe(0);
    expect(second.intervalMs).toBeNull();
  });

  it('does not re-arm when sending stopped it', () => {
    const keepalive = new IdleKeepalive(
      { lastWriteAt: () => 0, sendKeepalive: () => keepalive.stop() },
      1000,
      clock,
    );
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
