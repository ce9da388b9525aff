import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { handleShutdown, type Stoppable } from '../../src/host/shutdown.js';
import { withTimeout } from '../helpers/wait-for.js';

const noop = (): void => undefined;
const logger = { info: noop, warn: noop };

/** A host whose stop the test completes. */
function fakeHost(): Stoppable & { calls: number[]; finish(): void } {
  let finish: () => void = noop;
  const stopped = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const calls: number[] = [];
  return {
    calls,
    finish: () => finish(),
    stop: (deadlineMs?: number) => {
      calls.push(deadlineMs ?? -1);
      return stopped;
    },
  };
}

describe('handleShutdown', () => {
  it('stops the host once on the first signal and resolves with 0', async () => {
    const source = new EventEmitter();
    const host = fakeHost();
    const exits: number[] = [];
    const shutdown = handleShutdown({
      host,
      logger,
      source,
      forceExit: (code) => exits.push(code),
    });
    source.emit('SIGTERM', 'SIGTERM');
    // 4 s for the host leaves a second of the 5 s of SPEC §6 for logs, health server and exit.
    expect(host.calls).toEqual([4_000]);
    host.finish();
    expect(await withTimeout(shutdown.done, 1_000, 'done')).toBe(0);
    expect(exits).toEqual([]);
    shutdown.dispose();
    expect(source.listenerCount('SIGTERM')).toBe(0);
    expect(source.listenerCount('SIGINT')).toBe(0);
  });

  it('forces the exit with 1 on a second signal', async () => {
    const source = new EventEmitter();
    const host = fakeHost();
    const exits: number[] = [];
    const shutdown = handleShutdown({
      host,
      logger,
      source,
      forceExit: (code) => exits.push(code),
    });
    source.emit('SIGINT', 'SIGINT');
    source.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
    expect(host.calls).toHaveLength(1);
    shutdown.dispose();
  });

  it('reports the code given to trigger() (e.g. 1 when every connection gave up)', async () => {
    const source = new EventEmitter();
    const host = fakeHost();
    const shutdown = handleShutdown({ host, logger, source, deadlineMs: 100, forceExit: noop });
    const result = shutdown.trigger('every connection gave up', 1);
    source.emit('SIGTERM', 'SIGTERM');
    host.finish();
    expect(await result).toBe(1);
    expect(await shutdown.done).toBe(1);
    expect(host.calls).toEqual([100]);
    shutdown.dispose();
  });
});
