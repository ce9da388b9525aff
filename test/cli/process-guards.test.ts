/** Unhandled promise rejections are logged, not fatal, while `start` or `dev` runs. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { logUnhandledRejections } from '../../src/cli/process-guards.js';

describe('logUnhandledRejections', () => {
  it('logs each rejection with its reason until released', () => {
    const source = new EventEmitter();
    const lines: Array<[object, string | undefined]> = [];
    const release = logUnhandledRejections(
      { error: (fields, message) => lines.push([fields, message]) },
      source,
    );
    const reason = new Error('feed offline');
    source.emit('unhandledRejection', reason);
    source.emit('unhandledRejection', 'a bare string');
    expect(lines).toEqual([
      [
        { err: reason },
        'Unhandled promise rejection (an adapter let a promise fail without catching it): feed offline',
      ],
      [
        { err: 'a bare string' },
        'Unhandled promise rejection (an adapter let a promise fail without catching it): a bare string',
      ],
    ]);
    release();
    expect(source.listenerCount('unhandledRejection')).toBe(0);
  });
});
