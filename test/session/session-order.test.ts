/** Per-session ordering of metadata requests (PROTOCOL.md §5.1: NSC never overtakes its NNS). */
import { describe, expect, it } from 'vitest';
import { handleMetadataRequest } from '../../src/session/metadata-handlers.js';
import { orderedSessionOf, SessionOrder } from '../../src/session/session-order.js';
import { decodeMetadataRequest, recordingLogger, V183, V191 } from './metadata-test-kit.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets every pending callback of this turn and the next run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SessionOrder', () => {
  it('starts a task only after the earlier tasks of its key have settled', async () => {
    const order = new SessionOrder();
    const gate = deferred();
    const log: string[] = [];
    const first = order.run('S1', async () => {
      log.push('first start');
      await gate.promise;
      log.push('first end');
    });
    const second = order.run('S1', () => {
      log.push('second');
      return 'done';
    });
    await nextTurn();
    expect(log).toEqual(['first start']);
    gate.resolve();
    expect(await second).toBe('done');
    await first;
    expect(log).toEqual(['first start', 'first end', 'second']);
  });

  it('runs tasks of other keys meanwhile', async () => {
    const order = new SessionOrder();
    const gate = deferred();
    const blocked = order.run('S1', () => gate.promise);
    expect(await order.run('S2', () => 'free')).toBe('free');
    await nextTurn();
    expect(order.size).toBe(1); // S1 only: S2's queue emptied
    gate.resolve();
    await blocked;
  });

  it('keeps going after a failed task, and forgets keys whose queue is empty', async () => {
    const order = new SessionOrder();
    const failed = order.run('S1', () => {
      throw new Error('boom');
    });
    const next = order.run('S1', () => 'next');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('next');
    await nextTurn();
    expect(order.size).toBe(0);
  });
});

describe('orderedSessionOf', () => {
  const cases: Array<[string, string | null]> = [
    ['X|NNS|S|u|S|S1', 'S1'],
    ['X|NNT|S|u|S|S1|I|1|M|M|S|g|S|DA|S|s|I|1|I|1|S|#|I|0', 'S1'],
    ['X|NTC|S|S1', 'S1'],
    ['X|NSC|S|S1', 'S1'],
    ['X|NSC|S|#', ''],
    ['X|NUM|S|u|S|S1|S|m', null],
    ['X|GIS|S|u|S|g|S|S1', null],
    ['X|NUS|S|u|S|p', null],
    ['X|MDA|S|u|S|S1|P|A|S|a|S|t', null],
  ];
  it.each(cases)('%s → %j', (line, expected) => {
    expect(orderedSessionOf(decodeMetadataRequest(line, V191))).toBe(expected);
  });
});

describe('ordered metadata dispatch', () => {
  it("never lets a session's NSC reach the provider before its NNS completed", async () => {
    const order = new SessionOrder();
    const gate = deferred();
    const log: string[] = [];
    const provider = {
      notifyNewSession: async (_user: string | null, sessionId: string) => {
        log.push(`NNS ${sessionId}`);
        await gate.promise;
        log.push(`NNS ${sessionId} done`);
      },
      notifySessionClose: (sessionId: string) => {
        log.push(`NSC ${sessionId}`);
      },
    };
    const context = { dialect: V183, logger: recordingLogger() };
    const dispatch = (line: string) => {
      const request = decodeMetadataRequest(line, V183);
      const key = orderedSessionOf(request);
      const serve = () => handleMetadataRequest(provider, request, context);
      return key === null ? serve() : order.run(key, serve);
    };
    const nns = dispatch('A|NNS|S|u|S|S1');
    const nsc = dispatch('B|NSC|S|S1');
    const other = dispatch('C|NSC|S|S2');
    expect(await other).toBe('C|NSC|V');
    expect(log).toEqual(['NNS S1', 'NSC S2']);
    gate.resolve();
    expect(await nsc).toBe('B|NSC|V');
    expect(await nns).toBe('A|NNS|V');
    expect(log).toEqual(['NNS S1', 'NSC S2', 'NNS S1 done', 'NSC S1']);
  });
});
